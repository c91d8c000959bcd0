import { PolicyMutation, all, atPath, find, localPath, policyOf } from "./kit";

/**
 * Mutations for the S3 rules (S3-xxx). The security stack holds the two access-log
 * buckets (buckets/access-logs-<region>/...); the data stack holds the export bucket and
 * its replica (contents phi).
 */

const PRIMARY_LOGS = "buckets/access-logs-eu-west-2";
const BACKUP_LOGS = "buckets/access-logs-eu-west-1";

/** The resource of `type` at `<bucket>/<part>` of a SecureBucket. */
const part = (doc: any, type: string, bucket: string, name: string) => find(doc, type, atPath(`${bucket}/${name}`), `${bucket}/${name}`).body;

/** Rewrites the bucket policy of the SecureBucket at `bucket`. */
function editPolicy(doc: any, bucket: string, edit: (statements: any[]) => any[]): void {
  const body = part(doc, "aws_s3_bucket_policy", bucket, "policy");
  const policy = policyOf(body);
  policy.Statement = edit(policy.Statement);
  body.policy = JSON.stringify(policy);
}

/** The SecureBucket holding `contents` in the data stack (not a replica): its construct path. */
function dataBucket(doc: any, contents: string): string {
  const buckets = all(doc, "aws_s3_bucket").filter((b) => b.body.tags?.["bucket-contents"] === contents && !localPath(b.body).includes("/replica/"));
  if (buckets.length === 0) throw new Error(`mutation target not found: aws_s3_bucket tagged bucket-contents=${contents}`);
  return localPath(buckets[0].body).replace(/\/bucket$/, "");
}

