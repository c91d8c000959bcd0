package rules.alarms.failure_alarms_test

import data.rules.alarms.failure_alarms as rule

alarm(namespace, metric, dimensions, fields) := object.union(
	{
		"alarm_name": sprintf("%v-%v", [namespace, metric]),
		"namespace": namespace,
		"metric_name": metric,
		"dimensions": dimensions,
		"comparison_operator": "GreaterThanThreshold",
		"threshold": 0,
		"evaluation_periods": 1,
		"period": 300,
		"statistic": "Sum",
		"alarm_actions": ["${aws_sns_topic.ops.arn}"],
	},
	fields,
)

# A function with its DLQ, a work queue with its DLQ; alarms by literal name and by reference.
doc := {"resource": {
	"aws_lambda_function": {"send": {"function_name": "medicare-dev-send", "dead_letter_config": {"target_arn": "${aws_sqs_queue.send_fn_dlq.arn}"}}},
	"aws_sqs_queue": {
		"send_fn_dlq": {"name": "medicare-dev-send-function-dlq"},
		"work": {"name": "medicare-dev-work", "redrive_policy": json.marshal({"deadLetterTargetArn": "${aws_sqs_queue.work_dlq.arn}", "maxReceiveCount": 5})},
		"work_dlq": {"name": "medicare-dev-work-dlq"},
	},
	"aws_cloudwatch_metric_alarm": {
		"errors": alarm("AWS/Lambda", "Errors", {"FunctionName": "medicare-dev-send"}, {}),
		"throttles": alarm("AWS/Lambda", "Throttles", {"FunctionName": "${aws_lambda_function.send.function_name}"}, {}),
		"fn_dlq": alarm("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": "${aws_sqs_queue.send_fn_dlq.name}"}, {"statistic": "Maximum"}),
		"work_dlq": alarm("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": "medicare-dev-work-dlq"}, {"comparison_operator": "GreaterThanOrEqualToThreshold", "threshold": 1}),
	},
}}

patched(ops) := json.patch(doc, ops)

fails_on(input_doc, address) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "ALM-001"
	v.address == address
}

test_pass_every_function_and_dlq_alarmed if {
	count(rule.deny) == 0 with input as doc
}

test_fail_function_without_errors_alarm if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_cloudwatch_metric_alarm/errors"}]), "aws_lambda_function.send")
}

test_fail_throttles_alarm_on_another_function if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_cloudwatch_metric_alarm/throttles/dimensions/FunctionName", "value": "medicare-dev-other"}]), "aws_lambda_function.send")
}

test_fail_errors_alarm_in_wrong_namespace if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_cloudwatch_metric_alarm/errors/namespace", "value": "medicare/dev"}]), "aws_lambda_function.send")
}

test_fail_function_dlq_without_alarm if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_cloudwatch_metric_alarm/fn_dlq"}]), "aws_sqs_queue.send_fn_dlq")
}

test_fail_redrive_dlq_alarm_threshold_too_high if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_cloudwatch_metric_alarm/work_dlq/threshold", "value": 10}]), "aws_sqs_queue.work_dlq")
}

test_fail_dlq_alarm_on_wrong_metric if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_cloudwatch_metric_alarm/fn_dlq/metric_name", "value": "NumberOfMessagesSent"}]), "aws_sqs_queue.send_fn_dlq")
}

test_fail_schedule_dlq_without_alarm if {
	d := patched([
		{"op": "add", "path": "/resource/aws_sqs_queue/schedule_dlq", "value": {"name": "medicare-dev-schedule-dlq"}},
		{"op": "add", "path": "/resource/aws_scheduler_schedule", "value": {"weekly": {"target": {"arn": "x", "dead_letter_config": {"arn": "${aws_sqs_queue.schedule_dlq.arn}"}}}}},
	])
	fails_on(d, "aws_sqs_queue.schedule_dlq")
}

machine_doc(alarms) := {"resource": {
	"aws_sfn_state_machine": {"run": {"name": "medicare-dev-campaign-run"}},
	"aws_cloudwatch_metric_alarm": alarms,
}}

test_pass_state_machine_alarmed_by_arn if {
	count(rule.deny) == 0 with input as machine_doc({"failed": alarm("AWS/States", "ExecutionsFailed", {"StateMachineArn": "arn:aws:states:eu-west-2:111111111111:stateMachine:medicare-dev-campaign-run"}, {})})
}

test_pass_state_machine_alarmed_by_reference if {
	count(rule.deny) == 0 with input as machine_doc({"failed": alarm("AWS/States", "ExecutionsFailed", {"StateMachineArn": "${aws_sfn_state_machine.run.arn}"}, {})})
}

test_fail_state_machine_without_failed_alarm if {
	fails_on(machine_doc({}), "aws_sfn_state_machine.run")
}

test_fail_state_machine_alarm_on_another_machine if {
	fails_on(machine_doc({"failed": alarm("AWS/States", "ExecutionsFailed", {"StateMachineArn": "arn:aws:states:eu-west-2:111111111111:stateMachine:medicare-dev-form-publish"}, {})}), "aws_sfn_state_machine.run")
}
