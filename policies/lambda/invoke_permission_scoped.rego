# LAM-002: nobody outside the intended caller can invoke a function. Every permission names
# one principal (never "*"), and a service principal is tied to the one resource that may
# use it (source_arn), so another account's bucket, topic or secret cannot trigger the
# function (the confused-deputy problem). Function URLs without authentication are public.
package rules.lambda.invoke_permission_scoped

import data.lib.cdktf

metadata := {
	"id": "LAM-002",
	"title": "No public Lambda invoke permission; every service permission is scoped by source ARN",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "no public invoke permission; every permission scoped by source ARN",
	"references": ["nag:LambdaFunctionPublicAccessProhibited", "ckv:CKV_AWS_301", "ckv:CKV_AWS_364"],
	"fix": "Grant invocation to one service principal with source_arn = the resource that invokes (and source_account = this account), as MysqlCredentialRotation.register does; never principal \"*\" or an unauthenticated function URL.",
}

# Services whose invocations carry no source ARN, so source_account is the only scope.
# Empty until a service needs it; add one only with its documentation's word.
source_account_only_services := set()

# S3 bucket ARNs carry no account id: a deleted bucket's name can be taken by another account.
services_needing_source_account := {"s3.amazonaws.com"}

deny contains cdktf.violation(metadata, permission, sprintf("principal is %v; name the one service or account that invokes the function", [object.get(permission.values, "principal", "absent")])) if {
	some permission in cdktf.resources("aws_lambda_permission")
	not specific_principal(object.get(permission.values, "principal", null))
}

specific_principal(p) if {
	cdktf.non_empty_string(p)
	not contains(p, "*")
}

deny contains cdktf.violation(metadata, permission, sprintf("%s may invoke for any resource; set source_arn to the resource that invokes", [principal])) if {
	some permission in cdktf.resources("aws_lambda_permission")
	principal := object.get(permission.values, "principal", "")
	is_service(principal)
	not principal in source_account_only_services
	not cdktf.non_empty_string(object.get(permission.values, "source_arn", null))
}

deny contains cdktf.violation(metadata, permission, sprintf("%s is scoped by account only; set source_account", [principal])) if {
	some permission in cdktf.resources("aws_lambda_permission")
	principal := object.get(permission.values, "principal", "")
	is_service(principal)
	principal in (source_account_only_services | services_needing_source_account)
	not cdktf.non_empty_string(object.get(permission.values, "source_account", null))
}

deny contains cdktf.violation(metadata, permission, "function_url_auth_type is NONE: the function URL is public") if {
	some permission in cdktf.resources("aws_lambda_permission")
	object.get(permission.values, "function_url_auth_type", "") == "NONE"
}

deny contains cdktf.violation(metadata, url, "authorization_type is NONE: anyone on the internet can invoke the function") if {
	some url in cdktf.resources("aws_lambda_function_url")
	object.get(url.values, "authorization_type", "") == "NONE"
}

is_service(principal) if {
	is_string(principal)
	endswith(principal, ".amazonaws.com")
}
