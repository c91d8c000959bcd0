# SFN-001: every Step Functions state machine logs ALL events to an encrypted CloudWatch log
# group, traces with X-Ray, and encrypts its execution data with a customer-managed key.
# Execution history holds patient data (campaign pages, form content): it must be kept
# (audit), readable only with our key, and traceable across the functions it calls.
package rules.sfn.state_machine_logged_traced

import data.lib.cdktf

metadata := {
	"id": "SFN-001",
	"title": "Every state machine logs ALL to a KMS-encrypted log group, traces with X-Ray and encrypts with a CMK",
	"severity": "high",
	"hipaa": ["L", "E"],
	"control": "state machines log ALL to CloudWatch and trace with X-Ray",
	"references": ["ckv:CKV_AWS_284", "ckv:CKV_AWS_285", "own"],
	"fix": "Create the state machine with Workflow (modules/campaign/state-machines.ts): logging_configuration level ALL to its EncryptedLogGroup, tracing_configuration enabled, encryption_configuration CUSTOMER_MANAGED_KMS_KEY with the messaging key.",
}

# The logging_configuration block ({} when absent).
logging(machine) := blocks[0] if {
	blocks := cdktf.blocks(object.get(machine.values, "logging_configuration", null))
	count(blocks) > 0
} else := {}

deny contains cdktf.violation(metadata, machine, sprintf("logging_configuration.level is %v; it must be ALL", [object.get(logging(machine), "level", "absent")])) if {
	some machine in cdktf.resources("aws_sfn_state_machine")
	object.get(logging(machine), "level", null) != "ALL"
}

deny contains cdktf.violation(metadata, machine, sprintf("logging_configuration.log_destination is %v; it must reference an aws_cloudwatch_log_group in this stack encrypted with a customer-managed key", [object.get(logging(machine), "log_destination", "absent")])) if {
	some machine in cdktf.resources("aws_sfn_state_machine")
	not encrypted_log_group(object.get(logging(machine), "log_destination", null))
}

encrypted_log_group(destination) if {
	group := cdktf.target(destination)
	group.type == "aws_cloudwatch_log_group"
	cdktf.is_kms_key_ref(object.get(group.values, "kms_key_id", null))
}

deny contains cdktf.violation(metadata, machine, "tracing_configuration.enabled is not true; X-Ray tracing is off") if {
	some machine in cdktf.resources("aws_sfn_state_machine")
	not traced(machine)
}

traced(machine) if {
	some tracing in cdktf.blocks(object.get(machine.values, "tracing_configuration", null))
	tracing.enabled == true
}

deny contains cdktf.violation(metadata, machine, "encryption_configuration is not type CUSTOMER_MANAGED_KMS_KEY with kms_key_id a customer-managed key ARN; execution data would be encrypted with an AWS-owned key") if {
	some machine in cdktf.resources("aws_sfn_state_machine")
	not customer_key(machine)
}

customer_key(machine) if {
	some encryption in cdktf.blocks(object.get(machine.values, "encryption_configuration", null))
	encryption.type == "CUSTOMER_MANAGED_KMS_KEY"
	cdktf.is_kms_key_ref(object.get(encryption, "kms_key_id", null))
}
