import { Construct } from "constructs";
import { Fn } from "cdktf";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Sesv2ConfigurationSet } from "@cdktf/provider-aws/lib/sesv2-configuration-set";
import { Sesv2ConfigurationSetEventDestination } from "@cdktf/provider-aws/lib/sesv2-configuration-set-event-destination";
import { Sesv2EmailIdentity } from "@cdktf/provider-aws/lib/sesv2-email-identity";
import { Sesv2EmailIdentityMailFromAttributes } from "@cdktf/provider-aws/lib/sesv2-email-identity-mail-from-attributes";
import { SnsSmsPreferences } from "@cdktf/provider-aws/lib/sns-sms-preferences";
import { CampaignConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { ServiceRole } from "../iam/service-role";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { EncryptedTopic } from "../messaging/encrypted-topic";
import { DomainKey } from "../security/keys";
import { EmailSending } from "./campaign-functions";

/** SES events the campaign records: every outcome of a send. OPEN and CLICK are never published, so SES never rewrites links or adds a tracking pixel. */
export const RECORDED_EMAIL_EVENTS = ["DELIVERY", "BOUNCE", "COMPLAINT", "REJECT", "RENDERING_FAILURE", "DELIVERY_DELAY"] as const;
/** DKIM tokens SES Easy DKIM issues for a domain (one CNAME each). */
const DKIM_TOKEN_COUNT = 3;

export interface CampaignMessagingProps {
  readonly config: CampaignConfig;
  /** The public zone (edge stack): the SES identity is the zone's domain. */
  readonly zone: { readonly zoneId: string; readonly zoneName: string };
  readonly messagingKey: DomainKey;
  readonly logsKey: DomainKey;
  readonly boundary: PermissionBoundary;
}

/**
 * How messages leave: SNS SMS settings for the account (transactional by default, a monthly
 * spend limit, delivery status logged for every message) and SES (the zone's domain with
 * 2048-bit DKIM, a custom MAIL FROM, DMARC; a configuration set that requires TLS, keeps
 * reputation metrics, turns engagement tracking off, and publishes each send's outcome to
 * an encrypted topic for the delivery-events function).
 */
export class CampaignMessaging extends Construct {
  readonly email: EmailSending;
  readonly eventsTopic: EncryptedTopic;
  readonly configurationSet: Sesv2ConfigurationSet;
  readonly smsDeliveryLogGroups: readonly EncryptedLogGroup[];

  constructor(scope: Construct, id: string, props: CampaignMessagingProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const { config, zone } = props;
    const domain = zone.zoneName;

    // SMS: SNS writes delivery status to these AWS-named groups; they exist first, encrypted.
    const smsLogPrefix = `sns/${stack.region}/${stack.accountId}/DirectPublishToPhoneNumber`;
    this.smsDeliveryLogGroups = [smsLogPrefix, `${smsLogPrefix}/Failure`].map(
      (name, i) => new EncryptedLogGroup(this, i === 0 ? "sms-delivered-log-group" : "sms-failed-log-group", { path: { awsName: name }, key: props.logsKey }),
    );
    const smsLogRole = new ServiceRole(this, "sms-delivery-status-role", {
      name: "sms-delivery-status",
      description: "SNS writes the delivery status of each SMS to CloudWatch Logs",
      servicePrincipal: "sns.amazonaws.com",
      sourceArnLike: `arn:aws:sns:${stack.region}:${stack.accountId}:*`,
      boundary: props.boundary,
      statements: [
        {
          sid: "WriteSmsDeliveryStatus",
          actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:PutMetricFilter", "logs:PutRetentionPolicy"],
          resources: this.smsDeliveryLogGroups.flatMap((g) => [`arn:aws:logs:${stack.region}:${stack.accountId}:log-group:${g.name}`, `arn:aws:logs:${stack.region}:${stack.accountId}:log-group:${g.name}:*`]),
        },
      ],
    });
    new SnsSmsPreferences(this, "sms-preferences", {
      defaultSmsType: "Transactional",
      monthlySpendLimit: config.sms.monthlySpendLimitUsd,
      ...(config.sms.senderId ? { defaultSenderId: config.sms.senderId } : {}),
      deliveryStatusIamRoleArn: smsLogRole.arn,
      deliveryStatusSuccessSamplingRate: "100",
    });

    // Email: the configuration set first (the identity names it as its default).
    const configurationSetName = stack.resourceName("campaign");
    const configurationSetArn = `arn:aws:ses:${stack.region}:${stack.accountId}:configuration-set/${configurationSetName}`;
    this.configurationSet = new Sesv2ConfigurationSet(this, "configuration-set", {
      configurationSetName,
      deliveryOptions: { tlsPolicy: "REQUIRE" },
      reputationOptions: { reputationMetricsEnabled: true },
      sendingOptions: { sendingEnabled: true },
      suppressionOptions: { suppressedReasons: ["BOUNCE", "COMPLAINT"] },
      // Engagement (open and click) tracking off: no tracking pixel, no rewritten links.
      vdmOptions: { dashboardOptions: { engagementMetrics: "DISABLED" }, guardianOptions: { optimizedSharedDelivery: "DISABLED" } },
    });
    this.eventsTopic = new EncryptedTopic(this, "events-topic", {
      name: "email-events",
      displayName: `mediCARE ${stack.env.name} email delivery events`,
      key: props.messagingKey,
      publishers: [{ sid: "CampaignConfigurationSetPublishes", service: "ses.amazonaws.com", sourceArnLike: configurationSetArn }],
    });
    new Sesv2ConfigurationSetEventDestination(this, "events", {
      configurationSetName: this.configurationSet.configurationSetName,
      eventDestinationName: "delivery-events",
      eventDestination: {
        enabled: true,
        matchingEventTypes: [...RECORDED_EMAIL_EVENTS],
        snsDestination: { topicArn: this.eventsTopic.arn },
      },
    });

    const identity = new Sesv2EmailIdentity(this, "identity", {
      emailIdentity: domain,
      configurationSetName: this.configurationSet.configurationSetName,
      dkimSigningAttributes: { nextSigningKeyLength: "RSA_2048_BIT" },
    });
    for (let i = 0; i < DKIM_TOKEN_COUNT; i++) {
      const token = Fn.element(identity.dkimSigningAttributes.tokens, i);
      new Route53Record(this, `dkim-${i}`, {
        zoneId: zone.zoneId,
        name: `${token}._domainkey.${domain}`,
        type: "CNAME",
        ttl: 1800,
        records: [`${token}.dkim.amazonses.com`],
      });
    }
    const mailFromDomain = `${config.email.mailFromLabel}.${domain}`;
    new Sesv2EmailIdentityMailFromAttributes(this, "mail-from", {
      emailIdentity: identity.emailIdentity,
      mailFromDomain,
      // Never fall back to amazonses.com: that would break SPF alignment for DMARC.
      behaviorOnMxFailure: "REJECT_MESSAGE",
    });
    new Route53Record(this, "mail-from-mx", {
      zoneId: zone.zoneId,
      name: mailFromDomain,
      type: "MX",
      ttl: 1800,
      records: [`10 feedback-smtp.${stack.region}.amazonses.com`],
    });
    new Route53Record(this, "mail-from-spf", {
      zoneId: zone.zoneId,
      name: mailFromDomain,
      type: "TXT",
      ttl: 1800,
      records: ["v=spf1 include:amazonses.com -all"],
    });
    new Route53Record(this, "dmarc", {
      zoneId: zone.zoneId,
      name: `_dmarc.${domain}`,
      type: "TXT",
      ttl: 1800,
      // Receivers reject mail that fails both aligned SPF and DKIM: nobody can send as the practice.
      records: ["v=DMARC1; p=reject; adkim=s; aspf=s"],
    });

    this.email = {
      identityArn: `arn:aws:ses:${stack.region}:${stack.accountId}:identity/${domain}`,
      configurationSetName,
      configurationSetArn,
      fromAddress: `${config.email.fromLocalPart}@${domain}`,
    };
  }
}
