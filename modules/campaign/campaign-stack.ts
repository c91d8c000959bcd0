import { Construct } from "constructs";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { CloudwatchLogSubscriptionFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { EnvironmentConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { DataStack } from "../data/data-stack";
import { EdgeStack } from "../edge/edge-stack";
import { WebAcl } from "../edge/waf";
import { ServiceRole } from "../iam/service-role";
import { EncryptedQueue } from "../messaging/encrypted-queue";
import { EncryptedTopic } from "../messaging/encrypted-topic";
import { NetworkStack } from "../network/network-stack";
import { SecurityStack } from "../security/security-stack";
import { SecureBucket } from "../storage/secure-bucket";
import { CampaignFunctions, SEND_TIMEOUT_SECONDS } from "./campaign-functions";
import { CampaignMessaging } from "./messaging";
import { HttpsApi } from "./https-api";
import { OperationsAlarms } from "../monitoring/operations-alarms";
import { CampaignSchedules } from "./schedules";
import { CampaignWorkflows } from "./state-machines";

/** Steady request rates the APIs accept (per second, with bursts), well above a clinic's peak and far below what would exhaust the functions' reserved concurrency for long. */
const PUBLIC_THROTTLE = { ratePerSecond: 50, burst: 100 };
const STAFF_THROTTLE = { ratePerSecond: 5, burst: 10 };
/** A send request is retried this often (throttling, an unknown outcome being resolved) before it is dead-lettered. */
const SEND_MAX_RECEIVES = 10;

/**
 * `<env>-campaign`: the flu-vaccination campaign engine. The functions of functions/ (each
 * role granting only what its code calls), the send queue and its workers (rate-capped), the
 * weekly jobs on EventBridge Scheduler, the campaign-run and form-publish workflows, the
 * public and staff HTTPS APIs behind the WAF, SMS and SES settings, and the operations alarms.
 */
export class CampaignStack extends MedicareStack {
  readonly functions: CampaignFunctions;
  readonly sendQueue: EncryptedQueue;
  readonly operationsTopic: EncryptedTopic;
  readonly staffTopic: EncryptedTopic;
  readonly publicApi: HttpsApi;
  readonly staffApi: HttpsApi;

  constructor(scope: Construct, env: EnvironmentConfig, security: SecurityStack, network: NetworkStack, data: DataStack, edge: EdgeStack) {
    super(scope, { env, component: "campaign", dataClassification: "phi" });
    const config = env.campaign;
    const keys = security.keys;
    const boundary = security.workloadBoundary;

    this.operationsTopic = new EncryptedTopic(this, "operations-topic", {
      name: "campaign-operations",
      displayName: `mediCARE ${env.name} campaign operations`,
      key: keys.messaging,
      publishers: [{ sid: "CampaignAlarmsPublish", service: "cloudwatch.amazonaws.com", sourceArnLike: `arn:aws:cloudwatch:${this.region}:${this.accountId}:alarm:${this.resourceName("campaign")}-*` }],
      emailSubscriber: config.operationsEmail,
    });
    // Staff hear that a report is ready (from the report function's success destination and
    // the campaign-run workflow, both through their roles); never patient data.
    this.staffTopic = new EncryptedTopic(this, "staff-topic", {
      name: "campaign-staff",
      displayName: `mediCARE ${env.name} campaign reports`,
      key: keys.messaging,
      emailSubscriber: config.staffEmail,
    });

    const messaging = new CampaignMessaging(this, "messaging", {
      config,
      zone: { zoneId: edge.zone.zone.zoneId, zoneName: env.edge.zoneName },
      messagingKey: keys.messaging,
      logsKey: keys.logs,
      boundary,
    });
    this.sendQueue = new EncryptedQueue(this, "send-queue", {
      // Not "campaign-send": the send function's own dead-letter queue is campaign-send-dlq.
      name: "send-requests",
      key: keys.messaging,
      visibilityTimeoutSeconds: 6 * SEND_TIMEOUT_SECONDS,
      maxReceiveCount: SEND_MAX_RECEIVES,
    });
    const reports = new SecureBucket(this, "reports", { name: "campaign-reports", contents: "operational", key: keys.data, foundation: security.buckets });

    const functions = new CampaignFunctions(this, "functions", {
      config,
      keys,
      boundary,
      network: network.network,
      endpoints: network.endpoints,
      proxy: data.proxy,
      sendQueue: this.sendQueue,
      email: messaging.email,
      reports: { bucket: reports, key: keys.data },
      forms: { bucket: edge.forms.bucket, key: keys.data },
      staffTopicArn: this.staffTopic.arn,
    });
    this.functions = functions;
    // The schema is brought up to date on every deploy whose migrations changed.
    new LambdaInvocation(this, "migrate-schema", {
      functionName: functions.migrate.function.functionName,
      input: "{}",
      triggers: { bundle: functions.migrate.bundle.sha256Hex },
    });

    // SES delivery events reach the delivery-events function through the encrypted topic.
    new SnsTopicSubscription(this, "delivery-events-subscription", {
      topicArn: messaging.eventsTopic.arn,
      protocol: "lambda",
      endpoint: functions.deliveryEvents.arn,
    });
    functions.deliveryEvents.allowInvoke("email-events-topic", "sns.amazonaws.com", messaging.eventsTopic.arn);
    // SMS delivery status: SNS logs every SMS's outcome to the two groups; each group's every
    // line goes to the same function (CloudWatch Logs invokes it, scoped to that group).
    messaging.smsDeliveryLogGroups.forEach((group, i) => {
      const label = i === 0 ? "sms-delivered-logs" : "sms-failed-logs";
      const permission = functions.deliveryEvents.allowInvoke(label, "logs.amazonaws.com", `${group.arn}:*`);
      new CloudwatchLogSubscriptionFilter(this, `${label}-subscription`, {
        name: "campaign-delivery-events",
        logGroupName: group.name,
        // Every line: each is one SMS's delivery status.
        filterPattern: "",
        destinationArn: functions.deliveryEvents.arn,
        dependsOn: [permission],
      });
    });

    const schedules = new CampaignSchedules(this, "schedules", {
      jobs: [
        { name: "campaign-reminder", description: "Weekly reminder of non-respondents", expression: config.schedules.reminder, target: functions.remind, input: {} },
        { name: "campaign-report", description: "Weekly campaign report", expression: config.schedules.report, target: functions.report, input: { campaignId: config.reportCampaignId } },
      ],
      messagingKey: keys.messaging,
      boundary,
    });

    const workflows = new CampaignWorkflows(this, "workflows", {
      plan: functions.plan,
      report: functions.report,
      formPublish: functions.formPublish,
      sendQueue: { arn: this.sendQueue.queue.arn, url: this.sendQueue.queue.url },
      staffTopicArn: this.staffTopic.arn,
      formsDistribution: { id: edge.forms.distribution.id, arn: edge.forms.distribution.arn },
      messagingKey: keys.messaging,
      logsKey: keys.logs,
      boundary,
    });

    // HTTPS: the patients' API and the staff API, each on its own host name (TLS 1.2).
    const apiLogRole = new ServiceRole(this, "api-gateway-log-role", {
      name: "api-gateway-logs",
      description: "API Gateway writes the access logs of this account's APIs",
      servicePrincipal: "apigateway.amazonaws.com",
      boundary,
      statements: [
        {
          sid: "WriteApiAccessLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [`${this.logGroupArnPrefix}/medicare/${env.name}/api/*`],
        },
        { sid: "FindLogGroups", actions: ["logs:DescribeLogGroups"] },
      ],
    });
    const apiAccount = new ApiGatewayAccount(this, "api-gateway-account", { cloudwatchRoleArn: apiLogRole.arn, dependsOn: [apiLogRole.policy] });
    const apiAcl = new WebAcl(this, "api-waf", {
      scope: "REGIONAL",
      name: "campaign-api",
      rateLimitPer5Minutes: env.edge.rateLimitPer5Minutes,
      logsKey: keys.logs,
      redactPaths: true,
    });
    const common = { webAclArn: apiAcl.arn, logsKey: keys.logs, dependsOn: [apiAccount] };

    const web = { function: functions.web };
    this.publicApi = new HttpsApi(this, "public-api", {
      ...common,
      name: "campaign-public",
      description: "Patient links, booking, opt-out and form submission",
      audience: "public",
      domain: { hostname: config.apiHostname, certificateArn: edge.apiCertificateArn, zoneId: edge.zone.zone.zoneId },
      throttle: PUBLIC_THROTTLE,
      routes: [
        { method: "GET", path: "/i/{token}", integration: web },
        { method: "HEAD", path: "/i/{token}", integration: web },
        { method: "POST", path: "/i/{token}", integration: web },
        { method: "GET", path: "/i/{token}/opt-out", integration: web },
        { method: "HEAD", path: "/i/{token}/opt-out", integration: web },
        { method: "POST", path: "/i/{token}/opt-out", integration: web },
        { method: "GET", path: "/i/{token}/calendar", integration: web },
        { method: "HEAD", path: "/i/{token}/calendar", integration: web },
        { method: "POST", path: "/book", integration: web },
        { method: "POST", path: "/cancel", integration: web },
        { method: "POST", path: "/calendar", integration: web },
        { method: "POST", path: "/questions", integration: web },
        { method: "GET", path: "/s/{code}", integration: web },
        { method: "HEAD", path: "/s/{code}", integration: web },
        { method: "POST", path: "/s/{code}", integration: web },
        { method: "POST", path: "/stop", integration: web },
        // The pages' stylesheet (functions/lib/stylesheet.ts): the CSP allows same-origin styles only.
        { method: "GET", path: "/assets/{file}", integration: web },
        { method: "HEAD", path: "/assets/{file}", integration: web },
        { method: "POST", path: "/forms/{slug}", integration: { function: functions.formSubmit } },
      ],
    });

    const staffIntegrationRole = new ServiceRole(this, "staff-api-role", {
      name: "staff-api-workflows",
      description: "The staff API starts the campaign-run and form-publish workflows",
      servicePrincipal: "apigateway.amazonaws.com",
      boundary,
      statements: [
        { sid: "StartCampaignRuns", actions: ["states:StartExecution"], resources: [workflows.campaignRun.arn] },
        { sid: "PublishFormsAndWait", actions: ["states:StartSyncExecution"], resources: [workflows.formPublish.arn] },
        {
          sid: "EncryptWorkflowInputThroughStepFunctions",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [keys.messaging.arn],
          conditions: {
            StringEquals: {
              "kms:ViaService": `states.${this.region}.amazonaws.com`,
              "kms:EncryptionContext:aws:states:stateMachineArn": [workflows.campaignRun.arn, workflows.formPublish.arn],
            },
          },
        },
      ],
    });
    this.staffApi = new HttpsApi(this, "staff-api", {
      ...common,
      name: "campaign-staff",
      description: "Staff: publish forms, start campaign runs, record patients' outcomes (staff-pool token required)",
      audience: "staff",
      staffUserPoolArn: edge.userPools.staff.arn,
      domain: { hostname: config.staffApiHostname, certificateArn: edge.staffApiCertificateArn, zoneId: edge.zone.zone.zoneId },
      throttle: STAFF_THROTTLE,
      routes: [
        {
          method: "POST",
          path: "/forms",
          integration: {
            service: {
              uri: `arn:aws:apigateway:${this.region}:states:action/StartSyncExecution`,
              credentialsArn: staffIntegrationRole.arn,
              requestTemplate: startExecutionTemplate(workflows.formPublish.arn, '{"definition": $input.json(\'$\'), "createdBy": "$util.escapeJavaScript($context.authorizer.claims[\'cognito:username\'])"}'),
              responseTemplate: "$input.path('$.output')",
            },
          },
        },
        {
          method: "POST",
          path: "/campaigns/{campaignId}/runs",
          integration: {
            service: {
              uri: `arn:aws:apigateway:${this.region}:states:action/StartExecution`,
              credentialsArn: staffIntegrationRole.arn,
              requestTemplate: startExecutionTemplate(workflows.campaignRun.arn, '{"campaignId": "$util.escapeJavaScript($input.params(\'campaignId\'))"}'),
            },
          },
        },
        { method: "POST", path: "/campaigns/{campaignId}/outcomes", integration: { function: functions.outcomes } },
      ],
    });

    new OperationsAlarms(this, "alarms", {
      prefix: "campaign",
      topicArn: this.operationsTopic.arn,
      sendingReputation: true,
      functions: functions.all,
      deadLetterQueues: [
        { label: "send-queue", queue: this.sendQueue.deadLetterQueue },
        { label: "schedules", queue: schedules.deadLetterQueue },
        ...functions.all.map((fn) => ({ label: `${fn.node.id}-function`, queue: fn.deadLetterQueue })),
      ],
      workflows: [workflows.campaignRun, workflows.formPublish],
    });
  }
}

/**
 * API Gateway mapping template that starts `stateMachineArn` with `input` (a JSON document
 * written in VTL). The input is escaped once as a whole, so request values (already escaped
 * as strings where they are strings) cannot break out of it.
 */
function startExecutionTemplate(stateMachineArn: string, input: string): string {
  return [
    // Velocity strings interpolate $references and escape a double quote by doubling it.
    `#set($execution = "${input.replace(/"/g, '""')}")`,
    `{"stateMachineArn": "${stateMachineArn}", "input": "$util.escapeJavaScript($execution).replaceAll("\\\\'", "'")"}`,
  ].join("\n");
}
