# BAK-002: every backup vault is encrypted with a customer-managed key and locked in
# compliance mode with a minimum retention of at least 35 days. The key keeps reading a
# backup behind a key policy we audit; the lock keeps anyone, root and ransomware included,
# from deleting recovery points early, shortening their retention or removing the lock.
package rules.backup.vault_locked

import data.lib.backup
import data.lib.cdktf

metadata := {
	"id": "BAK-002",
	"title": "Every backup vault uses a customer-managed key and a compliance-mode vault lock",
	"severity": "critical",
	"hipaa": ["B", "I"],
	"control": "backup vault uses a CMK and has a vault lock; plan has daily rule with >= 35 days retention and a cross-region copy",
	"references": ["ckv:CKV_AWS_166", "own"],
	"fix": "Create vaults with DataBackup (modules/data/backup.ts): kms_key_arn is the backup key of the vault's region, and an aws_backup_vault_lock_configuration on the same provider names the vault with changeable_for_days (compliance mode) and min_retention_days >= 35.",
}

# The shortest retention a lock may allow: the daily rule's floor.
min_locked_retention_days := 35

deny contains cdktf.violation(metadata, vault, sprintf("kms_key_arn is %v; it must be the ARN of a customer-managed KMS key", [object.get(vault.values, "kms_key_arn", "absent")])) if {
	some vault in cdktf.resources("aws_backup_vault")
	not cdktf.is_kms_key_ref(object.get(vault.values, "kms_key_arn", null))
}

deny contains cdktf.violation(metadata, vault, "no aws_backup_vault_lock_configuration locks this vault (backup_vault_name referring to it, on the vault's provider)") if {
	some vault in cdktf.resources("aws_backup_vault")
	count(backup.attached("aws_backup_vault_lock_configuration", vault)) == 0
}

deny contains cdktf.violation(metadata, vault, sprintf("its vault lock is not strong enough: %s", [concat("; ", problems)])) if {
	some vault in cdktf.resources("aws_backup_vault")
	locks := backup.attached("aws_backup_vault_lock_configuration", vault)
	count(locks) > 0
	not any_strong(locks)
	problems := {p | some lock in locks; some p in lock_problems(lock)}
}

any_strong(locks) if {
	some lock in locks
	count(lock_problems(lock)) == 0
}

lock_problems(lock) := {p |
	some check in _checks(lock.values)
	not check.ok
	p := check.problem
}

_checks(values) := [
	{
		# Without changeable_for_days the lock is in governance mode: privileged users can remove it.
		"ok": _positive_number(object.get(values, "changeable_for_days", null)),
		"problem": "changeable_for_days is absent, so the lock is in governance mode (removable); set it for compliance mode",
	},
	{
		"ok": _at_least(object.get(values, "min_retention_days", null), min_locked_retention_days),
		"problem": sprintf("min_retention_days is %v; it must be >= %d", [object.get(values, "min_retention_days", "absent"), min_locked_retention_days]),
	},
]

_positive_number(x) := true if {
	is_number(x)
	x > 0
} else := false

_at_least(x, floor) := true if {
	is_number(x)
	x >= floor
} else := false
