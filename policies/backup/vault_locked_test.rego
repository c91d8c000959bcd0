package rules.backup.vault_locked_test

import data.rules.backup.vault_locked as rule

meta(path) := {"metadata": {"path": path}}

backup_key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_backup_key_8EE09ADEarn}"

copy_key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keybackup-region-keys_backup_key_182EB392arn}"

lock(vault, provider) := object.union(
	{"backup_vault_name": sprintf("${aws_backup_vault.%s.name}", [vault]), "changeable_for_days": 3, "min_retention_days": 35, "max_retention_days": 365},
	provider,
)

good := {
	"provider": {"aws": [{"region": "eu-west-2"}, {"alias": "backup_region", "region": "eu-west-1"}]},
	"resource": {
		"aws_backup_vault": {
			"vault": {"//": meta("dev-data/backup/vault"), "name": "medicare-dev-backup", "kms_key_arn": backup_key},
			"copy": {"//": meta("dev-data/backup/copy-vault"), "name": "medicare-dev-backup-copy", "kms_key_arn": copy_key, "provider": "aws.backup_region"},
		},
		"aws_backup_vault_lock_configuration": {
			"vault_lock": lock("vault", {}),
			"copy_lock": lock("copy", {"provider": "aws.backup_region"}),
		},
	},
}

patched(ops) := json.patch(good, ops)

fails_on(doc, path) if {
	some v in rule.deny with input as doc
	v.rule_id == "BAK-002"
	v.resource_path == path
}

test_pass_both_vaults_encrypted_and_locked if {
	count(rule.deny) == 0 with input as good
}

test_pass_literal_key_arn_and_literal_vault_name if {
	doc := patched([
		{"op": "replace", "path": "/resource/aws_backup_vault/vault/kms_key_arn", "value": "arn:aws:kms:eu-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		{"op": "replace", "path": "/resource/aws_backup_vault_lock_configuration/vault_lock/backup_vault_name", "value": "medicare-dev-backup"},
	])
	count(rule.deny) == 0 with input as doc
}

test_pass_lock_placed_by_region_argument if {
	doc := patched([
		{"op": "remove", "path": "/resource/aws_backup_vault_lock_configuration/copy_lock/provider"},
		{"op": "add", "path": "/resource/aws_backup_vault_lock_configuration/copy_lock/region", "value": "eu-west-1"},
	])
	count(rule.deny) == 0 with input as doc
}

test_fail_vault_without_key if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_backup_vault/vault/kms_key_arn"}]), "dev-data/backup/vault")
}

test_fail_vault_with_aws_managed_alias if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_backup_vault/copy/kms_key_arn", "value": "alias/aws/backup"}]), "dev-data/backup/copy-vault")
}

test_fail_vault_without_lock if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_backup_vault_lock_configuration/vault_lock"}]), "dev-data/backup/vault")
}

test_fail_copy_lock_in_the_wrong_region if {
	# The lock names the copy vault but runs on the default provider: it would lock nothing there.
	fails_on(patched([{"op": "remove", "path": "/resource/aws_backup_vault_lock_configuration/copy_lock/provider"}]), "dev-data/backup/copy-vault")
}

test_fail_governance_mode if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_backup_vault_lock_configuration/vault_lock/changeable_for_days"}]), "dev-data/backup/vault")
}

test_fail_short_minimum_retention if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_backup_vault_lock_configuration/copy_lock/min_retention_days", "value": 7}]), "dev-data/backup/copy-vault")
}

test_fail_no_minimum_retention if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_backup_vault_lock_configuration/vault_lock/min_retention_days"}]), "dev-data/backup/vault")
}

test_fail_lock_names_another_vault if {
	doc := patched([{"op": "replace", "path": "/resource/aws_backup_vault_lock_configuration/vault_lock/backup_vault_name", "value": "${aws_backup_vault.other.name}"}])
	fails_on(doc, "dev-data/backup/vault")
}
