import { Construct } from "constructs";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { BackupRegionKeyRing, DomainKey, KeyRing } from "../security/keys";
import { accessLogBucketShortName } from "./names";
import { AccessLogTarget, BucketFoundation, S3_LOG_DELIVERY, SecureBucket } from "./secure-bucket";

export interface StorageFoundationProps {
  readonly keys: KeyRing;
  readonly backupRegionKeys: BackupRegionKeyRing;
  readonly boundary: PermissionBoundary;
}

/**
 * What every bucket of the environment relies on, owned by the security stack: one
 * access-log bucket per region (server access logs must stay in the bucket's region),
 * encrypted with that region's logs key, its records undeletable and kept for the log
 * retention period (S3 cannot deliver access logs to an Object Lock bucket).
 */
export class StorageFoundation extends Construct implements BucketFoundation {
  readonly accessLogs: Readonly<Record<string, AccessLogTarget>>;
  readonly accessLogBuckets: readonly SecureBucket[];
  readonly replicaKey: DomainKey;
  readonly boundary: PermissionBoundary;

  constructor(scope: Construct, id: string, props: StorageFoundationProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    this.replicaKey = props.backupRegionKeys.backup;
    this.boundary = props.boundary;
    const accessLogs: Record<string, AccessLogTarget> = {};
    this.accessLogs = accessLogs;
    this.accessLogBuckets = [props.keys.logs, props.backupRegionKeys.logs].map((key) => {
      const bucket = new SecureBucket(this, `access-logs-${key.region}`, {
        name: accessLogBucketShortName(key.region),
        contents: "access-logs",
        key,
        foundation: this,
        expireAfterDays: stack.env.logRetentionDays,
        policyStatements: (b) => [
          {
            // Only for this environment's buckets, in this account.
            sid: "S3ServerAccessLogDeliveryForThisEnvironment",
            principals: { Service: S3_LOG_DELIVERY },
            actions: ["s3:PutObject"],
            resources: [`${b.arn}/*`],
            conditions: {
              StringEquals: { "aws:SourceAccount": stack.accountId },
              ArnLike: { "aws:SourceArn": `arn:aws:s3:::${stack.resourceName()}-*` },
            },
          },
        ],
      });
      accessLogs[key.region] = { bucketName: bucket.name, region: key.region };
      return bucket;
    });
  }
}
