package rules.sfn.state_machine_logged_traced_test

import data.rules.sfn.state_machine_logged_traced as rule

key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_messaging_key_1BF505FBarn}"

machine := {
	"name": "campaign-run",
	"role_arn": "${aws_iam_role.run.arn}",
	"logging_configuration": {"level": "ALL", "include_execution_data": true, "log_destination": "${aws_cloudwatch_log_group.run.arn}:*"},
	"tracing_configuration": {"enabled": true},
	"encryption_configuration": {"type": "CUSTOMER_MANAGED_KMS_KEY", "kms_key_id": key, "kms_data_key_reuse_period_seconds": 300},
}

doc(m, group) := {"resource": {
	"aws_sfn_state_machine": {"run": m},
	"aws_cloudwatch_log_group": {"run": group},
}}

group := {"name": "/medicare/dev/states/run", "kms_key_id": "${aws_kms_key.logs.arn}", "retention_in_days": 365}

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "SFN-001"
	v.address == "aws_sfn_state_machine.run"
}

patched(ops) := json.patch(doc(machine, group), ops)

test_pass_logged_traced_encrypted if {
	count(rule.deny) == 0 with input as doc(machine, group)
}

test_pass_blocks_as_arrays if {
	m := object.union(machine, {"tracing_configuration": [{"enabled": true}], "logging_configuration": [machine.logging_configuration]})
	count(rule.deny) == 0 with input as doc(m, group)
}

test_fail_logging_errors_only if {
	fails(patched([{"op": "replace", "path": "/resource/aws_sfn_state_machine/run/logging_configuration/level", "value": "ERROR"}]))
}

test_fail_no_logging if {
	fails(doc(object.remove(machine, ["logging_configuration"]), group))
}

test_fail_log_group_unencrypted if {
	fails(doc(machine, object.remove(group, ["kms_key_id"])))
}

test_fail_log_destination_outside_document if {
	fails(patched([{"op": "replace", "path": "/resource/aws_sfn_state_machine/run/logging_configuration/log_destination", "value": "arn:aws:logs:eu-west-2:111111111111:log-group:x:*"}]))
}

test_fail_tracing_off if {
	fails(patched([{"op": "replace", "path": "/resource/aws_sfn_state_machine/run/tracing_configuration/enabled", "value": false}]))
}

test_fail_aws_owned_key if {
	fails(patched([{"op": "replace", "path": "/resource/aws_sfn_state_machine/run/encryption_configuration", "value": {"type": "AWS_OWNED_KEY"}}]))
}

test_fail_no_encryption_configuration if {
	fails(doc(object.remove(machine, ["encryption_configuration"]), group))
}
