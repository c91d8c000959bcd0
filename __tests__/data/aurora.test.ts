import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App } from "cdktf";
import { buildApp } from "../../main";
import { cidrsOverlap } from "../../modules/config/cidr";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { MASTER_USERNAME } from "../../modules/data/aurora";
import { PROXY_DATABASE_USERS } from "../../modules/data/database-users";
import { EnvironmentConfig } from "../../modules/config/schema";
import { NetworkModel, cidrOf, cidrWithin } from "../support/network";
import { conditionValues, statementsOf } from "../support/policy";
import { expectRefTo, referencedResource, refersTo } from "../support/refs";
import { SynthResource, SynthesizedApp, allResources, synthesize } from "../support/synth";

/** What each environment must synthesize, written down independently of the config. */
const EXPECTED = {
  dev: { instances: 1, distinctAzs: 1, backupRetentionDays: 7, logRetentionDays: 365 },
  prod: { instances: 2, distinctAzs: 2, backupRetentionDays: 35, logRetentionDays: 2192 },
} as const;
type EnvName = keyof typeof EXPECTED;
const ENV_NAMES = Object.keys(EXPECTED) as EnvName[];

const MYSQL = 3306;
const LOG_EXPORTS = ["audit", "error", "slowquery"];
/** Advanced Auditing events that copy statement text with literal values (PHI) into the logs. */
const STATEMENT_TEXT_EVENTS = ["QUERY", "QUERY_DML", "QUERY_DML_NO_SELECT"];
/** UK clinic hours, 07:00-19:00 London, in UTC under both GMT and BST. */
const CLINIC_HOURS_UTC = { from: 6 * 60, to: 19 * 60 };

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const of = (type: string, stack: string) => app.resources(type, stack);
const only = (resources: SynthResource[], what: string): SynthResource => {
  if (resources.length !== 1) throw new Error(`expected exactly one ${what}, found ${resources.length}`);
  return resources[0];
};
/** The resource a value of `stack` refers to (across stacks too). */
const target = (stack: string, value: unknown) => referencedResource(app, stack, value);
/** The resource at a construct path of a stack. */
const resourceAt = (stack: string, path: string) =>
  only(allResources(stack, app.stacks[stack]).filter((r) => r.path === `${stack}/${path}`), `${stack}/${path}`);
const securityResource = (envName: string, path: string) => resourceAt(`${envName}-security`, path);
const dataKeyOf = (envName: string) => securityResource(envName, "keys/data/key");
const logsKeyOf = (envName: string) => securityResource(envName, "keys/logs/key");
const boundaryOf = (envName: string) => securityResource(envName, "workload-boundary/policy");

const expectRef = (stack: string, value: unknown, resource: SynthResource, attribute: string) =>
  expectRefTo(app, stack, value, resource, attribute);

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/** True when a window "hh:mm-hh:mm" or "ddd:hh:mm-ddd:hh:mm" (UTC) avoids clinic hours on every day. */
function outsideClinicHours(window: string): boolean {
  const [start, end] = window.split("-").map((t) => minutes(t.replace(/^[a-z]{3}:/, "")));
  const spans = end > start ? [[start, end]] : [[start, 24 * 60], [0, end]];
  return spans.every(([from, to]) => to <= CLINIC_HOURS_UTC.from || from >= CLINIC_HOURS_UTC.to);
}

function policyStatements(role: SynthResource) {
  const policies = app.resources("aws_iam_role_policy", role.stack).filter((p) => refersTo(app, role.stack, p.values.role, role, "name"));
  expect(policies).toHaveLength(1);
  return statementsOf(policies[0].values.policy);
}

