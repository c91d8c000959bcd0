# RDS-007: no database instance gets a public address (even behind a security group, a
# public endpoint is one rule change away from the internet), and every instance takes
# AWS's minor-version patches in its maintenance window instead of waiting for a human.
package rules.rds.instances_private_patched

import data.lib.cdktf
import data.lib.rds

metadata := {
	"id": "RDS-007",
	"title": "Database instances are not publicly accessible and take minor version upgrades automatically",
	"severity": "high",
	"hipaa": ["A", "P"],
	"control": "not publicly accessible; auto minor version upgrade",
	"references": ["nag:RDSInstancePublicAccess", "nag:RDSAutomaticMinorVersionUpgradeEnabled"],
	"fix": "Create the instances with AuroraDatabase (modules/data/aurora.ts), which sets publicly_accessible = false and auto_minor_version_upgrade = true.",
}

instance_types := ["aws_rds_cluster_instance", "aws_db_instance"]

deny contains cdktf.violation(metadata, instance, "publicly_accessible is true; database instances get private addresses only") if {
	some type in instance_types
	some instance in cdktf.resources(type)
	rds.truthy(object.get(instance.values, "publicly_accessible", false))
}

# The provider's default is true; only an explicit false (or "false") turns patching off.
deny contains cdktf.violation(metadata, instance, "auto_minor_version_upgrade is false; minor versions carry security fixes") if {
	some type in instance_types
	some instance in cdktf.resources(type)
	not rds.truthy(object.get(instance.values, "auto_minor_version_upgrade", true))
}
