package rules.lambda.function_hardened_test

import data.rules.lambda.function_hardened as rule

messaging_key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_messaging_key_1BF505FBarn}"

function(fields) := object.union(
	{
		"//": {"metadata": {"path": "dev-data/credential-rotation/function/function"}},
		"function_name": "medicare-dev-rotate-mysql-credentials",
		"reserved_concurrent_executions": 3,
		"tracing_config": {"mode": "Active"},
		"dead_letter_config": {"target_arn": "${aws_sqs_queue.dlq.arn}"},
		"kms_key_arn": messaging_key,
	},
	fields,
)

doc(body) := {"resource": {"aws_lambda_function": {"fn": body}}}

fails_with(d, fragment) if {
	some v in rule.deny with input as d
	v.rule_id == "LAM-001"
	v.resource_path == "dev-data/credential-rotation/function/function"
	contains(v.msg, fragment)
}

test_pass_hardened_function if {
	count(rule.deny) == 0 with input as doc(function({}))
}

test_pass_on_failure_destination_instead_of_dlq if {
	body := object.remove(function({}), ["dead_letter_config"])
	count(rule.deny) == 0 with input as {"resource": {
		"aws_lambda_function": {"fn": body},
		"aws_lambda_function_event_invoke_config": {"cfg": {
			"function_name": "${aws_lambda_function.fn.function_name}",
			"destination_config": {"on_failure": {"destination": "${aws_sqs_queue.failures.arn}"}},
		}},
	}}
}

test_fail_without_reserved_concurrency if {
	fails_with(doc(object.remove(function({}), ["reserved_concurrent_executions"])), "reserved_concurrent_executions is absent")
	fails_with(doc(function({"reserved_concurrent_executions": -1})), "reserved_concurrent_executions is -1")
	fails_with(doc(function({"reserved_concurrent_executions": 0})), "reserved_concurrent_executions is 0")
}

test_fail_tracing_pass_through_or_absent if {
	fails_with(doc(function({"tracing_config": {"mode": "PassThrough"}})), "tracing_config.mode is PassThrough")
	fails_with(doc(object.remove(function({}), ["tracing_config"])), "tracing_config.mode is absent")
}

test_fail_without_dlq_or_destination if {
	fails_with(doc(object.remove(function({}), ["dead_letter_config"])), "no dead_letter_config target")
}

test_fail_destination_of_another_function_does_not_count if {
	body := object.remove(function({}), ["dead_letter_config"])
	fails_with(
		{"resource": {
			"aws_lambda_function": {"fn": body},
			"aws_lambda_function_event_invoke_config": {"cfg": {
				"function_name": "medicare-dev-other",
				"destination_config": {"on_failure": {"destination": "${aws_sqs_queue.failures.arn}"}},
			}},
		}},
		"no dead_letter_config target",
	)
}

test_fail_environment_without_cmk if {
	fails_with(doc(object.remove(function({}), ["kms_key_arn"])), "kms_key_arn is absent")
	fails_with(doc(function({"kms_key_arn": "alias/aws/lambda"})), "kms_key_arn is alias/aws/lambda")
}

test_fail_invoke_config_without_on_failure if {
	d := {"resource": {
		"aws_lambda_function": {"fn": function({})},
		"aws_lambda_function_event_invoke_config": {"cfg": {
			"//": {"metadata": {"path": "dev-campaign/functions/report/async-destinations"}},
			"function_name": "${aws_lambda_function.fn.function_name}",
			"destination_config": {"on_success": {"destination": "${aws_sns_topic.staff.arn}"}},
		}},
	}}
	some v in rule.deny with input as d
	v.resource_path == "dev-campaign/functions/report/async-destinations"
	contains(v.msg, "without an on_failure destination")
}
