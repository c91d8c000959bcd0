import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { ConfigConfigRule } from "@cdktf/provider-aws/lib/config-config-rule";
import { ConfigConfigurationRecorder } from "@cdktf/provider-aws/lib/config-configuration-recorder";
import { ConfigConfigurationRecorderStatus } from "@cdktf/provider-aws/lib/config-configuration-recorder-status";
import { ConfigDeliveryChannel } from "@cdktf/provider-aws/lib/config-delivery-channel";
import { ConfigRetentionConfiguration } from "@cdktf/provider-aws/lib/config-retention-configuration";
import { IamServiceLinkedRole } from "@cdktf/provider-aws/lib/iam-service-linked-role";
import { MedicareStack } from "../core/medicare-stack";
import { PolicyStatement } from "../iam/policy-document";
import { PASSWORD_RULES } from "../iam/password-policy";
import { BucketFoundation, SecureBucket } from "../storage/secure-bucket";
import { MIN_LOG_RETENTION_DAYS } from "../config/validate";
import { CONFIG_HISTORY_BUCKET } from "./audit-names";
import { retentionDays } from "./audit-trail";
import { DomainKey, requireKeyOf } from "./keys";

const CONFIG = "config.amazonaws.com";
/** The longest configuration-item retention AWS Config accepts (seven years). */
const MAX_CONFIG_RETENTION_DAYS = 2557;

/**
 * AWS managed rules from the Operational Best Practices for HIPAA Security conformance pack
 * that apply to what this platform deploys (or will: the edge and campaign stacks), with
 * the parameters that match our controls. Left out: rules for services we do not use
 * (Elasticsearch, EMR, Redshift, DynamoDB, SageMaker, ...), and IAM_NO_INLINE_POLICY_CHECK,
 * which flags roles too: our roles carry inline, resource-scoped policies by design
 * (docs/decisions.md, "Literal policies"); user policies are forbidden by IAM-006 instead.
 */
