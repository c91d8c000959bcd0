# DMS-001: a DMS replication instance has no public address. It holds a copy of every
# migrated row in flight and reaches both databases; DMS makes instances public unless told
# otherwise, so the rule wants an explicit false.
package rules.dms.instance_not_public

import data.lib.cdktf
import data.lib.dms

metadata := {
	"id": "DMS-001",
	"title": "DMS replication instances are not publicly accessible",
	"severity": "critical",
	"hipaa": ["A", "T"],
	"control": "replication instance not public, KMS, multi-AZ in prod, auto minor upgrade; endpoints use SSL (verify-full) and Secrets Manager",
	"references": ["nag:DMSReplicationNotPublic", "ckv:CKV_AWS_89"],
	"fix": "Create the instance with DatabaseMigration (modules/data/migration.ts), which sets publicly_accessible = false and places it in the data tier.",
}

deny contains cdktf.violation(metadata, instance, sprintf("publicly_accessible is %v; it must be false (DMS makes an instance public when it is not set)", [object.get(instance.values, "publicly_accessible", "absent")])) if {
	some instance in cdktf.resources("aws_dms_replication_instance")
	not dms.falsy(object.get(instance.values, "publicly_accessible", null))
}
