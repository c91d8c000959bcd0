package rules.backup.selection_coverage_test

import data.rules.backup.selection_coverage as rule

meta(path) := {"metadata": {"path": path}}

good := {"resource": {
	"aws_rds_cluster": {"aurora": {"//": meta("dev-data/aurora/cluster"), "cluster_identifier": "medicare-dev"}},
	"aws_backup_plan": {"plan": {"//": meta("dev-data/backup/plan"), "name": "medicare-dev-backup", "rule": [{"rule_name": "daily", "schedule": "cron(30 3 * * ? *)", "target_vault_name": "${aws_backup_vault.vault.name}"}]}},
	"aws_backup_selection": {
		"aurora": {
			"//": meta("dev-data/backup/aurora"),
			"name": "medicare-dev-aurora",
			"plan_id": "${aws_backup_plan.plan.id}",
			"iam_role_arn": "${aws_iam_role.backup.arn}",
			"resources": ["${aws_rds_cluster.aurora.arn}"],
		},
		"volumes": {
			"//": meta("dev-data/backup/app-tier-volumes"),
			"name": "medicare-dev-app-tier-volumes",
			"plan_id": "${aws_backup_plan.plan.id}",
			"iam_role_arn": "${aws_iam_role.backup.arn}",
			"resources": ["arn:aws:ec2:eu-west-2:111111111111:volume/*"],
			"condition": [{"string_equals": [{"key": "aws:ResourceTag/backup-plan", "value": "medicare-dev-app-tier"}]}],
		},
	},
}}

patched(ops) := json.patch(good, ops)

fails_on(doc, path) if {
	some v in rule.deny with input as doc
	v.rule_id == "BAK-001"
	v.resource_path == path
}

test_pass_cluster_by_arn_and_tagged_volumes if {
	count(rule.deny) == 0 with input as good
}

test_pass_volumes_by_selection_tag if {
	doc := patched([{"op": "replace", "path": "/resource/aws_backup_selection/volumes", "value": {
		"plan_id": "${aws_backup_plan.plan.id}",
		"selection_tag": {"type": "STRINGEQUALS", "key": "backup-plan", "value": "medicare-dev-app-tier"},
	}}])
	count(rule.deny) == 0 with input as doc
}

test_pass_all_clusters_by_wildcard if {
	doc := patched([{"op": "replace", "path": "/resource/aws_backup_selection/aurora/resources", "value": ["arn:aws:rds:*:*:cluster:*"]}])
	count(rule.deny) == 0 with input as doc
}

test_pass_stack_without_plan_or_cluster if {
	count(rule.deny) == 0 with input as {"resource": {"aws_vpc": {"main": {}}}}
}

test_fail_cluster_not_in_any_selection if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_backup_selection/aurora"}]), "dev-data/aurora/cluster")
}

test_fail_selection_lists_another_cluster if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_backup_selection/aurora/resources", "value": ["${aws_rds_cluster.other.arn}"]}]), "dev-data/aurora/cluster")
}

test_fail_selection_names_the_cluster_id_not_arn if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_backup_selection/aurora/resources", "value": ["${aws_rds_cluster.aurora.id}"]}]), "dev-data/aurora/cluster")
}

test_fail_cluster_excluded_by_not_resources if {
	fails_on(patched([{"op": "add", "path": "/resource/aws_backup_selection/aurora/not_resources", "value": ["${aws_rds_cluster.aurora.arn}"]}]), "dev-data/aurora/cluster")
}

test_fail_selection_of_an_undeclared_plan if {
	doc := patched([
		{"op": "replace", "path": "/resource/aws_backup_selection/aurora/plan_id", "value": "${aws_backup_plan.gone.id}"},
	])
	fails_on(doc, "dev-data/aurora/cluster")
}

test_fail_no_volume_selection if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_backup_selection/volumes"}]), "dev-data/backup/plan")
}

test_fail_volume_selection_without_tag if {
	doc := patched([{"op": "replace", "path": "/resource/aws_backup_selection/volumes/resources", "value": ["${aws_rds_cluster.aurora.arn}"]}])
	fails_on(doc, "dev-data/backup/plan")
}

test_fail_tag_condition_on_instances_not_volumes if {
	doc := patched([{"op": "replace", "path": "/resource/aws_backup_selection/volumes/resources", "value": ["arn:aws:ec2:eu-west-2:111111111111:instance/*"]}])
	fails_on(doc, "dev-data/backup/plan")
}

test_fail_volumes_excluded if {
	doc := patched([{"op": "add", "path": "/resource/aws_backup_selection/volumes/not_resources", "value": ["arn:aws:ec2:*:*:volume/*"]}])
	fails_on(doc, "dev-data/backup/plan")
}
