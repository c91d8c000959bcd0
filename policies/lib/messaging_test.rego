package lib.messaging_test

import data.lib.cdktf
import data.lib.messaging

doc := {"resource": {
	"aws_sqs_queue": {
		"work": {"name": "work", "redrive_policy": json.marshal({"deadLetterTargetArn": "${aws_sqs_queue.redrive_dlq.arn}", "maxReceiveCount": 3})},
		"redrive_dlq": {"name": "redrive-dlq"},
		"other": {"name": "other"},
		"other_dlq": {"name": "other-dlq"},
		"fn_dlq": {"name": "fn-dlq"},
		"schedule_dlq": {"name": "schedule-dlq"},
		"async_dlq": {"name": "async-dlq"},
	},
	"aws_sqs_queue_redrive_policy": {"other": {"queue_url": "${aws_sqs_queue.other.id}", "redrive_policy": json.marshal({"deadLetterTargetArn": "${aws_sqs_queue.other_dlq.arn}", "maxReceiveCount": 3})}},
	"aws_lambda_function": {"fn": {"function_name": "fn", "dead_letter_config": {"target_arn": "${aws_sqs_queue.fn_dlq.arn}"}}},
	"aws_scheduler_schedule": {"s": {"target": [{"arn": "x", "dead_letter_config": [{"arn": "${aws_sqs_queue.schedule_dlq.arn}"}]}]}},
	"aws_lambda_function_event_invoke_config": {"fn": {"function_name": "fn", "destination_config": {"on_failure": {"destination": "${aws_sqs_queue.async_dlq.arn}"}, "on_success": {"destination": "${aws_sns_topic.t.arn}"}}}},
}}

addresses(queues) := {q.address | some q in queues}

test_dead_letter_queues_from_every_source if {
	addresses(messaging.dead_letter_queues) == {
		"aws_sqs_queue.redrive_dlq", "aws_sqs_queue.other_dlq", "aws_sqs_queue.fn_dlq",
		"aws_sqs_queue.schedule_dlq", "aws_sqs_queue.async_dlq",
	} with input as doc
}

test_work_queues_are_the_rest if {
	addresses(messaging.work_queues) == {"aws_sqs_queue.work", "aws_sqs_queue.other"} with input as doc
}

test_redrive_policy_from_attribute_or_resource if {
	work := cdktf.at("aws_sqs_queue.work") with input as doc
	other := cdktf.at("aws_sqs_queue.other") with input as doc
	[p] := messaging.redrive_policies(work) with input as doc
	p.maxReceiveCount == 3
	[q] := messaging.redrive_policies(other) with input as doc
	q.deadLetterTargetArn == "${aws_sqs_queue.other_dlq.arn}"
}

test_names_queue_by_reference_or_name if {
	q := cdktf.at("aws_sqs_queue.fn_dlq") with input as doc
	messaging.names_queue("${aws_sqs_queue.fn_dlq.name}", q)
	messaging.names_queue("fn-dlq", q)
	not messaging.names_queue("other", q)
}
