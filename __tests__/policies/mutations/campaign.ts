import { PolicyMutation, addResource, atPath, find, member, policyOf, ref } from "./kit";

/**
 * Mutations of the dev campaign stack (modules/campaign, modules/messaging), by construct path:
 * the "any single weakened property" (a function without a DLQ, a public invoke
 * permission, sns:* in a role, a queue without a CMK, an unauthenticated staff route, ...).
 */
const one = (doc: any, type: string, path: string) => find(doc, type, atPath(path), path);
const sendQueue = (doc: any) => one(doc, "aws_sqs_queue", "send-queue/queue").body;
const sendFunction = (doc: any) => one(doc, "aws_lambda_function", "functions/send/function").body;
const queueSource = (doc: any) => one(doc, "aws_lambda_event_source_mapping", "functions/send/queue-source").body;
const campaignRun = (doc: any) => one(doc, "aws_sfn_state_machine", "workflows/campaign-run/state-machine").body;
const publicApi = (doc: any) => one(doc, "aws_api_gateway_rest_api", "public-api/api").body;
const publicStage = (doc: any) => one(doc, "aws_api_gateway_stage", "public-api/stage").body;
const publicThrottling = (doc: any) => one(doc, "aws_api_gateway_method_settings", "public-api/throttling").body;
const staffApi = (doc: any) => one(doc, "aws_api_gateway_rest_api", "staff-api/api").body;
const configurationSet = (doc: any) => one(doc, "aws_sesv2_configuration_set", "messaging/configuration-set").body;
const eventDestination = (doc: any) => one(doc, "aws_sesv2_configuration_set_event_destination", "messaging/events").body;
const smsPreferences = (doc: any) => one(doc, "aws_sns_sms_preferences", "messaging/sms-preferences").body;

function deleteAt(doc: any, type: string, path: string): void {
  const found = one(doc, type, path);
  delete doc.resource[type][found.name];
}

function editPolicy(body: any, edit: (document: any) => void): void {
  const document = policyOf(body);
  edit(document);
  body.policy = JSON.stringify(document);
}

