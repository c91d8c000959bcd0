# LOG-001: every CloudWatch log group is encrypted with a customer-managed KMS key, so
# reading the logs (which can hold PHI) also needs kms:Decrypt on a key we control and audit.
package rules.logs.log_group_encrypted

import data.lib.cdktf

metadata := {
	"id": "LOG-001",
	"title": "Every CloudWatch log group is encrypted with a customer-managed KMS key",
	"severity": "high",
	"hipaa": ["E", "L"],
	"control": "every CloudWatch log group is KMS-encrypted and has retention >= 365 days",
	"references": ["nag:CloudWatchLogGroupEncrypted", "ckv:CKV_AWS_158"],
	"fix": "Create the log group with EncryptedLogGroup (modules/logs/encrypted-log-group.ts), which sets kms_key_id to the logs key's ARN.",
}

deny contains cdktf.violation(metadata, group, sprintf("kms_key_id is %v; it must be the ARN of a customer-managed KMS key", [object.get(group.values, "kms_key_id", "absent")])) if {
	some group in cdktf.resources("aws_cloudwatch_log_group")

	# object.get: an absent kms_key_id must reach the negation as null, not undefined.
	not cdktf.is_kms_key_ref(object.get(group.values, "kms_key_id", null))
}
