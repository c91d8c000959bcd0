import { Construct } from "constructs";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { MedicareStack } from "../core/medicare-stack";
import { NodeFunction } from "../compute/lambda-function";
import { PermissionBoundary } from "../iam/permission-boundary";
import { PolicyStatement } from "../iam/policy-document";
import { ServiceRole } from "../iam/service-role";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { DomainKey, requireKeyOf, viaService } from "../security/keys";

/** How often the campaign run looks at the send queue, and for how long before it gives up. */
export const SEND_CHECK_SECONDS = 300;
export const MAX_SEND_CHECKS = 288; // 24 hours

/** Lambda's transient errors: worth retrying (a function's own error is not). */
const LAMBDA_TRANSIENT_ERRORS = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"];
const retryTransient = [{ ErrorEquals: LAMBDA_TRANSIENT_ERRORS, IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 }];

/** Step Functions delivers logs through CloudWatch Logs' vended-log mechanism (no resource-level permissions). */
const LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
];
const TRACING_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"];

interface WorkflowProps {
  /** Short name: the state machine is `medicare-<env>-<name>`. */
  readonly name: string;
  readonly type: "STANDARD" | "EXPRESS";
  readonly description: string;
  readonly definition: Readonly<Record<string, unknown>>;
  /** What the workflow's tasks call, each on named resources. */
  readonly statements: readonly PolicyStatement[];
  readonly messagingKey: DomainKey;
  readonly logsKey: DomainKey;
  readonly boundary: PermissionBoundary;
}

/**
 * A state machine with its security fixed: execution state encrypted with the messaging key,
 * every event logged (level ALL, with execution data) to its own KMS-encrypted log group,
 * X-Ray tracing, and a role that may call only what its tasks call.
 */
export class Workflow extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly arn: string;
  readonly logGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("messaging", props.messagingKey, this, "messagingKey");
    const name = stack.resourceName(props.name);
    this.arn = `arn:aws:states:${stack.region}:${stack.accountId}:stateMachine:${name}`;
    // Vended logs go to /aws/vendedlogs/..., which keeps the log resource policy small.
    this.logGroup = new EncryptedLogGroup(this, "log-group", { path: { awsName: `/aws/vendedlogs/states/${name}` }, key: props.logsKey });
    const role = new ServiceRole(this, "role", {
      name: `${props.name}-workflow`,
      description: `Step Functions runs ${name}`,
      servicePrincipal: "states.amazonaws.com",
      sourceArnLike: this.arn,
      boundary: props.boundary,
      statements: [
        ...props.statements,
        { sid: "DeliverExecutionLogs", actions: LOG_DELIVERY_ACTIONS },
        { sid: "TraceToXRay", actions: TRACING_ACTIONS },
        {
          sid: "EncryptExecutionStateThroughStepFunctions",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [props.messagingKey.arn],
          conditions: {
            StringEquals: {
              "kms:ViaService": `states.${props.messagingKey.region}.amazonaws.com`,
              "kms:EncryptionContext:aws:states:stateMachineArn": this.arn,
            },
          },
        },
      ],
    });
    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name,
      type: props.type,
      roleArn: role.arn,
      definition: JSON.stringify({ Comment: props.description, ...props.definition }),
      loggingConfiguration: { level: "ALL", includeExecutionData: true, logDestination: `${this.logGroup.arn}:*` },
      tracingConfiguration: { enabled: true },
      encryptionConfiguration: { type: "CUSTOMER_MANAGED_KMS_KEY", kmsKeyId: props.messagingKey.arn, kmsDataKeyReusePeriodSeconds: 300 },
      dependsOn: [role.policy],
    });
  }
}

export interface CampaignWorkflowsProps {
  readonly plan: NodeFunction;
  readonly report: NodeFunction;
  readonly formPublish: NodeFunction;
  readonly sendQueue: { readonly arn: string; readonly url: string };
  readonly staffTopicArn: string;
  /** The forms distribution (edge stack), whose cache the form workflow invalidates. */
  readonly formsDistribution: { readonly id: string; readonly arn: string };
  readonly messagingKey: DomainKey;
  readonly logsKey: DomainKey;
  readonly boundary: PermissionBoundary;
}

/**
 * The campaign run (plan and enqueue; track the send queue until it drains; write the report;
 * tell staff) and form publishing (validate, render and store; invalidate CloudFront).
 */
export class CampaignWorkflows extends Construct {
  readonly campaignRun: Workflow;
  readonly formPublish: Workflow;

  constructor(scope: Construct, id: string, props: CampaignWorkflowsProps) {
    super(scope, id);
    const common = { messagingKey: props.messagingKey, logsKey: props.logsKey, boundary: props.boundary };
    const invoke = (fn: NodeFunction, payload: Record<string, unknown>, resultPath: string, next: string) => ({
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: fn.functionArn, Payload: payload },
      ResultSelector: { "result.$": "$.Payload" },
      ResultPath: resultPath,
      Retry: retryTransient,
      Next: next,
    });

