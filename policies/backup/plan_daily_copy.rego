# BAK-003: every backup plan has a daily rule that keeps its recovery points at least 35 days
# and copies them to a vault in another region. Daily bounds what a restore loses; 35 days
# covers an incident noticed late; the copy survives the loss of the primary region.
package rules.backup.plan_daily_copy

import data.lib.backup
import data.lib.cdktf

metadata := {
	"id": "BAK-003",
	"title": "Every backup plan has a daily rule kept >= 35 days and copied to another region",
	"severity": "high",
	"hipaa": ["B", "I"],
	"control": "backup vault uses a CMK and has a vault lock; plan has daily rule with >= 35 days retention and a cross-region copy",
	"references": ["cfg:BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK", "own"],
	"fix": "Use DataBackup (modules/data/backup.ts): its daily rule (schedule cron(M H * * ? *)) has lifecycle.delete_after >= 35 and a copy_action whose destination_vault_arn is the copy vault, declared with the backup-region provider (aws.backup_region).",
}

min_daily_retention_days := 35

rules_of(plan) := cdktf.blocks(object.get(plan.values, "rule", null))

daily_rules(plan) := [rule |
	some rule in rules_of(plan)
	backup.is_daily_cron(object.get(rule, "schedule", null))
]

kept_daily_rules(plan) := [rule |
	some rule in daily_rules(plan)
	backup.retention_days(object.get(rule, "lifecycle", null)) >= min_daily_retention_days
]

# A copy_action to a vault declared here, in another region than the plan, kept as long.
copies_to_another_region(rule, plan) if {
	some copy in cdktf.blocks(object.get(rule, "copy_action", null))
	vault := cdktf.target(object.get(copy, "destination_vault_arn", null))
	vault.type == "aws_backup_vault"
	backup.region_of(vault) != backup.region_of(plan)
	_copy_kept(copy)
}

# A copy without its own lifecycle keeps the source's.
_copy_kept(copy) if object.get(copy, "lifecycle", null) == null

_copy_kept(copy) if backup.retention_days(copy.lifecycle) >= min_daily_retention_days

problem(plan) := "has no daily rule (schedule cron(M H * * ? *))" if {
	count(daily_rules(plan)) == 0
} else := sprintf("no daily rule keeps recovery points >= %d days (lifecycle.delete_after)", [min_daily_retention_days]) if {
	count(kept_daily_rules(plan)) == 0
} else := sprintf("no daily rule kept >= %d days has a copy_action to a vault declared here in another region (with the copy kept >= %d days)", [min_daily_retention_days, min_daily_retention_days]) if {
	not _any_copies(plan)
}

_any_copies(plan) if {
	some rule in kept_daily_rules(plan)
	copies_to_another_region(rule, plan)
}

deny contains cdktf.violation(metadata, plan, problem(plan)) if {
	some plan in cdktf.resources("aws_backup_plan")
	problem(plan)
}
