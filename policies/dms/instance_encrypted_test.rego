package rules.dms.instance_encrypted_test

import data.rules.dms.instance_encrypted as rule

doc(fields) := {"resource": {"aws_dms_replication_instance": {"dms": object.union(
	{"//": {"metadata": {"path": "dev-data/migration/instance"}}, "publicly_accessible": false},
	fields,
)}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "DMS-002"
	v.resource_path == "dev-data/migration/instance"
}

test_pass_cross_stack_data_key if {
	count(rule.deny) == 0 with input as doc({"kms_key_arn": "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_data_key_02E67481arn}"})
}

test_pass_literal_key_arn if {
	count(rule.deny) == 0 with input as doc({"kms_key_arn": "arn:aws:kms:eu-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"})
}

test_fail_no_key if {
	fails(doc({}))
}

test_fail_aws_managed_alias if {
	fails(doc({"kms_key_arn": "alias/aws/dms"}))
}

test_fail_key_id_not_arn if {
	fails(doc({"kms_key_arn": "${aws_kms_key.data.key_id}"}))
}
