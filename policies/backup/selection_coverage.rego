# BAK-001: the Aurora clusters and the app tier's EBS volumes are in an AWS Backup selection,
# so they are snapshotted into the locked vaults on the plan's schedule. A database or volume
# outside every selection has only what its own service keeps (or nothing).
package rules.backup.selection_coverage

import data.lib.cdktf

metadata := {
	"id": "BAK-001",
	"title": "Every Aurora cluster, and the app tier's EBS volumes by tag, are in an AWS Backup selection",
	"severity": "high",
	"hipaa": ["B"],
	"control": "Aurora and EBS are in an AWS Backup selection",
	"references": ["nag:RDSInBackupPlan", "nag:EC2EBSInBackupPlan", "ckv:CKV2_AWS_8", "ckv:CKV2_AWS_9"],
	"fix": "Protect the cluster and the volumes with DataBackup (modules/data/backup.ts): a selection whose resources hold the cluster's arn, and one of arn:aws:ec2:<region>:<account>:volume/* with a condition on the app-tier tag (APP_TIER_BACKUP_TAG_KEY), both on a declared aws_backup_plan.",
}

# Selections attached to a plan declared in this document (a dangling plan_id backs up nothing).
selections_of(plan) := {sel |
	some sel in cdktf.resources("aws_backup_selection")
	cdktf.refers_to(object.get(sel.values, "plan_id", null), plan)
}

selections := {sel |
	some plan in cdktf.resources("aws_backup_plan")
	some sel in selections_of(plan)
}

# ---------------------------------------------------------------------------
# Aurora clusters: selected by their arn (or by a wildcard over all clusters), not excluded.

_selects_cluster(entry, cluster) if {
	cdktf.refers_to(entry, cluster)
	endswith(entry, ".arn}")
}

_selects_cluster(entry, _) if entry == "*"

_selects_cluster(entry, _) if {
	is_string(entry)
	regex.match(`^arn:aws[a-z-]*:rds:[^:]*:[^:]*:cluster:\*$`, entry)
}

_excludes_cluster(sel, cluster) if {
	some entry in cdktf.as_array(object.get(sel.values, "not_resources", []))
	cdktf.refers_to(entry, cluster)
}

cluster_selected(cluster) if {
	some sel in selections
	some entry in cdktf.as_array(object.get(sel.values, "resources", []))
	_selects_cluster(entry, cluster)
	not _excludes_cluster(sel, cluster)
}

deny contains cdktf.violation(metadata, cluster, "no aws_backup_selection of a declared aws_backup_plan lists this cluster's arn in resources") if {
	some cluster in cdktf.resources("aws_rds_cluster")
	not cluster_selected(cluster)
}

# ---------------------------------------------------------------------------
# EBS volumes: each plan must select volumes by a tag (selection_tag, which AWS ORs with
# resources, or a tag condition, which AWS ANDs with resources of volume ARNs).

_volume_pattern(entry) if entry == "*"

_volume_pattern(entry) if {
	is_string(entry)
	regex.match(`^arn:aws[a-z-]*:ec2:[^:]*:[^:]*:volume/\*$`, entry)
}

_has_tag_condition(sel) if {
	some condition in cdktf.blocks(object.get(sel.values, "condition", null))
	some operator in ["string_equals", "string_like"]
	some match in cdktf.blocks(object.get(condition, operator, null))
	startswith(object.get(match, "key", ""), "aws:ResourceTag/")
	cdktf.non_empty_string(object.get(match, "value", ""))
}

_volumes_excluded(sel) if {
	some entry in cdktf.as_array(object.get(sel.values, "not_resources", []))
	_volume_pattern(entry)
}

selects_tagged_volumes(sel) if {
	count(cdktf.blocks(object.get(sel.values, "selection_tag", null))) > 0
	not _volumes_excluded(sel)
}

selects_tagged_volumes(sel) if {
	_has_tag_condition(sel)
	some entry in cdktf.as_array(object.get(sel.values, "resources", []))
	_volume_pattern(entry)
	not _volumes_excluded(sel)
}

deny contains cdktf.violation(metadata, plan, "no aws_backup_selection of this plan selects EBS volumes by tag (resources arn:aws:ec2:<region>:<account>:volume/* with an aws:ResourceTag/ condition, or a selection_tag)") if {
	some plan in cdktf.resources("aws_backup_plan")
	not _plan_selects_volumes(plan)
}

_plan_selects_volumes(plan) if {
	some sel in selections_of(plan)
	selects_tagged_volumes(sel)
}
