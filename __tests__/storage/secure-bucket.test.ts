import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { App } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { EnvironmentConfig } from "../../modules/config/schema";
import { MedicareStack } from "../../modules/core/medicare-stack";
import { DomainKey } from "../../modules/security/keys";
import { SecurityStack } from "../../modules/security/security-stack";
import { BUCKET_CONTENTS, LOCKED_AND_REPLICATED, SecureBucket, SecureBucketProps } from "../../modules/storage/secure-bucket";
import { Statement, actionMatches, conditionValues, describeStatement, hasPublicPrincipal, statementsOf } from "../support/policy";
import { referencedResource, refExpression, resolveRef } from "../support/refs";
import { SynthResource, SynthesizedApp, synthesize, synthesizeWith } from "../support/synth";

/**
 * Every aws_s3_bucket of every stack of both environments, and of a test stack that holds
 * one bucket of each kind SecureBucket makes (phi, audit, operational; access-logs come
 * from the security stack), is checked against what CONTROLS.md's s3 rows require.
 */

const BACKUP_REGION_PROVIDER = "aws.backup_region";
const S3_LOG_DELIVERY = "logging.s3.amazonaws.com";

/** A stack for buckets under test, next to the environment's security stack. */
class BucketTestStack extends MedicareStack {
  constructor(scope: Construct, env: EnvironmentConfig, component = "buckets") {
    super(scope, { env, component, dataClassification: "phi" });
  }
}

/** The test stack's buckets: one of each kind, including one in the backup region. */
function addTestBuckets(stack: MedicareStack, security: SecurityStack): void {
  const foundation = security.buckets;
  new SecureBucket(stack, "export", { name: "export", contents: "phi", key: security.keys.data, foundation, lockDays: 14, expireAfterDays: 14 });
  new SecureBucket(stack, "trail", { name: "trail", contents: "audit", key: security.keys.logs, foundation, lockDays: 365 });
  new SecureBucket(stack, "reports", { name: "reports", contents: "operational", key: security.keys.data, foundation });
  new SecureBucket(stack, "restores", {
    name: "restores",
    contents: "operational",
    key: security.backupRegionKeys.backup,
    foundation,
    lockDays: 7,
    expireAfterDays: 30,
  });
}

// ---------------------------------------------------------------------------------------
// A small evaluator for the Deny statements of a bucket policy, with IAM's rules for absent
// keys: a positive operator on an absent key is false, a negated one true, ...IfExists true,
// Null tests presence. It shows what the policy does to concrete requests.

interface S3Request {
  readonly action: string;
  readonly resource: string;
  /** Condition keys present in the request context. */
  readonly context: Readonly<Record<string, string>>;
}

function conditionHolds(operator: string, key: string, values: readonly string[], context: Readonly<Record<string, string>>): boolean {
  const present = Object.keys(context).find((k) => k.toLowerCase() === key.toLowerCase());
  const value = present === undefined ? undefined : context[present];
  if (operator === "Null") return values.every((v) => (v === "true") === (value === undefined));
  const base = operator.replace(/IfExists$/, "");
  if (value === undefined) return operator.endsWith("IfExists") || base.includes("Not");
  switch (base) {
    case "StringEquals":
    case "Bool":
      return values.includes(value);
    case "StringNotEquals":
      return !values.includes(value);
    case "NumericLessThan":
      return values.some((v) => Number(value) < Number(v));
    default:
      throw new Error(`the evaluator does not know ${operator}`);
  }
}

function resourceMatches(pattern: string, resource: string): boolean {
  return pattern === resource || (pattern.endsWith("/*") && resource.startsWith(pattern.slice(0, -1)));
}

/** The Deny statements (by Sid) that apply to the request. */
function denials(statements: readonly Statement[], request: S3Request): string[] {
  return statements
    .filter((s) => s.effect === "Deny" && hasPublicPrincipal(s))
    .filter((s) => s.actions.some((a) => actionMatches(a, request.action)))
    .filter((s) => s.resources.some((r) => resourceMatches(r, request.resource)))
    .filter((s) =>
      Object.entries(s.conditions).every(([operator, byKey]) => Object.entries(byKey).every(([key, values]) => conditionHolds(operator, key, values, request.context))),
    )
    .map((s) => s.sid ?? "(no Sid)");
}

