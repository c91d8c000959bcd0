import { Construct } from "constructs";
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { MedicareStack } from "../core/medicare-stack";
import { NodeFunction } from "../compute/lambda-function";
import { Workflow } from "../campaign/state-machines";

/**
 * Email reputation limits, from SES's guidance: above a 5% bounce or 0.1% complaint rate an
 * account is reviewed (10% / 0.5% may pause sending). Alarming at the first level leaves time
 * to act before sending stops mid-campaign.
 */
export const SES_BOUNCE_RATE_LIMIT = 0.05;
export const SES_COMPLAINT_RATE_LIMIT = 0.001;
/** Fewer than this share of SMS delivered over an hour is an incident (carrier filtering, a bad sender id, spend limit). */
export const SMS_SUCCESS_RATE_FLOOR = 0.9;

export interface OperationsAlarmsProps {
  /** Alarm names are `medicare-<env>-<prefix>-<alarm>`. */
  readonly prefix: string;
  readonly topicArn: string;
  readonly functions: readonly NodeFunction[];
  /** Every dead-letter queue of the stack, each with a short label. */
  readonly deadLetterQueues: readonly { readonly label: string; readonly queue: SqsQueue }[];
  readonly workflows: readonly Workflow[];
  /** Also watch SMS delivery and SES reputation (the stack that sends). @default false */
  readonly sendingReputation?: boolean;
}

/**
 * What the on-call team is woken for: any dead letter, any function error or throttle, a
 * failed workflow, and (for the sending stack) SMS delivery falling and SES bounce or
 * complaint rates rising. Every alarm notifies the topic (and again when it clears).
 */
export class OperationsAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const alarm = (id: string, config: Omit<CloudwatchMetricAlarmConfig, "alarmName" | "alarmActions" | "okActions" | "evaluationPeriods"> & { evaluationPeriods?: number }) => {
      this.alarms.push(
        new CloudwatchMetricAlarm(this, id, {
          alarmName: stack.resourceName(props.prefix, id),
          evaluationPeriods: 1,
          alarmActions: [props.topicArn],
          okActions: [props.topicArn],
          ...config,
        }),
      );
    };
    for (const fn of props.functions) {
      const short = fn.node.id;
      for (const metricName of ["Errors", "Throttles"]) {
        alarm(`${short}-${metricName.toLowerCase()}`, {
          alarmDescription: `${fn.functionName}: ${metricName.toLowerCase()} in the last 5 minutes`,
          namespace: "AWS/Lambda",
          metricName,
          dimensions: { FunctionName: fn.functionName },
          statistic: "Sum",
          period: 300,
          threshold: 0,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
        });
      }
    }
    for (const { label, queue } of props.deadLetterQueues) {
      alarm(`${label}-dead-letters`, {
        alarmDescription: `Messages are waiting in the dead-letter queue ${label}: inspect them, fix the cause, redrive`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.name },
        statistic: "Maximum",
        period: 300,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    }
    for (const workflow of props.workflows) {
      alarm(`${workflow.node.id}-failed`, {
        alarmDescription: `${workflow.stateMachine.name}: an execution failed, timed out or was aborted`,
        namespace: "AWS/States",
        metricName: "ExecutionsFailed",
        dimensions: { StateMachineArn: workflow.arn },
        statistic: "Sum",
        period: 300,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    }
    if (!props.sendingReputation) return;
    alarm("sms-success-rate", {
      alarmDescription: `Less than ${SMS_SUCCESS_RATE_FLOOR * 100}% of SMS were delivered in the last hour`,
      namespace: "AWS/SNS",
      metricName: "SMSSuccessRate",
      statistic: "Average",
      period: 3600,
      threshold: SMS_SUCCESS_RATE_FLOOR,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "notBreaching",
    });
    alarm("ses-bounce-rate", {
      alarmDescription: `SES bounce rate above ${SES_BOUNCE_RATE_LIMIT * 100}%: SES reviews the account beyond this`,
      namespace: "AWS/SES",
      metricName: "Reputation.BounceRate",
      statistic: "Maximum",
      period: 3600,
      threshold: SES_BOUNCE_RATE_LIMIT,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    });
    alarm("ses-complaint-rate", {
      alarmDescription: `SES complaint rate above ${SES_COMPLAINT_RATE_LIMIT * 100}%: SES reviews the account beyond this`,
      namespace: "AWS/SES",
      metricName: "Reputation.ComplaintRate",
      statistic: "Maximum",
      period: 3600,
      threshold: SES_COMPLAINT_RATE_LIMIT,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    });
  }
}