describe.each(ENV_NAMES)("%s-data: Aurora", (envName) => {
  const env: EnvironmentConfig = ENVIRONMENTS[envName];
  const expected = EXPECTED[envName];
  const stack = `${envName}-data`;
  let cluster: SynthResource;
  let instances: SynthResource[];
  let net: NetworkModel;

  beforeAll(() => {
    cluster = only(of("aws_rds_cluster", stack), "aws_rds_cluster");
    instances = of("aws_rds_cluster_instance", stack);
    net = new NetworkModel(app, `${envName}-network`);
  });

  it("is Aurora MySQL 3, pinned, with engine upgrades left to auto minor version upgrade", () => {
    expect(cluster.values.engine).toBe("aurora-mysql");
    expect(cluster.values.engine_version).toMatch(/^8\.0\.mysql_aurora\.3\.\d{2}\.\d+$/);
    expect(cluster.values.lifecycle?.ignore_changes).toEqual(["engine_version"]);
    expect(cluster.values.database_name).toBe(env.database.databaseName);
    expect(cluster.values.port).toBe(MYSQL);
  });

  it("encrypts storage and the managed master secret with the security stack's data key", () => {
    expect(cluster.values.storage_encrypted).toBe(true);
    expectRef(stack, cluster.values.kms_key_id, dataKeyOf(envName), "arn");
    expect(cluster.values.manage_master_user_password).toBe(true);
    expectRef(stack, cluster.values.master_user_secret_kms_key_id, dataKeyOf(envName), "arn");
  });

  it("has IAM database authentication and no password attribute", () => {
    expect(cluster.values.iam_database_authentication_enabled).toBe(true);
    for (const attribute of ["master_password", "master_password_wo", "master_password_wo_version"]) {
      expect(cluster.values).not.toHaveProperty(attribute);
    }
  });

  it("is protected from deletion, backed up for the environment's retention, with tagged and final snapshots", () => {
    expect(cluster.values.deletion_protection).toBe(true);
    expect(cluster.values.backup_retention_period).toBe(expected.backupRetentionDays);
    expect(cluster.values.copy_tags_to_snapshot).toBe(true);
    expect(cluster.values.skip_final_snapshot).toBe(false);
    expect(cluster.values.final_snapshot_identifier).toBe(`${cluster.values.cluster_identifier}-final`);
    expect(cluster.values.delete_automated_backups).toBe(false);
  });

  it("backs up and is maintained outside UK clinic hours, in windows that do not overlap", () => {
    expect(outsideClinicHours(cluster.values.preferred_backup_window)).toBe(true);
    expect(outsideClinicHours(cluster.values.preferred_maintenance_window)).toBe(true);
    const backup = cluster.values.preferred_backup_window.split("-").map(minutes);
    const maintenance = cluster.values.preferred_maintenance_window.split("-").map((t: string) => minutes(t.slice(4)));
    expect(backup[1] <= maintenance[0] || backup[0] >= maintenance[1]).toBe(true);
  });

  it("exports audit, error and slowquery logs to pre-created groups encrypted with the logs key", () => {
    expect([...cluster.values.enabled_cloudwatch_logs_exports].sort()).toEqual(LOG_EXPORTS);
    for (const log of LOG_EXPORTS) {
      const group = only(
        of("aws_cloudwatch_log_group", stack).filter((g) => g.values.name === `/aws/rds/cluster/${cluster.values.cluster_identifier}/${log}`),
        `${log} log group`,
      );
      expectRef(stack, group.values.kms_key_id, logsKeyOf(envName), "arn");
      expect(group.values.retention_in_days).toBe(expected.logRetentionDays);
      expect(cluster.values.depends_on).toContain(group.address);
    }
  });

  it("lives in the data-tier subnets and its own security group, with the declared cluster parameter group", () => {
    const subnetGroup = target(stack, cluster.values.db_subnet_group_name)!;
    expect(subnetGroup.type).toBe("aws_db_subnet_group");
    const subnets = subnetGroup.values.subnet_ids.map((id: string) => target(stack, id)?.address).sort();
    expect(subnets).toEqual(net.subnetsOf("data").map((s) => s.address).sort());
    expect(cluster.values.vpc_security_group_ids).toHaveLength(1);
    expect(target(stack, cluster.values.vpc_security_group_ids[0])?.path).toBe(`${stack}/aurora/security-group`);
    expect(target(stack, cluster.values.db_cluster_parameter_group_name)?.type).toBe("aws_rds_cluster_parameter_group");
  });

  it(`has ${expected.instances} instance(s) in ${expected.distinctAzs} AZ(s), each in an AZ of the data tier`, () => {
    expect(instances).toHaveLength(expected.instances);
    expect(instances).toHaveLength(env.database.instances);
    const azs = instances.map((i) => i.values.availability_zone);
    expect(new Set(azs).size).toBe(expected.distinctAzs);
    const dataAzs = net.subnetsOf("data").map((s) => s.values.availability_zone);
    for (const az of azs) expect(dataAzs).toContain(az);
    // The writer (promotion tier 0) is the first instance; readers follow in order.
    expect(instances.map((i) => i.values.promotion_tier).sort()).toEqual(instances.map((_, i) => i));
  });

  it("makes the single-AZ policy list agree with the config: an environment with one instance is listed", () => {
    const list = JSON.parse(readFileSync(join(__dirname, "..", "..", "policies", "data", "single_az_environments.json"), "utf8"));
    expect(list.single_az_environments.includes(envName)).toBe(expected.instances < 2);
    if (expected.instances < 2) expect(list.single_az_reasons[envName].length).toBeGreaterThanOrEqual(30);
  });
});

