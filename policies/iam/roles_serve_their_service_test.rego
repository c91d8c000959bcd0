package rules.iam.roles_serve_their_service_test

import data.rules.iam.fixtures_test as f
import data.rules.iam.roles_serve_their_service as rule

trust(service) := f.doc([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}}}])

service_role(name, service) := {"//": f.meta(sprintf("dev-campaign/%s", [name])), "assume_role_policy": trust(service)}

function(name, role) := {"//": f.meta(sprintf("dev-campaign/functions/%s", [name])), "function_name": name, "role": sprintf("${aws_iam_role.%s.arn}", [role])}

good := f.stack({
	"aws_iam_role": {
		"web": service_role("web-role", "lambda.amazonaws.com"),
		"send": service_role("send-role", "lambda.amazonaws.com"),
		"api": service_role("api-role", "apigateway.amazonaws.com"),
		"logs": service_role("logs-role", "apigateway.amazonaws.com"),
		"forward": service_role("forward-role", "events.amazonaws.com"),
	},
	"aws_lambda_function": {"web": function("web", "web"), "send": function("send", "send")},
	"aws_api_gateway_integration": {
		"a": {"//": f.meta("dev-campaign/api/a"), "credentials": "${aws_iam_role.api.arn}"},
		"b": {"//": f.meta("dev-campaign/api/b"), "credentials": "${aws_iam_role.api.arn}"},
	},
	"aws_cloudwatch_event_target": {
		"guardduty": {"//": f.meta("dev-security/forward/guardduty"), "role_arn": "${aws_iam_role.forward.arn}"},
		"macie": {"//": f.meta("dev-security/forward/macie"), "role_arn": "${aws_iam_role.forward.arn}"},
	},
	"aws_api_gateway_account": {"acct": {"//": f.meta("dev-campaign/api-account"), "cloudwatch_role_arn": "${aws_iam_role.logs.arn}"}},
	"aws_iam_role_policy": {"p": {"//": f.meta("dev-campaign/web-role/policy"), "role": "${aws_iam_role.web.name}", "policy": f.doc([{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:eu-west-2:111111111111:q"}])}},
})

findings(d) := {v.msg | some v in rule.deny with input as d}

fails_with(d, text) if {
	some msg in findings(d)
	contains(msg, text)
}

test_pass_own_roles_and_shared_integrations if {
	count(findings(good)) == 0
}

test_fail_function_runs_with_an_api_gateway_role if {
	d := json.patch(good, [{"op": "replace", "path": "/resource/aws_lambda_function/web/role", "value": "${aws_iam_role.logs.arn}"}])
	fails_with(d, "runs with aws_iam_role.logs (role), which trusts [\"apigateway.amazonaws.com\"]; only lambda.amazonaws.com should assume it")
}

test_fail_two_functions_share_a_role if {
	d := json.patch(good, [{"op": "replace", "path": "/resource/aws_lambda_function/web/role", "value": "${aws_iam_role.send.arn}"}])
	fails_with(d, "serves 2 consumers (aws_lambda_function.send, aws_lambda_function.web)")
}

test_fail_role_shared_across_types if {
	d := json.patch(good, [{"op": "replace", "path": "/resource/aws_api_gateway_account/acct/cloudwatch_role_arn", "value": "${aws_iam_role.api.arn}"}])
	fails_with(d, "serves 3 consumers")
}

test_fail_role_also_trusts_people if {
	d := json.patch(good, [{"op": "replace", "path": "/resource/aws_iam_role/web/assume_role_policy", "value": f.doc([
		{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
		{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"},
	])}])
	fails_with(d, "arn:aws:iam::111111111111:root")
}

test_fail_unknown_consumer if {
	d := json.patch(good, [{"op": "add", "path": "/resource/aws_glue_job", "value": {"j": {"//": f.meta("dev-campaign/glue"), "role_arn": "${aws_iam_role.web.arn}"}}}])
	fails_with(d, "add aws_glue_job.role_arn to consumer_services")
}
