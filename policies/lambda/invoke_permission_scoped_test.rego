package rules.lambda.invoke_permission_scoped_test

import data.rules.lambda.invoke_permission_scoped as rule

permission(fields) := {"resource": {"aws_lambda_permission": {"p": object.union(
	{
		"//": {"metadata": {"path": "dev-data/credential-rotation/invoke-for-dms-source"}},
		"action": "lambda:InvokeFunction",
		"function_name": "${aws_lambda_function.fn.function_name}",
		"principal": "secretsmanager.amazonaws.com",
		"source_arn": "${aws_secretsmanager_secret.s.arn}",
		"source_account": "111111111111",
	},
	fields,
)}}}

fails_with(d, fragment) if {
	some v in rule.deny with input as d
	v.rule_id == "LAM-002"
	contains(v.msg, fragment)
}

test_pass_service_scoped_by_source_arn if {
	count(rule.deny) == 0 with input as permission({})
	count(rule.deny) == 0 with input as permission({"principal": "events.amazonaws.com", "source_arn": "${aws_cloudwatch_event_rule.r.arn}", "source_account": null})
}

test_pass_s3_with_source_arn_and_account if {
	count(rule.deny) == 0 with input as permission({"principal": "s3.amazonaws.com", "source_arn": "${aws_s3_bucket.b.arn}"})
}

test_fail_public_principal if {
	fails_with(permission({"principal": "*"}), "principal is *")
	fails_with(permission({"principal": "arn:aws:iam::*:root"}), "principal is arn:aws:iam::*:root")
}

test_fail_service_without_source_arn if {
	fails_with(permission({"source_arn": null}), "secretsmanager.amazonaws.com may invoke for any resource")
	without_source_arn := {"resource": {"aws_lambda_permission": {"p": object.remove(permission({}).resource.aws_lambda_permission.p, ["source_arn"])}}}
	fails_with(without_source_arn, "may invoke for any resource")
}

test_fail_s3_without_source_account if {
	fails_with(permission({"principal": "s3.amazonaws.com", "source_arn": "${aws_s3_bucket.b.arn}", "source_account": null}), "set source_account")
}

test_fail_unauthenticated_function_url if {
	fails_with(permission({"action": "lambda:InvokeFunctionUrl", "principal": "*", "function_url_auth_type": "NONE"}), "function URL is public")
	fails_with({"resource": {"aws_lambda_function_url": {"u": {"function_name": "f", "authorization_type": "NONE"}}}}, "anyone on the internet")
}
