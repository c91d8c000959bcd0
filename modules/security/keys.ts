import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { MedicareStack } from "../core/medicare-stack";
import { PolicyStatement, policyJson } from "../iam/policy-document";
import { FORMS_BUCKET_SHORT_NAME, accessLogBucketName, bucketName } from "../storage/names";
import { CONFIG_HISTORY_BUCKET, trailArn } from "./audit-names";

/** The data domains that each get their own customer-managed key. */
export type KeyDomain = "data" | "logs" | "backup" | "messaging";

/** Who may use a domain key, beyond key administration by the account. */
interface KeyUsers {
  readonly description: string;
  /**
   * Services through which IAM principals of this account may use the key
   * (`kms:ViaService`); the principal's own IAM policy must also allow it.
   */
  readonly viaServices: readonly string[];
  /** Service principals that use the key directly, each with its scoping condition. */
  readonly servicePrincipals: readonly ((stack: MedicareStack, region: string) => PolicyStatement)[];
}

/** A KMS deletion window long enough to notice and cancel a mistaken deletion. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/** Customer-managed keys rotate yearly. */
export const KEY_ROTATION_PERIOD_DAYS = 365;

const ENCRYPT_DECRYPT = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/**
 * Administration without use: the account (through IAM) manages the key but cannot decrypt
 * with it. Named actions, not `kms:Create*`, which would include kms:CreateGrant: a grant is
 * key usage by another route.
 */
const KEY_ADMINISTRATION = [
  "kms:CreateAlias",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];

/** A key policy statement: an AWS service publishes to encrypted topics and queues for one account. */
export function publishingServiceStatement(service: string, accountId: string): PolicyStatement {
  return {
    sid: `PublishFrom${service.split(".")[0]}`,
    principals: { Service: service },
    actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
    conditions: { StringEquals: { "aws:SourceAccount": accountId } },
  };
}

/** AWS services that publish to encrypted topics and queues for this account. */
function publishingService(service: string) {
  return (stack: MedicareStack): PolicyStatement => publishingServiceStatement(service, stack.accountId);
}

/**
 * EC2 Auto Scaling launches the app tier's instances with volumes under this key through its
 * service-linked role, whose own policy grants no KMS use: the key policy must name it. The
 * role may not exist yet when the key is created, so it is named by condition, not principal.
 */