// ---------------------------------------------------------------------------------------

/** Everything one synthesized app says about one bucket. */
class BucketView {
  constructor(
    readonly app: SynthesizedApp,
    readonly env: EnvironmentConfig,
    readonly bucket: SynthResource,
  ) {}

  get contents(): string {
    return this.bucket.values.tags?.["bucket-contents"];
  }

  get region(): string {
    return this.bucket.values.provider === BACKUP_REGION_PROVIDER ? this.env.backupRegion : this.env.region;
  }

  get securityStack(): string {
    return `${this.env.name}-security`;
  }

  /** The resources of `type` in the bucket's stack whose `bucket` refers to this bucket. */
  attached(type: string): SynthResource[] {
    return this.app.resources(type, this.bucket.stack).filter((r) => referencedResource(this.app, r.stack, r.values.bucket)?.address === this.bucket.address);
  }

  one(type: string): SynthResource {
    const found = this.attached(type);
    expect({ bucket: this.bucket.path, type, count: found.length }).toEqual({ bucket: this.bucket.path, type, count: 1 });
    return found[0];
  }

  /** A resource of another stack (or this one) that `value` refers to. */
  target(value: unknown): SynthResource | undefined {
    return referencedResource(this.app, this.bucket.stack, value);
  }

  get arn(): string {
    return refExpression(this.bucket, "arn");
  }

  get statements(): Statement[] {
    return statementsOf(this.one("aws_s3_bucket_policy").values.policy);
  }

  get encryptionKey(): SynthResource | undefined {
    const rule = this.one("aws_s3_bucket_server_side_encryption_configuration").values.rule[0];
    return this.target(rule.apply_server_side_encryption_by_default.kms_master_key_id);
  }

  /** The key's ARN as this stack writes it (a local reference or a cross-stack output). */
  get encryptionKeyArn(): string {
    return this.one("aws_s3_bucket_server_side_encryption_configuration").values.rule[0].apply_server_side_encryption_by_default.kms_master_key_id;
  }
}

