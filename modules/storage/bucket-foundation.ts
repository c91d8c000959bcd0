import { Construct } from "constructs";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { BackupRegionKeyRing, DomainKey, KeyRing } from "../security/keys";
import { AccessLogTarget, BucketFoundation, SecureBucket } from "./secure-bucket";

export interface StorageFoundationProps {
  readonly keys: KeyRing;
  readonly backupRegionKeys: BackupRegionKeyRing;
  readonly boundary: PermissionBoundary;
}

/**
 * What every bucket of the environment relies on, owned by the security stack: one
 * access-log bucket per region (server access logs must stay in the bucket's region),
 * encrypted with that region's logs key and locked for the log retention period.
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
        name: `access-logs-${key.region}`,
        contents: "access-logs",
        key,
        foundation: this,
        lockDays: stack.env.logRetentionDays,
        expireAfterDays: stack.env.logRetentionDays,
        policyStatements: (b) => [
          {
            sid: "S3ServerAccessLogDeliveryForThisEnvironment",
            principals: { Service: "logging.s3.amazonaws.com" },
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
