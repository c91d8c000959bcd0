import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Route53HostedZoneDnssec } from "@cdktf/provider-aws/lib/route53-hosted-zone-dnssec";
import { Route53KeySigningKey } from "@cdktf/provider-aws/lib/route53-key-signing-key";
import { Route53QueryLog } from "@cdktf/provider-aws/lib/route53-query-log";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { TerraformProvider } from "cdktf";
import { MedicareStack } from "../core/medicare-stack";
import { policyJson } from "../iam/policy-document";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { KEY_DELETION_WINDOW_DAYS } from "../security/keys";
import { EDGE_REGION, EdgeRegion } from "./edge-region";

export interface PublicZoneProps {
  /** The zone to create, e.g. `dev.medicare.example`. */
  readonly zoneName: string;
  readonly edgeRegion: EdgeRegion;
}

/**
 * The environment's public hosted zone, which we own: DNSSEC-signed with a KMS key in
 * us-east-1 (ECC_NIST_P256, SIGN_VERIFY, as Route 53 requires) and query-logged to an
 * encrypted log group in us-east-1 (the only region Route 53 query logs go to).
 */
export class PublicZone extends Construct {
  readonly zone: Route53Zone;

  constructor(scope: Construct, id: string, props: PublicZoneProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const provider = props.edgeRegion.provider;
    this.zone = new Route53Zone(this, "zone", {
      name: props.zoneName,
      comment: `mediCARE ${stack.env.name} public names (load balancer, forms)`,
      forceDestroy: false,
    });

    // Route 53 query logs: a log group named /aws/route53/<zone> in us-east-1 and a resource
    // policy letting Route 53 write to it (for this account's zones only).
    const queryLogs = new EncryptedLogGroup(this, "query-logs", {
      path: { awsName: `/aws/route53/${props.zoneName}` },
      key: props.edgeRegion.logsKey,
      provider,
    });
    const policy = new CloudwatchLogResourcePolicy(this, "query-log-policy", {
      provider,
      policyName: stack.resourceName("route53-query-logs"),
      policyDocument: policyJson([
        {
          sid: "Route53WritesQueryLogsOfThisAccountsZones",
          principals: { Service: "route53.amazonaws.com" },
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${queryLogs.arn}:*`],
          conditions: {
            StringEquals: { "aws:SourceAccount": stack.accountId },
            ArnLike: { "aws:SourceArn": "arn:aws:route53:::hostedzone/*" },
          },
        },
      ]),
    });
    new Route53QueryLog(this, "query-log", {
      zoneId: this.zone.zoneId,
      cloudwatchLogGroupArn: queryLogs.arn,
      dependsOn: [policy],
    });

    // DNSSEC: Route 53 signs with a key-signing key backed by this KMS key.
    const signingKey = new KmsKey(this, "dnssec-key", {
      provider,
      description: `mediCARE ${stack.env.name} DNSSEC key-signing key of ${props.zoneName} (${EDGE_REGION})`,
      customerMasterKeySpec: "ECC_NIST_P256",
      keyUsage: "SIGN_VERIFY",
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: policyJson([
        {
          sid: "AccountAdministersThroughIam",
          principals: { AWS: `arn:aws:iam::${stack.accountId}:root` },
          actions: ["kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"],
        },
        {
          sid: "Route53DnssecSignsForThisAccountsZones",
          principals: { Service: "dnssec-route53.amazonaws.com" },
          actions: ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"],
          conditions: { StringEquals: { "aws:SourceAccount": stack.accountId }, ArnLike: { "aws:SourceArn": "arn:aws:route53:::hostedzone/*" } },
        },
        {
          sid: "Route53DnssecGrantsForItsOwnResources",
          principals: { Service: "dnssec-route53.amazonaws.com" },
          actions: ["kms:CreateGrant"],
          conditions: { Bool: { "kms:GrantIsForAWSResource": true } },
        },
      ]),
    });
    const ksk = new Route53KeySigningKey(this, "key-signing-key", {
      hostedZoneId: this.zone.id,
      keyManagementServiceArn: signingKey.arn,
      name: "medicare_ksk",
      status: "ACTIVE",
    });
    new Route53HostedZoneDnssec(this, "dnssec", {
      hostedZoneId: ksk.hostedZoneId,
      signingStatus: "SIGNING",
    });
  }

  /** A DNS-validated ACM certificate for `hostname`, in the region of `provider` (default: the stack's). */
  certificate(id: string, hostname: string, provider?: TerraformProvider): AcmCertificateValidation {
    const certificate = new AcmCertificate(this, `${id}-certificate`, {
      provider,
      domainName: hostname,
      validationMethod: "DNS",
      keyAlgorithm: "EC_prime256v1",
      lifecycle: { createBeforeDestroy: true },
    });
    const option = certificate.domainValidationOptions.get(0);
    const record = new Route53Record(this, `${id}-validation`, {
      zoneId: this.zone.zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    return new AcmCertificateValidation(this, `${id}-certificate-validation`, {
      provider,
      certificateArn: certificate.arn,
      validationRecordFqdns: [record.fqdn],
    });
  }
}
