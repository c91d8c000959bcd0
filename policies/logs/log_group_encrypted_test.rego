package rules.logs.log_group_encrypted_test

import data.rules.logs.log_group_encrypted as rule

group(fields) := {"resource": {"aws_cloudwatch_log_group": {"flow": object.union(
	{"//": {"metadata": {"path": "dev-network/flow-log/log-group/group"}}, "name": "/medicare/dev/network/vpc-flow-logs", "retention_in_days": 365},
	fields,
)}}}

fails(doc) if {
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "LOG-001"
	v.resource_path == "dev-network/flow-log/log-group/group"
}

test_pass_cross_stack_key_reference if {
	count(rule.deny) == 0 with input as group({"kms_key_id": "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_logs_key_A1A70726arn}"})
}

test_pass_local_key_reference if {
	count(rule.deny) == 0 with input as group({"kms_key_id": "${aws_kms_key.logs.arn}"})
}

test_pass_literal_key_arn if {
	count(rule.deny) == 0 with input as group({"kms_key_id": "arn:aws:kms:eu-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"})
}

test_fail_unencrypted if {
	fails(group({}))
}

test_fail_aws_managed_alias if {
	fails(group({"kms_key_id": "alias/aws/logs"}))
}

test_fail_key_id_instead_of_arn if {
	fails(group({"kms_key_id": "${aws_kms_key.logs.key_id}"}))
}

test_fail_cross_stack_output_that_is_not_a_key if {
	fails(group({"kms_key_id": "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_iam_policyworkload-boundary_policy_AC4A47F9arn}"}))
}
