# RDS-005: an Aurora cluster has a writer and at least one reader in another AZ, so an AZ
# outage or an instance failure fails over in about a minute instead of waiting for a new
# instance to be built. Environments allowed a single instance are listed, with the reason,
# in the reviewed data file policies/data/single_az_environments.json; the rule reads the
# cluster's environment tag (written by RequiredTagsAspect at synth). An untagged cluster,
# or a missing list, counts as needing two AZs.
package rules.rds.multi_az

import data.lib.cdktf
import data.lib.rds

metadata := {
	"id": "RDS-005",
	"title": "Aurora clusters have instances in at least two AZs (writer + reader)",
	"severity": "high",
	"hipaa": ["B"],
	"control": "instances in >= 2 AZs (writer + reader)",
	"references": ["nag:RDSMultiAZSupport", "cfg:RDS_CLUSTER_MULTI_AZ_ENABLED"],
	"fix": "Set env.database.instances to 2 or more (AuroraDatabase places each instance in the next AZ), or, for a non-production environment without PHI, list it with its reason in policies/data/single_az_environments.json.",
}

# Undefined (so: not allowed) when the list is not loaded.
single_az_allowed(environment) if environment in data.single_az_environments

deny contains cdktf.violation(metadata, cluster, msg) if {
	some cluster in rds.aurora_clusters
	environment := cdktf.tag(cluster.values, "environment")
	not single_az_allowed(environment)
	instances := rds.instances_of(cluster)

	# An instance without an AZ is placed by AWS, possibly beside the others: it counts for none.
	azs := {az |
		some instance in instances
		az := object.get(instance.values, "availability_zone", "")
		az != ""
	}
	count(azs) < 2
	msg := sprintf("%d instance(s) in %d distinct availability zone(s) %v; environment %q needs a writer and a reader in different AZs", [count(instances), count(azs), sort(azs), environment])
}
