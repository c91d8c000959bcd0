package rules.api.authorizers_staff_pool_test

import data.rules.api.authorizers_staff_pool as rule

staff := "${data.terraform_remote_state.cross-stack-reference-input-dev-edge.outputs.cross-stack-output-aws_cognito_user_poolcognito_staff_6F06A7E8arn}"

doc(authorizer) := {"resource": {"aws_api_gateway_authorizer": {"a": object.union({"//": {"metadata": {"path": "dev-campaign/staff-api/staff-authorizer"}}, "type": "COGNITO_USER_POOLS", "provider_arns": [staff]}, authorizer)}}}

test_pass_staff_pool if {
	count(rule.deny) == 0 with input as doc({})
}

# The class: the patient pool, another account's pool, a Lambda authorizer.
test_fail_other_pools_or_code if {
	count(rule.deny) > 0 with input as doc({"provider_arns": ["${data.terraform_remote_state.cross-stack-reference-input-dev-edge.outputs.cross-stack-output-aws_cognito_user_poolcognito_patients_D7DB4C00arn}"]})
	count(rule.deny) > 0 with input as doc({"provider_arns": [staff, "arn:aws:cognito-idp:eu-west-2:444455556666:userpool/eu-west-2_abc"]})
	count(rule.deny) > 0 with input as doc({"type": "REQUEST", "provider_arns": null, "authorizer_uri": "${aws_lambda_function.auth.invoke_arn}"})
}
