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

/**
 * What a bucket holds decides the protections beyond the baseline every bucket gets:
 * - `phi`: patient data or exports of it. Object Lock (compliance mode) and replication
 *   to the backup region, where the replica is locked too.
 * - `audit`: audit trails (CloudTrail, Config). Same as `phi`.
 * - `access-logs`: S3 server access logs of the other buckets. Object Lock; it does not log
 *   its own access (that would log forever) and is not replicated: the replicated record of
 *   access to patient data is CloudTrail's S3 data events, in an `audit` bucket.
 * - `operational`: everything else (reports, static forms, load balancer logs).
 */
export type BucketContents = "phi" | "audit" | "access-logs" | "operational";

/** Contents that must be locked and copied to the backup region (CONTROLS.md, s3 rows). */
const LOCKED_AND_REPLICATED: readonly BucketContents[] = ["phi", "audit"];

/** The tag that records a bucket's contents; the S3 rules read it. */
export const BUCKET_CONTENTS_TAG = "bucket-contents";

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
  /** Short name; the bucket is `medicare-<env>-<name>-<account id>` (bucket names are global). */
  readonly name: string;
  readonly contents: BucketContents;
  /** Customer-managed key of the bucket's region; every object is encrypted with it. */
  readonly key: DomainKey;
  readonly foundation: BucketFoundation;
  /**
   * Days each object version is locked (compliance mode: nobody, root included, can delete
   * or overwrite it sooner). Required for `phi`, `audit` and `access-logs`.
   */
  readonly lockDays?: number;
  /** Days after which object versions expire (never sooner than the lock). */
  readonly expireAfterDays?: number;
  /**
   * Statements added to the bucket policy (after the TLS and encryption denials). Each Allow
   * must name a principal other than `*`, or carry a condition.
   */
  readonly policyStatements?: (bucket: S3Bucket) => readonly PolicyStatement[];
}

const MIN_TLS_VERSION = "1.2";

