# API-003: every REST API says who it serves (tag api-audience = public | staff), and every
# method of an API that is not declared public requires a staff-pool token: authorization
# COGNITO_USER_POOLS with an authorizer of the same API, of type COGNITO_USER_POOLS, backed by
# a Cognito user pool. An API without the tag is treated as staff (fail closed): an
# unauthenticated staff route (publish a form, start a campaign run) is the failure to prevent.
package rules.api.staff_routes_authorized

import data.lib.cdktf

metadata := {
	"id": "API-003",
	"title": "Every REST API declares its audience; every method of a staff API requires a Cognito staff-pool token",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "HTTP entry points: TLS, access logging, throttling, WAF (staff routes require a staff-pool token)",
	"references": ["nag:APIGWAuthorization", "own"],
	"fix": "Create the API with HttpsApi (modules/campaign/https-api.ts) and audience \"staff\": it tags the API api-audience=staff and gives every method the staff pool's COGNITO_USER_POOLS authorizer.",
}

audience_tag := "api-audience"

deny contains cdktf.violation(metadata, api, sprintf("tag %v is %v; it must be public or staff", [audience_tag, audience])) if {
	some api in cdktf.resources("aws_api_gateway_rest_api")
	audience := cdktf.tag(api.values, audience_tag)
	not audience in {"public", "staff"}
}

staff_apis contains api if {
	some api in cdktf.resources("aws_api_gateway_rest_api")
	cdktf.tag(api.values, audience_tag) != "public"
}

staff_methods contains [api, method] if {
	some api in staff_apis
	some method in cdktf.resources("aws_api_gateway_method")
	cdktf.refers_to(object.get(method.values, "rest_api_id", null), api)
}

deny contains cdktf.violation(metadata, method, sprintf("%v on a staff API has authorization %v; it must be COGNITO_USER_POOLS", [object.get(method.values, "http_method", "?"), object.get(method.values, "authorization", "absent")])) if {
	some [_, method] in staff_methods
	object.get(method.values, "authorization", null) != "COGNITO_USER_POOLS"
}

deny contains cdktf.violation(metadata, method, sprintf("%v on a staff API has authorizer_id %v; it must reference a COGNITO_USER_POOLS aws_api_gateway_authorizer of the same API with a user pool in provider_arns", [object.get(method.values, "http_method", "?"), object.get(method.values, "authorizer_id", "absent")])) if {
	some [api, method] in staff_methods
	not cognito_authorizer(object.get(method.values, "authorizer_id", null), api)
}

cognito_authorizer(reference, api) if {
	authorizer := cdktf.target(reference)
	authorizer.type == "aws_api_gateway_authorizer"
	authorizer.values.type == "COGNITO_USER_POOLS"
	cdktf.refers_to(object.get(authorizer.values, "rest_api_id", null), api)
	pools := cdktf.as_array(object.get(authorizer.values, "provider_arns", []))
	count(pools) > 0
	every pool in pools {
		user_pool_arn(pool)
	}
}

# A reference to an aws_cognito_user_pool (local, or a cross-stack output named after one), or a literal pool ARN.
user_pool_arn(value) if cdktf.ref_type(value) == "aws_cognito_user_pool"

user_pool_arn(value) if {
	cdktf.is_ref(value)
	regex.match(`outputs\.cross-stack-output-aws_cognito_user_pool[A-Za-z0-9_-]*arn\}$`, value)
}

user_pool_arn(value) if {
	is_string(value)
	regex.match(`^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:[0-9]{12}:userpool/.+$`, value)
}
