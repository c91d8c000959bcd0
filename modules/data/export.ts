import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { RolesanywhereProfile } from "@cdktf/provider-aws/lib/rolesanywhere-profile";
import { RolesanywhereTrustAnchor } from "@cdktf/provider-aws/lib/rolesanywhere-trust-anchor";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SchedulerScheduleGroup } from "@cdktf/provider-aws/lib/scheduler-schedule-group";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { ExportConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { PolicyStatement, policyJson, trustPolicyJson } from "../iam/policy-document";
import { encryptedDeadLetterQueue } from "../messaging/encrypted-queue";
import { ServiceRole } from "../iam/service-role";
import { DomainKey, requireKeyOf } from "../security/keys";
import { BucketFoundation, SecureBucket } from "../storage/secure-bucket";
import { AuroraDatabase } from "./aurora";

/** Where each day's export lands in the bucket: `daily/<export task id>/...`. */
export const EXPORT_PREFIX = "daily";
/** The service that runs RDS exports to S3, and assumes the export role. */
export const RDS_EXPORT_SERVICE = "export.rds.amazonaws.com";
/** EventBridge Scheduler's universal target for the RDS StartExportTask API. */
export const START_EXPORT_TASK_TARGET = "arn:aws:scheduler:::aws-sdk:rds:startExportTask";
/** The schedule's cron expression is read in UK time, so 01:30 stays 01:30 across BST. */
export const EXPORT_TIMEZONE = "Europe/London";
/**
 * ExportTaskIdentifier of each run. RDS wants 1-60 letters, digits and hyphens, starting with
 * a letter, no double or trailing hyphen; the identifier must be new each time. Scheduler
 * replaces <aws.scheduler.execution-id> with the id of the attempt (documented example
 * `d32c5kddcf5bb8c3`: lowercase letters and digits), so `daily-` + id fits all of it. A retry
 * is a new attempt with a new id: a failed start is retried under a fresh identifier.
 */
export const EXPORT_TASK_IDENTIFIER = `${EXPORT_PREFIX}-<aws.scheduler.execution-id>`;
/** Retries of a failed start (throttling, a transient RDS error) within the first hour. */
const RETRY_ATTEMPTS = 4;
const RETRY_MAX_AGE_SECONDS = 3600;
/** Credentials the puller gets from Roles Anywhere last one hour (enough for one sync). */
const PULLER_SESSION_SECONDS = 3600;

export interface DailyExportProps {
  /** Schedule, retention and the puller certificate's CN (env.export). */
  readonly config: ExportConfig;
  /** The on-premises CA (env.onPrem.certificateAuthorityPem); it signs the puller's client certificate. */
  readonly onPremCertificateAuthorityPem: string;
  /** The cluster whose data is exported. */
  readonly database: AuroraDatabase;
  /** The S3 interface endpoint in the data tier through which on-premises reaches S3 over the VPN. */
  readonly onPremS3Endpoint: VpcEndpoint;
  /** Encrypts the exported objects (the data key). */
  readonly dataKey: DomainKey;
  /** Encrypts the schedule's dead-letter queue (the messaging key). */
  readonly messagingKey: DomainKey;
  /** Access-log buckets, replica key and replication boundary of the environment's buckets. */
  readonly foundation: BucketFoundation;
  readonly boundary: PermissionBoundary;
}

/**
 * The daily encrypted copy of the patient database for the on-premises server.
 *
 * Every day at `config.schedule` (UK time) EventBridge Scheduler calls RDS StartExportTask
 * on the live Aurora cluster (Aurora exports a cluster directly: it clones it and writes
 * Apache Parquet, without touching the running instances) into `s3://<bucket>/daily/<id>/`,
 * encrypted with the data key. The bucket is a `phi` SecureBucket: Object Lock (compliance)
 * for `retentionDays`, then expiry; replicated, locked, to the backup region. A start that
 * still fails after the retries lands in a KMS-encrypted dead-letter queue.
 *
 * How the on-premises server pulls (VPN only):
 *   1. Its client certificate, issued by the on-premises CA with CN = `config.pullerCommonName`,
 *      is exchanged for one-hour credentials by IAM Roles Anywhere, in ~/.aws/config:
 *        [profile medicare-export]
 *        credential_process = aws_signing_helper credential-process
 *          --certificate puller.pem --private-key puller.key
 *          --trust-anchor-arn <trust anchor ARN> --profile-arn <profile ARN> --role-arn <puller role ARN>
 *   2. aws s3 sync s3://<bucket>/daily/ /srv/medicare-export/ --profile medicare-export
 *        --region <region> --endpoint-url https://bucket.<on-prem S3 endpoint DNS name>
 *      (the endpoint's DNS name is its first dns_entry, `*.vpce-....s3.<region>.vpce.amazonaws.com`,
 *      which resolves to the endpoint's addresses in the data subnets.)
 * Why the path is VPN-only: the endpoint's addresses are private, in the data tier, and its
 * security group admits HTTPS from the on-premises CIDR only, which reaches the VPC only
 * through the site-to-site VPN. The puller role may read only through that endpoint
 * (aws:SourceVpce on each S3 grant), and the bucket policy denies the role any read that
 * does not come through it, so stolen certificate credentials are useless from the internet.
 */
export class DailyExport extends Construct {
  readonly bucket: SecureBucket;
  readonly exportRole: ServiceRole;
  readonly schedulerRole: ServiceRole;
  readonly scheduleGroup: SchedulerScheduleGroup;
  readonly schedule: SchedulerSchedule;
  readonly deadLetterQueue: SqsQueue;
  readonly trustAnchor: RolesanywhereTrustAnchor;
  readonly pullerRole: IamRole;
  readonly pullerProfile: RolesanywhereProfile;

  constructor(scope: Construct, id: string, props: DailyExportProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const { config, dataKey } = props;
    requireKeyOf("data", dataKey, this, "dataKey");
    requireKeyOf("messaging", props.messagingKey, this, "messagingKey");
    const endpointId = props.onPremS3Endpoint.id;

    this.trustAnchor = new RolesanywhereTrustAnchor(this, "trust-anchor", {
      name: stack.resourceName("onprem-ca"),
      enabled: true,
      source: { sourceType: "CERTIFICATE_BUNDLE", sourceData: { x509CertificateData: props.onPremCertificateAuthorityPem } },
    });
    this.pullerRole = new IamRole(this, "puller-role", {
      name: stack.resourceName("export-puller"),
      description: "The on-premises server reads the daily exports, through the VPN's S3 endpoint only",
      permissionsBoundary: props.boundary.arn,
      maxSessionDuration: PULLER_SESSION_SECONDS,
      assumeRolePolicy: trustPolicyJson([
        {
          sid: "OnlyThePullerCertificateOfTheOnPremCa",
          principals: { Service: "rolesanywhere.amazonaws.com" },
          actions: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
          conditions: {
            ArnEquals: { "aws:SourceArn": this.trustAnchor.arn },
            StringEquals: { "aws:PrincipalTag/x509Subject/CN": config.pullerCommonName },
          },
        },
      ]),
    });

    this.bucket = new SecureBucket(this, "bucket", {
      name: "export",
      contents: "phi",
      key: dataKey,
      foundation: props.foundation,
      lockDays: config.retentionDays,
      expireAfterDays: config.retentionDays,
      policyStatements: (bucket) => [
        {
          // Beside the role's own condition: even a broadened role policy cannot read from elsewhere.
          sid: "PullerReadsOnlyThroughTheOnPremEndpoint",
          effect: "Deny",
          principals: { AWS: this.pullerRole.arn },
          actions: ["s3:GetObject*", "s3:ListBucket*"],
          resources: [bucket.arn, `${bucket.arn}/*`],
          conditions: { StringNotEquals: { "aws:SourceVpce": endpointId } },
        },
      ],
    });
    const bucketArn = this.bucket.arn;
    const exportObjects = `${bucketArn}/${EXPORT_PREFIX}/*`;
    const bucketKeyContext = { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] };

    const pullerStatements: PolicyStatement[] = [
      {
        sid: "ListTheDailyExportsThroughTheOnPremEndpoint",
        actions: ["s3:ListBucket"],
        resources: [bucketArn],
        conditions: { StringEquals: { "aws:SourceVpce": endpointId }, StringLike: { "s3:prefix": [`${EXPORT_PREFIX}/*`] } },
      },
      {
        sid: "ReadTheDailyExportsThroughTheOnPremEndpoint",
        actions: ["s3:GetObject"],
        resources: [exportObjects],
        conditions: { StringEquals: { "aws:SourceVpce": endpointId } },
      },
      {
        // S3 decrypts on the puller's behalf (a forward access session), a request that
        // carries no aws:SourceVpce; the network check is on the S3 requests above, and this
        // key use is possible only inside one of them, for this bucket's objects.
        sid: "DecryptTheExportsOnlyThroughS3",
        actions: ["kms:Decrypt"],
        resources: [dataKey.arn],
        conditions: { StringEquals: { "kms:ViaService": `s3.${dataKey.region}.amazonaws.com` }, StringLike: bucketKeyContext },
      },
    ];
    new IamRolePolicy(this, "puller-policy", {
      name: "read-daily-exports",
      role: this.pullerRole.name,
      policy: policyJson(pullerStatements),
    });
    props.boundary.permit(pullerStatements.flatMap((s) => s.actions));
    this.pullerProfile = new RolesanywhereProfile(this, "puller-profile", {
      name: stack.resourceName("export-puller"),
      enabled: true,
      roleArns: [this.pullerRole.arn],
      durationSeconds: PULLER_SESSION_SECONDS,
    });

    this.exportRole = new ServiceRole(this, "export-role", {
      name: "aurora-export",
      description: "RDS writes the daily Aurora export into the export bucket",
      servicePrincipal: RDS_EXPORT_SERVICE,
      sourceArnLike: `arn:aws:rds:${stack.region}:${stack.accountId}:*`,
      boundary: props.boundary,
      statements: [
        // The five S3 actions the RDS export documentation requires, on this bucket and prefix only.
        { sid: "LocateTheExportBucket", actions: ["s3:ListBucket", "s3:GetBucketLocation"], resources: [bucketArn] },
        {
          sid: "WriteTheDailyExport",
          actions: ["s3:PutObject*", "s3:GetObject*", "s3:DeleteObject*"],
          resources: [exportObjects],
        },
        {
          sid: "EncryptTheExportWithTheDataKeyThroughS3",
          actions: ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"],
          resources: [dataKey.arn],
          conditions: { StringEquals: { "kms:ViaService": `s3.${dataKey.region}.amazonaws.com` }, StringLike: bucketKeyContext },
        },
      ],
    });

    this.deadLetterQueue = encryptedDeadLetterQueue(this, "dead-letter-queue", stack.resourceName("daily-export-failed-starts"), props.messagingKey);

    // Scheduler assumes execution roles with aws:SourceArn = the schedule GROUP's ARN (its
    // documentation: never a schedule's), so the export schedule gets a group of its own and
    // no other schedule can borrow the role.
    this.scheduleGroup = new SchedulerScheduleGroup(this, "schedule-group", { name: stack.resourceName("daily-export") });
    props.boundary.permitPassRoleTo(RDS_EXPORT_SERVICE);
    this.schedulerRole = new ServiceRole(this, "scheduler-role", {
      name: "daily-export-scheduler",
      description: "EventBridge Scheduler starts the daily Aurora export",
      servicePrincipal: "scheduler.amazonaws.com",
      sourceArnLike: this.scheduleGroup.arn,
      boundary: props.boundary,
      statements: [
        // StartExportTask acts on the cluster it exports (list_amazonrds.html: cluster,
        // cluster-snapshot, snapshot); what the export can write is bounded by the one role
        // this role may pass.
        { sid: "ExportOnlyThisCluster", actions: ["rds:StartExportTask"], resources: [props.database.arn] },
        {
          sid: "PassOnlyTheExportRoleToRdsExport",
          actions: ["iam:PassRole"],
          resources: [this.exportRole.arn],
          conditions: { StringEquals: { "iam:PassedToService": RDS_EXPORT_SERVICE } },
        },
        {
          // StartExportTask lets RDS encrypt the export with the data key through a grant.
          sid: "LetRdsGrantItselfTheDataKey",
          actions: ["kms:CreateGrant"],
          resources: [dataKey.arn],
          conditions: {
            StringEquals: { "kms:ViaService": `rds.${dataKey.region}.amazonaws.com` },
            Bool: { "kms:GrantIsForAWSResource": true },
          },
        },
        {
          sid: "LetRdsDescribeTheDataKey",
          actions: ["kms:DescribeKey"],
          resources: [dataKey.arn],
          conditions: { StringEquals: { "kms:ViaService": `rds.${dataKey.region}.amazonaws.com` } },
        },
        { sid: "RecordFailedStarts", actions: ["sqs:SendMessage"], resources: [this.deadLetterQueue.arn] },
        {
          sid: "EncryptFailedStartsThroughSqs",
          actions: ["kms:GenerateDataKey", "kms:Decrypt"],
          resources: [props.messagingKey.arn],
          conditions: { StringEquals: { "kms:ViaService": `sqs.${props.messagingKey.region}.amazonaws.com` } },
        },
      ],
    });

    this.schedule = new SchedulerSchedule(this, "schedule", {
      name: stack.resourceName("daily-export"),
      groupName: this.scheduleGroup.name,
      description: "Daily encrypted export of the Aurora cluster for the on-premises server",
      scheduleExpression: config.schedule,
      scheduleExpressionTimezone: EXPORT_TIMEZONE,
      state: "ENABLED",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: START_EXPORT_TASK_TARGET,
        roleArn: this.schedulerRole.arn,
        input: JSON.stringify({
          ExportTaskIdentifier: EXPORT_TASK_IDENTIFIER,
          SourceArn: props.database.arn,
          S3BucketName: this.bucket.name,
          S3Prefix: EXPORT_PREFIX,
          IamRoleArn: this.exportRole.arn,
          KmsKeyId: dataKey.arn,
          // The application schema only, not MySQL's own schemas.
          ExportOnly: [stack.env.database.databaseName],
        }),
        retryPolicy: { maximumRetryAttempts: RETRY_ATTEMPTS, maximumEventAgeInSeconds: RETRY_MAX_AGE_SECONDS },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
    });
  }
}
