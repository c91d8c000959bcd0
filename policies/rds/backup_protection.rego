# RDS-004: the patient database survives mistakes. Deletion protection stops a destroy (or
# a replacing change) from removing the cluster; automated backups give point-in-time
# recovery for at least 7 days, 35 in prod; snapshots carry the cluster's tags (owner,
# data classification) so they are governed like the cluster; and a deliberate deletion
# still leaves a final snapshot behind.
package rules.rds.backup_protection

import data.lib.cdktf
import data.lib.rds

metadata := {
	"id": "RDS-004",
	"title": "Aurora clusters have deletion protection, backups (>= 7 days, 35 in prod), tagged snapshots and a final snapshot",
	"severity": "high",
	"hipaa": ["B"],
	"control": "deletion protection; backup retention >= 7 days (prod 35); copy tags to snapshots; final snapshot",
	"references": ["nag:RDSInstanceDeletionProtectionEnabled", "nag:RDSInstanceBackupEnabled", "ckv:CKV_AWS_139", "ckv:CKV_AWS_133", "ckv:CKV_AWS_313"],
	"fix": "Create the cluster with AuroraDatabase (modules/data/aurora.ts): deletion_protection, copy_tags_to_snapshot, a final_snapshot_identifier, and backup_retention_period from env.database.backupRetentionDays (7..35; prod 35).",
}

# Minimum automated-backup retention in days, by the cluster's environment tag.
min_retention(cluster) := 35 if {
	cdktf.tag(cluster.values, "environment") == "prod"
} else := 7

deny contains cdktf.violation(metadata, cluster, "deletion_protection is not true") if {
	some cluster in cdktf.resources("aws_rds_cluster")
	not rds.truthy(object.get(cluster.values, "deletion_protection", false))
}

deny contains cdktf.violation(metadata, cluster, sprintf("backup_retention_period is %v; it must be at least %d days in environment %q", [retention, min_retention(cluster), cdktf.tag(cluster.values, "environment")])) if {
	some cluster in cdktf.resources("aws_rds_cluster")

	# The provider's default is 1 day.
	retention := object.get(cluster.values, "backup_retention_period", 1)
	not retention_at_least(retention, min_retention(cluster))
}

retention_at_least(retention, days) if to_number(retention) >= days

deny contains cdktf.violation(metadata, cluster, "copy_tags_to_snapshot is not true; snapshots would lose the owner and data-classification tags") if {
	some cluster in cdktf.resources("aws_rds_cluster")
	not rds.truthy(object.get(cluster.values, "copy_tags_to_snapshot", false))
}

deny contains cdktf.violation(metadata, cluster, "skip_final_snapshot is true; deleting the cluster would leave no final snapshot") if {
	some cluster in cdktf.resources("aws_rds_cluster")
	rds.truthy(object.get(cluster.values, "skip_final_snapshot", false))
}

deny contains cdktf.violation(metadata, cluster, "final_snapshot_identifier is not set; Terraform cannot delete the cluster with a final snapshot without one") if {
	some cluster in cdktf.resources("aws_rds_cluster")
	not cdktf.non_empty_string(object.get(cluster.values, "final_snapshot_identifier", null))
}
