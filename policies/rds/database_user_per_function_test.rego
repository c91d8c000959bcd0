package rules.rds.database_user_per_function_test

import data.rules.rds.database_user_per_function as rule

connect(resource) := json.marshal({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds-db:connect", "Resource": resource}]})

arn(user) := sprintf("arn:aws:rds-db:eu-west-2:111111111111:dbuser:${local.resource-id}/%s", [user])

stack(functions) := {"resource": {
	"aws_lambda_function": {name: {
		"//": {"metadata": {"path": sprintf("dev-campaign/%s/function", [name])}},
		"function_name": sprintf("medicare-dev-%s", [name]),
		"role": sprintf("${aws_iam_role.%s.arn}", [name]),
		"environment": {"variables": {"DB_USER": f.user}},
	} |
		some name, f in functions
	},
	"aws_iam_role": {name: {"name": name} | some name, _ in functions},
	"aws_iam_role_policy": {name: {"role": sprintf("${aws_iam_role.%s.name}", [name]), "policy": f.policy} | some name, f in functions},
}}

proxy(auth) := {"resource": {"aws_db_proxy": {"p": {"//": {"metadata": {"path": "dev-data/aurora-proxy/proxy"}}, "auth": auth}}}}

user_auth(user) := {"auth_scheme": "SECRETS", "iam_auth": "REQUIRED", "secret_arn": sprintf("${aws_secretsmanager_secret.aurora-proxy_user-%s.arn}", [user])}

fails_with(d, fragment) if {
	some v in rule.deny with input as d
	v.rule_id == "RDS-009"
	contains(v.msg, fragment)
}

test_pass_each_function_its_own_user if {
	count(rule.deny) == 0 with input as stack({
		"web": {"user": "fn_campaign_web", "policy": connect(arn("fn_campaign_web"))},
		"send": {"user": "fn_campaign_send", "policy": connect([arn("fn_campaign_send")])},
	})
}

test_pass_proxy_with_one_secret_per_user if {
	count(rule.deny) == 0 with input as proxy([user_auth("fn_campaign_web"), user_auth("dba")])
}

test_fail_connects_as_master if {
	fails_with(stack({"web": {"user": "medicare_admin", "policy": connect(arn("medicare_admin"))}}), "is not a function user")
}

test_fail_connects_as_another_functions_user if {
	fails_with(stack({"web": {"user": "fn_campaign_web", "policy": connect([arn("fn_campaign_web"), arn("fn_campaign_send")])}}), "connects as its own user only")
}

test_fail_connects_as_any_user if {
	fails_with(stack({"web": {"user": "fn_campaign_web", "policy": connect("arn:aws:rds-db:eu-west-2:111111111111:dbuser:*/*")}}), "connects as its own user only")
}

test_fail_connect_without_db_user if {
	fails_with(
		{"resource": {
			"aws_lambda_function": {"web": {"//": {"metadata": {"path": "dev-campaign/web/function"}}, "role": "${aws_iam_role.web.arn}"}},
			"aws_iam_role": {"web": {"name": "web"}},
			"aws_iam_role_policy": {"web": {"role": "${aws_iam_role.web.name}", "policy": connect(arn("fn_campaign_web"))}},
		}},
		"names no DB_USER",
	)
}

test_fail_two_functions_share_a_user if {
	fails_with(
		stack({
			"web": {"user": "fn_campaign_web", "policy": connect(arn("fn_campaign_web"))},
			"submit": {"user": "fn_campaign_web", "policy": connect(arn("fn_campaign_web"))},
		}),
		"is also the user of",
	)
}

test_fail_not_resource if {
	fails_with(
		stack({"web": {"user": "fn_campaign_web", "policy": json.marshal({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds-db:connect", "NotResource": arn("fn_campaign_send")}]})}}),
		"NotResource",
	)
}

test_fail_proxy_signs_in_as_master if {
	fails_with(proxy([user_auth("fn_campaign_web"), {"auth_scheme": "SECRETS", "iam_auth": "REQUIRED", "secret_arn": "${aws_rds_cluster.aurora.master_user_secret[0].secret_arn}"}]), "managed master secret")
}

test_fail_proxy_users_share_a_secret if {
	fails_with(proxy([user_auth("fn_campaign_web"), user_auth("fn_campaign_web")]), "use the same secret")
}
