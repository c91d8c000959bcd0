import { rmSync } from "fs";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { EnvironmentConfig } from "../../modules/config/schema";
import { Statement, actionMatches, conditionValues, statementsOf } from "../support/policy";
import { expectRefTo, referencedResource, refersTo, expectServiceTrust as expectServiceTrustOf } from "../support/refs";
import { SynthResource, SynthesizedApp, allResources, synthesize } from "../support/synth";

/** What each environment must synthesize, written down independently of the config. */
const EXPECTED = {
  dev: { retentionDays: 14 },
  prod: { retentionDays: 35 },
} as const;
type EnvName = keyof typeof EXPECTED;
const ENV_NAMES = Object.keys(EXPECTED) as EnvName[];

const EXPORT_SERVICE = "export.rds.amazonaws.com";
const START_EXPORT_TASK = "arn:aws:scheduler:::aws-sdk:rds:startExportTask";
/** The S3 permissions the RDS export documentation requires of the export role. */
const EXPORT_S3_ACTIONS = ["s3:PutObject*", "s3:GetObject*", "s3:ListBucket", "s3:DeleteObject*", "s3:GetBucketLocation"];
/**
 * ExportTaskIdentifier rules (RDS): 1-60 letters, digits, hyphens; starts with a letter; no
 * two consecutive hyphens; does not end with a hyphen.
 */
const EXPORT_TASK_ID = /^(?!.*--)[A-Za-z][A-Za-z0-9-]{0,59}$/;
/** Execution ids Scheduler may substitute: the documented example, and a UUID-shaped one. */
const SAMPLE_EXECUTION_IDS = ["d32c5kddcf5bb8c3", "6f1c2b8e-3d4a-4c5b-9e7f-0a1b2c3d4e5f"];

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const only = (resources: SynthResource[], what: string): SynthResource => {
  if (resources.length !== 1) throw new Error(`expected exactly one ${what}, found ${resources.length}`);
  return resources[0];
};
const resourceAt = (stack: string, path: string) =>
  only(allResources(stack, app.stacks[stack]).filter((r) => r.path === `${stack}/${path}`), `${stack}/${path}`);

const expectRef = (stack: string, value: unknown, resource: SynthResource, attribute: string) =>
  expectRefTo(app, stack, value, resource, attribute);

/** Splits "${ref}/suffix" into the reference and the literal rest. */
function refAndSuffix(value: string): { ref: string; suffix: string } {
  const match = /^(\$\{[^}]+\})(.*)$/.exec(value);
  if (!match) throw new Error(`not a reference with a suffix: ${value}`);
  return { ref: match[1], suffix: match[2] };
}

