import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { PolicyStatement, policyJson } from "../iam/policy-document";
import { ServiceRole } from "../iam/service-role";
import { DomainKey } from "../security/keys";
import { bucketName } from "./names";

/**
 * What a bucket holds decides the protections beyond the baseline every bucket gets:
 * - `phi`: patient data or exports of it. Object Lock (compliance mode) and replication
 *   to the backup region, where the replica is locked too.
 * - `audit`: audit trails (CloudTrail). Same as `phi`.
 * - `config-history`: AWS Config's configuration history. Config does not deliver to a
 *   bucket with Object Lock (AWS::Config::DeliveryChannel documentation), so this bucket is
 *   not locked; as for access logs, its policy denies deleting any record to everyone (only
 *   the lifecycle expires them), and every version is replicated to a copy in the backup
 *   region that is locked (compliance mode, `replicaLockDays`) like the other audit replicas.
 * - `access-logs`: S3 server access logs of the other buckets, encrypted with the logs key.
 *   S3 cannot deliver server access logs to a bucket with Object Lock, so instead its policy
 *   denies deleting log records to everyone (only the lifecycle expires them). It does not
 *   log its own access (that would log forever) and is not replicated: the replicated
 *   record of access to patient data is CloudTrail's S3 data events, in an `audit` bucket.
 * - `load-balancer-logs`: Elastic Load Balancing access logs. ELB delivers only to buckets
 *   encrypted with SSE-S3 (AES256), not SSE-KMS, so this is the one kind without the
 *   customer-managed key: default encryption is SSE-S3, uploads naming KMS or SSE-C are
 *   denied, and, as for access-logs, nobody may delete a log record (only lifecycle expiry).
 *   `key` still names the bucket's region and must be its logs key.
 * - `operational`: everything else (reports, static forms).
 */
export type BucketContents = "phi" | "audit" | "config-history" | "access-logs" | "load-balancer-logs" | "operational";

export const BUCKET_CONTENTS: readonly BucketContents[] = ["phi", "audit", "config-history", "access-logs", "load-balancer-logs", "operational"];

/** Contents whose records nobody may delete (log targets and Config's history, which cannot be locked). */
const UNDELETABLE_RECORDS: readonly BucketContents[] = ["access-logs", "load-balancer-logs", "config-history"];

/** Contents that must be locked and copied to the backup region (CONTROLS.md, s3 rows). */
export const LOCKED_AND_REPLICATED: readonly BucketContents[] = ["phi", "audit"];

/** Contents copied to a locked replica in the backup region (the source itself locked or not). */
export const REPLICATED_TO_LOCKED_COPY: readonly BucketContents[] = [...LOCKED_AND_REPLICATED, "config-history"];

/** The tag that records a bucket's contents; the S3 rules read it. */
export const BUCKET_CONTENTS_TAG = "bucket-contents";

/** The service principal that delivers S3 server access logs. */
export const S3_LOG_DELIVERY = "logging.s3.amazonaws.com";

/** Where a bucket's server access logs go: an access-log bucket in the same region. */
export interface AccessLogTarget {
  readonly bucketName: string;
  readonly region: string;
}

/** What every bucket of an environment shares: log targets, the replica key and the boundary. */
export interface BucketFoundation {
  /** The access-log bucket of each region, by region. */
  readonly accessLogs: Readonly<Record<string, AccessLogTarget>>;
  /** Key of the backup region that encrypts replicas. */
  readonly replicaKey: DomainKey;
  /** Boundary of the replication roles. */
  readonly boundary: PermissionBoundary;
}

export interface SecureBucketProps {
  /**
   * Short name (lowercase letters, digits, hyphens); the bucket is
   * `medicare-<env>-<name>-<account id>` (bucket names are global).
   */
  readonly name: string;
  readonly contents: BucketContents;
  /**
   * Customer-managed key of the bucket's region; every object is encrypted with it, and the
   * bucket lives in the key's region. `phi` and `audit` buckets use a key of the primary
   * region (their replica goes to the backup region); `access-logs` buckets use that
   * region's logs key (the only key S3 log delivery may use).
   */
  readonly key: DomainKey;
  readonly foundation: BucketFoundation;
  /**
   * Days each object version is locked (Object Lock, compliance mode: nobody, root
   * included, can delete or overwrite it sooner). Required for `phi` and `audit`; not
   * allowed for `access-logs` (S3 cannot deliver server access logs to a locked bucket).
   * @default no Object Lock (`operational` only)
   */
  readonly lockDays?: number;
  /**
   * Days each replica version is locked in the backup region, for a `config-history` bucket
   * (whose own objects cannot be locked); the other replicated kinds lock their replica for
   * `lockDays`. Required for `config-history`, not allowed otherwise.
   */
  readonly replicaLockDays?: number;
  /**
   * Days after which object versions expire (never sooner than the lock).
   * @default never
   */
  readonly expireAfterDays?: number;
  /**
   * Statements added to the bucket policy (after the TLS and encryption denials). Each Allow
   * must name a principal other than `*`, or carry a condition that names this account,
   * organization, source or endpoint.
   * @default none
   */
  readonly policyStatements?: (bucket: S3Bucket) => readonly PolicyStatement[];
}

