package rules.backup.vault_no_manual_deletion_test

import data.rules.backup.vault_no_manual_deletion as rule

meta(path) := {"metadata": {"path": path}}

deny_all := {"Version": "2012-10-17", "Statement": [{
	"Sid": "NoManualDeletionOrShorterLifecycle",
	"Effect": "Deny",
	"Principal": {"AWS": "*"},
	"Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"],
	"Resource": "*",
}]}

good := {
	"provider": {"aws": [{"region": "eu-west-2"}, {"alias": "backup_region", "region": "eu-west-1"}]},
	"resource": {
		"aws_backup_vault": {
			"vault": {"//": meta("dev-data/backup/vault"), "name": "medicare-dev-backup"},
			"copy": {"//": meta("dev-data/backup/copy-vault"), "name": "medicare-dev-backup-copy", "provider": "aws.backup_region"},
		},
		"aws_backup_vault_policy": {
			"vault_policy": {"backup_vault_name": "${aws_backup_vault.vault.name}", "policy": json.marshal(deny_all)},
			"copy_policy": {"backup_vault_name": "${aws_backup_vault.copy.name}", "policy": json.marshal(deny_all), "provider": "aws.backup_region"},
		},
	},
}

with_statement(policy_name, statement) := json.patch(good, [{
	"op": "replace",
	"path": sprintf("/resource/aws_backup_vault_policy/%s/policy", [policy_name]),
	"value": json.marshal({"Version": "2012-10-17", "Statement": [statement]}),
}])

statement := deny_all.Statement[0]

fails_on(doc, path) if {
	some v in rule.deny with input as doc
	v.rule_id == "BAK-004"
	v.resource_path == path
}

test_pass_deny_for_everyone if {
	count(rule.deny) == 0 with input as good
}

test_pass_wildcard_actions_and_star_principal_and_vault_arn if {
	doc := with_statement("vault_policy", object.union(statement, {"Principal": "*", "Action": "backup:*", "Resource": "${aws_backup_vault.vault.arn}"}))
	count(rule.deny) == 0 with input as doc
}

test_fail_vault_without_policy if {
	fails_on(json.patch(good, [{"op": "remove", "path": "/resource/aws_backup_vault_policy/copy_policy"}]), "dev-data/backup/copy-vault")
}

test_fail_policy_allows_instead_of_denies if {
	fails_on(with_statement("vault_policy", object.union(statement, {"Effect": "Allow"})), "dev-data/backup/vault")
}

test_fail_deny_misses_lifecycle_change if {
	doc := with_statement("vault_policy", object.union(statement, {"Action": ["backup:DeleteRecoveryPoint", "backup:PutBackupVaultAccessPolicy"]}))
	fails_on(doc, "dev-data/backup/vault")
}

test_fail_deny_only_for_one_role if {
	doc := with_statement("vault_policy", object.union(statement, {"Principal": {"AWS": "arn:aws:iam::111111111111:role/ops"}}))
	fails_on(doc, "dev-data/backup/vault")
}

test_fail_conditional_deny if {
	doc := with_statement("vault_policy", object.union(statement, {"Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "ops"}}}))
	fails_on(doc, "dev-data/backup/vault")
}

test_fail_copy_policy_in_the_wrong_region if {
	fails_on(json.patch(good, [{"op": "remove", "path": "/resource/aws_backup_vault_policy/copy_policy/provider"}]), "dev-data/backup/copy-vault")
}
