package rules.rds.storage_encrypted_test

import data.rules.rds.storage_encrypted as rule

data_key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_data_key_02E67481arn}"

cluster := {
	"//": {"metadata": {"path": "dev-data/aurora/cluster"}},
	"engine": "aurora-mysql",
	"storage_encrypted": true,
	"kms_key_id": data_key,
}

doc(type, body) := {"resource": {type: {"db": body}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "RDS-001"
	v.resource_path == "dev-data/aurora/cluster"
}

test_pass_cluster_with_cross_stack_data_key if {
	count(rule.deny) == 0 with input as doc("aws_rds_cluster", cluster)
}

test_pass_db_instance_with_local_key if {
	count(rule.deny) == 0 with input as doc("aws_db_instance", object.union(cluster, {"kms_key_id": "${aws_kms_key.data.arn}"}))
}

test_fail_not_encrypted if {
	fails(doc("aws_rds_cluster", object.union(cluster, {"storage_encrypted": false})))
}

test_fail_encryption_left_to_the_default if {
	fails(doc("aws_rds_cluster", object.remove(cluster, ["storage_encrypted"])))
}

test_fail_aws_managed_key if {
	fails(doc("aws_rds_cluster", object.remove(cluster, ["kms_key_id"])))
	fails(doc("aws_rds_cluster", object.union(cluster, {"kms_key_id": "alias/aws/rds"})))
}

test_fail_unencrypted_db_instance if {
	fails(doc("aws_db_instance", object.union(cluster, {"storage_encrypted": "false"})))
}
