package rules.lambda.queue_source_bounded_test

import data.rules.lambda.queue_source_bounded as rule

mapping(fields) := object.union(
	{
		"event_source_arn": "${aws_sqs_queue.send.arn}",
		"function_name": "${aws_lambda_function.send.arn}",
		"batch_size": 10,
		"function_response_types": ["ReportBatchItemFailures"],
		"scaling_config": {"maximum_concurrency": 2},
	},
	fields,
)

doc(m) := {"resource": {
	"aws_lambda_function": {"send": {"function_name": "medicare-dev-send", "reserved_concurrent_executions": 2}},
	"aws_lambda_event_source_mapping": {"send": m},
}}

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "ESM-001"
	v.address == "aws_lambda_event_source_mapping.send"
}

test_pass_bounded_mapping if {
	count(rule.deny) == 0 with input as doc(mapping({}))
}

test_pass_literal_function_name_within_reservation if {
	count(rule.deny) == 0 with input as doc(mapping({"function_name": "medicare-dev-send", "scaling_config": [{"maximum_concurrency": "2"}]}))
}

test_pass_non_sqs_source_is_not_judged if {
	count(rule.deny) == 0 with input as doc({"event_source_arn": "${aws_kinesis_stream.s.arn}", "function_name": "${aws_lambda_function.send.arn}"})
}

test_fail_no_maximum_concurrency if {
	fails(doc(object.remove(mapping({}), ["scaling_config"])))
}

test_fail_maximum_concurrency_below_two if {
	fails(doc(mapping({"scaling_config": {"maximum_concurrency": 1}})))
}

test_fail_maximum_concurrency_above_reservation if {
	fails(doc(mapping({"scaling_config": {"maximum_concurrency": 5}})))
}

test_fail_no_batch_item_failures if {
	fails(doc(object.remove(mapping({}), ["function_response_types"])))
}
