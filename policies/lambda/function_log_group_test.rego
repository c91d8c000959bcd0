package rules.lambda.function_log_group_test

import data.rules.lambda.function_log_group as rule

logs_key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_logs_key_A1A70726arn}"

group(name, fields) := object.union({"name": name, "kms_key_id": logs_key, "retention_in_days": 365}, fields)

function(fields) := object.union(
	{
		"//": {"metadata": {"path": "dev-data/fn/function"}},
		"function_name": "medicare-dev-fn",
		"logging_config": {"log_format": "JSON", "log_group": "${aws_cloudwatch_log_group.fn_group.name}"},
	},
	fields,
)

doc(fn, groups) := {"resource": {"aws_lambda_function": {"fn": fn}, "aws_cloudwatch_log_group": groups}}

fails_with(d, fragment) if {
	some v in rule.deny with input as d
	v.rule_id == "LAM-003"
	v.resource_path == "dev-data/fn/function"
	contains(v.msg, fragment)
}

test_pass_logging_config_reference if {
	count(rule.deny) == 0 with input as doc(function({}), {"fn_group": group("/medicare/dev/lambda/fn", {})})
}

test_pass_logging_config_literal_name if {
	count(rule.deny) == 0 with input as doc(function({"logging_config": {"log_format": "JSON", "log_group": "/medicare/dev/lambda/fn"}}), {"g": group("/medicare/dev/lambda/fn", {})})
}

test_pass_default_group_declared if {
	count(rule.deny) == 0 with input as doc(object.remove(function({}), ["logging_config"]), {"g": group("/aws/lambda/medicare-dev-fn", {})})
}

test_fail_no_declared_group if {
	fails_with(doc(object.remove(function({}), ["logging_config"]), {"g": group("/aws/lambda/another", {})}), "no log group of this configuration")
	fails_with(doc(function({}), {"other": group("/medicare/dev/lambda/fn", {})}), "no log group of this configuration")
}

test_fail_group_without_key_or_retention if {
	fails_with(doc(function({}), {"fn_group": object.remove(group("/medicare/dev/lambda/fn", {}), ["kms_key_id"])}), "has no customer-managed kms_key_id")
	fails_with(doc(function({}), {"fn_group": object.remove(group("/medicare/dev/lambda/fn", {}), ["retention_in_days"])}), "keeps logs forever")
}
