package rules.api.staff_routes_authorized_test

import data.rules.api.staff_routes_authorized as rule

staff_pool := "${data.terraform_remote_state.cross-stack-reference-input-dev-edge.outputs.cross-stack-output-aws_cognito_user_poolcognito_staff_6F06A7E8arn}"

doc := {"resource": {
	"aws_api_gateway_rest_api": {
		"public": {"name": "public", "tags": {"api-audience": "public"}},
		"staff": {"name": "staff", "tags": {"api-audience": "staff"}},
	},
	"aws_api_gateway_authorizer": {"staff": {"rest_api_id": "${aws_api_gateway_rest_api.staff.id}", "type": "COGNITO_USER_POOLS", "provider_arns": [staff_pool], "identity_source": "method.request.header.Authorization"}},
	"aws_api_gateway_method": {
		"open": {"rest_api_id": "${aws_api_gateway_rest_api.public.id}", "http_method": "GET", "authorization": "NONE"},
		"forms": {"rest_api_id": "${aws_api_gateway_rest_api.staff.id}", "http_method": "POST", "authorization": "COGNITO_USER_POOLS", "authorizer_id": "${aws_api_gateway_authorizer.staff.id}"},
	},
}}

patched(ops) := json.patch(doc, ops)

fails_on(input_doc, address) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "API-003"
	v.address == address
}

test_pass_public_open_staff_authorized if {
	count(rule.deny) == 0 with input as doc
}

test_pass_literal_pool_arn if {
	d := patched([{"op": "replace", "path": "/resource/aws_api_gateway_authorizer/staff/provider_arns", "value": ["arn:aws:cognito-idp:eu-west-2:111111111111:userpool/eu-west-2_abc"]}])
	count(rule.deny) == 0 with input as d
}

test_fail_missing_audience_tag if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_api_gateway_rest_api/public/tags"}]), "aws_api_gateway_rest_api.public")
}

test_fail_untagged_api_is_judged_as_staff if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_api_gateway_rest_api/public/tags", "value": {"api-audience": "patients"}}]), "aws_api_gateway_method.open")
}

test_fail_unauthenticated_staff_route if {
	d := patched([
		{"op": "replace", "path": "/resource/aws_api_gateway_method/forms/authorization", "value": "NONE"},
		{"op": "remove", "path": "/resource/aws_api_gateway_method/forms/authorizer_id"},
	])
	fails_on(d, "aws_api_gateway_method.forms")
}

test_fail_iam_authorized_staff_route if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_api_gateway_method/forms/authorization", "value": "AWS_IAM"}]), "aws_api_gateway_method.forms")
}

test_fail_authorizer_of_another_api if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_api_gateway_authorizer/staff/rest_api_id", "value": "${aws_api_gateway_rest_api.public.id}"}]), "aws_api_gateway_method.forms")
}

test_fail_lambda_authorizer if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_api_gateway_authorizer/staff/type", "value": "TOKEN"}]), "aws_api_gateway_method.forms")
}

test_fail_authorizer_without_user_pool if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_api_gateway_authorizer/staff/provider_arns", "value": ["${aws_lambda_function.f.arn}"]}]), "aws_api_gateway_method.forms")
}
