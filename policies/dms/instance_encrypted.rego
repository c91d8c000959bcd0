# DMS-002: a DMS replication instance encrypts its storage (cached changes, task logs, LOB
# spill files: patient data) with a customer-managed key, not the AWS-managed aws/dms key.
package rules.dms.instance_encrypted

import data.lib.cdktf

metadata := {
	"id": "DMS-002",
	"title": "DMS replication instances encrypt their storage with a customer-managed KMS key",
	"severity": "high",
	"hipaa": ["E"],
	"control": "replication instance not public, KMS, multi-AZ in prod, auto minor upgrade; endpoints use SSL (verify-full) and Secrets Manager",
	"references": ["ckv:CKV_AWS_212"],
	"fix": "Create the instance with DatabaseMigration (modules/data/migration.ts), which sets kms_key_arn to the data key's ARN.",
}

deny contains cdktf.violation(metadata, instance, sprintf("kms_key_arn is %v; it must be the ARN of a customer-managed KMS key", [object.get(instance.values, "kms_key_arn", "absent")])) if {
	some instance in cdktf.resources("aws_dms_replication_instance")
	not cdktf.is_kms_key_ref(object.get(instance.values, "kms_key_arn", null))
}