/**
 * An S3 bucket that cannot be configured insecurely: SSE-KMS with a customer-managed key
 * (bucket keys on), all four public-access-block flags, ACLs disabled, a bucket policy that
 * denies non-TLS (and pre-1.2 TLS) requests and uploads under any other key, versioning,
 * server access logging, and, by its contents, Object Lock and replication to the backup
 * region. No prop turns any of these off.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly contents: BucketContents;
  /** The locked, encrypted copy in the backup region (`phi` and `audit` buckets). */
  readonly replica?: SecureBucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    this.contents = props.contents;
    const region = props.key.region;
    const provider = regionProvider(stack, region, this.node.path);
    const locked = props.contents !== "operational";
    const name = stack.resourceName(props.name, stack.accountId);
    if (name.length > 63) throw new Error(`${this.node.path}: bucket name ${name} is longer than 63 characters; shorten name`);
    if (locked && !(props.lockDays && props.lockDays >= 1)) {
      throw new Error(`${this.node.path}: a ${props.contents} bucket needs lockDays (>= 1): its objects are kept under Object Lock`);
    }
    if (props.expireAfterDays !== undefined && props.lockDays !== undefined && props.expireAfterDays < props.lockDays) {
      throw new Error(`${this.node.path}: expireAfterDays (${props.expireAfterDays}) is shorter than lockDays (${props.lockDays}); raise it`);
    }
    const accessLogs = props.foundation.accessLogs[region];
    if (props.contents !== "access-logs" && !accessLogs) {
      throw new Error(`${this.node.path}: no access-log bucket in ${region}; add one to the foundation's accessLogs`);
    }

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
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.key.arn },
          // One data key per bucket instead of one KMS call per object: cheaper, same key.
          bucketKeyEnabled: true,
        },
      ],
    });
    const versioning = new S3BucketVersioningA(this, "versioning", {
      provider,
      bucket,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketPolicy(this, "policy", {
      provider,
      bucket,
      policy: policyJson([...baselinePolicy(this.bucket, props.key), ...(props.policyStatements?.(this.bucket) ?? [])]),
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
                id: "expire-versions",
                status: "Enabled",
                filter: [{}],
                expiration: [{ days: props.expireAfterDays }],
                noncurrentVersionExpiration: [{ noncurrentDays: props.expireAfterDays }],
              },
            ]),
      ],
      dependsOn: [versioning],
    });

    if (LOCKED_AND_REPLICATED.includes(props.contents)) {
      this.replica = new SecureBucket(this, "replica", {
        name: `${props.name}-replica`,
        contents: props.contents,
        key: props.foundation.replicaKey,
        foundation: props.foundation,
        lockDays: props.lockDays,
        expireAfterDays: props.expireAfterDays,
      });
      replicate(this, {
        name: props.name,
        source: this,
        replica: this.replica,
        sourceKey: props.key,
        foundation: props.foundation,
        provider,
        dependsOn: versioning,
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

/** The AWS provider for a bucket in `region`: the stack's own, or its backup-region alias. */
function regionProvider(stack: MedicareStack, region: string, path: string): TerraformProvider | undefined {
  if (region === stack.region) return undefined;
  if (region === stack.env.backupRegion) return stack.backupRegionProvider;
  throw new Error(`${path}: the key is in ${region}, which is neither ${stack.region} nor the backup region ${stack.env.backupRegion}`);
}

/** Denials every bucket carries: no plaintext transport, no old TLS, no object under another key. */
function baselinePolicy(bucket: S3Bucket, key: DomainKey): PolicyStatement[] {
  const everything = [bucket.arn, `${bucket.arn}/*`];
  return [
    {
      sid: "DenyRequestsWithoutTls",
      effect: "Deny",
      principals: { AWS: "*" },
      actions: ["s3:*"],
      resources: everything,
      conditions: { Bool: { "aws:SecureTransport": false } },
    },
    {
      sid: "DenyTlsOlderThan12",
      effect: "Deny",
      principals: { AWS: "*" },
      actions: ["s3:*"],
      resources: everything,
      conditions: { NumericLessThan: { "s3:TlsVersion": MIN_TLS_VERSION } },
    },
    {
      // Default encryption applies the bucket key to uploads that name none; this stops an
      // upload that asks for SSE-S3 or for some other KMS key.
      sid: "DenyUploadsNotUnderTheBucketKey",
      effect: "Deny",
      principals: { AWS: "*" },
      actions: ["s3:PutObject"],
      resources: [`${bucket.arn}/*`],
      conditions: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": key.arn } },
    },
    {
      sid: "DenyUploadsWithSseS3",
      effect: "Deny",
      principals: { AWS: "*" },
      actions: ["s3:PutObject"],
      resources: [`${bucket.arn}/*`],
      conditions: { StringEquals: { "s3:x-amz-server-side-encryption": "AES256" } },
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
  readonly dependsOn: S3BucketVersioningA;
}

/** Replicates every object version, locked and re-encrypted, to the replica bucket. */
function replicate(scope: Construct, props: ReplicationProps): void {
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
        sid: "WriteReplicas",
        actions: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
        resources: [`${replica.arn}/*`],
      },
      {
        sid: "DecryptSourceObjects",
        actions: ["kms:Decrypt"],
        resources: [props.sourceKey.arn],
        conditions: {
          StringEquals: { "kms:ViaService": `s3.${props.sourceKey.region}.amazonaws.com` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": `${source.arn}/*` },
        },
      },
      {
        sid: "EncryptReplicas",
        actions: ["kms:Encrypt", "kms:GenerateDataKey"],
        resources: [replicaKey.arn],
        conditions: {
          StringEquals: { "kms:ViaService": `s3.${replicaKey.region}.amazonaws.com` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": `${replica.arn}/*` },
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
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: replica.arn,
          storageClass: "STANDARD",
          encryptionConfiguration: { replicaKmsKeyId: replicaKey.arn },
        },
      },
    ],
    dependsOn: [props.dependsOn],
  });
}
