package rules.lambda.database_functions_in_vpc_test

import data.rules.lambda.database_functions_in_vpc as rule

in_vpc := {"subnet_ids": ["${aws_subnet.a.id}"], "security_group_ids": ["${aws_security_group.fn.id}"]}

function(fields) := object.union(
	{
		"//": {"metadata": {"path": "dev-campaign/redeem/function"}},
		"function_name": "medicare-dev-redeem",
		"role": "${aws_iam_role.fn_role.arn}",
	},
	fields,
)

proxy_endpoint := "${data.terraform_remote_state.cross-stack-reference-input-dev-data.outputs.cross-stack-output-aws_db_proxyaurora-proxy_proxy_4C1D2E3Fendpoint}"

fails_with(d, fragment) if {
	some v in rule.deny with input as d
	v.rule_id == "LAM-004"
	v.resource_path == "dev-campaign/redeem/function"
	contains(v.msg, fragment)
}

test_pass_function_not_reaching_the_database if {
	count(rule.deny) == 0 with input as {"resource": {"aws_lambda_function": {"fn": function({"environment": {"variables": {"QUEUE_URL": "${aws_sqs_queue.q.url}"}}})}}}
}

test_pass_function_that_references_only_a_parameter_group if {
	count(rule.deny) == 0 with input as {"resource": {"aws_lambda_function": {"fn": function({"environment": {"variables": {"PG": "${aws_rds_cluster_parameter_group.pg.name}"}}})}}}
}

test_pass_database_function_in_vpc if {
	count(rule.deny) == 0 with input as {"resource": {"aws_lambda_function": {"fn": function({"environment": {"variables": {"DB_HOST": proxy_endpoint}}, "vpc_config": in_vpc})}}}
}

test_fail_environment_references_proxy_across_stacks if {
	fails_with({"resource": {"aws_lambda_function": {"fn": function({"environment": {"variables": {"DB_HOST": proxy_endpoint}}})}}}, "its environment references a database resource")
}

test_fail_environment_references_local_cluster if {
	fails_with({"resource": {"aws_lambda_function": {"fn": function({"environment": {"variables": {"DB_HOST": "${aws_rds_cluster.aurora.endpoint}"}}, "vpc_config": {"subnet_ids": [], "security_group_ids": []}})}}}, "no vpc_config")
}

test_fail_role_connects_with_iam_auth if {
	fails_with(
		{"resource": {
			"aws_lambda_function": {"fn": function({})},
			"aws_iam_role": {"fn_role": {"name": "medicare-dev-redeem-function"}},
			"aws_iam_role_policy": {"p": {
				"role": "${aws_iam_role.fn_role.name}",
				"policy": json.marshal({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds-db:connect", "Resource": "arn:aws:rds-db:eu-west-2:111111111111:dbuser:prx-1/redeem"}]}),
			}},
		}},
		"rds-db:connect",
	)
}

test_fail_rotation_function_outside_vpc if {
	fails_with(
		{"resource": {
			"aws_lambda_function": {"fn": function({})},
			"aws_secretsmanager_secret_rotation": {"r": {"secret_id": "${aws_secretsmanager_secret.s.id}", "rotation_lambda_arn": "${aws_lambda_function.fn.arn}"}},
		}},
		"it rotates a Secrets Manager secret",
	)
}