describe("every Aurora cluster, instance and parameter group of every environment", () => {
  const stackOf = (r: SynthResource) => r.stack.replace(/-data$/, "");

  it("exists once per environment, in the data stack only", () => {
    expect(app.resources("aws_rds_cluster").map((c) => c.stack).sort()).toEqual(ENV_NAMES.map((e) => `${e}-data`).sort());
  });

  it("cluster parameter groups require TLS 1.2+ and audit logins, grants and schema changes without copying statement text", () => {
    const groups = app.resources("aws_rds_cluster_parameter_group");
    expect(groups.length).toBe(ENV_NAMES.length);
    for (const group of groups) {
      const parameters = Object.fromEntries(group.values.parameter.map((p: any) => [p.name, String(p.value)]));
      expect(group.values.family).toBe("aurora-mysql8.0");
      expect(parameters.require_secure_transport).toBe("ON");
      expect(parameters.tls_version.split(",").sort()).toEqual(["TLSv1.2", "TLSv1.3"]);
      expect(parameters.server_audit_logging).toBe("1");
      const events = parameters.server_audit_events.split(",");
      expect(events).toEqual(expect.arrayContaining(["CONNECT", "QUERY_DCL", "QUERY_DDL", "TABLE"]));
      for (const event of STATEMENT_TEXT_EVENTS) expect(events).not.toContain(event);
      // Every cluster that uses it is in the same stack.
      const users = app.resources("aws_rds_cluster", group.stack).filter((c) => refersTo(app, c.stack, c.values.db_cluster_parameter_group_name, group, "name"));
      expect(users).toHaveLength(1);
    }
  });

  it("instance parameter groups write the slow-query log to a file (so its export has content)", () => {
    for (const instance of app.resources("aws_rds_cluster_instance")) {
      const group = target(instance.stack, instance.values.db_parameter_group_name)!;
      expect(group.type).toBe("aws_db_parameter_group");
      const parameters = Object.fromEntries(group.values.parameter.map((p: any) => [p.name, String(p.value)]));
      expect(parameters).toMatchObject({ slow_query_log: "1", log_output: "FILE" });
    }
  });

  it("instances belong to their stack's cluster, are private and auto-patched, with the configured class", () => {
    for (const instance of app.resources("aws_rds_cluster_instance")) {
      const env = ENVIRONMENTS[stackOf(instance)];
      const cluster = only(app.resources("aws_rds_cluster", instance.stack), "cluster");
      expectRef(instance.stack, instance.values.cluster_identifier, cluster, "id");
      expect(instance.values.engine).toBe("aurora-mysql");
      expect(instance.values.instance_class).toBe(env.database.instanceClass);
      expect(instance.values.publicly_accessible).toBe(false);
      expect(instance.values.auto_minor_version_upgrade).toBe(true);
      expect(instance.values.ca_cert_identifier).toBe("rds-ca-rsa2048-g1");
    }
  });

  it("instances have Enhanced Monitoring through the monitoring role and Performance Insights with the data key", () => {
    for (const instance of app.resources("aws_rds_cluster_instance")) {
      const envName = stackOf(instance);
      expect([1, 5, 10, 15, 30, 60]).toContain(instance.values.monitoring_interval);
      expect(target(instance.stack, instance.values.monitoring_role_arn)?.path).toBe(`${instance.stack}/aurora/monitoring-role/role`);
      expect(instance.values.performance_insights_enabled).toBe(true);
      expectRef(instance.stack, instance.values.performance_insights_kms_key_id, dataKeyOf(envName), "arn");
      expect(instance.values.performance_insights_retention_period).toBeGreaterThanOrEqual(7);
    }
  });

  it("RDSOSMetrics exists once per environment (account and region), encrypted with the logs key, before any instance", () => {
    for (const envName of ENV_NAMES) {
      const groups = Object.keys(app.stacks)
        .filter((s) => s.startsWith(`${envName}-`))
        .flatMap((s) => app.resources("aws_cloudwatch_log_group", s))
        .filter((g) => g.values.name === "RDSOSMetrics");
      const group = only(groups, `${envName} RDSOSMetrics group`);
      expect(group.stack).toBe(`${envName}-data`);
      expectRef(group.stack, group.values.kms_key_id, logsKeyOf(envName), "arn");
      for (const instance of app.resources("aws_rds_cluster_instance", group.stack)) expect(instance.values.depends_on).toContain(group.address);
    }
  });
});