function autoScalingServiceLinkedRole(stack: MedicareStack, region: string): PolicyStatement[] {
  const viaEc2 = { "kms:CallerAccount": stack.accountId, "kms:ViaService": `ec2.${region}.amazonaws.com` };
  const role = `arn:aws:iam::${stack.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
  const account = `arn:aws:iam::${stack.accountId}:root`;
  return [
    {
      sid: "AutoScalingEncryptsAppTierVolumes",
      principals: { AWS: account },
      actions: ENCRYPT_DECRYPT,
      conditions: { ArnEquals: { "aws:PrincipalArn": role }, StringEquals: viaEc2 },
    },
    {
      sid: "AutoScalingGrantsEc2ForAppTierVolumes",
      principals: { AWS: account },
      actions: ["kms:CreateGrant"],
      conditions: { ArnEquals: { "aws:PrincipalArn": role }, StringEquals: viaEc2, Bool: { "kms:GrantIsForAWSResource": true } },
    },
  ];
}

/**
 * CloudFront (origin access control) reads the forms bucket's objects, which S3 encrypts
 * under this key: only for this account's distributions and only that bucket's objects.
 */
/**
 * Macie's service-linked role decrypts the objects it scans (modules/security/threat-detection.ts:
 * the phi buckets under the data key, their replicas under the backup key); its own policy
 * grants no KMS, so the key policy names it, through S3 in this region only.
 */
function macieScansObjects(stack: MedicareStack, region: string): PolicyStatement {
  return {
    sid: "MacieDecryptsObjectsItScans",
    principals: { AWS: `arn:aws:iam::${stack.accountId}:root` },
    actions: ["kms:Decrypt"],
    conditions: {
      ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${stack.accountId}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie` },
      StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com`, "kms:CallerAccount": stack.accountId },
    },
  };
}

function cloudFrontReadsForms(stack: MedicareStack): PolicyStatement {
  const bucketArn = `arn:aws:s3:::${bucketName(stack, FORMS_BUCKET_SHORT_NAME)}`;
  return {
    sid: "CloudFrontReadsTheFormsBucket",
    principals: { Service: "cloudfront.amazonaws.com" },
    actions: ["kms:Decrypt"],
    conditions: {
      StringEquals: { "aws:SourceAccount": stack.accountId },
      ArnLike: { "aws:SourceArn": `arn:aws:cloudfront::${stack.accountId}:distribution/*` },
      StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
    },
  };
}

const DOMAINS: Readonly<Record<KeyDomain, KeyUsers>> = {
  data: {
    description: "Patient data at rest: Aurora, its secrets, DMS and exports; app-tier EBS volumes and their snapshots; the forms bucket",
    // ec2: the app tier's EBS volumes and their DLM snapshot copies (modules/edge).
    viaServices: ["rds", "secretsmanager", "dms", "s3", "ec2"],
    servicePrincipals: [
      (stack, region) => autoScalingServiceLinkedRole(stack, region)[0],
      (stack, region) => autoScalingServiceLinkedRole(stack, region)[1],
      cloudFrontReadsForms,
      macieScansObjects,
    ],
  },
  logs: {
    description: "Logs of this account and region: CloudWatch Logs (flow, DNS, VPN, database, application), S3 access logs, CloudTrail and AWS Config",
    // Reading S3 access-log objects decrypts through S3.
    viaServices: ["s3"],
    servicePrincipals: [
      (stack, region) => ({
        sid: "CloudWatchLogsOfThisAccountAndRegion",
        principals: { Service: `logs.${region}.amazonaws.com` },
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        conditions: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${stack.accountId}:log-group:*` } },
      }),
      (stack, region) => {
        // S3 server access logging writes SSE-KMS objects to this region's access-log bucket.
        // With S3 Bucket Keys the writer needs Decrypt too (S3 checks the bucket key before
        // reusing it), and the encryption context is the bucket's ARN.
        const bucketArn = `arn:aws:s3:::${accessLogBucketName(stack, region)}`;
        return {
          sid: "S3AccessLogDeliveryToThisRegionsAccessLogBucket",
          principals: { Service: "logging.s3.amazonaws.com" },
          actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
          conditions: {
            StringEquals: { "aws:SourceAccount": stack.accountId },
            StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
          },
        };
      },
      // CloudTrail encrypts the trail's log files (modules/security/audit-trail.ts); only for
      // this environment's trail (aws:SourceArn) and its encryption context.
      (stack) => ({
        sid: "CloudTrailEncryptsThisEnvironmentsTrail",
        principals: { Service: "cloudtrail.amazonaws.com" },
        actions: ["kms:GenerateDataKey*"],
        conditions: {
          StringEquals: { "aws:SourceArn": trailArn(stack) },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${stack.accountId}:trail/*` },
        },
      }),
      (stack) => ({
        sid: "CloudTrailDescribesTheKeyForThisEnvironmentsTrail",
        principals: { Service: "cloudtrail.amazonaws.com" },
        actions: ["kms:DescribeKey"],
        conditions: { StringEquals: { "aws:SourceArn": trailArn(stack) } },
      }),
      // AWS Config (its service-linked role) writes configuration history and snapshots
      // (modules/security/config-recorder.ts) as SSE-KMS objects for this account.
      (stack) => {
        const bucketArn = `arn:aws:s3:::${bucketName(stack, CONFIG_HISTORY_BUCKET)}`;
        return {
          sid: "ConfigDeliversThisAccountsHistory",
          principals: { Service: "config.amazonaws.com" },
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          conditions: {
            StringEquals: { "aws:SourceAccount": stack.accountId },
            StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
          },
        };
      },
    ],
  },
  backup: {
    description: "AWS Backup vaults, snapshot copies and replicated objects",
    viaServices: ["backup", "rds", "ec2", "s3"],
    servicePrincipals: [macieScansObjects],
  },
  messaging: {
    description: "SNS topics and SQS queues of the campaign and the alarms; Lambda function environments; Step Functions state",
    // Lambda encrypts function environment variables through a grant it creates with the
    // deployer's permission (kms:CreateGrant via lambda), and decrypts them with that grant.
    // Step Functions encrypts execution state with the state machine's role, through states.
    viaServices: ["sns", "sqs", "lambda", "states"],
    servicePrincipals: [
      publishingService("cloudwatch.amazonaws.com"),
      publishingService("events.amazonaws.com"),
      publishingService("sns.amazonaws.com"),
      // SES publishes the configuration set's delivery events to the encrypted events topic.
      publishingService("ses.amazonaws.com"),
      // Step Functions' log delivery reads execution data encrypted with this key to write it
      // to CloudWatch Logs (Step Functions "encryption at rest" documentation), this account's only.
      (stack) => ({
        sid: "StepFunctionsLogDeliveryReadsExecutionData",
        principals: { Service: "delivery.logs.amazonaws.com" },
        actions: ["kms:Decrypt"],
        conditions: { StringEquals: { "aws:SourceAccount": stack.accountId } },
      }),
    ],
  },
};

/** Key policy of a domain key: who administers it and who may use it, by name. */
function keyPolicy(stack: MedicareStack, region: string, users: KeyUsers): string {
  return accountKeyPolicy(stack.accountId, region, users.viaServices, users.servicePrincipals.map((statement) => statement(stack, region)));
}