const MIN_TLS_VERSION = "1.2";
const MAX_BUCKET_NAME = 63;
const SHORT_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const REPLICA_SUFFIX = "-replica";
/** SecureBuckets whose child named `replica` is their replica (which must not replicate again). */
const REPLICATED = new WeakSet<SecureBucket>();

/**
 * An S3 bucket that cannot be configured insecurely: SSE-KMS with a customer-managed key
 * (bucket keys on), all four public-access-block flags, ACLs disabled, a bucket policy that
 * denies non-TLS (and pre-1.2 TLS) requests and uploads under any other key or encryption,
 * versioning, server access logging, and, by its contents, Object Lock and replication to
 * a locked copy in the backup region. No prop turns any of these off.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly contents: BucketContents;
  /** The locked, encrypted copy in the backup region (`phi` and `audit` buckets). */
  readonly replica?: SecureBucket;
  /** Enabled before anything that needs a versioned bucket (lifecycle, replication). */
  readonly versioning: S3BucketVersioningA;
  /** The bucket policy (services that check their write access on setup, like CloudTrail and ELB, depend on it). */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const isReplica = scope instanceof SecureBucket && REPLICATED.has(scope);
    this.contents = props.contents;
    const region = props.key.region;
    const provider = regionProvider(stack, region, this.node.path);
    const name = bucketName(stack, props.name);
    validate(this.node.path, stack, props, name, isReplica);
    const accessLogs = props.foundation.accessLogs[region];
    const locked = props.lockDays !== undefined;

    this.bucket = new S3Bucket(this, "bucket", {
      provider,
      bucket: name,
      objectLockEnabled: locked,
      forceDestroy: false,
      tags: { [BUCKET_CONTENTS_TAG]: props.contents },
    });
    const bucket = this.bucket.id;

    new S3BucketPublicAccessBlock(this, "public-access-block", {
      provider,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      provider,
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      provider,
      bucket,
      rule: [
        props.contents === "load-balancer-logs"
          ? // The only encryption ELB access log delivery supports.
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : {
              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.key.arn },
              // One data key per bucket instead of one KMS call per object: cheaper, same key.
              // KMS then sees the bucket ARN (not the object's) as encryption context.
              bucketKeyEnabled: true,
            },
      ],
    });
    this.versioning = new S3BucketVersioningA(this, "versioning", {
      provider,
      bucket,
      versioningConfiguration: { status: "Enabled" },
    });
    this.policy = new S3BucketPolicy(this, "policy", {
      provider,
      bucket,
      policy: policyJson([
        ...(props.contents === "load-balancer-logs" ? sseS3Policy(this.bucket) : baselinePolicy(this.bucket, props.key)),
        ...(UNDELETABLE_RECORDS.includes(props.contents) ? logRecordsPolicy(this.bucket) : []),
        ...(props.policyStatements?.(this.bucket) ?? []),
      ]),
    });
    if (props.contents !== "access-logs") {
      new S3BucketLoggingA(this, "access-logging", {
        provider,
        bucket,
        targetBucket: accessLogs.bucketName,
        targetPrefix: `${name}/`,
      });
    }
    if (locked) {
      new S3BucketObjectLockConfigurationA(this, "object-lock", {
        provider,
        bucket,
        rule: { defaultRetention: { mode: "COMPLIANCE", days: props.lockDays } },
      });
    }
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      provider,
      bucket,
      rule: [
        {
          id: "abort-incomplete-uploads",
          status: "Enabled",
          filter: [{}],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
        ...(props.expireAfterDays === undefined
          ? []
          : [
              {
                // Lifecycle never removes a version before its Object Lock retention ends.
                id: "expire-versions",
                status: "Enabled",
                filter: [{}],
                expiration: [{ days: props.expireAfterDays }],
                noncurrentVersionExpiration: [{ noncurrentDays: props.expireAfterDays }],
              },
            ]),
      ],
      dependsOn: [this.versioning],
    });

    if (REPLICATED_TO_LOCKED_COPY.includes(props.contents) && !isReplica) {
      REPLICATED.add(this);
      this.replica = new SecureBucket(this, "replica", {
        name: `${props.name}${REPLICA_SUFFIX}`,
        contents: props.contents,
        key: props.foundation.replicaKey,
        foundation: props.foundation,
        lockDays: props.replicaLockDays ?? props.lockDays,
        expireAfterDays: props.expireAfterDays,
      });
      replicate(this, {
        name: props.name,
        source: this,
        replica: this.replica,
        sourceKey: props.key,
        foundation: props.foundation,
        provider,
      });
    }
  }

  get arn(): string {
    return this.bucket.arn;
  }

  get name(): string {
    return this.bucket.bucket;
  }
}

