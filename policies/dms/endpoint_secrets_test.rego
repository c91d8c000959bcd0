package rules.dms.endpoint_secrets_test

import data.rules.dms.endpoint_secrets as rule

secured := {
	"//": {"metadata": {"path": "dev-data/migration/target"}},
	"engine_name": "aurora",
	"endpoint_type": "target",
	"ssl_mode": "verify-full",
	"secrets_manager_arn": "${aws_secretsmanager_secret.dms_target.arn}",
	"secrets_manager_access_role_arn": "${aws_iam_role.dms_target_secret.arn}",
}

doc(endpoint) := {"resource": {"aws_dms_endpoint": {"target": endpoint}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "DMS-006"
	v.resource_path == "dev-data/migration/target"
}

test_pass_secrets_manager if {
	count(rule.deny) == 0 with input as doc(secured)
}

test_pass_s3_endpoint_without_database_credentials if {
	count(rule.deny) == 0 with input as doc({"engine_name": "s3", "service_access_role": "${aws_iam_role.s3.arn}"})
}

test_fail_literal_password if {
	d := doc(object.union(object.remove(secured, ["secrets_manager_arn", "secrets_manager_access_role_arn"]), {
		"username": "dms",
		"password": "hunter2-example",
		"server_name": "db.example",
		"port": 3306,
	}))
	fails(d)
}

test_fail_password_beside_the_secret if {
	fails(doc(object.union(secured, {"password": "${var.password}"})))
}

test_fail_password_in_a_settings_block if {
	fails(doc(object.union(secured, {"redis_settings": [{"auth_password": "example"}]})))
}

test_fail_secret_without_access_role if {
	fails(doc(object.remove(secured, ["secrets_manager_access_role_arn"])))
}

test_fail_no_credentials_source if {
	fails(doc(object.remove(secured, ["secrets_manager_arn", "secrets_manager_access_role_arn"])))
}
