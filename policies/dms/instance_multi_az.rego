# DMS-003: a DMS replication instance has a standby in a second AZ, so an AZ outage or an
# instance failure during the live migration fails over instead of stopping CDC (and letting
# the source's binary logs expire under it). Environments allowed a single AZ are listed, with
# the reason, in the reviewed data file policies/data/single_az_environments.json (shared with
# RDS-005); the rule reads the instance's environment tag. An untagged instance, or a missing
# list, counts as needing multi-AZ.
package rules.dms.instance_multi_az

import data.lib.cdktf
import data.lib.dms

metadata := {
	"id": "DMS-003",
	"title": "DMS replication instances are multi-AZ (outside the listed single-AZ environments)",
	"severity": "medium",
	"hipaa": ["A"],
	"control": "replication instance not public, KMS, multi-AZ in prod, auto minor upgrade; endpoints use SSL (verify-full) and Secrets Manager",
	"references": ["own"],
	"fix": "Set env.migration.multiAz to true, or, for a non-production environment without PHI, list it with its reason in policies/data/single_az_environments.json.",
}

# Undefined (so: not allowed) when the list is not loaded.
single_az_allowed(environment) if environment in data.single_az_environments

deny contains cdktf.violation(metadata, instance, sprintf("multi_az is %v in environment %q; it must be true", [object.get(instance.values, "multi_az", "absent"), environment])) if {
	some instance in cdktf.resources("aws_dms_replication_instance")
	environment := cdktf.tag(instance.values, "environment")
	not single_az_allowed(environment)
	not dms.truthy(object.get(instance.values, "multi_az", null))
}
