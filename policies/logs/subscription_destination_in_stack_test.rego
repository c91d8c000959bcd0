package rules.logs.subscription_destination_in_stack_test

import data.rules.logs.subscription_destination_in_stack as rule

group := {"//": {"metadata": {"path": "dev-campaign/messaging/sms-delivered-log-group/group"}}, "name": "sns/eu-west-2/111111111111/DirectPublishToPhoneNumber", "kms_key_id": "${aws_kms_key.logs.arn}", "retention_in_days": 365}

other_group := {"//": {"metadata": {"path": "dev-campaign/other/group"}}, "name": "/medicare/dev/other", "kms_key_id": "${aws_kms_key.logs.arn}", "retention_in_days": 365}

function := {"//": {"metadata": {"path": "dev-campaign/functions/delivery-events/function"}}, "function_name": "medicare-dev-campaign-delivery-events"}

permission(source_arn) := {
	"//": {"metadata": {"path": "dev-campaign/functions/delivery-events/sms-delivered-logs"}},
	"action": "lambda:InvokeFunction",
	"function_name": "${aws_lambda_function.events.function_name}",
	"principal": "logs.amazonaws.com",
	"source_arn": source_arn,
	"source_account": "111111111111",
}

filter(fields) := object.union(
	{"//": {"metadata": {"path": "dev-campaign/sms-delivered-logs-subscription"}}, "name": "campaign-delivery-events", "filter_pattern": "", "log_group_name": "${aws_cloudwatch_log_group.sms.name}", "destination_arn": "${aws_lambda_function.events.arn}"},
	fields,
)

doc(filter_fields, source_arn) := {"resource": {
	"aws_cloudwatch_log_group": {"sms": group, "other": other_group},
	"aws_lambda_function": {"events": function},
	"aws_lambda_permission": {"sms": permission(source_arn)},
	"aws_cloudwatch_log_subscription_filter": {"sms": filter(filter_fields)},
}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "LOG-005"
	v.resource_path == "dev-campaign/sms-delivered-logs-subscription"
}

test_pass_function_of_the_stack_invoked_for_its_group if {
	count(rule.deny) == 0 with input as doc({}, "${aws_cloudwatch_log_group.sms.arn}:*")
}

test_pass_firehose_of_the_stack if {
	d := json.patch(doc({"destination_arn": "${aws_kinesis_firehose_delivery_stream.archive.arn}", "role_arn": "${aws_iam_role.logs.arn}"}, "${aws_cloudwatch_log_group.sms.arn}:*"), [{"op": "add", "path": "/resource/aws_kinesis_firehose_delivery_stream", "value": {"archive": {"name": "archive"}}}])
	count(rule.deny) == 0 with input as d
}

test_fail_literal_destination_of_another_account if {
	fails(doc({"destination_arn": "arn:aws:logs:eu-west-2:999999999999:destination:collector"}, "${aws_cloudwatch_log_group.sms.arn}:*"))
}

test_fail_literal_function_arn if {
	fails(doc({"destination_arn": "arn:aws:lambda:eu-west-2:111111111111:function:anything"}, "${aws_cloudwatch_log_group.sms.arn}:*"))
}

test_fail_cross_stack_function if {
	fails(doc({"destination_arn": "${data.terraform_remote_state.cross-stack-reference-input-dev-data.outputs.fn_arn}"}, "${aws_cloudwatch_log_group.sms.arn}:*"))
}

test_fail_resource_of_a_type_that_is_no_consumer if {
	fails(doc({"destination_arn": "${aws_cloudwatch_log_group.other.arn}"}, "${aws_cloudwatch_log_group.sms.arn}:*"))
}

test_fail_no_destination if {
	fails(doc({"destination_arn": null}, "${aws_cloudwatch_log_group.sms.arn}:*"))
}

test_fail_permission_for_another_group if {
	fails(doc({}, "${aws_cloudwatch_log_group.other.arn}:*"))
}

test_fail_permission_for_every_group if {
	fails(doc({}, "arn:aws:logs:eu-west-2:111111111111:log-group:*"))
}
