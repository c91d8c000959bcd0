import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { MedicareStack } from "../core/medicare-stack";
import { PolicyStatement, policyJson } from "../iam/policy-document";

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
  readonly servicePrincipals: readonly ((stack: MedicareStack) => PolicyStatement)[];
}

/** A KMS deletion window long enough to notice and cancel a mistaken deletion. */
export const KEY_DELETION_WINDOW_DAYS = 30;

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

/** AWS services that publish to encrypted topics and queues for this account. */
function publishingService(service: string) {
  return (stack: MedicareStack): PolicyStatement => ({
    sid: `PublishFrom${service.split(".")[0]}`,
    principals: { Service: service },
    actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
    conditions: { StringEquals: { "aws:SourceAccount": stack.accountId } },
  });
}

const DOMAINS: Readonly<Record<KeyDomain, KeyUsers>> = {
  data: {
    description: "Patient data at rest: Aurora, its secrets, DMS and exports",
    viaServices: ["rds", "secretsmanager", "dms", "s3"],
    servicePrincipals: [],
  },
  logs: {
    description: "CloudWatch Logs of this account and region: flow, DNS, VPN and application logs",
    viaServices: [],
    servicePrincipals: [
      (stack) => ({
        sid: "CloudWatchLogsOfThisAccountAndRegion",
        principals: { Service: `logs.${stack.region}.amazonaws.com` },
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        conditions: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `${stack.logGroupArnPrefix}*` } },
      }),
    ],
  },
  backup: {
    description: "AWS Backup vaults and snapshot copies",
    viaServices: ["backup", "rds", "ec2"],
    servicePrincipals: [],
  },
  messaging: {
    description: "SNS topics and SQS queues of the campaign and the alarms",
    viaServices: ["sns", "sqs"],
    servicePrincipals: [
      publishingService("cloudwatch.amazonaws.com"),
      publishingService("events.amazonaws.com"),
      publishingService("sns.amazonaws.com"),
    ],
  },
};

/** Key policy of a domain key: who administers it and who may use it, by name. */
function keyPolicy(stack: MedicareStack, users: KeyUsers): string {
  const account = `arn:aws:iam::${stack.accountId}:root`;
  const statements: PolicyStatement[] = [
    { sid: "AccountAdministersThroughIam", principals: { AWS: account }, actions: KEY_ADMINISTRATION },
  ];
  if (users.viaServices.length > 0) {
    const viaService = users.viaServices.map((s) => `${s}.${stack.region}.amazonaws.com`);
    statements.push(
      {
        sid: "AccountUsesOnlyThroughNamedServices",
        principals: { AWS: account },
        actions: ENCRYPT_DECRYPT,
        conditions: { StringEquals: { "kms:CallerAccount": stack.accountId, "kms:ViaService": viaService } },
      },
      {
        sid: "NamedServicesGrantForTheirOwnResources",
        principals: { AWS: account },
        actions: ["kms:CreateGrant"],
        conditions: {
          StringEquals: { "kms:CallerAccount": stack.accountId, "kms:ViaService": viaService },
          Bool: { "kms:GrantIsForAWSResource": true },
        },
      },
    );
  }
  statements.push(...users.servicePrincipals.map((statement) => statement(stack)));
  return policyJson(statements);
}

/** A customer-managed key for one data domain, with rotation and a named-user policy. */
export class DomainKey extends Construct {
  readonly key: KmsKey;
  readonly domain: KeyDomain;

  constructor(scope: Construct, domain: KeyDomain) {
    super(scope, domain);
    const stack = MedicareStack.of(this);
    const users = DOMAINS[domain];
    this.domain = domain;
    this.key = new KmsKey(this, "key", {
      description: `mediCARE ${stack.env.name} ${domain} key: ${users.description}`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: keyPolicy(stack, users),
    });
    new KmsAlias(this, "alias", { name: `alias/${stack.resourceName(domain)}`, targetKeyId: this.key.keyId });
  }

  get arn(): string {
    return this.key.arn;
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
