# RDS-001: database storage is encrypted with a customer-managed KMS key. With a key we
# control, reading the volumes, snapshots or their copies needs kms:Decrypt on that key,
# which its key policy limits and CloudTrail records; AWS-managed keys (aws/rds) cannot be
# restricted that way, and unencrypted storage cannot be encrypted in place later.
package rules.rds.storage_encrypted

import data.lib.cdktf
import data.lib.rds

metadata := {
	"id": "RDS-001",
	"title": "Aurora storage is encrypted with a customer-managed KMS key",
	"severity": "critical",
	"hipaa": ["E"],
	"control": "Aurora storage encrypted with a customer-managed key",
	"references": ["nag:RDSStorageEncrypted", "ckv:CKV_AWS_96", "ckv:CKV_AWS_327"],
	"fix": "Create the cluster with AuroraDatabase (modules/data/aurora.ts), which sets storage_encrypted = true and kms_key_id to the data key's ARN.",
}

# Standalone DB instances have the same attributes; they are checked too so that none slips past.
database_types := ["aws_rds_cluster", "aws_db_instance"]

deny contains cdktf.violation(metadata, db, sprintf("storage_encrypted is %v; it must be true", [object.get(db.values, "storage_encrypted", "absent")])) if {
	some type in database_types
	some db in cdktf.resources(type)
	not rds.truthy(object.get(db.values, "storage_encrypted", false))
}

deny contains cdktf.violation(metadata, db, sprintf("kms_key_id is %v; it must be the ARN of a customer-managed KMS key (absent means the AWS-managed aws/rds key)", [object.get(db.values, "kms_key_id", "absent")])) if {
	some type in database_types
	some db in cdktf.resources(type)

	# object.get: an absent kms_key_id must reach the negation as null, not undefined.
	not cdktf.is_kms_key_ref(object.get(db.values, "kms_key_id", null))
}
