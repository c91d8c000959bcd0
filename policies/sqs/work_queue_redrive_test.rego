package rules.sqs.work_queue_redrive_test

import data.rules.sqs.work_queue_redrive as rule

key := "${aws_kms_key.messaging.arn}"

redrive(target, count) := json.marshal({"deadLetterTargetArn": target, "maxReceiveCount": count})

# A work queue with its DLQ, a function with its DLQ, a schedule with its DLQ and an
# asynchronous invocation's on-failure queue: only `send` is a work queue.
doc(send) := {"resource": {
	"aws_sqs_queue": {
		"send": send,
		"send_dlq": {"name": "send-dlq", "kms_master_key_id": key},
		"fn_dlq": {"name": "fn-dlq", "kms_master_key_id": key},
		"schedule_dlq": {"name": "schedule-dlq", "kms_master_key_id": key},
		"async_dlq": {"name": "async-dlq", "kms_master_key_id": key},
	},
	"aws_lambda_function": {"fn": {"function_name": "fn", "dead_letter_config": {"target_arn": "${aws_sqs_queue.fn_dlq.arn}"}}},
	"aws_scheduler_schedule": {"weekly": {"target": {"arn": "${aws_lambda_function.fn.arn}", "dead_letter_config": {"arn": "${aws_sqs_queue.schedule_dlq.arn}"}}}},
	"aws_lambda_function_event_invoke_config": {"fn": {"function_name": "${aws_lambda_function.fn.function_name}", "destination_config": {"on_failure": {"destination": "${aws_sqs_queue.async_dlq.arn}"}}}},
}}

send_queue(fields) := object.union({"name": "send", "kms_master_key_id": key, "redrive_policy": redrive("${aws_sqs_queue.send_dlq.arn}", 10)}, fields)

fails_on(input_doc, address) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "SQS-002"
	v.address == address
}

test_pass_every_work_queue_redrives if {
	count(rule.deny) == 0 with input as doc(send_queue({}))
}

test_pass_separate_redrive_policy_resource if {
	d := json.patch(doc(object.remove(send_queue({}), ["redrive_policy"])), [{"op": "add", "path": "/resource/aws_sqs_queue_redrive_policy", "value": {"send": {"queue_url": "${aws_sqs_queue.send.url}", "redrive_policy": redrive("${aws_sqs_queue.send_dlq.arn}", 3)}}}])
	count(rule.deny) == 0 with input as d
}

test_fail_work_queue_without_redrive if {
	fails_on(doc(object.remove(send_queue({}), ["redrive_policy"])), "aws_sqs_queue.send")
}

test_fail_orphan_dlq_becomes_work_queue if {
	# Nothing targets schedule_dlq any more: it is an ordinary queue without a redrive policy.
	d := json.remove(doc(send_queue({})), ["/resource/aws_scheduler_schedule"])
	fails_on(d, "aws_sqs_queue.schedule_dlq")
}

test_fail_zero_receives if {
	fails_on(doc(send_queue({"redrive_policy": redrive("${aws_sqs_queue.send_dlq.arn}", 0)})), "aws_sqs_queue.send")
}

test_fail_target_not_a_queue if {
	fails_on(doc(send_queue({"redrive_policy": redrive("${aws_sns_topic.t.arn}", 5)})), "aws_sqs_queue.send")
}

test_fail_redrive_to_itself if {
	fails_on(doc(send_queue({"redrive_policy": redrive("${aws_sqs_queue.send.arn}", 5)})), "aws_sqs_queue.send")
}