describe.each(ENV_NAMES)("%s-data: RDS Proxy", (envName) => {
  const stack = `${envName}-data`;
  let proxy: SynthResource;
  let cluster: SynthResource;

  beforeAll(() => {
    proxy = only(of("aws_db_proxy", stack), "aws_db_proxy");
    cluster = only(of("aws_rds_cluster", stack), "aws_rds_cluster");
  });

  it("requires TLS and IAM authentication of every client, and never logs SQL text", () => {
    expect(proxy.values.engine_family).toBe("MYSQL");
    expect(proxy.values.require_tls).toBe(true);
    expect(proxy.values.debug_logging).toBe(false);
    expect(proxy.values.idle_client_timeout).toBeGreaterThanOrEqual(60);
    expect(proxy.values.idle_client_timeout).toBeLessThanOrEqual(1800);
    expect(proxy.values.auth.length).toBeGreaterThan(0);
    for (const auth of proxy.values.auth) {
      expect(auth.iam_auth).toBe("REQUIRED");
      expect(auth.auth_scheme).toBe("SECRETS");
    }
  });

  it("signs in as exactly the function and persona users, each with its own secret under the data key, never as the master user", () => {
    const secrets = proxy.values.auth.map((auth: { secret_arn: string }) => referencedResource(app, stack, auth.secret_arn)!);
    for (const auth of proxy.values.auth) expect(auth.secret_arn).not.toContain("master_user_secret");
    expect(new Set(secrets.map((s: SynthResource) => s.address)).size).toBe(secrets.length);
    expect(secrets.map((s: SynthResource) => s.values.name).sort()).toEqual(PROXY_DATABASE_USERS.map((u) => `medicare-${envName}-db-user-${u.replace(/_/g, "-")}`).sort());
    for (const secret of secrets) {
      expect(secret.type).toBe("aws_secretsmanager_secret");
      expectRef(stack, secret.values.kms_key_id, dataKeyOf(envName), "arn");
      expect(of("aws_secretsmanager_secret_rotation", stack).filter((r) => r.values.secret_id === `\${${secret.address}.id}`)).toHaveLength(1);
    }
    expect(PROXY_DATABASE_USERS).not.toContain(MASTER_USERNAME);
  });

  it("runs in the data tier, fronts the cluster with a bounded connection pool, and logs to its encrypted group", () => {
    const net = new NetworkModel(app, `${envName}-network`);
    const subnets = proxy.values.vpc_subnet_ids.map((id: string) => target(stack, id)?.address).sort();
    expect(subnets).toEqual(net.subnetsOf("data").map((s) => s.address).sort());
    const group = only(of("aws_db_proxy_default_target_group", stack), "default target group");
    expectRef(stack, group.values.db_proxy_name, proxy, "name");
    expect(group.values.connection_pool_config.max_connections_percent).toBeLessThan(100);
    const proxyTarget = only(of("aws_db_proxy_target", stack), "proxy target");
    expectRef(stack, proxyTarget.values.db_cluster_identifier, cluster, "cluster_identifier");
    expectRef(stack, proxyTarget.values.target_group_name, group, "name");
    const logGroup = only(of("aws_cloudwatch_log_group", stack).filter((g) => g.values.name === `/aws/rds/proxy/${proxy.values.name}`), "proxy log group");
    expectRef(stack, logGroup.values.kms_key_id, logsKeyOf(envName), "arn");
    expect(proxy.values.depends_on).toContain(logGroup.address);
  });
});