describe.each(ENV_NAMES)("%s-data: daily export", (envName) => {
  const env: EnvironmentConfig = ENVIRONMENTS[envName];
  const expected = EXPECTED[envName];
  const stack = `${envName}-data`;
  const of = (type: string) => app.resources(type, stack);
  const security = (path: string) => resourceAt(`${envName}-security`, path);
  const dataKey = () => security("keys/data/key");
  const messagingKey = () => security("keys/messaging/key");
  const boundary = () => security("workload-boundary/policy");
  const onPremEndpoint = () => resourceAt(`${envName}-network`, "endpoints/s3-onprem");
  const bucket = () => resourceAt(stack, "daily-export/bucket/bucket");
  const cluster = () => resourceAt(stack, "aurora/cluster");
  const pullerRole = () => resourceAt(stack, "daily-export/puller-role");
  const exportRole = () => resourceAt(stack, "daily-export/export-role/role");
  const schedulerRole = () => resourceAt(stack, "daily-export/scheduler-role/role");

  /** The statements of the one inline policy of a role; a role used from outside AWS has no managed policy either. */
  function policyStatements(role: SynthResource): Statement[] {
    const policies = of("aws_iam_role_policy").filter((p) => refersTo(app, stack, p.values.role, role, "name"));
    expect(policies).toHaveLength(1);
    expect(role.values.managed_policy_arns ?? []).toEqual([]);
    expect(of("aws_iam_role_policy_attachment").filter((a) => refersTo(app, stack, a.values.role, role))).toEqual([]);
    return statementsOf(policies[0].values.policy);
  }

  /** Every resource of a statement is the export bucket, or an object path in it. */
  function expectBucketResources(statement: Statement, allowed: readonly string[]) {
    for (const resource of statement.resources) {
      const { ref, suffix } = refAndSuffix(resource);
      expectRef(stack, ref, bucket(), "arn");
      expect(allowed).toContain(suffix);
    }
  }

  const expectServiceTrust = (role: SynthResource, service: string, sourceArn: string) =>
    expectServiceTrustOf(app, role, { service, accountId: env.accountId, sourceArn, boundary: boundary() });

  describe("export bucket", () => {
    it("holds PHI: encrypted with the data key, Object Lock (compliance) and expiry for the retention", () => {
      const b = bucket();
      expect(b.values.tags["bucket-contents"]).toBe("phi");
      expect(b.values.object_lock_enabled).toBe(true);
      const onBucket = (type: string) => only(of(type).filter((r) => refersTo(app, stack, r.values.bucket, b)), `${type} of the export bucket`);
      const encryption = onBucket("aws_s3_bucket_server_side_encryption_configuration").values.rule[0];
      expect(encryption.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
      expectRef(stack, encryption.apply_server_side_encryption_by_default.kms_master_key_id, dataKey(), "arn");
      expect(onBucket("aws_s3_bucket_object_lock_configuration").values.rule.default_retention).toEqual({
        mode: "COMPLIANCE",
        days: expected.retentionDays,
      });
      const lifecycle = onBucket("aws_s3_bucket_lifecycle_configuration").values.rule as any[];
      const expiries = lifecycle.filter((r) => r.expiration);
      expect(expiries.map((r) => r.expiration)).toEqual([[{ days: expected.retentionDays }]]);
      expect(onBucket("aws_s3_bucket_replication_configuration")).toBeDefined();
    });

    it("denies the puller role any read that does not come through the on-premises S3 endpoint", () => {
      const policy = only(of("aws_s3_bucket_policy").filter((p) => refersTo(app, stack, p.values.bucket, bucket())), "export bucket policy");
      const denials = statementsOf(policy.values.policy).filter(
        (s) => s.effect === "Deny" && (s.principals.AWS ?? []).some((p) => refersTo(app, stack, p, pullerRole(), "arn")),
      );
      expect(denials).toHaveLength(1);
      const [deny] = denials;
      expect(["s3:GetObject", "s3:ListBucket"].every((a) => deny.actions.some((p) => actionMatches(p, a)))).toBe(true);
      const endpoints = conditionValues(deny, "aws:SourceVpce", ["StringNotEquals"]);
      expect(endpoints).toHaveLength(1);
      expectRef(stack, endpoints[0], onPremEndpoint(), "id");
      expectBucketResources(deny, ["", "/*"]);
    });
  });

  describe("the on-premises puller (IAM Roles Anywhere)", () => {
    it("a trust anchor holds the on-premises CA, and one profile hands out the puller role for an hour at most", () => {
      const anchor = only(of("aws_rolesanywhere_trust_anchor"), "trust anchor");
      expect(anchor.values.enabled).toBe(true);
      expect(anchor.values.source.source_type).toBe("CERTIFICATE_BUNDLE");
      expect(anchor.values.source.source_data.x509_certificate_data).toBe(env.onPrem.certificateAuthorityPem);
      const profile = only(of("aws_rolesanywhere_profile"), "Roles Anywhere profile");
      expect(profile.values.enabled).toBe(true);
      expect(profile.values.role_arns).toHaveLength(1);
      expectRef(stack, profile.values.role_arns[0], pullerRole(), "arn");
      expect(profile.values.duration_seconds).toBeLessThanOrEqual(3600);
    });

    it("the role trusts Roles Anywhere for the trust anchor and the puller certificate's CN only, and carries the boundary", () => {
      const role = pullerRole();
      const trust = statementsOf(role.values.assume_role_policy);
      expect(trust).toHaveLength(1);
      expect(trust[0]).toMatchObject({ effect: "Allow", principals: { Service: ["rolesanywhere.amazonaws.com"] } });
      expect([...trust[0].actions].sort()).toEqual(["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]);
      const anchors = conditionValues(trust[0], "aws:SourceArn", ["ArnEquals"]);
      expect(anchors).toHaveLength(1);
      expectRef(stack, anchors[0], only(of("aws_rolesanywhere_trust_anchor"), "trust anchor"), "arn");
      expect(conditionValues(trust[0], "aws:PrincipalTag/x509Subject/CN", ["StringEquals"])).toEqual([env.export.pullerCommonName]);
      expectRef(stack, role.values.permissions_boundary, boundary(), "arn");
    });

    it("every S3 permission of the puller requires the network stack's on-premises S3 endpoint", () => {
      const s3 = policyStatements(pullerRole()).filter((s) => s.actions.some((a) => a.toLowerCase().startsWith("s3:") || a === "*"));
      expect(s3.flatMap((s) => s.actions).sort()).toEqual(["s3:GetObject", "s3:ListBucket"]);
      for (const statement of s3) {
        const endpoints = conditionValues(statement, "aws:SourceVpce", ["StringEquals"]);
        expect(endpoints).toHaveLength(1);
        expectRef(stack, endpoints[0], onPremEndpoint(), "id");
        expectBucketResources(statement, ["", "/daily/*"]);
      }
    });

    it("its one other permission is kms:Decrypt of the data key, only inside S3 requests for the export bucket", () => {
      // S3 decrypts on the caller's behalf; that request carries no aws:SourceVpce, so the
      // network check lives on the S3 statements above and this one is bound to S3 and the bucket.
      const others = policyStatements(pullerRole()).filter((s) => !s.actions.some((a) => a.toLowerCase().startsWith("s3:")));
      expect(others.map((s) => [s.effect, s.actions])).toEqual([["Allow", ["kms:Decrypt"]]]);
      const [decrypt] = others;
      expect(decrypt.resources).toHaveLength(1);
      expectRef(stack, decrypt.resources[0], dataKey(), "arn");
      expect(conditionValues(decrypt, "kms:ViaService", ["StringEquals"])).toEqual([`s3.${env.region}.amazonaws.com`]);
      const contexts = conditionValues(decrypt, "kms:EncryptionContext:aws:s3:arn", ["StringLike", "StringEquals"]);
      expect(contexts.length).toBeGreaterThan(0);
      for (const context of contexts) {
        const { ref, suffix } = refAndSuffix(context);
        expectRef(stack, ref, bucket(), "arn");
        expect(["", "/*"]).toContain(suffix);
      }
    });
  });

  describe("export role", () => {
    it("is assumed by RDS export for this account's RDS resources, and carries the boundary", () => {
      expectServiceTrust(exportRole(), EXPORT_SERVICE, `arn:aws:rds:${env.region}:${env.accountId}:*`);
    });

    it("has exactly the S3 actions RDS export requires, on the export bucket and its daily/ prefix only", () => {
      const s3 = policyStatements(exportRole()).filter((s) => s.actions.some((a) => a.startsWith("s3:")));
      expect(s3.flatMap((s) => s.actions).sort()).toEqual([...EXPORT_S3_ACTIONS].sort());
      for (const statement of s3) expectBucketResources(statement, ["", "/daily/*"]);
    });

    it("uses the data key only through S3, for the export bucket", () => {
      const kms = policyStatements(exportRole()).filter((s) => s.actions.some((a) => a.startsWith("kms:")));
      expect(kms).toHaveLength(1);
      expectRef(stack, kms[0].resources[0], dataKey(), "arn");
      expect(kms[0].resources).toHaveLength(1);
      expect(conditionValues(kms[0], "kms:ViaService", ["StringEquals"])).toEqual([`s3.${env.region}.amazonaws.com`]);
    });
  });

  describe("schedule", () => {
    const schedule = () => only(of("aws_scheduler_schedule"), "schedule");
    const input = () => JSON.parse(schedule().values.target.input);

    it("every schedule runs in UK time with no flexible window, retries, and keeps failed starts in an encrypted queue", () => {
      for (const s of of("aws_scheduler_schedule")) {
        expect(s.values.schedule_expression_timezone).toBe("Europe/London");
        expect(s.values.flexible_time_window).toEqual({ mode: "OFF" });
        expect(s.values.state).toBe("ENABLED");
        expect(s.values.target.retry_policy.maximum_retry_attempts).toBeGreaterThanOrEqual(1);
        const queue = referencedResource(app, stack, s.values.target.dead_letter_config.arn)!;
        expect(queue.type).toBe("aws_sqs_queue");
        expectRef(stack, queue.values.kms_master_key_id, messagingKey(), "arn");
      }
    });

    it("starts the export daily, at the configured time, through the scheduler role", () => {
      const s = schedule();
      expect(s.values.schedule_expression).toBe(env.export.schedule);
      expect(s.values.target.arn).toBe(START_EXPORT_TASK);
      expectRef(stack, s.values.target.role_arn, schedulerRole(), "arn");
    });

    it("its input names the Aurora cluster, the export bucket and prefix, the export role and the data key", () => {
      const i = input();
      expectRef(stack, i.SourceArn, cluster(), "arn");
      expectRef(stack, i.S3BucketName, bucket(), "bucket");
      expect(i.S3Prefix).toBe("daily");
      expectRef(stack, i.IamRoleArn, exportRole(), "arn");
      expectRef(stack, i.KmsKeyId, dataKey(), "arn");
      expect(i.ExportOnly).toEqual([env.database.databaseName]);
    });

    it("names each run's export task anew, within RDS's identifier rules", () => {
      const template: string = input().ExportTaskIdentifier;
      expect(template).toContain("<aws.scheduler.execution-id>");
      const ids = SAMPLE_EXECUTION_IDS.map((id) => template.replace("<aws.scheduler.execution-id>", id));
      for (const id of ids) {
        expect(id).toMatch(EXPORT_TASK_ID);
        expect(id.endsWith("-")).toBe(false);
      }
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  describe("scheduler role", () => {
    const statements = () => policyStatements(schedulerRole());

    it("is assumed by EventBridge Scheduler for the export's own schedule group only, and carries the boundary", () => {
      // Scheduler sets aws:SourceArn to the schedule group's ARN; a group of its own keeps other schedules out.
      const s = only(of("aws_scheduler_schedule"), "schedule");
      const group = referencedResource(app, stack, s.values.group_name)!;
      expect(group.type).toBe("aws_scheduler_schedule_group");
      expect(of("aws_scheduler_schedule").filter((other) => refersTo(app, stack, other.values.group_name, group)).map((o) => o.address)).toEqual([s.address]);
      const role = schedulerRole();
      const trust = statementsOf(role.values.assume_role_policy);
      expect(trust).toHaveLength(1);
      expect(conditionValues(trust[0], "aws:SourceAccount", ["StringEquals"])).toEqual([env.accountId]);
      const sources = conditionValues(trust[0], "aws:SourceArn", ["ArnLike", "ArnEquals"]);
      expect(sources).toHaveLength(1);
      expectRef(stack, sources[0], group, "arn");
      expect(trust[0].principals).toEqual({ Service: ["scheduler.amazonaws.com"] });
      expectRef(stack, role.values.permissions_boundary, boundary(), "arn");
    });

    it("may start exports, pass only the export role to RDS export, let RDS use the data key, and write its dead-letter queue", () => {
      expect(statements().flatMap((s) => s.actions).sort()).toEqual(
        ["iam:PassRole", "kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "rds:StartExportTask", "sqs:SendMessage"].sort(),
      );
      for (const s of statements()) expect(s.effect).toBe("Allow");
      const by = (action: string): Statement => {
        const granting = statements().filter((s) => s.actions.includes(action));
        expect(granting).toHaveLength(1);
        return granting[0];
      };

      // Nothing on "*": StartExportTask names the cluster it exports (list_amazonrds.html: cluster).
      expect(statements().filter((s) => s.resources.some((r) => r.includes("*") && !r.startsWith("arn:aws:kms")))).toEqual([]);
      const start = by("rds:StartExportTask");
      expect(start.resources).toHaveLength(1);
      expectRef(stack, start.resources[0], cluster(), "arn");

      const pass = by("iam:PassRole");
      expect(pass.resources).toHaveLength(1);
      expectRef(stack, pass.resources[0], exportRole(), "arn");
      expect(conditionValues(pass, "iam:PassedToService", ["StringEquals"])).toEqual([EXPORT_SERVICE]);

      for (const action of ["kms:CreateGrant", "kms:DescribeKey"]) {
        const s = by(action);
        expectRef(stack, s.resources[0], dataKey(), "arn");
        expect(conditionValues(s, "kms:ViaService", ["StringEquals"])).toEqual([`rds.${env.region}.amazonaws.com`]);
      }
      expect(conditionValues(by("kms:CreateGrant"), "kms:GrantIsForAWSResource", ["Bool"])).toEqual(["true"]);

      const send = by("sqs:SendMessage");
      expectRef(stack, send.resources[0], referencedResource(app, stack, only(of("aws_scheduler_schedule"), "schedule").values.target.dead_letter_config.arn)!, "arn");
      const queueKey = by("kms:GenerateDataKey");
      expectRef(stack, queueKey.resources[0], messagingKey(), "arn");
      expect(conditionValues(queueKey, "kms:ViaService", ["StringEquals"])).toEqual([`sqs.${env.region}.amazonaws.com`]);
    });
  });

  describe("permission boundary", () => {
    const boundaryStatements = () => statementsOf(boundary().values.policy);

    it("lets roles pass roles to RDS export only: every other IAM action stays denied", () => {
      const iamDenials = boundaryStatements().filter((s) => s.effect === "Deny" && s.actions.includes("iam:*"));
      expect(iamDenials).toHaveLength(1);
      const [deny] = iamDenials;
      expect(deny.conditions).toEqual({ StringNotEquals: { "iam:PassedToService": [EXPORT_SERVICE] } });
      expect(boundaryStatements().filter((s) => s.effect === "Allow").flatMap((s) => s.actions)).toContain("iam:PassRole");
    });

    it("still denies escalation and audit tampering unconditionally", () => {
      const unconditional = boundaryStatements().filter((s) => s.effect === "Deny" && Object.keys(s.conditions).length === 0);
      const denied = unconditional.flatMap((s) => s.actions);
      expect(denied).toEqual(expect.arrayContaining(["organizations:*", "kms:ScheduleKeyDeletion", "logs:DeleteLogGroup", "cloudtrail:StopLogging"]));
    });
  });
});
