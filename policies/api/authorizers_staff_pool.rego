# API-004: every API Gateway authorizer is the declared staff sign-in: type
# COGNITO_USER_POOLS with the staff user pool as its only provider (the edge stack's
# aws_cognito_user_pool "staff", by reference). A Lambda (REQUEST/TOKEN) authorizer is code
# that can say yes to anything, and the patient pool or a pool of another account would let
# people who are not staff call the staff routes.
package rules.api.authorizers_staff_pool

import data.lib.cdktf

metadata := {
	"id": "API-004",
	"title": "API authorizers are the staff Cognito pool, and only that pool",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "staff routes are authorized by the staff Cognito pool only (added row, docs/policy-data.md)",
	"references": ["own"],
	"fix": "Authorize staff routes with the staff pool (StaffApi in modules/campaign takes the edge stack's staff pool); never a Lambda authorizer or another pool.",
}

# A reference to the staff pool: within the stack, or through the edge stack's output.
staff_pool_ref(p) if {
	is_string(p)
	regex.match(`^\$\{aws_cognito_user_pool\.cognito_staff_[A-Za-z0-9]+\.arn\}$`, p)
}

staff_pool_ref(p) if {
	is_string(p)
	regex.match(`^\$\{data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.cross-stack-output-aws_cognito_user_poolcognito_staff_[A-Za-z0-9]+arn\}$`, p)
}

deny contains cdktf.violation(metadata, a, sprintf("authorizer type is %v; staff routes are authorized by the staff Cognito pool (COGNITO_USER_POOLS)", [object.get(a.values, "type", "TOKEN (default)")])) if {
	some a in cdktf.resources("aws_api_gateway_authorizer")
	object.get(a.values, "type", "TOKEN") != "COGNITO_USER_POOLS"
}

deny contains cdktf.violation(metadata, a, sprintf("provider %v is not the staff user pool", [p])) if {
	some a in cdktf.resources("aws_api_gateway_authorizer")
	some p in cdktf.as_array(object.get(a.values, "provider_arns", []))
	not staff_pool_ref(p)
}

deny contains cdktf.violation(metadata, a, "no provider_arns: the authorizer names no user pool") if {
	some a in cdktf.resources("aws_api_gateway_authorizer")
	object.get(a.values, "type", "TOKEN") == "COGNITO_USER_POOLS"
	count(cdktf.as_array(object.get(a.values, "provider_arns", []))) == 0
}
