# EXP-003: every EventBridge Scheduler target says how it retries and where a failed
# invocation goes (a dead-letter queue): otherwise a daily export that fails to start is
# gone without a trace, and the on-premises copy silently goes stale.
package rules.export.schedule_retry_dlq

import data.lib.cdktf

metadata := {
	"id": "EXP-003",
	"title": "Scheduled targets have an explicit retry policy and a dead-letter queue",
	"severity": "medium",
	"hipaa": ["B"],
	"control": "every function: in VPC (when it reaches the database), DLQ or on-failure destination, reserved concurrency, X-Ray, KMS for environment, log group with retention (applied to scheduled targets: DLQ and retries)",
	"references": ["nag:LambdaDLQ", "own"],
	"fix": "Give the schedule's target a retry_policy (maximum_retry_attempts >= 1) and a dead_letter_config with an encrypted SQS queue, as DailyExport does (modules/data/export.ts).",
}

retries(target) if {
	some policy in cdktf.blocks(object.get(target, "retry_policy", null))
	to_number(object.get(policy, "maximum_retry_attempts", 0)) >= 1
}

dead_letter_queue(target) if {
	some config in cdktf.blocks(object.get(target, "dead_letter_config", null))
	arn := object.get(config, "arn", null)
	cdktf.non_empty_string(arn)
	sqs_queue(arn)
}

sqs_queue(arn) if cdktf.ref_type(arn) == "aws_sqs_queue"

sqs_queue(arn) if startswith(arn, "arn:aws:sqs:")

deny contains cdktf.violation(metadata, schedule, "the target has no retry_policy with maximum_retry_attempts >= 1") if {
	some schedule in cdktf.resources("aws_scheduler_schedule")
	some target in cdktf.blocks(object.get(schedule.values, "target", null))
	not retries(target)
}

deny contains cdktf.violation(metadata, schedule, "the target has no dead_letter_config naming an SQS queue") if {
	some schedule in cdktf.resources("aws_scheduler_schedule")
	some target in cdktf.blocks(object.get(schedule.values, "target", null))
	not dead_letter_queue(target)
}