/** Throws, naming what to change, on any combination that would be insecure or cannot work. */
function validate(path: string, stack: MedicareStack, props: SecureBucketProps, name: string, isReplica: boolean): void {
  const fail = (message: string): never => {
    throw new Error(`${path}: ${message}`);
  };
  const kind = `${/^[aeiou]/.test(props.contents) ? "an" : "a"} ${props.contents} bucket`;
  if (!SHORT_NAME.test(props.name)) {
    fail(`name "${props.name}" may hold only lowercase letters, digits and inner hyphens (it becomes part of the bucket name ${name})`);
  }
  const longest = REPLICATED_TO_LOCKED_COPY.includes(props.contents) && !isReplica ? bucketName(stack, props.name + REPLICA_SUFFIX) : name;
  if (longest.length > MAX_BUCKET_NAME) {
    fail(`bucket name ${longest} is ${longest.length} characters, more than S3's ${MAX_BUCKET_NAME}; shorten name "${props.name}"`);
  }
  const isWholeDays = (n: number | undefined) => n === undefined || (Number.isInteger(n) && n >= 1);
  if (!isWholeDays(props.lockDays)) fail(`lockDays (${props.lockDays}) must be a whole number of days >= 1`);
  if (!isWholeDays(props.expireAfterDays)) fail(`expireAfterDays (${props.expireAfterDays}) must be a whole number of days >= 1`);
  if (!isWholeDays(props.replicaLockDays)) fail(`replicaLockDays (${props.replicaLockDays}) must be a whole number of days >= 1`);
  if (props.contents === "config-history" && !isReplica) {
    if (props.lockDays !== undefined) fail("a config-history bucket cannot have lockDays: AWS Config does not deliver to a bucket with Object Lock (its replica is locked instead: replicaLockDays)");
    if (props.replicaLockDays === undefined) fail("a config-history bucket needs replicaLockDays (>= 1): its replica in the backup region is locked for that long");
  }
  if (props.replicaLockDays !== undefined && props.contents !== "config-history") {
    fail(`replicaLockDays is for config-history buckets only; ${kind} locks itself and its replica for lockDays`);
  }
  if (props.expireAfterDays !== undefined && props.replicaLockDays !== undefined && props.expireAfterDays < props.replicaLockDays) {
    fail(`expireAfterDays (${props.expireAfterDays}) is shorter than replicaLockDays (${props.replicaLockDays}); raise it to at least ${props.replicaLockDays}`);
  }
  if ((LOCKED_AND_REPLICATED.includes(props.contents) || (props.contents === "config-history" && isReplica)) && props.lockDays === undefined) {
    fail(`${kind} needs lockDays (>= 1): its objects are kept under Object Lock (compliance mode)`);
  }
  if (props.contents === "access-logs" && props.lockDays !== undefined) {
    fail("an access-logs bucket cannot have lockDays: S3 does not deliver server access logs to a bucket with Object Lock (its policy denies deleting log records instead)");
  }
  if (props.contents === "load-balancer-logs" && (props.lockDays !== undefined || props.key.domain !== "logs")) {
    fail(`a load-balancer-logs bucket takes its region's logs key (it only places the bucket; ELB delivers under SSE-S3) and no lockDays (its policy denies deleting log records instead), not the ${props.key.domain} key${props.lockDays !== undefined ? " with lockDays" : ""}`);
  }
  if (props.expireAfterDays !== undefined && props.lockDays !== undefined && props.expireAfterDays < props.lockDays) {
    fail(`expireAfterDays (${props.expireAfterDays}) is shorter than lockDays (${props.lockDays}); raise it to at least ${props.lockDays}`);
  }
  if (props.contents === "access-logs" && props.key.domain !== "logs") {
    fail(`an access-logs bucket must be encrypted with the logs key of its region (S3 log delivery may use only that key), not the ${props.key.domain} key`);
  }
  if (REPLICATED_TO_LOCKED_COPY.includes(props.contents) && !isReplica && props.key.region !== stack.region) {
    fail(`${kind} lives in ${stack.region} (its replica goes to ${stack.env.backupRegion}); use a key of ${stack.region}, not ${props.key.region}`);
  }
  const replicaKey = props.foundation.replicaKey;
  if (REPLICATED_TO_LOCKED_COPY.includes(props.contents) && (replicaKey.region !== stack.env.backupRegion || replicaKey.domain !== "backup")) {
    fail(`the foundation's replicaKey must be the backup key of ${stack.env.backupRegion}, not the ${replicaKey.domain} key of ${replicaKey.region}`);
  }
  if (props.contents !== "access-logs" && !props.foundation.accessLogs[props.key.region]) {
    fail(`no access-log bucket in ${props.key.region}; add one to the foundation's accessLogs`);
  }
}

