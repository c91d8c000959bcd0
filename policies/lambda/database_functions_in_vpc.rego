# LAM-004: a function that reaches the database runs inside the VPC, behind its own
# security group: the database tier is private (no public endpoint, no internet route), so
# a function outside the VPC could only reach it if the database were exposed.
#
# What reaches the database is read by convention (lib/lambda.rego reaches_database): its
# environment references a database resource (in this stack or across stacks), its role may
# use rds-db:connect, or it rotates a secret. A function that learns an endpoint some other
# way (from SSM Parameter Store, say) is not seen here; issue 7's least-privilege test over
# each function's code is the place to close that gap.
package rules.lambda.database_functions_in_vpc

import data.lib.cdktf
import data.lib.lambda

metadata := {
	"id": "LAM-004",
	"title": "Lambda functions that reach the database run in the VPC with a security group",
	"severity": "high",
	"hipaa": ["A"],
	"control": "every function: in VPC (when it reaches the database), DLQ or on-failure destination, reserved concurrency, X-Ray, KMS for environment, log group with retention",
	"references": ["nag:LambdaInsideVPC", "ckv:CKV_AWS_117"],
	"fix": "Give the NodeFunction a `vpc` placement (modules/compute/lambda-function.ts): the app (or data) subnets and egress only to the database and the interface endpoints.",
}

deny contains cdktf.violation(metadata, function, sprintf("%s, but it has no vpc_config with subnets and a security group", [why])) if {
	some function in cdktf.resources("aws_lambda_function")
	why := lambda.reaches_database(function)
	not in_vpc(function)
}

in_vpc(function) if {
	some config in cdktf.blocks(object.get(function.values, "vpc_config", null))
	count(cdktf.as_array(object.get(config, "subnet_ids", []))) > 0
	count(cdktf.as_array(object.get(config, "security_group_ids", []))) > 0
}