/** The bucket-level properties every bucket must have; `kind` says which extra ones apply. */
function checkBucket(view: BucketView): void {
  const { bucket, env } = view;
  const label = bucket.path;

  // contents tag and name
  expect({ label, contents: BUCKET_CONTENTS.includes(view.contents as never) }).toEqual({ label, contents: true });
  expect(bucket.values.bucket).toMatch(new RegExp(`^medicare-${env.name}-[a-z0-9-]+-${env.accountId}$`));
  expect(bucket.values.bucket.length).toBeLessThanOrEqual(63);
  expect(bucket.values.force_destroy).toBe(false);

  // S3-001 public access block and ownership
  const pab = view.one("aws_s3_bucket_public_access_block").values;
  expect({ label, pab: [pab.block_public_acls, pab.block_public_policy, pab.ignore_public_acls, pab.restrict_public_buckets] }).toEqual({
    label,
    pab: [true, true, true, true],
  });
  expect(view.one("aws_s3_bucket_ownership_controls").values.rule.object_ownership).toBe("BucketOwnerEnforced");
  expect(view.attached("aws_s3_bucket_acl")).toEqual([]);

  if (view.contents === "load-balancer-logs") {
    // The one SSE-S3 kind (ELB delivers access logs only under SSE-S3): no upload may name a key.
    const encryption = view.one("aws_s3_bucket_server_side_encryption_configuration").values.rule;
    expect(encryption).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
    const objectArn = `${view.arn}/alb/AWSLogs/x.log.gz`;
    const put = (context: Record<string, string>) => denials(view.statements, { action: "s3:PutObject", resource: objectArn, context: { "aws:SecureTransport": "true", "s3:TlsVersion": "1.3", ...context } });
    expect(put({})).toEqual([]);
    expect(put({ "s3:x-amz-server-side-encryption": "aws:kms" })).toEqual(["DenyUploadsUnderKmsKeys"]);
    expect(denials(view.statements, { action: "s3:GetObject", resource: objectArn, context: { "aws:SecureTransport": "false" } })).toEqual(["DenyRequestsWithoutTls"]);
  } else {
    // S3-002 SSE-KMS under a key of the security stack, in the bucket's region
    const encryption = view.one("aws_s3_bucket_server_side_encryption_configuration").values.rule;
    expect(encryption).toHaveLength(1);
    expect(encryption[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
    expect(encryption[0].bucket_key_enabled).toBe(true);
    const key = view.encryptionKey;
    expect({ label, key: key?.type, stack: key?.stack }).toEqual({ label, key: "aws_kms_key", stack: view.securityStack });
    const keyRing = view.region === env.region ? "keys" : "backup-region-keys";
    expect(key!.path).toMatch(new RegExp(`^${view.securityStack}/${keyRing}/[a-z]+/key$`));
    expect(key!.values.provider).toBe(bucket.values.provider);
    if (view.contents === "access-logs") expect(key!.path).toMatch(/\/logs\/key$/);

    // S3-003 TLS only, and the encryption denials, by what they do to requests
    const statements = view.statements;
    const objectArn = `${view.arn}/patient-123.parquet`;
    const put = (context: Record<string, string>) => denials(statements, { action: "s3:PutObject", resource: objectArn, context: { "aws:SecureTransport": "true", "s3:TlsVersion": "1.3", ...context } });
    expect({ label, denied: denials(statements, { action: "s3:GetObject", resource: objectArn, context: { "aws:SecureTransport": "false" } }) }).toEqual({
      label,
      denied: ["DenyRequestsWithoutTls"],
    });
    expect(denials(statements, { action: "s3:ListBucket", resource: view.arn, context: { "aws:SecureTransport": "false" } })).toContain("DenyRequestsWithoutTls");
    expect(denials(statements, { action: "s3:GetObject", resource: objectArn, context: { "aws:SecureTransport": "true", "s3:TlsVersion": "1.1" } })).toEqual(["DenyTlsOlderThan12"]);
    // An upload that relies on default encryption (as S3 log delivery and RDS exports do) passes...
    expect({ label, denied: put({}) }).toEqual({ label, denied: [] });
    // ... and so does one that names the bucket key, but no other key or encryption.
    expect(put({ "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": view.encryptionKeyArn })).toEqual([]);
    expect(put({ "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-west-2:999999999999:key/other" })).toEqual(["DenyUploadsUnderAnotherKey"]);
    expect(put({ "s3:x-amz-server-side-encryption": "aws:kms" })).toEqual(["DenyKmsUploadsThatNameNoKey"]);
    expect(put({ "s3:x-amz-server-side-encryption": "AES256" })).toEqual(["DenyUploadsWithSseS3"]);
    expect(put({ "s3:x-amz-server-side-encryption-customer-algorithm": "AES256" })).toEqual(["DenyUploadsWithCustomerProvidedKeys"]);
  }

  // S3-006 nothing for everyone
  const open = view.statements.filter((s) => s.effect === "Allow" && (hasPublicPrincipal(s) || Object.keys(s.principals).length === 0));
  expect(open.map(describeStatement)).toEqual([]);

  // S3-004 versioning and logging
  expect(view.one("aws_s3_bucket_versioning").values.versioning_configuration.status).toBe("Enabled");
  if (view.contents === "access-logs") {
    checkAccessLogBucket(view);
  } else {
    const logging = view.one("aws_s3_bucket_logging").values;
    const target = view.target(logging.target_bucket);
    const targetView = target && new BucketView(view.app, env, target);
    expect({ label, target: target?.path, contents: targetView?.contents, region: targetView?.region }).toEqual({
      label,
      target: expect.stringMatching(new RegExp(`^${view.securityStack}/buckets/access-logs-${view.region}/bucket$`)),
      contents: "access-logs",
      region: view.region,
    });
    expect(resolveRef(view.app, bucket.stack, logging.target_bucket)?.attribute).toBe("bucket");
    expect(logging.target_prefix).toBe(`${bucket.values.bucket}/`);
  }

  // S3-005 locked and replicated by contents
  const lock = view.attached("aws_s3_bucket_object_lock_configuration");
  if (LOCKED_AND_REPLICATED.includes(view.contents as never)) {
    expect({ label, locked: bucket.values.object_lock_enabled }).toEqual({ label, locked: true });
    expect(lock).toHaveLength(1);
    expect(lock[0].values.rule.default_retention.mode).toBe("COMPLIANCE");
    expect(lock[0].values.rule.default_retention.days).toBeGreaterThanOrEqual(1);
    if (!isReplica(view)) checkReplication(view);
  }
  if (view.contents === "access-logs") {
    expect(bucket.values.object_lock_enabled).toBe(false);
    expect(lock).toEqual([]);
  }

  // Lifecycle never expires a version before its lock ends.
  const lifecycle = view.one("aws_s3_bucket_lifecycle_configuration").values.rule;
  const lockDays = lock[0]?.values.rule.default_retention.days ?? 0;
  for (const rule of lifecycle) {
    for (const expiration of rule.expiration ?? []) expect(expiration.days).toBeGreaterThanOrEqual(lockDays);
    for (const expiration of rule.noncurrent_version_expiration ?? []) expect(expiration.noncurrent_days).toBeGreaterThanOrEqual(lockDays);
  }
}

/** The bucket is the destination of a replication rule of its stack. */
function isReplica(view: BucketView): boolean {
  return view.app
    .resources("aws_s3_bucket_replication_configuration", view.bucket.stack)
    .some((c) => c.values.rule.some((r: any) => view.target(r.destination.bucket)?.address === view.bucket.address));
}

/** An access-log bucket: no logging of its own, a log-delivery grant and undeletable records. */
function checkAccessLogBucket(view: BucketView): void {
  const { env } = view;
  expect(view.attached("aws_s3_bucket_logging")).toEqual([]);
  expect(view.bucket.stack).toBe(view.securityStack);
  const allows = view.statements.filter((s) => s.effect === "Allow");
  expect(allows).toHaveLength(1);
  const [delivery] = allows;
  expect(delivery.principals).toEqual({ Service: [S3_LOG_DELIVERY] });
  expect(delivery.actions).toEqual(["s3:PutObject"]);
  expect(delivery.resources).toEqual([`${view.arn}/*`]);
  expect(conditionValues(delivery, "aws:SourceAccount", ["StringEquals"])).toEqual([env.accountId]);
  expect(conditionValues(delivery, "aws:SourceArn", ["ArnLike"])).toEqual([`arn:aws:s3:::medicare-${env.name}-*`]);
  expect(denials(view.statements, { action: "s3:DeleteObjectVersion", resource: `${view.arn}/x`, context: { "aws:SecureTransport": "true" } })).toEqual([
    "DenyDeletingLogRecords",
  ]);
  // The logs key of the region lets S3 log delivery use it for this bucket only.
  const key = view.encryptionKey!;
  const forDelivery = statementsOf(key.values.policy).filter((s) => s.effect === "Allow" && (s.principals.Service ?? []).includes(S3_LOG_DELIVERY));
  expect(forDelivery).toHaveLength(1);
  expect([...forDelivery[0].actions].sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
  expect(conditionValues(forDelivery[0], "aws:SourceAccount", ["StringEquals"])).toEqual([env.accountId]);
  const arn = `arn:aws:s3:::${view.bucket.values.bucket}`;
  expect(conditionValues(forDelivery[0], "kms:EncryptionContext:aws:s3:arn", ["StringLike"])).toEqual([arn, `${arn}/*`]);
}

/** A phi or audit bucket replicates everything, re-encrypted, to a locked replica in the backup region. */
function checkReplication(view: BucketView): void {
  const { app, env, bucket } = view;
  const label = bucket.path;
  const config = view.one("aws_s3_bucket_replication_configuration").values;
  expect(config.provider).toBe(bucket.values.provider);
  expect(config.rule).toHaveLength(1);
  const [rule] = config.rule;
  expect({ label, status: rule.status, filter: rule.filter, kms: rule.source_selection_criteria.sse_kms_encrypted_objects.status }).toEqual({
    label,
    status: "Enabled",
    filter: {},
    kms: "Enabled",
  });

  const replica = view.target(rule.destination.bucket)!;
  expect(resolveRef(app, bucket.stack, rule.destination.bucket)?.attribute).toBe("arn");
  const replicaView = new BucketView(app, env, replica);
  expect({ label, replica: replica.path, region: replicaView.region, contents: replicaView.contents, locked: replica.values.object_lock_enabled }).toEqual({
    label,
    replica: bucket.path.replace(/\/bucket$/, "/replica/bucket"),
    region: env.backupRegion,
    contents: view.contents,
    locked: true,
  });
  // The replica does not replicate again.
  expect(replicaView.attached("aws_s3_bucket_replication_configuration")).toEqual([]);

  const replicaKey = view.target(rule.destination.encryption_configuration.replica_kms_key_id)!;
  expect(replicaKey.path).toBe(`${view.securityStack}/backup-region-keys/backup/key`);
  expect(replicaView.encryptionKey?.address).toBe(replicaKey.address);

  // The role: trusted by S3 for this bucket only, bounded, and naming what it touches.
  const role = view.target(config.role)!;
  expect(role.type).toBe("aws_iam_role");
  const trust = statementsOf(role.values.assume_role_policy);
  expect(trust).toHaveLength(1);
  expect(trust[0].principals).toEqual({ Service: ["s3.amazonaws.com"] });
  expect(conditionValues(trust[0], "aws:SourceAccount")).toEqual([env.accountId]);
  expect(conditionValues(trust[0], "aws:SourceArn")).toEqual([view.arn]);
  const boundary = view.target(role.values.permissions_boundary)!;
  expect(boundary.path).toBe(`${view.securityStack}/workload-boundary/policy`);

  const policies = app.resources("aws_iam_role_policy", bucket.stack).filter((p) => view.target(p.values.role)?.address === role.address);
  expect(policies).toHaveLength(1);
  const statements = statementsOf(policies[0].values.policy);
  for (const s of statements) {
    expect({ sid: s.sid, effect: s.effect }).toEqual({ sid: s.sid, effect: "Allow" });
    expect({ sid: s.sid, resources: s.resources.filter((r) => r.includes("*") && !r.endsWith("/*")) }).toEqual({ sid: s.sid, resources: [] });
  }
  const grants = (action: string) => statements.filter((s) => s.actions.some((a) => actionMatches(a, action)));
  const only = (action: string, resources: string[]) => expect({ action, resources: grants(action).flatMap((s) => s.resources) }).toEqual({ action, resources });
  only("s3:GetObjectVersionForReplication", [`${view.arn}/*`]);
  only("s3:GetObjectRetention", [`${view.arn}/*`]);
  only("s3:GetObjectLegalHold", [`${view.arn}/*`]);
  only("s3:ReplicateObject", [`${replicaView.arn}/*`]);
  expect(grants("s3:ReplicateDelete")).toEqual([]);
  const sourceKeyArn = view.encryptionKeyArn;
  only("kms:Encrypt", [rule.destination.encryption_configuration.replica_kms_key_id]);
  only("kms:GenerateDataKey", [rule.destination.encryption_configuration.replica_kms_key_id]);
  expect(grants("kms:Decrypt").flatMap((s) => s.resources).sort()).toEqual([sourceKeyArn, rule.destination.encryption_configuration.replica_kms_key_id].sort());
  // With S3 Bucket Keys KMS sees the bucket ARN as encryption context.
  for (const s of grants("kms:Decrypt")) {
    const own = s.resources[0] === sourceKeyArn ? view : replicaView;
    expect(conditionValues(s, "kms:EncryptionContext:aws:s3:arn")).toEqual([own.arn, `${own.arn}/*`]);
    expect(conditionValues(s, "kms:ViaService")).toEqual([`s3.${own.region}.amazonaws.com`]);
  }
  // The boundary lets the role do what its policy grants.
  const ceiling = statementsOf(boundary.values.policy).find((s) => s.sid === "WorkloadActionsInThisAccountOnly")!;
  for (const action of statements.flatMap((s) => s.actions)) expect(ceiling.actions).toContain(action);
}

// ---------------------------------------------------------------------------------------

describe("every bucket of every stack", () => {
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthesize();
  });
  afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

  describe.each(Object.keys(ENVIRONMENTS))("%s", (envName) => {
    const env = ENVIRONMENTS[envName];
    const buckets = () => app.resources("aws_s3_bucket").filter((b) => b.stack.startsWith(`${envName}-`));

    it("has one access-log bucket per region, in the security stack", () => {
      const logs = buckets().filter((b) => b.values.tags?.["bucket-contents"] === "access-logs");
      expect(logs.map((b) => [b.path, new BucketView(app, env, b).region]).sort()).toEqual(
        [
          [`${envName}-security/buckets/access-logs-${env.backupRegion}/bucket`, env.backupRegion],
          [`${envName}-security/buckets/access-logs-${env.region}/bucket`, env.region],
        ].sort(),
      );
    });

    it("every bucket has the baseline and what its contents require", () => {
      expect(buckets().length).toBeGreaterThan(0);
      for (const bucket of buckets()) checkBucket(new BucketView(app, env, bucket));
    });
  });
});

describe("SecureBucket of each kind", () => {
  const env = ENVIRONMENTS.dev;
  let app: SynthesizedApp;
  beforeAll(() => {
    app = synthesizeWith((a) => {
      const security = new SecurityStack(a, env);
      addTestBuckets(new BucketTestStack(a, env), security);
    });
  });
  afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));
  const stack = `${env.name}-buckets`;
  const bucketAt = (path: string) => app.resources("aws_s3_bucket", stack).find((b) => b.path === `${stack}/${path}`)!;

  it("makes a replica for phi and audit buckets only, and the replica does not replicate", () => {
    expect(app.resources("aws_s3_bucket", stack).map((b) => b.path).sort()).toEqual(
      ["export/bucket", "export/replica/bucket", "reports/bucket", "restores/bucket", "trail/bucket", "trail/replica/bucket"].map((p) => `${stack}/${p}`),
    );
    expect(app.resources("aws_s3_bucket_replication_configuration", stack).map((r) => r.path).sort()).toEqual([`${stack}/export/replication`, `${stack}/trail/replication`]);
  });

  it.each(["export/bucket", "export/replica/bucket", "trail/bucket", "trail/replica/bucket", "reports/bucket", "restores/bucket"])("%s has the baseline and what its contents require", (path) => {
    checkBucket(new BucketView(app, env, bucketAt(path)));
  });

  it("locks an operational bucket only when given lockDays, and never replicates it", () => {
    expect(bucketAt("reports/bucket").values.object_lock_enabled).toBe(false);
    expect(bucketAt("restores/bucket").values.object_lock_enabled).toBe(true);
    expect(bucketAt("restores/bucket").values.provider).toBe(BACKUP_REGION_PROVIDER);
    expect(new BucketView(app, env, bucketAt("restores/bucket")).attached("aws_s3_bucket_replication_configuration")).toEqual([]);
  });

  it("replicates after both buckets are versioned, and reports replication failures as metrics", () => {
    const config = app.resources("aws_s3_bucket_replication_configuration", stack).find((r) => r.path === `${stack}/export/replication`)!;
    const versioned = config.values.depends_on.map((d: string) => app.resources("aws_s3_bucket_versioning", stack).find((v) => `${v.type}.${v.name}` === d)?.path);
    expect(versioned.sort()).toEqual([`${stack}/export/replica/versioning`, `${stack}/export/versioning`]);
    expect(config.values.rule[0].destination.metrics).toEqual({ status: "Enabled" });
    expect(config.values.rule[0].delete_marker_replication).toEqual({ status: "Disabled" });
  });
});