/** The AWS provider for a bucket in `region`: the stack's own, or its backup-region alias. */
function regionProvider(stack: MedicareStack, region: string, path: string): TerraformProvider | undefined {
  if (region === stack.region) return undefined;
  if (region === stack.env.backupRegion) return stack.backupRegionProvider;
  throw new Error(`${path}: the key is in ${region}, which is neither ${stack.region} nor the backup region ${stack.env.backupRegion}; use a key of one of those`);
}

const EVERYONE = { AWS: "*" } as const;
const KMS_KEY_ID = "s3:x-amz-server-side-encryption-aws-kms-key-id";
const SSE = "s3:x-amz-server-side-encryption";

/** Every bucket refuses requests without TLS, or with TLS older than 1.2, from anyone. */
function tlsOnly(bucket: S3Bucket): PolicyStatement[] {
  const everything = [bucket.arn, `${bucket.arn}/*`];
  return [
    {
      sid: "DenyRequestsWithoutTls",
      effect: "Deny",
      principals: EVERYONE,
      actions: ["s3:*"],
      resources: everything,
      conditions: { Bool: { "aws:SecureTransport": false } },
    },
    {
      sid: "DenyTlsOlderThan12",
      effect: "Deny",
      principals: EVERYONE,
      actions: ["s3:*"],
      resources: everything,
      conditions: { NumericLessThan: { "s3:TlsVersion": MIN_TLS_VERSION } },
    },
  ];
}

/**
 * Denials every bucket carries: no plaintext transport, no old TLS, and no object under any
 * encryption but the bucket's key. Uploads that name no encryption get the bucket key by
 * default encryption, so they pass: AWS services that write here (S3 log delivery, RDS
 * snapshot export) rely on that. Replication writes are s3:ReplicateObject, not PutObject.
 */
function baselinePolicy(bucket: S3Bucket, key: DomainKey): PolicyStatement[] {
  const objects = [`${bucket.arn}/*`];
  return [
    ...tlsOnly(bucket),
    {
      // Only when the upload names a key (Null = false): a condition on an absent key
      // would deny every upload that relies on default encryption.
      sid: "DenyUploadsUnderAnotherKey",
      effect: "Deny",
      principals: EVERYONE,
      actions: ["s3:PutObject"],
      resources: objects,
      conditions: { StringNotEquals: { [KMS_KEY_ID]: key.arn }, Null: { [KMS_KEY_ID]: false } },
    },
    {
      // "aws:kms" without a key id means the AWS managed key aws/s3, not the bucket's.
      sid: "DenyKmsUploadsThatNameNoKey",
      effect: "Deny",
      principals: EVERYONE,
      actions: ["s3:PutObject"],
      resources: objects,
      conditions: { StringEquals: { [SSE]: ["aws:kms", "aws:kms:dsse"] }, Null: { [KMS_KEY_ID]: true } },
    },
    {
      sid: "DenyUploadsWithSseS3",
      effect: "Deny",
      principals: EVERYONE,
      actions: ["s3:PutObject"],
      resources: objects,
      conditions: { StringEquals: { [SSE]: "AES256" } },
    },
    {
      // SSE-C: a key S3 does not keep, so nobody can audit or revoke it.
      sid: "DenyUploadsWithCustomerProvidedKeys",
      effect: "Deny",
      principals: EVERYONE,
      actions: ["s3:PutObject"],
      resources: objects,
      conditions: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": false } },
    },
  ];
}

/**
 * The denials of a load-balancer-logs bucket: the TLS ones of every bucket, and no upload
 * under anything but the SSE-S3 default (no KMS key of anyone's, no customer-provided key).
 */