describe.each(ENV_NAMES)("%s-data: service roles", (envName) => {
  const env = ENVIRONMENTS[envName];
  const stack = `${envName}-data`;
  const roleAt = (path: string) => only(of("aws_iam_role", stack).filter((r) => r.path === `${stack}/${path}`), path);

  it.each([
    ["aurora/monitoring-role/role", "monitoring.rds.amazonaws.com", `arn:aws:rds:${env.region}:${env.accountId}:db:medicare-${envName}-aurora-*`],
    ["aurora-proxy/role/role", "rds.amazonaws.com", `arn:aws:rds:${env.region}:${env.accountId}:db-proxy:*`],
  ])("%s is assumed only by %s for this account's resources and carries the boundary", (path, service, sourceArn) => {
    const role = roleAt(path);
    expectRef(stack, role.values.permissions_boundary, boundaryOf(envName), "arn");
    const trust = statementsOf(role.values.assume_role_policy);
    expect(trust).toHaveLength(1);
    expect(trust[0].principals).toEqual({ Service: [service] });
    expect(conditionValues(trust[0], "aws:SourceAccount", ["StringEquals"])).toEqual([env.accountId]);
    expect(conditionValues(trust[0], "aws:SourceArn", ["ArnLike"])).toEqual([sourceArn]);
  });

  it("the monitoring role may only write streams of RDSOSMetrics (no retention change, no reads)", () => {
    const group = only(of("aws_cloudwatch_log_group", stack).filter((g) => g.values.name === "RDSOSMetrics"), "RDSOSMetrics");
    const groupArn = `\${${group.address}.arn}`;
    const statements = policyStatements(roleAt("aurora/monitoring-role/role"));
    const actions = statements.flatMap((s) => s.actions).sort();
    expect(actions).toEqual(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]);
    for (const statement of statements) {
      expect(statement.effect).toBe("Allow");
      for (const resource of statement.resources) expect([groupArn, `${groupArn}:*`]).toContain(resource);
    }
  });

  it("the proxy role may only read its users' secrets (not the master's) and decrypt them through Secrets Manager", () => {
    const proxy = only(of("aws_db_proxy", stack), "aws_db_proxy");
    const statements = policyStatements(roleAt("aurora-proxy/role/role"));
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      expect(statement.effect).toBe("Allow");
      expect(statement.resources).not.toContain("*");
      if (statement.actions.includes("secretsmanager:GetSecretValue")) {
        expect({ actions: statement.actions, resources: statement.resources }).toEqual({
          actions: ["secretsmanager:GetSecretValue"],
          resources: proxy.values.auth.map((auth: { secret_arn: string }) => auth.secret_arn).sort(),
        });
      } else {
        expect(statement.actions).toEqual(["kms:Decrypt"]);
        expect(statement.resources).toHaveLength(1);
        expectRef(stack, statement.resources[0], dataKeyOf(envName), "arn");
        expect(conditionValues(statement, "kms:ViaService", ["StringEquals"])).toEqual([`secretsmanager.${env.region}.amazonaws.com`]);
      }
    }
  });
});

