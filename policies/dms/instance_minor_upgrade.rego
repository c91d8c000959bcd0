# DMS-004: a DMS replication instance takes DMS engine minor versions (security and
# replication fixes) in its maintenance window, without waiting for a human.
package rules.dms.instance_minor_upgrade

import data.lib.cdktf
import data.lib.dms

metadata := {
	"id": "DMS-004",
	"title": "DMS replication instances upgrade minor engine versions automatically",
	"severity": "medium",
	"hipaa": ["A"],
	"control": "replication instance not public, KMS, multi-AZ in prod, auto minor upgrade; endpoints use SSL (verify-full) and Secrets Manager",
	"references": ["ckv:CKV_AWS_222"],
	"fix": "Create the instance with DatabaseMigration (modules/data/migration.ts), which sets auto_minor_version_upgrade = true.",
}

deny contains cdktf.violation(metadata, instance, sprintf("auto_minor_version_upgrade is %v; it must be true", [object.get(instance.values, "auto_minor_version_upgrade", "absent")])) if {
	some instance in cdktf.resources("aws_dms_replication_instance")
	not dms.truthy(object.get(instance.values, "auto_minor_version_upgrade", null))
}