export const HIPAA_MANAGED_RULES: Readonly<Record<string, Readonly<Record<string, string>> | undefined>> = {
  // audit
  MULTI_REGION_CLOUD_TRAIL_ENABLED: undefined,
  CLOUD_TRAIL_ENCRYPTION_ENABLED: undefined,
  CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED: undefined,
  CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED: undefined,
  CLOUDTRAIL_S3_DATAEVENTS_ENABLED: undefined,
  GUARDDUTY_ENABLED_CENTRALIZED: undefined,
  SECURITYHUB_ENABLED: undefined,
  // logs
  CLOUDWATCH_LOG_GROUP_ENCRYPTED: undefined,
  CW_LOGGROUP_RETENTION_PERIOD_CHECK: { MinRetentionTime: String(MIN_LOG_RETENTION_DAYS) },
  CLOUDWATCH_ALARM_ACTION_CHECK: { alarmActionRequired: "true", insufficientDataActionRequired: "false", okActionRequired: "false" },
  // s3
  S3_BUCKET_DEFAULT_LOCK_ENABLED: undefined,
  S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED: undefined,
  S3_DEFAULT_ENCRYPTION_KMS: undefined,
  S3_BUCKET_SSL_REQUESTS_ONLY: undefined,
  S3_BUCKET_VERSIONING_ENABLED: undefined,
  S3_BUCKET_LOGGING_ENABLED: undefined,
  S3_BUCKET_REPLICATION_ENABLED: undefined,
  S3_BUCKET_PUBLIC_READ_PROHIBITED: undefined,
  S3_BUCKET_PUBLIC_WRITE_PROHIBITED: undefined,
  S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED: undefined,
  // kms, secrets, sns
  CMK_BACKING_KEY_ROTATION_ENABLED: undefined,
  KMS_CMK_NOT_SCHEDULED_FOR_DELETION: undefined,
  SECRETSMANAGER_USING_CMK: undefined,
  SECRETSMANAGER_ROTATION_ENABLED_CHECK: undefined,
  SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK: undefined,
  SNS_ENCRYPTED_KMS: undefined,
  // rds, backup, dms
  RDS_STORAGE_ENCRYPTED: undefined,
  RDS_INSTANCE_PUBLIC_ACCESS_CHECK: undefined,
  RDS_SNAPSHOTS_PUBLIC_PROHIBITED: undefined,
  RDS_LOGGING_ENABLED: undefined,
  RDS_ENHANCED_MONITORING_ENABLED: undefined,
  RDS_IN_BACKUP_PLAN: undefined,
  RDS_CLUSTER_MULTI_AZ_ENABLED: undefined,
  RDS_CLUSTER_DELETION_PROTECTION_ENABLED: undefined,
  RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED: undefined,
  DB_INSTANCE_BACKUP_ENABLED: undefined,
  BACKUP_RECOVERY_POINT_ENCRYPTED: undefined,
  BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK: { requiredFrequencyValue: "1", requiredFrequencyUnit: "days", requiredRetentionDays: "35" },
  DMS_REPLICATION_NOT_PUBLIC: undefined,
  // network
  VPC_FLOW_LOGS_ENABLED: undefined,
  VPC_DEFAULT_SECURITY_GROUP_CLOSED: undefined,
  INCOMING_SSH_DISABLED: undefined,
  RESTRICTED_INCOMING_TRAFFIC: undefined,
  SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED: undefined,
  // compute (edge and campaign stacks)
  LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED: undefined,
  LAMBDA_INSIDE_VPC: undefined,
  EC2_IMDSV2_CHECK: undefined,
  EC2_INSTANCE_NO_PUBLIC_IP: undefined,
  EC2_INSTANCE_PROFILE_ATTACHED: undefined,
  EC2_INSTANCE_MANAGED_BY_SSM: undefined,
  EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK: undefined,
  EC2_EBS_ENCRYPTION_BY_DEFAULT: undefined,
  ENCRYPTED_VOLUMES: undefined,
  EBS_IN_BACKUP_PLAN: undefined,
  ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK: undefined,
  ALB_HTTP_DROP_INVALID_HEADER_ENABLED: undefined,
  ALB_WAF_ENABLED: undefined,
  ELB_LOGGING_ENABLED: undefined,
  ELB_DELETION_PROTECTION_ENABLED: undefined,
  ELB_TLS_HTTPS_LISTENERS_ONLY: undefined,
  // iam
  IAM_PASSWORD_POLICY: {
    RequireUppercaseCharacters: "true",
    RequireLowercaseCharacters: "true",
    RequireSymbols: "true",
    RequireNumbers: "true",
    MinimumPasswordLength: String(PASSWORD_RULES.minimumLength),
    PasswordReusePrevention: String(PASSWORD_RULES.reusePrevention),
    MaxPasswordAge: String(PASSWORD_RULES.maxAgeDays),
  },
  IAM_ROOT_ACCESS_KEY_CHECK: undefined,
  ROOT_ACCOUNT_MFA_ENABLED: undefined,
  ROOT_ACCOUNT_HARDWARE_MFA_ENABLED: undefined,
  MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS: undefined,
  IAM_USER_MFA_ENABLED: undefined,
  IAM_USER_NO_POLICIES_CHECK: undefined,
  IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS: undefined,
  IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS: undefined,
  IAM_USER_UNUSED_CREDENTIALS_CHECK: { maxCredentialUsageAge: "90" },
  ACCESS_KEYS_ROTATED: { maxAccessKeyAge: "90" },
};

export interface ConfigRecorderProps {
  /** The logs key of the primary region: it encrypts the delivered history and snapshots. */
  readonly logsKey: DomainKey;
  readonly foundation: BucketFoundation;
  /**
   * Other regions of the account to record (the backup region, which holds the locked backup
   * copies and replicas), each with its provider; they deliver to the same bucket.
   * @default none
   */
  readonly otherRegions?: readonly { readonly name: string; readonly provider: TerraformProvider }[];
}

/** One region's recorder: what it records, where it delivers, and the rules it evaluates there. */
export interface RegionalRecording {
  readonly region: string;
  readonly recorder: ConfigConfigurationRecorder;
  readonly deliveryChannel: ConfigDeliveryChannel;
  readonly rules: readonly ConfigConfigRule[];
}

/**
 * AWS Config: records every supported resource type continuously, in the primary region
 * (global ones, IAM, included: recorded once) and in every other region given (the backup
 * region); delivers history and daily snapshots of all of them to one encrypted bucket;
 * keeps configuration items as long as the audit trail (up to Config's seven-year maximum);
 * and evaluates the HIPAA managed rules in each region.
 *
 * The delivery bucket has no Object Lock: AWS Config does not deliver to a bucket with
 * Object Lock enabled (AWS::Config::DeliveryChannel documentation). It is a `config-history`
 * SecureBucket (KMS, TLS-only, versioned, access-logged) whose policy denies deleting any
 * object or version (only the lifecycle expires them), and whose every version is
 * replicated to a copy in the backup region locked in compliance mode for the audit
 * retention, like the trail's replica.
 */