export const CAMPAIGN_MUTATIONS: readonly PolicyMutation[] = [
  // SQS-001 customer-managed key
  {
    ruleId: "SQS-001",
    stack: "campaign",
    description: "the send queue falls back to the AWS-managed alias/aws/sqs key",
    mutate: (doc) => {
      sendQueue(doc).kms_master_key_id = "alias/aws/sqs";
    },
  },
  {
    ruleId: "SQS-001",
    stack: "campaign",
    description: "the send function's dead-letter queue switches to SQS-managed encryption",
    mutate: (doc) => {
      const dlq = one(doc, "aws_sqs_queue", "functions/send/dead-letter-queue").body;
      delete dlq.kms_master_key_id;
      dlq.sqs_managed_sse_enabled = true;
    },
  },
  // SQS-002 redrive
  {
    ruleId: "SQS-002",
    stack: "campaign",
    description: "the send queue loses its redrive policy",
    mutate: (doc) => {
      delete sendQueue(doc).redrive_policy;
    },
  },
  {
    ruleId: "SQS-002",
    stack: "campaign",
    description: "the send queue's redrive policy has maxReceiveCount 0",
    mutate: (doc) => {
      const queue = sendQueue(doc);
      queue.redrive_policy = JSON.stringify({ ...JSON.parse(queue.redrive_policy), maxReceiveCount: 0 });
    },
  },
  // SQS-003 TLS-only queue policy
  {
    ruleId: "SQS-003",
    stack: "campaign",
    description: "the send queue's TLS-only policy is removed",
    mutate: (doc) => deleteAt(doc, "aws_sqs_queue_policy", "send-queue/queue-tls-only"),
  },
  {
    ruleId: "SQS-003",
    stack: "campaign",
    description: "the schedules' dead-letter queue policy denies only when TLS is used (condition inverted)",
    mutate: (doc) =>
      editPolicy(one(doc, "aws_sqs_queue_policy", "schedules/dead-letter-queue-tls-only").body, (document) => {
        member<any>(document.Statement, (s) => s.Sid === "DenyRequestsWithoutTls", "DenyRequestsWithoutTls").Condition.Bool["aws:SecureTransport"] = true;
      }),
  },
  // SNS-001 encrypted, not public
  {
    ruleId: "SNS-001",
    stack: "campaign",
    description: "the operations topic loses its KMS key",
    mutate: (doc) => {
      delete one(doc, "aws_sns_topic", "operations-topic/topic").body.kms_master_key_id;
    },
  },
  {
    ruleId: "SNS-001",
    stack: "campaign",
    description: "the email-events topic stops refusing publishing without TLS (its Deny removed)",
    mutate: (doc) =>
      editPolicy(one(doc, "aws_sns_topic_policy", "messaging/events-topic/policy").body, (document) => {
        document.Statement = document.Statement.filter((s: any) => s.Sid !== "DenyPublishingWithoutTls");
      }),
  },
  {
    ruleId: "LAM-001",
    stack: "campaign",
    description: "the report function's asynchronous invoke configuration loses its on-failure destination",
    mutate: (doc) => {
      delete one(doc, "aws_lambda_function_event_invoke_config", "functions/report/async-destinations").body.destination_config.on_failure;
    },
  },
  {
    ruleId: "ALM-001",
    stack: "campaign",
    description: "the campaign-run workflow's failed-executions alarm is deleted",
    mutate: (doc) => deleteAt(doc, "aws_cloudwatch_metric_alarm", "alarms/campaign-run-failed"),
  },
  {
    ruleId: "SNS-001",
    stack: "campaign",
    description: "the email-events topic lets SES of any account publish (source conditions dropped)",
    mutate: (doc) =>
      editPolicy(one(doc, "aws_sns_topic_policy", "messaging/events-topic/policy").body, (document) => {
        delete member<any>(document.Statement, (s) => s.Sid === "CampaignConfigurationSetPublishes", "CampaignConfigurationSetPublishes").Condition;
      }),
  },
  {
    ruleId: "SNS-001",
    stack: "campaign",
    description: "the staff topic policy allows everyone to subscribe",
    mutate: (doc) =>
      editPolicy(one(doc, "aws_sns_topic_policy", "staff-topic/policy").body, (document) => {
        document.Statement.push({ Sid: "AnyoneSubscribes", Effect: "Allow", Principal: { AWS: "*" }, Action: "sns:Subscribe", Resource: document.Statement[0].Resource });
      }),
  },
  // ESM-001 bounded queue source
  {
    ruleId: "ESM-001",
    stack: "campaign",
    description: "the send queue source stops reporting batch item failures",
    mutate: (doc) => {
      delete queueSource(doc).function_response_types;
    },
  },
  {
    ruleId: "ESM-001",
    stack: "campaign",
    description: "the send queue source's maximum concurrency exceeds the send function's reservation",
    mutate: (doc) => {
      queueSource(doc).scaling_config.maximum_concurrency = sendFunction(doc).reserved_concurrent_executions + 10;
    },
  },
  {
    ruleId: "ESM-001",
    stack: "campaign",
    description: "the send queue source has no maximum concurrency",
    mutate: (doc) => {
      delete queueSource(doc).scaling_config;
    },
  },
  // SFN-001 logging, tracing, CMK
  {
    ruleId: "SFN-001",
    stack: "campaign",
    description: "the campaign-run state machine logs only errors",
    mutate: (doc) => {
      campaignRun(doc).logging_configuration.level = "ERROR";
    },
  },
  {
    ruleId: "SFN-001",
    stack: "campaign",
    description: "the campaign-run state machine stops tracing",
    mutate: (doc) => {
      campaignRun(doc).tracing_configuration.enabled = false;
    },
  },
  {
    ruleId: "SFN-001",
    stack: "campaign",
    description: "the form-publish state machine encrypts with an AWS-owned key",
    mutate: (doc) => {
      one(doc, "aws_sfn_state_machine", "workflows/form-publish/state-machine").body.encryption_configuration = { type: "AWS_OWNED_KEY" };
    },
  },
  {
    ruleId: "SFN-001",
    stack: "campaign",
    description: "the campaign-run log group loses its KMS key",
    mutate: (doc) => {
      delete one(doc, "aws_cloudwatch_log_group", "workflows/campaign-run/log-group/group").body.kms_key_id;
    },
  },
  // API-001 regional, custom domain only, TLS 1.2
  {
    ruleId: "API-001",
    stack: "campaign",
    description: "the public API's execute-api endpoint is enabled again",
    mutate: (doc) => {
      publicApi(doc).disable_execute_api_endpoint = false;
    },
  },
  {
    ruleId: "API-001",
    stack: "campaign",
    description: "the public API becomes edge-optimized",
    mutate: (doc) => {
      publicApi(doc).endpoint_configuration = { types: ["EDGE"] };
    },
  },
  {
    ruleId: "API-001",
    stack: "campaign",
    description: "the API domain allows TLS 1.0",
    mutate: (doc) => {
      one(doc, "aws_api_gateway_domain_name", "public-api/domain").body.security_policy = "TLS_1_0";
    },
  },
  // API-002 access logs, X-Ray, throttling, no data trace
  {
    ruleId: "API-002",
    stack: "campaign",
    description: "the public stage's access log records $context.path (the link tokens)",
    mutate: (doc) => {
      const settings = publicStage(doc).access_log_settings;
      settings.format = settings.format.replace("$context.resourcePath", "$context.path");
    },
  },
  {
    ruleId: "API-002",
    stack: "campaign",
    description: "the public stage loses its access logs",
    mutate: (doc) => {
      delete publicStage(doc).access_log_settings;
    },
  },
  {
    ruleId: "API-002",
    stack: "campaign",
    description: "the public stage stops tracing",
    mutate: (doc) => {
      publicStage(doc).xray_tracing_enabled = false;
    },
  },
  {
    ruleId: "API-002",
    stack: "campaign",
    description: "the public API's throttling is unset (-1)",
    mutate: (doc) => {
      publicThrottling(doc).settings.throttling_rate_limit = -1;
    },
  },
  {
    ruleId: "API-002",
    stack: "campaign",
    description: "the staff API's execution logs record full requests and responses",
    mutate: (doc) => {
      const settings = one(doc, "aws_api_gateway_method_settings", "staff-api/throttling").body.settings;
      settings.logging_level = "INFO";
      settings.data_trace_enabled = true;
    },
  },
  // API-003 staff routes authorized
  {
    ruleId: "API-003",
    stack: "campaign",
    description: "the staff form-publish route is unauthenticated",
    mutate: (doc) => {
      const method = one(doc, "aws_api_gateway_method", "staff-api/method-post-forms").body;
      method.authorization = "NONE";
      delete method.authorizer_id;
    },
  },
  {
    ruleId: "API-003",
    stack: "campaign",
    description: "the staff authorizer becomes a Lambda TOKEN authorizer",
    mutate: (doc) => {
      one(doc, "aws_api_gateway_authorizer", "staff-api/staff-authorizer").body.type = "TOKEN";
    },
  },
  {
    ruleId: "API-003",
    stack: "campaign",
    description: "the staff API loses its api-audience tag",
    mutate: (doc) => {
      delete staffApi(doc).tags["api-audience"];
    },
  },
  // MSG-001 SMS preferences
  {
    ruleId: "MSG-001",
    stack: "campaign",
    description: "SMS default to Promotional",
    mutate: (doc) => {
      smsPreferences(doc).default_sms_type = "Promotional";
    },
  },
  {
    ruleId: "MSG-001",
    stack: "campaign",
    description: "the SMS monthly spend limit and delivery-status role are removed",
    mutate: (doc) => {
      delete smsPreferences(doc).monthly_spend_limit;
      delete smsPreferences(doc).delivery_status_iam_role_arn;
    },
  },
  // MSG-002 SES configuration set
  {
    ruleId: "MSG-002",
    stack: "campaign",
    description: "the configuration set allows plain SMTP (tls_policy OPTIONAL)",
    mutate: (doc) => {
      configurationSet(doc).delivery_options.tls_policy = "OPTIONAL";
    },
  },
  {
    ruleId: "MSG-002",
    stack: "campaign",
    description: "click tracking is switched on through the event destination",
    mutate: (doc) => {
      eventDestination(doc).event_destination.matching_event_types.push("CLICK");
    },
  },
  {
    ruleId: "MSG-002",
    stack: "campaign",
    description: "complaints are no longer routed to the events topic",
    mutate: (doc) => {
      const destination = eventDestination(doc).event_destination;
      destination.matching_event_types = destination.matching_event_types.filter((t: string) => t !== "COMPLAINT");
    },
  },
  {
    ruleId: "MSG-002",
    stack: "campaign",
    description: "VDM engagement metrics are enabled",
    mutate: (doc) => {
      configurationSet(doc).vdm_options.dashboard_options.engagement_metrics = "ENABLED";
    },
  },
  // MSG-003 SES domain identity
  {
    ruleId: "MSG-003",
    stack: "campaign",
    description: "the domain identity signs with 1024-bit DKIM",
    mutate: (doc) => {
      one(doc, "aws_sesv2_email_identity", "messaging/identity").body.dkim_signing_attributes.next_signing_key_length = "RSA_1024_BIT";
    },
  },
  {
    ruleId: "MSG-003",
    stack: "campaign",
    description: "the custom MAIL FROM falls back to amazonses.com when its MX record is missing",
    mutate: (doc) => {
      one(doc, "aws_sesv2_email_identity_mail_from_attributes", "messaging/mail-from").body.behavior_on_mx_failure = "USE_DEFAULT_VALUE";
    },
  },
  // ALM-001 function and dead-letter alarms
  {
    ruleId: "ALM-001",
    stack: "campaign",
    description: "the send function's errors alarm is removed",
    mutate: (doc) => deleteAt(doc, "aws_cloudwatch_metric_alarm", "alarms/send-errors"),
  },
  {
    ruleId: "ALM-001",
    stack: "campaign",
    description: "the web function's throttles alarm watches another function",
    mutate: (doc) => {
      one(doc, "aws_cloudwatch_metric_alarm", "alarms/web-throttles").body.dimensions.FunctionName = "medicare-dev-somewhere-else";
    },
  },
  {
    ruleId: "ALM-001",
    stack: "campaign",
    description: "the schedules' dead-letter alarm waits for 10 messages",
    mutate: (doc) => {
      one(doc, "aws_cloudwatch_metric_alarm", "alarms/schedules-dead-letters").body.threshold = 10;
    },
  },
  {
    ruleId: "ALM-001",
    stack: "campaign",
    description: "the report function's dead-letter alarm is removed",
    mutate: (doc) => deleteAt(doc, "aws_cloudwatch_metric_alarm", "alarms/report-function-dead-letters"),
  },
  // ALM-002 sending reputation alarms
  {
    ruleId: "ALM-002",
    stack: "campaign",
    description: "the SES complaint-rate alarm is removed",
    mutate: (doc) => deleteAt(doc, "aws_cloudwatch_metric_alarm", "alarms/ses-complaint-rate"),
  },
  {
    ruleId: "ALM-002",
    stack: "campaign",
    description: "the SES bounce-rate alarm waits for 20% bounces",
    mutate: (doc) => {
      one(doc, "aws_cloudwatch_metric_alarm", "alarms/ses-bounce-rate").body.threshold = 0.2;
    },
  },
  {
    ruleId: "ALM-002",
    stack: "campaign",
    description: "the SMS success-rate alarm is removed",
    mutate: (doc) => deleteAt(doc, "aws_cloudwatch_metric_alarm", "alarms/sms-success-rate"),
  },

  // Existing rules over the campaign stack, as the issue names them.
  {
    ruleId: "LAM-001",
    stack: "campaign",
    description: "the send function has no dead-letter queue (and no on-failure destination)",
    mutate: (doc) => {
      delete sendFunction(doc).dead_letter_config;
    },
  },
  {
    ruleId: "LAM-001",
    stack: "campaign",
    description: "the report function's DLQ and its on-failure destination are both removed",
    mutate: (doc) => {
      delete one(doc, "aws_lambda_function", "functions/report/function").body.dead_letter_config;
      delete one(doc, "aws_lambda_function_event_invoke_config", "functions/report/async-destinations").body.destination_config.on_failure;
    },
  },
  // LOG-005 log data leaves only for a consumer of this stack, invoked for that group only
  {
    ruleId: "LOG-005",
    stack: "campaign",
    description: "the SMS delivery status subscription sends the lines (phone numbers) to another account's log destination",
    mutate: (doc) => {
      one(doc, "aws_cloudwatch_log_subscription_filter", "sms-delivered-logs-subscription").body.destination_arn = "arn:aws:logs:eu-west-2:999999999999:destination:collector";
    },
  },
  {
    ruleId: "LOG-005",
    stack: "campaign",
    description: "CloudWatch Logs may invoke delivery-events for every log group of the account, not the SMS failure group only",
    mutate: (doc) => {
      one(doc, "aws_lambda_permission", "functions/delivery-events/sms-failed-logs").body.source_arn = "arn:aws:logs:eu-west-2:111111111111:log-group:*";
    },
  },
  {
    ruleId: "LAM-002",
    stack: "campaign",
    description: "the web function's GET /i/{token} invoke permission is opened to principal \"*\"",
    mutate: (doc) => {
      const permission = one(doc, "aws_lambda_permission", "functions/web/campaign-public-get-i-token").body;
      permission.principal = "*";
      delete permission.source_arn;
      delete permission.source_account;
    },
  },
  {
    ruleId: "LAM-002",
    stack: "campaign",
    description: "an API Gateway invoke permission without source_arn is added to the send function",
    mutate: (doc) =>
      addResource(doc, "aws_lambda_permission", "added_api_invoke", {
        action: "lambda:InvokeFunction",
        function_name: ref(one(doc, "aws_lambda_function", "functions/send/function"), "function_name"),
        principal: "apigateway.amazonaws.com",
      }),
  },
  {
    ruleId: "IAM-001",
    stack: "campaign",
    description: "the send function's SMS statement grants sns:*",
    mutate: (doc) =>
      editPolicy(one(doc, "aws_iam_role_policy", "functions/send/role/policy").body, (document) => {
        member<any>(document.Statement, (s) => s.Sid === "SendSmsToPhoneNumbers", "SendSmsToPhoneNumbers").Action = "sns:*";
      }),
  },
  {
    ruleId: "WAF-001",
    stack: "campaign",
    description: "the staff API stage loses its web ACL association",
    mutate: (doc) => deleteAt(doc, "aws_wafv2_web_acl_association", "staff-api/waf"),
  },
  {
    ruleId: "WAF-001",
    stack: "campaign",
    description: "the public API stage's web ACL association points at the staff stage instead",
    mutate: (doc) => {
      const staffStage = one(doc, "aws_api_gateway_stage", "staff-api/stage");
      one(doc, "aws_wafv2_web_acl_association", "public-api/waf").body.resource_arn = ref(staffStage, "arn");
    },
  },
  {
    ruleId: "LOG-003",
    stack: "campaign",
    description: "the send queue's dead-letter alarm notifies no one",
    mutate: (doc) => {
      one(doc, "aws_cloudwatch_metric_alarm", "alarms/send-queue-dead-letters").body.alarm_actions = [];
    },
  },
  {
    ruleId: "EXP-003",
    stack: "campaign",
    description: "the weekly reminder schedule loses its dead-letter queue",
    mutate: (doc) => {
      delete one(doc, "aws_scheduler_schedule", "schedules/campaign-reminder").body.target.dead_letter_config;
    },
  },
];
