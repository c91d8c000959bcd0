package lib.backup_test

import data.lib.backup

providers := {"aws": [
	{"region": "eu-west-2"},
	{"alias": "backup_region", "region": "eu-west-1"},
]}

vault(name, values) := {"type": "aws_backup_vault", "name": name, "address": sprintf("aws_backup_vault.%s", [name]), "path": name, "values": values}

test_region_of_default_and_aliased_provider if {
	backup.region_of(vault("here", {})) == "eu-west-2" with input as {"provider": providers}
	backup.region_of(vault("there", {"provider": "aws.backup_region"})) == "eu-west-1" with input as {"provider": providers}
}

test_region_argument_wins_over_provider if {
	backup.region_of(vault("v6", {"region": "eu-central-1"})) == "eu-central-1" with input as {"provider": providers}
}

test_region_unknown_without_provider_block if {
	not backup.region_of(vault("here", {})) with input as {}
	backup.placement(vault("here", {})) == "aws" with input as {}
	backup.placement(vault("there", {"provider": "aws.backup_region"})) == "aws.backup_region" with input as {}
}

test_provider_object_instead_of_array if {
	backup.region_of(vault("here", {})) == "eu-west-2" with input as {"provider": {"aws": {"region": "eu-west-2"}}}
}

test_names_vault_by_reference_or_literal_name if {
	v := vault("main", {"name": "medicare-dev-backup"})
	backup.names_vault("${aws_backup_vault.main.name}", v)
	backup.names_vault("${aws_backup_vault.main.id}", v)
	backup.names_vault("medicare-dev-backup", v)
	not backup.names_vault("${aws_backup_vault.other.name}", v)
	not backup.names_vault("medicare-dev-other", v)
	not backup.names_vault(null, v)
}

test_daily_cron if {
	backup.is_daily_cron("cron(30 3 * * ? *)")
	backup.is_daily_cron("cron(0 */12 ? * * *)")
	backup.is_daily_cron(" cron(0 5 * * ? *) ")
	not backup.is_daily_cron("cron(30 3 ? * SUN *)")
	not backup.is_daily_cron("cron(30 3 1 * ? *)")
	not backup.is_daily_cron("cron(30 3 * 1 ? *)")
	not backup.is_daily_cron("rate(1 day)")
	not backup.is_daily_cron(null)
}

test_retention_days if {
	backup.retention_days({"delete_after": 35}) == 35
	backup.retention_days([{"delete_after": 90}]) == 90
	backup.retention_days({"cold_storage_after": 30}) == backup.forever
	backup.retention_days(null) == backup.forever
	not backup.retention_days({"delete_after": "${var.days}"})
}
