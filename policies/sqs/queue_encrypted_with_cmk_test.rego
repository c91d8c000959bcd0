package rules.sqs.queue_encrypted_with_cmk_test

import data.rules.sqs.queue_encrypted_with_cmk as rule

key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_messaging_key_1BF505FBarn}"

doc(fields) := {"resource": {"aws_sqs_queue": {"send": object.union({"name": "medicare-dev-send", "kms_master_key_id": key}, fields)}}}

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "SQS-001"
	v.address == "aws_sqs_queue.send"
}

test_pass_cross_stack_cmk if {
	count(rule.deny) == 0 with input as doc({})
}

test_pass_local_cmk if {
	count(rule.deny) == 0 with input as doc({"kms_master_key_id": "${aws_kms_key.messaging.arn}"})
}

test_fail_no_key if {
	fails({"resource": {"aws_sqs_queue": {"send": {"name": "medicare-dev-send"}}}})
}

test_fail_aws_managed_alias if {
	fails(doc({"kms_master_key_id": "alias/aws/sqs"}))
}

test_fail_sqs_managed_sse if {
	fails(doc({"sqs_managed_sse_enabled": true}))
}
