# BAK-004: every backup vault's access policy denies everyone deleting recovery points,
# changing their lifecycle or replacing the policy. Defense in depth beside the vault lock:
# once the lock's minimum has passed, recovery points still leave only by their lifecycle.
package rules.backup.vault_no_manual_deletion

import data.lib.backup
import data.lib.cdktf

metadata := {
	"id": "BAK-004",
	"title": "Every backup vault's access policy denies manual deletion of recovery points",
	"severity": "medium",
	"hipaa": ["B", "I"],
	"control": "backup vault uses a CMK and has a vault lock; plan has daily rule with >= 35 days retention and a cross-region copy",
	"references": ["cfg:BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED", "own"],
	"fix": "Create vaults with DataBackup (modules/data/backup.ts): an aws_backup_vault_policy on the vault's provider with an unconditional Deny for Principal * of backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle and backup:PutBackupVaultAccessPolicy on Resource *.",
}

required_actions := ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"]

_action_covered(statement, action) if {
	some pattern in cdktf.as_array(object.get(statement, "Action", []))
	glob.match(lower(pattern), [], lower(action))
}

_whole_vault(statement, vault) if {
	some r in cdktf.as_array(object.get(statement, "Resource", []))
	_vault_resource(r, vault)
}

_vault_resource(r, _) if r == "*"

_vault_resource(r, vault) if cdktf.refers_to(r, vault)

# An unconditional Deny for everyone over the whole vault, for every required action.
denies_manual_deletion(policy, vault) if {
	some statement in cdktf.statements(object.get(policy.values, "policy", null))
	statement.Effect == "Deny"
	cdktf.principal_is_public(statement)
	not cdktf.has_condition(statement)
	_whole_vault(statement, vault)
	every action in required_actions {
		_action_covered(statement, action)
	}
}

deny contains cdktf.violation(metadata, vault, sprintf("no aws_backup_vault_policy of this vault has an unconditional Deny for everyone of %s", [concat(", ", required_actions)])) if {
	some vault in cdktf.resources("aws_backup_vault")
	not _protected(vault)
}

_protected(vault) if {
	some policy in backup.attached("aws_backup_vault_policy", vault)
	denies_manual_deletion(policy, vault)
}