describe.each(ENV_NAMES)("%s-data: security groups of Aurora and RDS Proxy", (envName) => {
  const stack = `${envName}-data`;
  const groupAt = (path: string) => only(of("aws_security_group", stack).filter((g) => g.path === `${stack}/${path}`), path);
  const rulesOf = (type: string, group: SynthResource) =>
    app.resources(type).filter((r) => refersTo(app, r.stack, r.values.security_group_id, group, "id"));
  let net: NetworkModel;

  beforeAll(() => {
    net = new NetworkModel(app, `${envName}-network`);
  });

  /** The source CIDR covers every app-tier subnet and no subnet of another tier. */
  const isAppTier = (cidr: string) => {
    const source = cidrOf(cidr);
    return (
      net.subnetsOf("app").every((s) => cidrWithin(cidrOf(s.values.cidr_block), source)) &&
      [...net.subnetsOf("public"), ...net.subnetsOf("data")].every((s) => !cidrsOverlap(cidrOf(s.values.cidr_block), source))
    );
  };

  it.each(["aurora/security-group", "aurora-proxy/security-group"])("%s admits MySQL only, from the app tier or named security groups", (path) => {
    const group = groupAt(path);
    expect(group.values.ingress).toBeUndefined();
    expect(group.values.egress).toBeUndefined();
    expect(rulesOf("aws_security_group_rule", group)).toEqual([]);
    const ingress = rulesOf("aws_vpc_security_group_ingress_rule", group);
    expect(ingress.length).toBeGreaterThan(0);
    for (const rule of ingress) {
      expect([rule.values.ip_protocol, rule.values.from_port, rule.values.to_port]).toEqual(["tcp", MYSQL, MYSQL]);
      expect(rule.values.cidr_ipv6).toBeUndefined();
      expect(rule.values.prefix_list_id).toBeUndefined();
      if (rule.values.cidr_ipv4 !== undefined) {
        expect({ rule: rule.path, appTier: isAppTier(rule.values.cidr_ipv4) }).toEqual({ rule: rule.path, appTier: true });
      } else {
        expect(target(rule.stack, rule.values.referenced_security_group_id)?.type).toBe("aws_security_group");
      }
    }
    expect(ingress.filter((r) => r.values.cidr_ipv4 !== undefined)).toHaveLength(1);
  });

  it("the cluster admits the proxy's security group, and has no egress at all", () => {
    const aurora = groupAt("aurora/security-group");
    const proxyGroup = groupAt("aurora-proxy/security-group");
    const fromProxy = rulesOf("aws_vpc_security_group_ingress_rule", aurora).filter((r) =>
      refersTo(app, stack, r.values.referenced_security_group_id, proxyGroup, "id"),
    );
    expect(fromProxy).toHaveLength(1);
    expect(rulesOf("aws_vpc_security_group_egress_rule", aurora)).toEqual([]);
  });

  it("the proxy reaches only Aurora (3306) and the interface endpoints (443)", () => {
    const proxyGroup = groupAt("aurora-proxy/security-group");
    const egress = rulesOf("aws_vpc_security_group_egress_rule", proxyGroup).map((r) => [
      r.values.ip_protocol,
      r.values.from_port,
      r.values.to_port,
      target(stack, r.values.referenced_security_group_id)?.path,
      r.values.cidr_ipv4,
    ]);
    expect(egress.sort()).toEqual(
      [
        ["tcp", 443, 443, `${envName}-network/endpoints/security-group`, undefined],
        ["tcp", MYSQL, MYSQL, `${stack}/aurora/security-group`, undefined],
      ].sort(),
    );
  });
});

describe("the construct refuses insecure or impossible configurations", () => {
  const dev = ENVIRONMENTS.dev;
  const build = (database: Partial<EnvironmentConfig["database"]>, network?: Partial<EnvironmentConfig["network"]>) => {
    const outdir = mkdtempSync(join(tmpdir(), "medicare-aurora-"));
    try {
      buildApp(new App({ outdir }), [{ ...dev, database: { ...dev.database, ...database }, network: { ...dev.network, ...network } }]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  };

  it.each([
    [{ backupRetentionDays: 3 }, /backupRetentionDays is 3; use 7\.\.35/],
    [{ backupRetentionDays: 36 }, /backupRetentionDays is 36/],
    [{ instances: 0 }, /instances is 0/],
  ])("%j", (database, message) => {
    expect(() => build(database)).toThrow(message);
  });
});