/**
 * A key policy for one account's key: the account administers it through IAM without using
 * it, its principals use it only through `viaServices` (in `region`), and the given service
 * statements name the services that use it directly.
 */
export function accountKeyPolicy(accountId: string, region: string, viaServices: readonly string[], serviceStatements: readonly PolicyStatement[]): string {
  const account = `arn:aws:iam::${accountId}:root`;
  const statements: PolicyStatement[] = [
    { sid: "AccountAdministersThroughIam", principals: { AWS: account }, actions: KEY_ADMINISTRATION },
  ];
  if (viaServices.length > 0) {
    const viaService = viaServices.map((s) => `${s}.${region}.amazonaws.com`);
    statements.push(
      {
        sid: "AccountUsesOnlyThroughNamedServices",
        principals: { AWS: account },
        actions: ENCRYPT_DECRYPT,
        conditions: { StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": viaService } },
      },
      {
        sid: "NamedServicesGrantForTheirOwnResources",
        principals: { AWS: account },
        actions: ["kms:CreateGrant"],
        conditions: {
          StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": viaService },
          Bool: { "kms:GrantIsForAWSResource": true },
        },
      },
    );
  }
  statements.push(...serviceStatements);
  return policyJson(statements);
}

/** Where a key lives when not in the stack's primary region. */
export interface KeyPlacement {
  readonly region: string;
  /** The AWS provider alias for that region. */
  readonly provider: TerraformProvider;
}

/** A customer-managed key for one data domain, with rotation and a named-user policy. */
export class DomainKey extends Construct {
  readonly key: KmsKey;
  readonly domain: KeyDomain;
  /** The region the key lives in (a key only encrypts resources of its own region). */
  readonly region: string;

  constructor(scope: Construct, domain: KeyDomain, placement?: KeyPlacement) {
    super(scope, domain);
    const stack = MedicareStack.of(this);
    const users = DOMAINS[domain];
    this.domain = domain;
    this.region = placement?.region ?? stack.region;
    const where = placement ? ` (${this.region})` : "";
    this.key = new KmsKey(this, "key", {
      provider: placement?.provider,
      description: `mediCARE ${stack.env.name} ${domain} key${where}: ${users.description}`,
      enableKeyRotation: true,
      rotationPeriodInDays: KEY_ROTATION_PERIOD_DAYS,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: keyPolicy(stack, this.region, users),
    });
    new KmsAlias(this, "alias", {
      provider: placement?.provider,
      name: `alias/${stack.resourceName(domain)}`,
      targetKeyId: this.key.keyId,
    });
  }

  get arn(): string {
    return this.key.arn;
  }
}

/** The condition that limits a grant on `key` to use through one AWS service (`kms:ViaService`), in the key's region. */
export function viaService(service: string, key: DomainKey): { StringEquals: Record<string, string> } {
  return { StringEquals: { "kms:ViaService": `${service}.${key.region}.amazonaws.com` } };
}

/**
 * Throws unless `key` is the key of `domain`, so a construct cannot be handed another
 * domain's key (a log group under the data key, a secret under the messaging key).
 */
export function requireKeyOf(domain: KeyDomain, key: DomainKey, scope: Construct, prop: string): DomainKey {
  if (key.domain !== domain) {
    throw new Error(`${scope.node.path}: ${prop} must be the ${domain} key, not the ${key.domain} key`);
  }
  return key;
}

/** The keys of the backup region: backup copies and replicas, and the logs kept there. */
export class BackupRegionKeyRing extends Construct {
  readonly backup: DomainKey;
  readonly logs: DomainKey;

  constructor(scope: Construct, id: string, placement: KeyPlacement) {
    super(scope, id);
    this.backup = new DomainKey(this, "backup", placement);
    this.logs = new DomainKey(this, "logs", placement);
  }
}

/** The environment's four domain keys. */
export class KeyRing extends Construct {
  readonly data: DomainKey;
  readonly logs: DomainKey;
  readonly backup: DomainKey;
  readonly messaging: DomainKey;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.data = new DomainKey(this, "data");
    this.logs = new DomainKey(this, "logs");
    this.backup = new DomainKey(this, "backup");
    this.messaging = new DomainKey(this, "messaging");
  }
}
