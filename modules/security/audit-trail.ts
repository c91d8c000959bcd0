import { Construct } from "constructs";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { ServiceRole } from "../iam/service-role";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { BucketFoundation, SecureBucket } from "../storage/secure-bucket";
import { AUDIT_TRAIL_BUCKET, patientDataBucketArnPrefixes, trailArn, trailName } from "./audit-names";
import { PolicyStatement } from "../iam/policy-document";
import { DomainKey, requireKeyOf } from "./keys";

export interface AuditTrailProps {
  /** The logs key of the primary region: log files, the trail's log group and its bucket. */
  readonly logsKey: DomainKey;
  readonly foundation: BucketFoundation;
  /** Boundary of the role CloudTrail delivers to CloudWatch Logs with. */
  readonly boundary: PermissionBoundary;
}

const CLOUDTRAIL = "cloudtrail.amazonaws.com";

/** Days in `years` years, counting leap days, so the lock never ends early. */
export function retentionDays(years: number): number {
  return Math.ceil(years * 365.25);
}

/**
 * The account's audit trail: every region, management events (read and write, global
 * services included) and S3 object-level events on the buckets holding patient data and
 * exports; log files KMS-encrypted, digest-validated, delivered to a locked, versioned,
 * replicated audit bucket and to an encrypted CloudWatch log group for the CIS alarms.
 * None of it can be switched off.
 */
export class AuditTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly bucket: SecureBucket;
  readonly logGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("logs", props.logsKey, this, "logsKey");
    const arn = trailArn(stack);
    const days = retentionDays(stack.env.audit.retentionYears);

    this.bucket = new SecureBucket(this, "bucket", {
      name: AUDIT_TRAIL_BUCKET,
      contents: "audit",
      key: props.logsKey,
      foundation: props.foundation,
      lockDays: days,
      expireAfterDays: days,
      policyStatements: (bucket): PolicyStatement[] => [
        {
          sid: "CloudTrailChecksTheBucketForThisTrail",
          principals: { Service: CLOUDTRAIL },
          actions: ["s3:GetBucketAcl"],
          resources: [bucket.arn],
          conditions: { StringEquals: { "aws:SourceArn": arn } },
        },
        {
          sid: "CloudTrailWritesThisTrailsLogFiles",
          principals: { Service: CLOUDTRAIL },
          actions: ["s3:PutObject"],
          resources: [`${bucket.arn}/AWSLogs/${stack.accountId}/*`],
          conditions: { StringEquals: { "aws:SourceArn": arn, "s3:x-amz-acl": "bucket-owner-full-control" } },
        },
      ],
    });

    this.logGroup = new EncryptedLogGroup(this, "log-group", { path: "audit/cloudtrail", key: props.logsKey });
    const deliveryRole = new ServiceRole(this, "cloudwatch-logs-role", {
      name: "cloudtrail-to-logs",
      description: "CloudTrail delivers the audit trail's events to its CloudWatch log group",
      servicePrincipal: CLOUDTRAIL,
      sourceArnLike: arn,
      boundary: props.boundary,
      statements: [
        {
          sid: "WriteTheTrailsLogStreams",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:log-stream:*`],
        },
      ],
    });

    this.trail = new Cloudtrail(this, "trail", {
      name: trailName(stack),
      s3BucketName: this.bucket.name,
      kmsKeyId: props.logsKey.arn,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: deliveryRole.arn,
      advancedEventSelector: [
        {
          name: "Every management event, read and write",
          fieldSelector: [{ field: "eventCategory", equalTo: ["Management"] }],
        },
        {
          name: "Every object-level request on the patient-data and export buckets",
          fieldSelector: [
            { field: "eventCategory", equalTo: ["Data"] },
            { field: "resources.type", equalTo: ["AWS::S3::Object"] },
            { field: "resources.ARN", startsWith: patientDataBucketArnPrefixes(stack) },
          ],
        },
      ],
      // The bucket policy must let CloudTrail in before the trail is created, and the role
      // must be able to write before CloudTrail validates it.
      dependsOn: [this.bucket.policy, deliveryRole.policy],
    });
  }
}