export const STORAGE_MUTATIONS: readonly PolicyMutation[] = [
  // S3-001 public access blocked, ACLs disabled
  {
    ruleId: "S3-001",
    stack: "security",
    description: "an access-log bucket stops blocking public bucket policies",
    mutate: (doc) => {
      part(doc, "aws_s3_bucket_public_access_block", PRIMARY_LOGS, "public-access-block").block_public_policy = false;
    },
  },
  {
    ruleId: "S3-001",
    stack: "security",
    description: "an access-log bucket re-enables ACLs (ObjectWriter ownership)",
    mutate: (doc) => {
      part(doc, "aws_s3_bucket_ownership_controls", BACKUP_LOGS, "ownership").rule.object_ownership = "ObjectWriter";
    },
  },
  {
    ruleId: "S3-001",
    stack: "data",
    description: "the export bucket's public access block is removed",
    mutate: (doc) => {
      const bucket = dataBucket(doc, "phi");
      const name = find(doc, "aws_s3_bucket_public_access_block", atPath(`${bucket}/public-access-block`), bucket).name;
      delete doc.resource.aws_s3_bucket_public_access_block[name];
    },
  },

  // S3-002 SSE-KMS with a customer-managed key
  {
    ruleId: "S3-002",
    stack: "security",
    description: "an access-log bucket falls back to SSE-S3 (AES256)",
    mutate: (doc) => {
      part(doc, "aws_s3_bucket_server_side_encryption_configuration", BACKUP_LOGS, "encryption").rule[0].apply_server_side_encryption_by_default = {
        sse_algorithm: "AES256",
      };
    },
  },
  {
    ruleId: "S3-002",
    stack: "security",
    description: "an access-log bucket's KMS key is dropped (S3 would use aws/s3)",
    mutate: (doc) => {
      delete part(doc, "aws_s3_bucket_server_side_encryption_configuration", PRIMARY_LOGS, "encryption").rule[0].apply_server_side_encryption_by_default
        .kms_master_key_id;
    },
  },
  {
    ruleId: "S3-002",
    stack: "data",
    description: "the export bucket is encrypted under the AWS managed key alias",
    mutate: (doc) => {
      part(doc, "aws_s3_bucket_server_side_encryption_configuration", dataBucket(doc, "phi"), "encryption").rule[0].apply_server_side_encryption_by_default.kms_master_key_id =
        "alias/aws/s3";
    },
  },

  // S3-003 TLS-only policy
  {
    ruleId: "S3-003",
    stack: "security",
    description: "an access-log bucket's policy loses its TLS-only statement",
    mutate: (doc) => editPolicy(doc, PRIMARY_LOGS, (statements) => statements.filter((s) => s.Sid !== "DenyRequestsWithoutTls")),
  },
  {
    ruleId: "S3-003",
    stack: "data",
    description: "the export replica's TLS denial covers only the bucket, not its objects",
    mutate: (doc) =>
      editPolicy(doc, `${dataBucket(doc, "phi")}/replica`, (statements) =>
        statements.map((s) => (s.Sid === "DenyRequestsWithoutTls" ? { ...s, Resource: s.Resource[0] } : s)),
      ),
  },

  // S3-004 versioning and access logging
  {
    ruleId: "S3-004",
    stack: "security",
    description: "an access-log bucket's versioning is suspended",
    mutate: (doc) => {
      part(doc, "aws_s3_bucket_versioning", BACKUP_LOGS, "versioning").versioning_configuration.status = "Suspended";
    },
  },
  {
    ruleId: "S3-004",
    stack: "security",
    description: "an access-log bucket also lets a role read through its policy, so it is no longer exempt from logging",
    mutate: (doc) =>
      editPolicy(doc, PRIMARY_LOGS, (statements) => [
        ...statements,
        {
          Sid: "AnalystsRead",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111111111111:role/analyst" },
          Action: "s3:GetObject",
          Resource: statements[0].Resource,
        },
      ]),
  },
  {
    ruleId: "S3-004",
    stack: "data",
    description: "the export bucket's access logging is removed",
    mutate: (doc) => {
      const bucket = dataBucket(doc, "phi");
      const name = find(doc, "aws_s3_bucket_logging", atPath(`${bucket}/access-logging`), bucket).name;
      delete doc.resource.aws_s3_bucket_logging[name];
    },
  },
  {
    ruleId: "S3-004",
    stack: "data",
    description: "the export bucket is retagged access-logs and its logging removed",
    mutate: (doc) => {
      const bucket = dataBucket(doc, "phi");
      part(doc, "aws_s3_bucket", bucket, "bucket").tags["bucket-contents"] = "access-logs";
      const name = find(doc, "aws_s3_bucket_logging", atPath(`${bucket}/access-logging`), bucket).name;
      delete doc.resource.aws_s3_bucket_logging[name];
    },
  },

  // S3-005 Object Lock and replication for PHI and audit buckets
  {
    ruleId: "S3-005",
    stack: "security",
    description: "the Config history bucket stops replicating to its locked copy",
    mutate: (doc) => {
      const replication = find(doc, "aws_s3_bucket_replication_configuration", atPath("config/bucket/replication"), "config/bucket/replication");
      delete doc.resource.aws_s3_bucket_replication_configuration[replication.name];
    },
  },
  {
    ruleId: "S3-005",
    stack: "security",
    description: "the Config history replica is created without Object Lock",
    mutate: (doc) => {
      find(doc, "aws_s3_bucket", atPath("config/bucket/replica/bucket"), "config/bucket/replica/bucket").body.object_lock_enabled = false;
    },
  },
  {
    ruleId: "S3-005",
    stack: "security",
    description: "the Config history replica's retention drops to GOVERNANCE mode",
    mutate: (doc) => {
      find(doc, "aws_s3_bucket_object_lock_configuration", atPath("config/bucket/replica/object-lock"), "config replica lock").body.rule.default_retention.mode = "GOVERNANCE";
    },
  },
  {
    ruleId: "S3-005",
    stack: "security",
    description: "an access-log bucket loses its bucket-contents tag",
    mutate: (doc) => {
      delete part(doc, "aws_s3_bucket", PRIMARY_LOGS, "bucket").tags["bucket-contents"];
    },
  },
  {
    ruleId: "S3-005",
    stack: "data",
    description: "the export bucket's Object Lock default retention is removed",
    mutate: (doc) => {
      const bucket = dataBucket(doc, "phi");
      const name = find(doc, "aws_s3_bucket_object_lock_configuration", atPath(`${bucket}/object-lock`), bucket).name;
      delete doc.resource.aws_s3_bucket_object_lock_configuration[name];
    },
  },
  {
    ruleId: "S3-005",
    stack: "data",
    description: "the export bucket's retention drops to GOVERNANCE mode",
    mutate: (doc) => {
      part(doc, "aws_s3_bucket_object_lock_configuration", dataBucket(doc, "phi"), "object-lock").rule.default_retention.mode = "GOVERNANCE";
    },
  },
  {
    ruleId: "S3-005",
    stack: "data",
    description: "the export bucket's replication is removed",
    mutate: (doc) => {
      const bucket = dataBucket(doc, "phi");
      const name = find(doc, "aws_s3_bucket_replication_configuration", atPath(`${bucket}/replication`), bucket).name;
      delete doc.resource.aws_s3_bucket_replication_configuration[name];
    },
  },
  {
    ruleId: "S3-005",
    stack: "data",
    description: "the export replication skips SSE-KMS objects (all of them)",
    mutate: (doc) => {
      part(doc, "aws_s3_bucket_replication_configuration", dataBucket(doc, "phi"), "replication").rule[0].source_selection_criteria.sse_kms_encrypted_objects.status =
        "Disabled";
    },
  },
  {
    ruleId: "S3-005",
    stack: "data",
    description: "the export replica is created in the primary region",
    mutate: (doc) => {
      delete part(doc, "aws_s3_bucket", `${dataBucket(doc, "phi")}/replica`, "bucket").provider;
    },
  },
  {
    ruleId: "S3-005",
    stack: "data",
    description: "the export bucket is retagged operational",
    mutate: (doc) => {
      part(doc, "aws_s3_bucket", dataBucket(doc, "phi"), "bucket").tags["bucket-contents"] = "operational";
    },
  },

  // S3-006 no public Allow
  {
    ruleId: "S3-006",
    stack: "security",
    description: "an access-log bucket's policy lets everyone read over TLS",
    mutate: (doc) =>
      editPolicy(doc, BACKUP_LOGS, (statements) => [
        ...statements,
        {
          Sid: "PublicRead",
          Effect: "Allow",
          Principal: "*",
          Action: "s3:GetObject",
          Resource: statements[0].Resource[1],
          Condition: { Bool: { "aws:SecureTransport": true } },
        },
      ]),
  },
  {
    ruleId: "S3-006",
    stack: "data",
    description: "the export bucket's policy grants every AWS account read access",
    mutate: (doc) =>
      editPolicy(doc, dataBucket(doc, "phi"), (statements) => [
        ...statements,
        { Sid: "AnyAccountReads", Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: statements[0].Resource[1] },
      ]),
  },
];
