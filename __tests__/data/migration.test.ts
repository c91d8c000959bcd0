import { rmSync } from "fs";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { EnvironmentConfig } from "../../modules/config/schema";
import { certificateNames } from "../../modules/data/dms-certificates";
import { Statement, actionMatches, conditionValues, statementsOf } from "../support/policy";
import { expectRefTo, referencedResource, refersTo, expectServiceTrust as expectServiceTrustOf } from "../support/refs";
import { SynthResource, SynthesizedApp, allResources, synthesize } from "../support/synth";

/** What each environment must synthesize, written down independently of the config. */
const EXPECTED = {
  dev: { multiAz: false, subnets: 3, logRetentionDays: 365 },
  prod: { multiAz: true, subnets: 3, logRetentionDays: 2192 },
} as const;
type EnvName = keyof typeof EXPECTED;
const ENV_NAMES = Object.keys(EXPECTED) as EnvName[];

const MYSQL = 3306;
const HTTPS = 443;
/** The RDS roots DMS must trust for an Aurora cluster in eu-west-2 (its CA is rds-ca-rsa2048-g1). */
const EU_WEST_2_RDS_ROOTS = [
  "Amazon RDS eu-west-2 Root CA ECC384 G1",
  "Amazon RDS eu-west-2 Root CA RSA2048 G1",
  "Amazon RDS eu-west-2 Root CA RSA4096 G1",
];
/** Endpoint attributes that would put a credential (or its server, which comes from the secret) into the configuration. */
const CLEAR_TEXT_CONNECTION = ["username", "password", "server_name", "port"];
/** UK clinic hours, 07:00-19:00 London, in UTC under both GMT and BST. */
const CLINIC_HOURS_UTC = { from: 6 * 60, to: 19 * 60 };

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const addresses = (resources: readonly SynthResource[]) => resources.map((r) => r.address).sort();
const only = (resources: SynthResource[], what: string): SynthResource => {
  if (resources.length !== 1) throw new Error(`expected exactly one ${what}, found ${resources.length}`);
  return resources[0];
};
const resourceAt = (stack: string, path: string) =>
  only(allResources(stack, app.stacks[stack]).filter((r) => r.path === `${stack}/${path}`), `${stack}/${path}`);
const target = (stack: string, value: unknown) => referencedResource(app, stack, value);

const expectRef = (stack: string, value: unknown, resource: SynthResource, attribute: string) =>
  expectRefTo(app, stack, value, resource, attribute);

/** The statements of the one inline policy of a role. */
function policyStatements(role: SynthResource): Statement[] {
  const policies = app.resources("aws_iam_role_policy", role.stack).filter((p) => refersTo(app, role.stack, p.values.role, role, "name"));
  expect(policies).toHaveLength(1);
  return statementsOf(policies[0].values.policy);
}

/**
 * DMS table-mapping wildcards (user guide, "Wildcards in table mapping"): `%` any run of
 * characters, `_` any one character, `[...]` a set or range, e.g. `[_]` a literal underscore.
 */