    this.campaignRun = new Workflow(this, "campaign-run", {
      ...common,
      name: "campaign-run",
      type: "STANDARD",
      description: "A campaign run: plan and enqueue every invitation, wait until the send queue drains, write the report and tell staff",
      definition: {
        StartAt: "PlanAndEnqueue",
        States: {
          PlanAndEnqueue: invoke(props.plan, { "campaignId.$": "$.campaignId" }, "$.plan", "StartTracking"),
          StartTracking: { Type: "Pass", Result: { n: 0 }, ResultPath: "$.checks", Next: "WaitForSends" },
          WaitForSends: { Type: "Wait", Seconds: SEND_CHECK_SECONDS, Next: "CheckSendQueue" },
          CheckSendQueue: {
            Type: "Task",
            Resource: "arn:aws:states:::aws-sdk:sqs:getQueueAttributes",
            Parameters: { QueueUrl: props.sendQueue.url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] },
            ResultSelector: {
              "waiting.$": "States.StringToJson($.Attributes.ApproximateNumberOfMessages)",
              "inFlight.$": "States.StringToJson($.Attributes.ApproximateNumberOfMessagesNotVisible)",
            },
            ResultPath: "$.queue",
            Next: "CountCheck",
          },
          CountCheck: { Type: "Pass", Parameters: { "n.$": "States.MathAdd($.checks.n, 1)" }, ResultPath: "$.checks", Next: "SendsDrained" },
          SendsDrained: {
            Type: "Choice",
            Choices: [
              { And: [{ Variable: "$.queue.waiting", NumericEquals: 0 }, { Variable: "$.queue.inFlight", NumericEquals: 0 }], Next: "WriteReport" },
              { Variable: "$.checks.n", NumericGreaterThanEquals: MAX_SEND_CHECKS, Next: "SendsDidNotDrain" },
            ],
            Default: "WaitForSends",
          },
          SendsDidNotDrain: {
            Type: "Fail",
            Error: "SendsDidNotDrain",
            Cause: "The send queue still held messages after 24 hours; check the send worker's alarms and its dead-letter queue.",
          },
          WriteReport: invoke(props.report, { "campaignId.$": "$.campaignId" }, "$.report", "TellStaff"),
          TellStaff: {
            Type: "Task",
            Resource: "arn:aws:states:::sns:publish",
            Parameters: { TopicArn: props.staffTopicArn, "Message.$": "$.report.result.notification" },
            ResultPath: null,
            End: true,
          },
        },
      },
      statements: [
        { sid: "InvokePlanAndReport", actions: ["lambda:InvokeFunction"], resources: [props.plan.functionArn, props.report.functionArn] },
        { sid: "WatchTheSendQueue", actions: ["sqs:GetQueueAttributes"], resources: [props.sendQueue.arn] },
        { sid: "TellStaffTheReportIsReady", actions: ["sns:Publish"], resources: [props.staffTopicArn] },
        {
          sid: "EncryptStaffMessagesThroughSns",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [props.messagingKey.arn],
          conditions: viaService("sns", props.messagingKey),
        },
      ],
    });

    const published = "$.publish.result.published";
    this.formPublish = new Workflow(this, "form-publish", {
      ...common,
      name: "form-publish",
      // Express: staff wait for the answer (StartSyncExecution from the staff API).
      type: "EXPRESS",
      description: "Publish a form: validate, render and store it (form-publish function), then invalidate its cached pages in CloudFront",
      definition: {
        StartAt: "ValidateRenderAndStore",
        States: {
          ValidateRenderAndStore: invoke(props.formPublish, { "definition.$": "$.definition", "createdBy.$": "$.createdBy" }, "$.publish", "WasPublished"),
          WasPublished: {
            Type: "Choice",
            Choices: [{ Variable: "$.publish.result.statusCode", NumericEquals: 201, Next: "InvalidateCachedPages" }],
            Default: "Refused",
          },
          Refused: { Type: "Pass", Parameters: { "statusCode.$": "$.publish.result.statusCode", "errors.$": "$.publish.result.errors" }, End: true },
          InvalidateCachedPages: {
            Type: "Task",
            Resource: "arn:aws:states:::aws-sdk:cloudfront:createInvalidation",
            Parameters: {
              DistributionId: props.formsDistribution.id,
              InvalidationBatch: {
                "CallerReference.$": "$$.Execution.Name",
                Paths: { "Quantity.$": `States.ArrayLength(${published}.cloudFrontInvalidationPaths)`, "Items.$": `${published}.cloudFrontInvalidationPaths` },
              },
            },
            ResultSelector: { "id.$": "$.Invalidation.Id" },
            ResultPath: "$.invalidation",
            Next: "Published",
          },
          Published: { Type: "Pass", Parameters: { statusCode: 201, "published.$": published, "invalidationId.$": "$.invalidation.id" }, End: true },
        },
      },
      statements: [
        { sid: "InvokeFormPublish", actions: ["lambda:InvokeFunction"], resources: [props.formPublish.functionArn] },
        { sid: "InvalidateTheFormsDistribution", actions: ["cloudfront:CreateInvalidation"], resources: [props.formsDistribution.arn] },
      ],
    });
  }
}
