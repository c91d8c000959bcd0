package rules.backup.plan_daily_copy_test

import data.rules.backup.plan_daily_copy as rule

meta(path) := {"metadata": {"path": path}}

rule_of(name, schedule, days) := {
	"rule_name": name,
	"schedule": schedule,
	"target_vault_name": "${aws_backup_vault.vault.name}",
	"lifecycle": {"delete_after": days},
	"copy_action": [{"destination_vault_arn": "${aws_backup_vault.copy.arn}", "lifecycle": {"delete_after": days}}],
}

good := {
	"provider": {"aws": [{"region": "eu-west-2"}, {"alias": "backup_region", "region": "eu-west-1"}]},
	"resource": {
		"aws_backup_vault": {
			"vault": {"name": "medicare-dev-backup"},
			"copy": {"name": "medicare-dev-backup-copy", "provider": "aws.backup_region"},
			"same_region": {"name": "medicare-dev-backup-other"},
		},
		"aws_backup_plan": {"plan": {
			"//": meta("dev-data/backup/plan"),
			"name": "medicare-dev-backup",
			"rule": [rule_of("daily", "cron(30 3 * * ? *)", 35), rule_of("weekly", "cron(30 3 ? * SUN *)", 90)],
		}},
	},
}

patched(ops) := json.patch(good, ops)

fails_on(doc) if {
	some v in rule.deny with input as doc
	v.rule_id == "BAK-003"
	v.resource_path == "dev-data/backup/plan"
}

test_pass_daily_35_days_copied_to_backup_region if {
	count(rule.deny) == 0 with input as good
}

test_pass_single_rule_object_and_copy_inheriting_retention if {
	doc := patched([
		{"op": "replace", "path": "/resource/aws_backup_plan/plan/rule", "value": {
			"rule_name": "daily",
			"schedule": "cron(0 1 * * ? *)",
			"lifecycle": {"delete_after": 60},
			"copy_action": {"destination_vault_arn": "${aws_backup_vault.copy.arn}"},
		}},
	])
	count(rule.deny) == 0 with input as doc
}

test_pass_copy_vault_placed_by_region_argument if {
	doc := patched([
		{"op": "remove", "path": "/resource/aws_backup_vault/copy/provider"},
		{"op": "add", "path": "/resource/aws_backup_vault/copy/region", "value": "eu-central-1"},
	])
	count(rule.deny) == 0 with input as doc
}

test_fail_no_daily_rule if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_backup_plan/plan/rule/0"}]))
}

test_fail_daily_rule_kept_7_days if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_backup_plan/plan/rule/0/lifecycle/delete_after", "value": 7}]))
}

test_fail_daily_rule_without_copy if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_backup_plan/plan/rule/0/copy_action"}]))
}

test_fail_copy_to_a_vault_in_the_same_region if {
	doc := patched([{"op": "replace", "path": "/resource/aws_backup_plan/plan/rule/0/copy_action/0/destination_vault_arn", "value": "${aws_backup_vault.same_region.arn}"}])
	fails_on(doc)
}

test_fail_copy_to_an_undeclared_vault if {
	doc := patched([{"op": "replace", "path": "/resource/aws_backup_plan/plan/rule/0/copy_action/0/destination_vault_arn", "value": "arn:aws:backup:eu-west-1:111111111111:backup-vault:elsewhere"}])
	fails_on(doc)
}

test_fail_copy_kept_only_a_day if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_backup_plan/plan/rule/0/copy_action/0/lifecycle/delete_after", "value": 1}]))
}

test_fail_copy_vault_region_unknown if {
	# Without provider blocks the regions cannot be compared, so no copy is proven cross-region.
	fails_on(json.remove(good, ["provider"]))
}