function matchesDmsLocator(locator: string, name: string): boolean {
  let pattern = "";
  for (let i = 0; i < locator.length; i++) {
    const c = locator[i];
    if (c === "%") pattern += ".*";
    else if (c === "_") pattern += ".";
    else if (c === "[") {
      const end = locator.indexOf("]", i + 1);
      pattern += `[${locator.slice(i + 1, end).replace(/[\\^]/g, "\\$&")}]`;
      i = end;
    } else pattern += c.replace(/[.*+?^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${pattern}$`).test(name);
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/** True when a "ddd:hh:mm-ddd:hh:mm" window (UTC, same day) avoids clinic hours. */
function outsideClinicHours(window: string): boolean {
  const [start, end] = window.split("-").map((t) => minutes(t.replace(/^[a-z]{3}:/, "")));
  return end > start && (end <= CLINIC_HOURS_UTC.from || start >= CLINIC_HOURS_UTC.to);
}

describe.each(ENV_NAMES)("%s-data: DMS migration", (envName) => {
  const env: EnvironmentConfig = ENVIRONMENTS[envName];
  const expected = EXPECTED[envName];
  const stack = `${envName}-data`;
  const of = (type: string) => app.resources(type, stack);
  const dataKey = () => resourceAt(`${envName}-security`, "keys/data/key");
  const logsKey = () => resourceAt(`${envName}-security`, "keys/logs/key");
  const boundary = () => resourceAt(`${envName}-security`, "workload-boundary/policy");
  const dmsSecurityGroup = () => resourceAt(stack, "migration/security-group");
  const taskLogGroup = () => resourceAt(stack, "migration/task-logs/group");

  /** Every role of the stack whose trust admits the service principal `service`. */
  const rolesTrusting = (service: string) =>
    of("aws_iam_role").filter((role) => statementsOf(role.values.assume_role_policy).some((s) => (s.principals.Service ?? []).includes(service)));

  const expectServiceTrust = (role: SynthResource, service: string, sourceArn: string) =>
    expectServiceTrustOf(app, role, { service, accountId: env.accountId, sourceArn, boundary: boundary() });

  describe("replication instance", () => {
    it("is exactly one, in this stack only", () => {
      expect(of("aws_dms_replication_instance")).toHaveLength(1);
    });

    it("every instance is private, encrypted with the data key, auto-patched and never major-upgraded silently", () => {
      for (const instance of of("aws_dms_replication_instance")) {
        expect(instance.values).toMatchObject({ publicly_accessible: false, auto_minor_version_upgrade: true, allow_major_version_upgrade: false });
        expectRef(stack, instance.values.kms_key_arn, dataKey(), "arn");
      }
    });

    it(`is ${expected.multiAz ? "multi-AZ" : "single-AZ"} in ${envName}`, () => {
      for (const instance of of("aws_dms_replication_instance")) expect(instance.values.multi_az).toBe(expected.multiAz);
    });

    it("takes the configured class and storage, and is maintained outside clinic hours", () => {
      for (const instance of of("aws_dms_replication_instance")) {
        expect(instance.values.replication_instance_class).toBe(env.migration.replicationInstanceClass);
        expect(instance.values.allocated_storage).toBe(env.migration.replicationStorageGib);
        expect(outsideClinicHours(instance.values.preferred_maintenance_window)).toBe(true);
      }
    });

    it("sits in a subnet group of exactly the data-tier subnets, one per AZ", () => {
      for (const instance of of("aws_dms_replication_instance")) {
        const group = target(stack, instance.values.replication_subnet_group_id)!;
        expect(group.type).toBe("aws_dms_replication_subnet_group");
        const subnets = (group.values.subnet_ids as string[]).map((id) => target(stack, id)!);
        expect(subnets.map((s) => `${s.stack}:${s.values.tags?.tier}`)).toEqual(Array(expected.subnets).fill(`${envName}-network:data`));
        expect(new Set(subnets.map((s) => s.values.availability_zone)).size).toBe(expected.subnets);
      }
    });

    it("waits for dms-vpc-role's policy before DMS checks it", () => {
      const vpcRolePolicy = resourceAt(stack, "migration/account-roles/vpc-role/policy");
      for (const type of ["aws_dms_replication_instance", "aws_dms_replication_subnet_group"]) {
        for (const resource of of(type)) expect(resource.values.depends_on).toContain(vpcRolePolicy.address);
      }
    });
  });

  describe("network", () => {
    it("the instance uses only its own security group", () => {
      for (const instance of of("aws_dms_replication_instance")) {
        expect((instance.values.vpc_security_group_ids as string[]).map((id) => target(stack, id)?.address)).toEqual([dmsSecurityGroup().address]);
      }
    });

    it("nothing may connect to the instance: its security group has no ingress", () => {
      const sg = dmsSecurityGroup();
      expect(sg.values.ingress ?? []).toEqual([]);
      const ingress = of("aws_vpc_security_group_ingress_rule").filter((r) => refersTo(app, stack, r.values.security_group_id, sg));
      expect(addresses(ingress)).toEqual([]);
    });

    it("egress goes to the on-premises database port, Aurora's MySQL and the interface endpoints' HTTPS only", () => {
      const sg = dmsSecurityGroup();
      expect(sg.values.egress ?? []).toEqual([]);
      const egress = of("aws_vpc_security_group_egress_rule").filter((r) => refersTo(app, stack, r.values.security_group_id, sg));
      const described = egress
        .map((r) => ({
          protocol: r.values.ip_protocol,
          from: r.values.from_port,
          to: r.values.to_port,
          peer: r.values.cidr_ipv4 ?? target(stack, r.values.referenced_security_group_id)?.path,
        }))
        .sort((a, b) => a.from - b.from);
      const onPremPort = env.onPrem.databasePort;
      const wanted = [
        { protocol: "tcp", from: HTTPS, to: HTTPS, peer: `${envName}-network/endpoints/security-group` },
        { protocol: "tcp", from: MYSQL, to: MYSQL, peer: `${stack}/aurora/security-group` },
        { protocol: "tcp", from: onPremPort, to: onPremPort, peer: env.onPrem.cidr },
      ].sort((a, b) => a.from - b.from);
      expect(described).toEqual(wanted);
    });

    it("Aurora admits MySQL from the DMS security group", () => {
      const auroraSg = resourceAt(stack, "aurora/security-group");
      const fromDms = of("aws_vpc_security_group_ingress_rule").filter(
        (r) => refersTo(app, stack, r.values.security_group_id, auroraSg) && refersTo(app, stack, r.values.referenced_security_group_id, dmsSecurityGroup(), "id"),
      );
      expect(fromDms.map((r) => [r.values.ip_protocol, r.values.from_port, r.values.to_port])).toEqual([["tcp", MYSQL, MYSQL]]);
    });
  });

  describe("endpoints", () => {
    const endpoint = (type: "source" | "target") => only(of("aws_dms_endpoint").filter((e) => e.values.endpoint_type === type), `${type} endpoint`);

    it("are one source (the configured engine) and one Aurora MySQL target", () => {
      expect(of("aws_dms_endpoint")).toHaveLength(2);
      expect(endpoint("source").values.engine_name).toBe(env.migration.sourceEngine);
      expect(endpoint("target").values.engine_name).toBe("aurora");
      expect(endpoint("source").values.tags["source-host"]).toBe(env.migration.sourceHost);
    });

    it("every endpoint verifies the server fully, against a DMS certificate", () => {
      for (const e of of("aws_dms_endpoint")) {
        expect(e.values.ssl_mode).toBe("verify-full");
        expect(target(stack, e.values.certificate_arn)?.type).toBe("aws_dms_certificate");
      }
    });

    it("the source trusts the on-premises CA only; the target the RDS roots of the region", () => {
      const sourceCa = target(stack, endpoint("source").values.certificate_arn)!;
      expect(sourceCa.values.certificate_pem).toBe(env.onPrem.certificateAuthorityPem);
      const targetCa = target(stack, endpoint("target").values.certificate_arn)!;
      expect(certificateNames(targetCa.values.certificate_pem).sort()).toEqual(EU_WEST_2_RDS_ROOTS);
    });

    it("every endpoint reads its credentials from its own Secrets Manager secret, never from the configuration", () => {
      const secrets = new Set<string>();
      for (const e of of("aws_dms_endpoint")) {
        for (const attribute of CLEAR_TEXT_CONNECTION) expect({ [attribute]: e.values[attribute] }).toEqual({ [attribute]: undefined });
        const secret = target(stack, e.values.secrets_manager_arn)!;
        expect(secret.type).toBe("aws_secretsmanager_secret");
        expectRef(stack, secret.values.kms_key_id, dataKey(), "arn");
        const rotation = of("aws_secretsmanager_secret_rotation").filter((r) => refersTo(app, stack, r.values.secret_id, secret));
        expect(rotation).toHaveLength(1);
        secrets.add(secret.address);
      }
      expect(secrets.size).toBe(2);
    });

    it("every endpoint encrypts its connection settings with the data key", () => {
      for (const e of of("aws_dms_endpoint")) expectRef(stack, e.values.kms_key_arn, dataKey(), "arn");
    });

    it("each secret access role is assumed by regional DMS of this account and reads only its endpoint's secret", () => {
      for (const e of of("aws_dms_endpoint")) {
        const role = target(stack, e.values.secrets_manager_access_role_arn)!;
        const secret = target(stack, e.values.secrets_manager_arn)!;
        expectServiceTrust(role, `dms.${env.region}.amazonaws.com`, `arn:aws:dms:${env.region}:${env.accountId}:*`);
        const statements = policyStatements(role);
        expect(statements.map((s) => [s.effect, s.actions])).toEqual([
          ["Allow", ["secretsmanager:GetSecretValue"]],
          ["Allow", ["kms:Decrypt"]],
        ]);
        const [read, decrypt] = statements;
        expect(read.resources).toHaveLength(1);
        expectRef(stack, read.resources[0], secret, "arn");
        expect(decrypt.resources).toHaveLength(1);
        expectRef(stack, decrypt.resources[0], dataKey(), "arn");
        expect(conditionValues(decrypt, "kms:ViaService", ["StringEquals"])).toEqual([`secretsmanager.${env.region}.amazonaws.com`]);
        const context = conditionValues(decrypt, "kms:EncryptionContext:SecretARN", ["StringEquals"]);
        expect(context).toHaveLength(1);
        expectRef(stack, context[0], secret, "arn");
      }
    });
  });

  describe("replication task", () => {
    const task = () => only(of("aws_dms_replication_task"), "replication task");
    const settings = () => JSON.parse(task().values.replication_task_settings);

    it("is one full-load-and-CDC task, created stopped, between this stack's instance and endpoints", () => {
      const t = task();
      expect(t.values).toMatchObject({ migration_type: "full-load-and-cdc", start_replication_task: false });
      expect(target(stack, t.values.replication_instance_arn)?.type).toBe("aws_dms_replication_instance");
      expect(target(stack, t.values.source_endpoint_arn)?.values.endpoint_type).toBe("source");
      expect(target(stack, t.values.target_endpoint_arn)?.values.endpoint_type).toBe("target");
    });

    it("every task validates rows and logs to CloudWatch, at default severity (no row values in logs)", () => {
      for (const t of of("aws_dms_replication_task")) {
        const s = JSON.parse(t.values.replication_task_settings);
        expect(s.ValidationSettings.EnableValidation).toBe(true);
        expect(s.Logging.EnableLogging).toBe(true);
        for (const component of s.Logging.LogComponents) expect(component.Severity).toBe("LOGGER_SEVERITY_DEFAULT");
      }
    });

    it("leaves the schema to the migrations and never truncates LOBs", () => {
      expect(settings().FullLoadSettings.TargetTablePrepMode).toBe("DO_NOTHING");
      expect(settings().TargetMetadata).toMatchObject({ SupportLobs: true, FullLobMode: true, LimitedSizeLobMode: false });
      expect(settings().ChangeProcessingDdlHandlingPolicy).toEqual({
        HandleSourceTableDropped: false,
        HandleSourceTableTruncated: false,
        HandleSourceTableAltered: false,
      });
    });

    it("selects every table of the one source schema (its locator matches that name only) into the application schema", () => {
      const rules: any[] = JSON.parse(task().values.table_mappings).rules;
      const source = env.migration.sourceDatabaseName;
      // Names a wildcard locator would also match: each character in turn replaced, and longer names.
      const lookalikes = [...source].map((_, i) => `${source.slice(0, i)}x${source.slice(i + 1)}`).concat([`${source}x`, `x${source}`]);
      for (const rule of rules) {
        const locator = rule["object-locator"]["schema-name"];
        expect(matchesDmsLocator(locator, source)).toBe(true);
        expect(lookalikes.filter((name) => name !== source && matchesDmsLocator(locator, name))).toEqual([]);
      }
      const selections = rules.filter((r) => r["rule-type"] === "selection");
      expect(selections.map((r) => [r["object-locator"]["table-name"], r["rule-action"]])).toEqual([["%", "include"]]);
      const renames = rules.filter((r) => r["rule-type"] === "transformation");
      expect(renames.map((r) => [r["rule-target"], r["rule-action"], r.value])).toEqual([["schema", "rename", env.database.databaseName]]);
    });

    it("logs to a pre-created group dms-tasks-<instance id>, encrypted with the logs key and kept for the retention", () => {
      const instance = only(of("aws_dms_replication_instance"), "instance");
      const group = taskLogGroup();
      expect(group.values.name).toBe(`dms-tasks-${instance.values.replication_instance_id}`);
      expectRef(stack, group.values.kms_key_id, logsKey(), "arn");
      expect(group.values.retention_in_days).toBe(expected.logRetentionDays);
      expect(task().values.depends_on).toContain(group.address);
    });
  });

  describe("the account roles DMS looks up by name", () => {
    const named = (name: string) => only(of("aws_iam_role").filter((r) => r.values.name === name), name);

    it("dms-vpc-role and dms-cloudwatch-logs-role exist once, with the exact names, and no other stack of the environment creates them", () => {
      for (const name of ["dms-vpc-role", "dms-cloudwatch-logs-role"]) {
        const everywhere = Object.keys(app.stacks)
          .filter((s) => s.startsWith(`${envName}-`))
          .flatMap((s) => app.resources("aws_iam_role", s))
          .filter((r) => r.values.name === name);
        expect(everywhere.map((r) => r.stack)).toEqual([stack]);
      }
    });

    it("are trusted by DMS of this account and region only, and carry the boundary", () => {
      for (const name of ["dms-vpc-role", "dms-cloudwatch-logs-role"]) {
        expectServiceTrust(named(name), "dms.amazonaws.com", `arn:aws:dms:${env.region}:${env.accountId}:*`);
      }
      expect(rolesTrusting("dms.amazonaws.com").map((r) => r.values.name).sort()).toEqual(["dms-cloudwatch-logs-role", "dms-vpc-role"]);
    });

    it("have inline statements only (no managed policies)", () => {
      for (const name of ["dms-vpc-role", "dms-cloudwatch-logs-role"]) {
        const role = named(name);
        expect(role.values.managed_policy_arns ?? []).toEqual([]);
        const attachments = of("aws_iam_role_policy_attachment").filter((a) => refersTo(app, stack, a.values.role, role));
        expect(addresses(attachments)).toEqual([]);
      }
    });

    it("dms-vpc-role manages network interfaces in this region and account only; Resource * only for Describe*", () => {
      const ec2 = `arn:aws:ec2:${env.region}:${env.accountId}:`;
      for (const s of policyStatements(named("dms-vpc-role"))) {
        if (s.resources.includes("*")) {
          expect(s.actions.every((a) => a.startsWith("ec2:Describe"))).toBe(true);
        } else {
          for (const resource of s.resources) expect(resource.startsWith(ec2)).toBe(true);
        }
      }
      const actions = policyStatements(named("dms-vpc-role")).flatMap((s) => s.actions);
      expect(actions).toEqual(expect.arrayContaining(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeVpcs"]));
    });

    it("dms-cloudwatch-logs-role writes only to the task log group", () => {
      const group = taskLogGroup();
      for (const s of policyStatements(named("dms-cloudwatch-logs-role"))) {
        if (s.resources.includes("*")) {
          expect(s.actions).toEqual(["logs:DescribeLogGroups"]);
          continue;
        }
        for (const resource of s.resources) {
          const ref = /^(\$\{[^}]+\})/.exec(resource)?.[1];
          expect(ref).toBeDefined();
          expectRef(stack, ref, group, "arn");
        }
      }
      const writes = policyStatements(named("dms-cloudwatch-logs-role")).filter((s) => s.actions.some((a) => actionMatches(a, "logs:PutLogEvents")));
      expect(writes.flatMap((s) => s.resources).every((r) => r.endsWith(":log-stream:dms-task-*"))).toBe(true);
    });
  });
});