export class ConfigRecorder extends Construct {
  readonly recorder: ConfigConfigurationRecorder;
  readonly deliveryChannel: ConfigDeliveryChannel;
  readonly bucket: SecureBucket;
  readonly rules: readonly ConfigConfigRule[];
  /** Every region recorded, the primary first. */
  readonly regions: readonly RegionalRecording[];

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("logs", props.logsKey, this, "logsKey");
    const days = retentionDays(stack.env.audit.retentionYears);

    this.bucket = new SecureBucket(this, "bucket", {
      name: CONFIG_HISTORY_BUCKET,
      contents: "config-history",
      key: props.logsKey,
      foundation: props.foundation,
      replicaLockDays: days,
      expireAfterDays: days,
      policyStatements: (bucket): PolicyStatement[] => {
        const sourceAccount = { StringEquals: { "aws:SourceAccount": stack.accountId } };
        return [
          { sid: "ConfigChecksTheBucketAcl", principals: { Service: CONFIG }, actions: ["s3:GetBucketAcl"], resources: [bucket.arn], conditions: sourceAccount },
          { sid: "ConfigChecksTheBucketExists", principals: { Service: CONFIG }, actions: ["s3:ListBucket"], resources: [bucket.arn], conditions: sourceAccount },
          {
            sid: "ConfigDeliversThisAccountsHistory",
            principals: { Service: CONFIG },
            actions: ["s3:PutObject"],
            resources: [`${bucket.arn}/AWSLogs/${stack.accountId}/Config/*`],
            conditions: { StringEquals: { "aws:SourceAccount": stack.accountId, "s3:x-amz-acl": "bucket-owner-full-control" } },
          },
        ];
      },
    });

    // The service-linked role carries AWS's own read-only policy for every resource type;
    // a role of ours would need a Resource "*" grant of hundreds of Describe actions.
    const role = new IamServiceLinkedRole(this, "service-linked-role", {
      awsServiceName: CONFIG,
      description: "AWS Config records the configuration of every resource of the account",
    });
    const record = (region: string, provider: TerraformProvider | undefined, suffix: string): RegionalRecording => {
      const recorder = new ConfigConfigurationRecorder(this, `recorder${suffix}`, {
        provider,
        name: stack.resourceName("config"),
        roleArn: role.arn,
        // Global types (IAM) are the same from every region: recorded in the primary only.
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: provider === undefined },
        recordingMode: { recordingFrequency: "CONTINUOUS" },
      });
      const deliveryChannel = new ConfigDeliveryChannel(this, `delivery-channel${suffix}`, {
        provider,
        name: stack.resourceName("config"),
        s3BucketName: this.bucket.name,
        s3KmsKeyArn: props.logsKey.arn,
        snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
        dependsOn: [recorder, this.bucket.policy],
      });
      new ConfigConfigurationRecorderStatus(this, `recording${suffix}`, {
        provider,
        name: recorder.name,
        isEnabled: true,
        dependsOn: [deliveryChannel],
      });
      new ConfigRetentionConfiguration(this, `retention${suffix}`, {
        provider,
        retentionPeriodInDays: Math.min(days, MAX_CONFIG_RETENTION_DAYS),
      });
      const rules = Object.entries(HIPAA_MANAGED_RULES).map(
        ([identifier, parameters]) =>
          new ConfigConfigRule(this, `rule-${identifier.toLowerCase()}${suffix}`, {
            provider,
            name: stack.resourceName("hipaa", identifier.toLowerCase().replace(/_/g, "-")),
            source: { owner: "AWS", sourceIdentifier: identifier },
            inputParameters: parameters ? JSON.stringify(parameters) : undefined,
            dependsOn: [recorder],
          }),
      );
      return { region, recorder, deliveryChannel, rules };
    };
    const primary = record(stack.region, undefined, "");
    this.recorder = primary.recorder;
    this.deliveryChannel = primary.deliveryChannel;
    this.rules = primary.rules;
    this.regions = [primary, ...(props.otherRegions ?? []).map((r) => record(r.name, r.provider, `-${r.name}`))];
  }
}
