package rules.rds.master_credentials_test

import data.rules.rds.master_credentials as rule

cluster := {
	"//": {"metadata": {"path": "dev-data/aurora/cluster"}},
	"engine": "aurora-mysql",
	"master_username": "medicare_admin",
	"iam_database_authentication_enabled": true,
	"manage_master_user_password": true,
	"master_user_secret_kms_key_id": "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_data_key_02E67481arn}",
}

doc(c) := {"resource": {"aws_rds_cluster": {"db": c}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "RDS-003"
	v.resource_path == "dev-data/aurora/cluster"
}

test_pass_iam_auth_and_managed_secret_with_cmk if {
	count(rule.deny) == 0 with input as doc(cluster)
}

test_fail_iam_auth_off if {
	fails(doc(object.union(cluster, {"iam_database_authentication_enabled": false})))
	fails(doc(object.remove(cluster, ["iam_database_authentication_enabled"])))
}

test_fail_password_not_managed if {
	fails(doc(object.remove(cluster, ["manage_master_user_password"])))
}

test_fail_literal_master_password if {
	c := object.union(object.remove(cluster, ["manage_master_user_password", "master_user_secret_kms_key_id"]), {"master_password": "a-literal-password"})
	fails(doc(c))
}

test_fail_password_alongside_managed_secret if {
	fails(doc(object.union(cluster, {"master_password": "${var.db_password}"})))
	fails(doc(object.union(cluster, {"master_password_wo": "${ephemeral.random_password.db.result}"})))
}

test_fail_managed_secret_with_aws_managed_key if {
	fails(doc(object.remove(cluster, ["master_user_secret_kms_key_id"])))
	fails(doc(object.union(cluster, {"master_user_secret_kms_key_id": "alias/aws/secretsmanager"})))
}
