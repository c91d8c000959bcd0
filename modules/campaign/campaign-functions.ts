import { Construct } from "constructs";
import { CampaignConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { messagePrices } from "../core/pricing";
import { COST_ENVIRONMENT } from "../../functions/campaign/cost-environment";
import { FunctionEgressRule, FunctionVpcPlacement, NodeFunction } from "../compute/lambda-function";
import { MASTER_USERNAME } from "../data/aurora";
import { DatabaseProxy } from "../data/rds-proxy";
import { PermissionBoundary } from "../iam/permission-boundary";
import { PolicyStatement } from "../iam/policy-document";
import { EncryptedQueue } from "../messaging/encrypted-queue";
import { PrivateEndpoints } from "../network/endpoints";
import { TieredVpc } from "../network/vpc";
import { DomainKey, KeyRing, viaService } from "../security/keys";
import { SecureBucket } from "../storage/secure-bucket";

/** The SES identity and configuration set the send worker must use (ARNs for its grant). */
export interface EmailSending {
  readonly identityArn: string;
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
  /** `From` address; the grant is conditioned on it. */
  readonly fromAddress: string;
}

export interface CampaignFunctionsProps {
  readonly config: CampaignConfig;
  readonly keys: KeyRing;
  readonly boundary: PermissionBoundary;
  readonly network: TieredVpc;
  readonly endpoints: PrivateEndpoints;
  readonly proxy: DatabaseProxy;
  readonly sendQueue: EncryptedQueue;
  readonly email: EmailSending;
  readonly reports: { readonly bucket: SecureBucket; readonly key: DomainKey };
  readonly forms: { readonly bucket: SecureBucket; readonly key: DomainKey };
  readonly staffTopicArn: string;
}

/** Send-queue visibility must cover six send timeouts (AWS's guidance for Lambda event sources). */
export const SEND_TIMEOUT_SECONDS = 60;

/**
 * Per-worker messages per second: the account's rate divided by the workers the event source
 * runs at once, so all of them together never exceed it. Rounded down (to 3 decimals).
 */
export function perWorkerRate(accountRate: number, workers: number): string {
  return (Math.floor((accountRate / workers) * 1000) / 1000).toString();
}

/**
 * The campaign engine's Lambda functions (functions/), each with a role that grants only the
 * AWS calls its code makes (`npm run function-api-calls` lists them; a Jest test compares), on
 * named resources. Every function that reaches the database runs in the app subnets and
 * connects through RDS Proxy with an IAM token as the proxy's user; nothing holds a password.
 */
export class CampaignFunctions extends Construct {
  readonly plan: NodeFunction;
  readonly send: NodeFunction;
  readonly remind: NodeFunction;
  readonly report: NodeFunction;
  readonly web: NodeFunction;
  readonly formPublish: NodeFunction;
  readonly formSubmit: NodeFunction;
  readonly migrate: NodeFunction;
  readonly deliveryEvents: NodeFunction;
  readonly outcomes: NodeFunction;
  readonly all: readonly NodeFunction[];

  constructor(scope: Construct, id: string, props: CampaignFunctionsProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const { config, keys } = props;
    const publicBaseUrl = `https://${config.apiHostname}`;

    const proxyResourceId = props.proxy.resourceId;
    const connectAsProxyUser: PolicyStatement = {
      sid: "ConnectThroughRdsProxyWithIamToken",
      actions: ["rds-db:connect"],
      resources: [`arn:aws:rds-db:${stack.region}:${stack.accountId}:dbuser:${proxyResourceId}/${MASTER_USERNAME}`],
    };
    const database = {
      DB_AUTH: "iam",
      DB_HOST: props.proxy.endpoint,
      DB_PORT: "3306",
      DB_USER: MASTER_USERNAME,
      DB_NAME: stack.env.database.databaseName,
    };
    const toProxy: FunctionEgressRule = { description: "MySQL (TLS, IAM token) to RDS Proxy", port: 3306, to: { securityGroupId: props.proxy.securityGroup.id } };
    const toEndpoints: FunctionEgressRule = { description: "AWS APIs (SQS, SNS, KMS, X-Ray) through the interface endpoints", port: 443, to: { securityGroupId: props.endpoints.securityGroup.id } };
    const toS3: FunctionEgressRule = { description: "S3 through the gateway endpoint", port: 443, to: { prefixListId: props.endpoints.s3Gateway.prefixListId } };
    const inAppTier = (...egress: FunctionEgressRule[]): FunctionVpcPlacement => ({ vpc: props.network.vpc, subnets: props.network.subnets.app, egress: [toProxy, toEndpoints, ...egress] });
    const common = { keys, boundary: props.boundary };

    const enqueueSends: PolicyStatement[] = [
      { sid: "EnqueueSendRequests", actions: ["sqs:SendMessage"], resources: [props.sendQueue.queue.arn] },
      { sid: "EncryptSendRequestsThroughSqs", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [keys.messaging.arn], conditions: viaService("sqs", keys.messaging) },
    ];
    const messaging = { PRACTICE_NAME: config.practice.name, PUBLIC_BASE_URL: publicBaseUrl };
    // The message prices of pricing/<region>.json, for the planner's budget check and the report's spend.
    const prices = messagePrices(stack.region);
    const messagePriceEnvironment = {
      [COST_ENVIRONMENT.smsSegmentUsd]: String(prices.smsSegmentUsd),
      [COST_ENVIRONMENT.emailPer1000Usd]: String(prices.emailPer1000Usd),
      [COST_ENVIRONMENT.gbpPerUsd]: String(prices.gbpPerUsd),
    };
    // The planner and the reminder check each run against the staff's budget before it changes anything.
    const runBudgetEnvironment = { ...messagePriceEnvironment, [COST_ENVIRONMENT.budgetGbp]: String(config.runBudgetGbp) };

    this.plan = new NodeFunction(this, "plan", {
      ...common,
      name: "campaign-plan",
      description: "Selects a campaign's eligible patients in pages, mints their links and enqueues the sends",
      entry: "campaign-plan/handler.ts",
      // One planner at a time: the campaign lock serialises runs anyway.
      reservedConcurrency: 1,
      memoryMb: 1024,
      timeoutSeconds: 900,
      environment: { ...database, ...messaging, ...runBudgetEnvironment, SEND_QUEUE_URL: props.sendQueue.queue.url },
      statements: [connectAsProxyUser, ...enqueueSends],
      vpc: inAppTier(),
    });
    this.remind = new NodeFunction(this, "remind", {
      ...common,
      name: "campaign-remind",
      description: "Weekly: enqueues reminders for non-respondents whose last contact is older than the interval",
      entry: "campaign-remind/handler.ts",
      reservedConcurrency: 1,
      memoryMb: 512,
      timeoutSeconds: 900,
      environment: { ...database, ...messaging, ...runBudgetEnvironment, SEND_QUEUE_URL: props.sendQueue.queue.url },
      statements: [connectAsProxyUser, ...enqueueSends],
      vpc: inAppTier(),
    });
    this.send = new NodeFunction(this, "send", {
      ...common,
      name: "campaign-send",
      description: "Sends each queued invitation by SMS (SNS) and email (SES), claiming it first so nothing is sent twice",
      entry: "campaign-send/handler.ts",
      reservedConcurrency: config.sendConcurrency,
      memoryMb: 512,
      timeoutSeconds: SEND_TIMEOUT_SECONDS,
      environment: {
        ...database,
        ...messaging,
        EMAIL_SOURCE: props.email.fromAddress,
        SES_CONFIGURATION_SET: props.email.configurationSetName,
        ...(config.sms.senderId ? { SMS_SENDER_ID: config.sms.senderId } : {}),
        SMS_PER_SECOND: perWorkerRate(config.sms.messagesPerSecond, config.sendConcurrency),
        EMAIL_PER_SECOND: perWorkerRate(config.email.messagesPerSecond, config.sendConcurrency),
      },
      statements: [
        connectAsProxyUser,
        {
          sid: "SendEmailFromTheCampaignIdentityThroughItsConfigurationSet",
          actions: ["ses:SendEmail"],
          resources: [props.email.identityArn, props.email.configurationSetArn],
          conditions: { StringEquals: { "ses:FromAddress": props.email.fromAddress } },
        },
        // An SMS to a phone number has no resource in IAM (Resource "*"); the Deny below keeps
        // the grant off every topic and platform endpoint (modules/iam/unscoped-actions.ts).
        { sid: "SendSmsToPhoneNumbers", actions: ["sns:Publish"] },
        { sid: "NeverPublishToTopicsOrEndpoints", effect: "Deny", actions: ["sns:Publish"], resources: ["arn:aws:sns:*:*:*"] },
        { sid: "CheckSmsOptOutsBeforeSending", actions: ["sns:CheckIfPhoneNumberIsOptedOut"] },
      ],
      // SES has no VPC endpoint for its sending API, so the worker reaches it through NAT.
      vpc: inAppTier({ description: "SES SendEmail API (no VPC endpoint exists for it), through NAT", port: 443, to: { internet: "https" } }),
      queueSource: { queueArn: props.sendQueue.queue.arn, keyArn: keys.messaging.arn, maximumConcurrency: config.sendConcurrency, batchSize: 10 },
    });
    this.report = new NodeFunction(this, "report", {
      ...common,
      name: "campaign-report",
      description: "Weekly: writes the campaign report (HTML and CSV, no patient data) and tells staff it is ready",
      entry: "campaign-report/handler.ts",
      reservedConcurrency: 1,
      memoryMb: 512,
      timeoutSeconds: 300,
      environment: { ...database, ...messaging, ...messagePriceEnvironment, REPORT_BUCKET: props.reports.bucket.name, REPORT_KMS_KEY_ID: props.reports.key.arn },
      statements: [
        connectAsProxyUser,
        { sid: "WriteReports", actions: ["s3:PutObject"], resources: [`${props.reports.bucket.arn}/*`] },
        { sid: "EncryptReportsThroughS3", actions: ["kms:GenerateDataKey"], resources: [props.reports.key.arn], conditions: viaService("s3", props.reports.key) },
      ],
      vpc: inAppTier(toS3),
      onSuccessTopicArn: props.staffTopicArn,
    });
    this.web = new NodeFunction(this, "web", {
      ...common,
      name: "campaign-web",
      description: "Patient pages: the invitation link (GET shows, POST redeems), booking, opt-out, follow-up questions",
      entry: "campaign-web/handler.ts",
      reservedConcurrency: 20,
      memoryMb: 512,
      timeoutSeconds: 15,
      environment: {
        ...database,
        PRACTICE_NAME: config.practice.name,
        PRACTICE_PHONE: config.practice.phone,
        PRACTICE_TIME_ZONE: "Europe/London",
        FORM_SUBMIT_BASE_URL: publicBaseUrl,
        ...(config.followUpFormSlug ? { FOLLOW_UP_FORM_SLUG: config.followUpFormSlug } : {}),
      },
      statements: [connectAsProxyUser],
      vpc: inAppTier(),
    });
    this.formPublish = new NodeFunction(this, "form-publish", {
      ...common,
      name: "form-publish",
      description: "Validates a staff form definition, renders it to static HTML and stores it for CloudFront",
      entry: "form-publish/handler.ts",
      reservedConcurrency: 2,
      memoryMb: 512,
      timeoutSeconds: 30,
      environment: { ...database, FORMS_BUCKET: props.forms.bucket.name, FORMS_KMS_KEY_ID: props.forms.key.arn, FORM_SUBMIT_BASE_URL: publicBaseUrl },
      statements: [
        connectAsProxyUser,
        { sid: "StorePublishedForms", actions: ["s3:PutObject"], resources: [`${props.forms.bucket.arn}/*`] },
        { sid: "EncryptFormsThroughS3", actions: ["kms:GenerateDataKey"], resources: [props.forms.key.arn], conditions: viaService("s3", props.forms.key) },
      ],
      vpc: inAppTier(toS3),
    });
    this.formSubmit = new NodeFunction(this, "form-submit", {
      ...common,
      name: "form-submit",
      description: "Validates a submitted form against its published definition and stores it",
      entry: "form-submit/handler.ts",
      reservedConcurrency: 10,
      memoryMb: 256,
      timeoutSeconds: 15,
      environment: { ...database },
      statements: [connectAsProxyUser],
      vpc: inAppTier(),
    });
    this.migrate = new NodeFunction(this, "db-migrate", {
      ...common,
      name: "db-migrate",
      description: "Brings the campaign schema up to date; invoked once per deploy",
      entry: "db-migrate/handler.ts",
      reservedConcurrency: 1,
      memoryMb: 256,
      timeoutSeconds: 300,
      environment: { ...database },
      statements: [connectAsProxyUser],
      vpc: inAppTier(),
    });
    this.deliveryEvents = new NodeFunction(this, "delivery-events", {
      ...common,
      name: "campaign-delivery-events",
      description: "Records SES email events (SNS) and SNS SMS delivery status (CloudWatch Logs) on the deliveries they belong to",
      entry: "campaign-delivery-events/handler.ts",
      reservedConcurrency: 5,
      memoryMb: 256,
      timeoutSeconds: 30,
      environment: { ...database },
      statements: [connectAsProxyUser],
      vpc: inAppTier(),
    });
    this.outcomes = new NodeFunction(this, "outcomes", {
      ...common,
      name: "campaign-outcomes",
      description: "Staff: records a patient's outcome given outside the link (booked by phone, vaccinated elsewhere, declined)",
      entry: "campaign-outcomes/handler.ts",
      reservedConcurrency: 2,
      memoryMb: 256,
      timeoutSeconds: 15,
      environment: { ...database },
      statements: [connectAsProxyUser],
      vpc: inAppTier(),
    });
    this.all = [this.plan, this.send, this.remind, this.report, this.web, this.formPublish, this.formSubmit, this.migrate, this.deliveryEvents, this.outcomes];
  }
}