describe("SecureBucket refuses insecure or unworkable props", () => {
  const env = ENVIRONMENTS.dev;

  // One app and security stack for every attempt (building a security stack takes about half a
  // second); each attempt builds its bucket in a test stack of its own, which nothing reads after.
  let shared: { app: App; security: SecurityStack; attempts: number } | undefined;
  afterAll(() => shared && rmSync(shared.app.outdir, { recursive: true, force: true }));

  /** Builds a bucket with `props` over a phi bucket's defaults in a fresh test stack; throws what SecureBucket throws. */
  function attempt(props: Partial<SecureBucketProps> | ((security: SecurityStack, stack: MedicareStack) => Partial<SecureBucketProps>)): () => void {
    return () => {
      if (!shared) {
        const app = new App({ outdir: mkdtempSync(join(tmpdir(), "medicare-bucket-props-")) });
        shared = { app, security: new SecurityStack(app, env), attempts: 0 };
      }
      const { app, security } = shared;
      const stack = new BucketTestStack(app, env, `buckets-attempt-${++shared.attempts}`);
      const overrides = typeof props === "function" ? props(security, stack) : props;
      new SecureBucket(stack, "under-test", { name: "export", contents: "phi", key: security.keys.data, foundation: security.buckets, lockDays: 14, ...overrides });
    };
  }

  it("accepts the defaults used here", () => {
    expect(attempt({})).not.toThrow();
  });

  it.each([
    ["phi without lockDays", { lockDays: undefined }, /a phi bucket needs lockDays \(>= 1\)/],
    ["audit without lockDays", { contents: "audit" as const, lockDays: undefined }, /an audit bucket needs lockDays \(>= 1\)/],
    ["lockDays 0", { lockDays: 0 }, /lockDays \(0\) must be a whole number of days >= 1/],
    ["fractional expiry", { expireAfterDays: 1.5 }, /expireAfterDays \(1.5\) must be a whole number/],
    ["expiry shorter than the lock", { lockDays: 30, expireAfterDays: 7 }, /expireAfterDays \(7\) is shorter than lockDays \(30\); raise it to at least 30/],
    [
      "config-history with lockDays (Config cannot deliver to a locked bucket)",
      { contents: "config-history" as const, replicaLockDays: 14 },
      /a config-history bucket cannot have lockDays: AWS Config does not deliver to a bucket with Object Lock/,
    ],
    ["config-history without replicaLockDays", { contents: "config-history" as const, lockDays: undefined }, /a config-history bucket needs replicaLockDays \(>= 1\)/],
    ["replicaLockDays on a phi bucket", { replicaLockDays: 30 }, /replicaLockDays is for config-history buckets only/],
    [
      "config-history expiring before its replica's lock",
      { contents: "config-history" as const, lockDays: undefined, replicaLockDays: 30, expireAfterDays: 7 },
      /expireAfterDays \(7\) is shorter than replicaLockDays \(30\)/,
    ],
    ["a name with capitals", { name: "Export" }, /name "Export" may hold only lowercase letters, digits and inner hyphens/],
    ["a name S3 cannot take once prefixed", { name: "x".repeat(40) }, /is \d+ characters, more than S3's 63; shorten name/],
  ])("throws for %s", (_what, props, message) => {
    expect(attempt(props)).toThrow(message);
  });

  it("counts the replica's longer name against the limit", () => {
    // medicare-dev-<name>-111111111111 fits at 63, but <name>-replica does not.
    const name = "x".repeat(63 - "medicare-dev--111111111111".length);
    expect(attempt({ name, contents: "operational", lockDays: undefined })).not.toThrow();
    expect(attempt({ name })).toThrow(/medicare-dev-x+-replica-111111111111 is 71 characters/);
  });

  it("throws for an access-logs bucket with lockDays (S3 cannot deliver logs to it) or without the logs key", () => {
    expect(attempt((s) => ({ contents: "access-logs", key: s.keys.logs, name: "more-logs" }))).toThrow(/access-logs bucket cannot have lockDays: S3 does not deliver server access logs/);
    expect(attempt((s) => ({ contents: "access-logs", key: s.keys.data, name: "more-logs", lockDays: undefined }))).toThrow(
      /must be encrypted with the logs key of its region .* not the data key/,
    );
  });

  it("throws for a phi bucket in the backup region (its replica must be elsewhere)", () => {
    expect(attempt((s) => ({ key: s.backupRegionKeys.backup }))).toThrow(/a phi bucket lives in eu-west-2 .*use a key of eu-west-2, not eu-west-1/);
  });

  it("throws for a key in a region that is neither the primary nor the backup region", () => {
    expect(
      attempt((_s, stack) => {
        const provider = new AwsProvider(stack, "aws-us", { alias: "us", region: "us-east-1" });
        return { contents: "operational", lockDays: undefined, key: new DomainKey(stack, "data", { region: "us-east-1", provider }) };
      }),
    ).toThrow(/the key is in us-east-1, which is neither eu-west-2 nor the backup region eu-west-1/);
  });
});