function sseS3Policy(bucket: S3Bucket): PolicyStatement[] {
  const objects = [`${bucket.arn}/*`];
  return [
    ...tlsOnly(bucket),
    {
      sid: "DenyUploadsUnderKmsKeys",
      effect: "Deny",
      principals: EVERYONE,
      actions: ["s3:PutObject"],
      resources: objects,
      conditions: { StringEquals: { [SSE]: ["aws:kms", "aws:kms:dsse"] } },
    },
    {
      sid: "DenyUploadsWithCustomerProvidedKeys",
      effect: "Deny",
      principals: EVERYONE,
      actions: ["s3:PutObject"],
      resources: objects,
      conditions: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": false } },
    },
  ];
}

/**
 * What stands in for Object Lock on an access-log bucket: nobody deletes a log record or
 * one of its versions (lifecycle expiry is not a request, so it still runs).
 */
function logRecordsPolicy(bucket: S3Bucket): PolicyStatement[] {
  return [
    {
      sid: "DenyDeletingLogRecords",
      effect: "Deny",
      principals: EVERYONE,
      actions: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
      resources: [`${bucket.arn}/*`],
    },
  ];
}

interface ReplicationProps {
  readonly name: string;
  readonly source: SecureBucket;
  readonly replica: SecureBucket;
  readonly sourceKey: DomainKey;
  readonly foundation: BucketFoundation;
  readonly provider?: TerraformProvider;
}

/**
 * KMS encryption context of a bucket's objects: the bucket ARN when S3 Bucket Keys are on
 * (always, here), the object ARN for any object written with them off.
 */
function encryptionContexts(bucket: S3Bucket): string[] {
  return [bucket.arn, `${bucket.arn}/*`];
}

/** Replicates every object version, with its lock, re-encrypted under the replica key. */
function replicate(scope: SecureBucket, props: ReplicationProps): void {
  const source = props.source.bucket;
  const replica = props.replica.bucket;
  const replicaKey = props.foundation.replicaKey;
  const role = new ServiceRole(scope, "replication-role", {
    name: `${props.name}-replication`,
    description: `S3 replicates ${props.source.node.path} to its locked copy in ${replicaKey.region}`,
    servicePrincipal: "s3.amazonaws.com",
    sourceArnLike: source.arn,
    boundary: props.foundation.boundary,
    statements: [
      {
        sid: "ReadTheSourceConfiguration",
        actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
        resources: [source.arn],
      },
      {
        sid: "ReadSourceVersionsWithTheirLocks",
        actions: [
          "s3:GetObjectVersionForReplication",
          "s3:GetObjectVersionAcl",
          "s3:GetObjectVersionTagging",
          "s3:GetObjectRetention",
          "s3:GetObjectLegalHold",
        ],
        resources: [`${source.arn}/*`],
      },
      {
        // No s3:ReplicateDelete: delete markers are not replicated.
        sid: "WriteReplicas",
        actions: ["s3:ReplicateObject", "s3:ReplicateTags"],
        resources: [`${replica.arn}/*`],
      },
      {
        sid: "DecryptSourceObjects",
        actions: ["kms:Decrypt"],
        resources: [props.sourceKey.arn],
        conditions: {
          StringEquals: { "kms:ViaService": `s3.${props.sourceKey.region}.amazonaws.com` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": encryptionContexts(source) },
        },
      },
      {
        // GenerateDataKey makes the replica's bucket key; Decrypt checks it before reuse.
        sid: "EncryptReplicas",
        actions: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
        resources: [replicaKey.arn],
        conditions: {
          StringEquals: { "kms:ViaService": `s3.${replicaKey.region}.amazonaws.com` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": encryptionContexts(replica) },
        },
      },
    ],
  });
  new S3BucketReplicationConfigurationA(scope, "replication", {
    provider: props.provider,
    bucket: source.id,
    role: role.arn,
    rule: [
      {
        id: "locked-copy-in-backup-region",
        status: "Enabled",
        filter: {},
        deleteMarkerReplication: { status: "Disabled" },
        // Without this S3 skips SSE-KMS objects, i.e. every object of these buckets.
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: replica.arn,
          storageClass: "STANDARD",
          encryptionConfiguration: { replicaKmsKeyId: replicaKey.arn },
          // Replication failures show up in CloudWatch (OperationsFailedReplication).
          metrics: { status: "Enabled" },
        },
      },
    ],
    // Both buckets must be versioned before S3 accepts the configuration.
    dependsOn: [props.source.versioning, props.replica.versioning],
  });
}
