import { Construct } from "constructs";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SchedulerScheduleGroup } from "@cdktf/provider-aws/lib/scheduler-schedule-group";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { MedicareStack } from "../core/medicare-stack";
import { NodeFunction } from "../compute/lambda-function";
import { PermissionBoundary } from "../iam/permission-boundary";
import { ServiceRole } from "../iam/service-role";
import { encryptedDeadLetterQueue } from "../messaging/encrypted-queue";
import { DomainKey, requireKeyOf, viaService } from "../security/keys";

/** The practice's clock: schedules follow UK time across the clock changes. */
export const SCHEDULE_TIMEZONE = "Europe/London";
/** Scheduler retries a failed invocation this often, for up to an hour, before dead-lettering it. */
const RETRY_ATTEMPTS = 3;
const RETRY_MAX_AGE_SECONDS = 3600;

export interface CampaignJob {
  /** Short name: the schedule, its group and its role are `medicare-<env>-<name>...`. */
  readonly name: string;
  readonly description: string;
  /** EventBridge Scheduler cron expression, in Europe/London. */
  readonly expression: string;
  readonly target: NodeFunction;
  /** The event the function receives. */
  readonly input: Readonly<Record<string, unknown>>;
}

export interface CampaignSchedulesProps {
  readonly jobs: readonly CampaignJob[];
  readonly messagingKey: DomainKey;
  readonly boundary: PermissionBoundary;
}

/**
 * The campaign's recurring jobs on EventBridge Scheduler, in UK time. Each job has its own
 * schedule group and role (Scheduler assumes roles with aws:SourceArn = the group, so a role
 * cannot be borrowed by another schedule) that may invoke only its one function; failed
 * invocations are retried, then kept in an encrypted dead-letter queue.
 */
export class CampaignSchedules extends Construct {
  readonly deadLetterQueue: SqsQueue;
  readonly schedules: readonly SchedulerSchedule[];

  constructor(scope: Construct, id: string, props: CampaignSchedulesProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("messaging", props.messagingKey, this, "messagingKey");
    this.deadLetterQueue = encryptedDeadLetterQueue(this, "dead-letter-queue", stack.resourceName("campaign-schedules", "dlq"), props.messagingKey);

    this.schedules = props.jobs.map((job) => {
      const group = new SchedulerScheduleGroup(this, `${job.name}-group`, { name: stack.resourceName(job.name) });
      const role = new ServiceRole(this, `${job.name}-role`, {
        name: `${job.name}-scheduler`,
        description: `EventBridge Scheduler invokes ${job.target.functionName} (${job.description})`,
        servicePrincipal: "scheduler.amazonaws.com",
        sourceArnLike: group.arn,
        boundary: props.boundary,
        statements: [
          { sid: "InvokeOnlyItsFunction", actions: ["lambda:InvokeFunction"], resources: [job.target.functionArn] },
          { sid: "RecordFailedInvocations", actions: ["sqs:SendMessage"], resources: [this.deadLetterQueue.arn] },
          {
            sid: "EncryptFailedInvocationsThroughSqs",
            actions: ["kms:GenerateDataKey", "kms:Decrypt"],
            resources: [props.messagingKey.arn],
            conditions: viaService("sqs", props.messagingKey),
          },
        ],
      });
      return new SchedulerSchedule(this, job.name, {
        name: stack.resourceName(job.name),
        groupName: group.name,
        description: job.description,
        scheduleExpression: job.expression,
        scheduleExpressionTimezone: SCHEDULE_TIMEZONE,
        state: "ENABLED",
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          arn: job.target.functionArn,
          roleArn: role.arn,
          input: JSON.stringify(job.input),
          retryPolicy: { maximumRetryAttempts: RETRY_ATTEMPTS, maximumEventAgeInSeconds: RETRY_MAX_AGE_SECONDS },
          deadLetterConfig: { arn: this.deadLetterQueue.arn },
        },
      });
    });
  }
}
