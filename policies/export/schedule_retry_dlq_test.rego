package rules.export.schedule_retry_dlq_test

import data.rules.export.schedule_retry_dlq as rule

target := {
	"arn": "arn:aws:scheduler:::aws-sdk:rds:startExportTask",
	"role_arn": "${aws_iam_role.scheduler.arn}",
	"retry_policy": {"maximum_retry_attempts": 4, "maximum_event_age_in_seconds": 3600},
	"dead_letter_config": {"arn": "${aws_sqs_queue.dlq.arn}"},
}

doc(t) := {"resource": {"aws_scheduler_schedule": {"daily": {
	"//": {"metadata": {"path": "dev-data/daily-export/schedule"}},
	"schedule_expression": "cron(30 1 * * ? *)",
	"target": t,
}}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "EXP-003"
	v.resource_path == "dev-data/daily-export/schedule"
}

test_pass_retry_and_dlq if {
	count(rule.deny) == 0 with input as doc(target)
}

test_pass_blocks_as_arrays_and_literal_queue_arn if {
	t := object.union(target, {
		"retry_policy": [{"maximum_retry_attempts": "2"}],
		"dead_letter_config": [{"arn": "arn:aws:sqs:eu-west-2:111111111111:failed"}],
	})
	count(rule.deny) == 0 with input as doc([t])
}

test_fail_no_retry_policy if {
	fails(doc(object.remove(target, ["retry_policy"])))
}

test_fail_retries_off if {
	fails(doc(object.union(target, {"retry_policy": {"maximum_retry_attempts": 0}})))
}

test_fail_no_dead_letter_queue if {
	fails(doc(object.remove(target, ["dead_letter_config"])))
}

test_fail_dead_letter_target_not_a_queue if {
	fails(doc(object.union(target, {"dead_letter_config": {"arn": "${aws_sns_topic.alarms.arn}"}})))
}
