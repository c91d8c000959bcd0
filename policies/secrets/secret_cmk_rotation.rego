# SEC-001: every Secrets Manager secret is encrypted with a customer-managed key (whose
# policy names who may decrypt, and whose use CloudTrail records) and is rotated by a
# function at least every 90 days, so a leaked credential stops working on its own.
package rules.secrets.secret_cmk_rotation

import data.lib.cdktf

metadata := {
	"id": "SEC-001",
	"title": "Every secret is encrypted with a customer-managed KMS key and rotated at least every 90 days",
	"severity": "high",
	"hipaa": ["A", "E"],
	"control": "every secret uses a CMK and has rotation (<= 90 days)",
	"references": ["nag:SecretsManagerUsingKMSKey", "nag:SecretsManagerRotationEnabled", "ckv:CKV_AWS_149", "ckv:CKV_AWS_304"],
	"fix": "Create database credentials with DatabaseCredentialsSecret (modules/data/database-secret.ts): kms_key_id = the data key, and an aws_secretsmanager_secret_rotation by the stack's MysqlCredentialRotation every 30 days.",
}

max_rotation_days := 90

deny contains cdktf.violation(metadata, secret, sprintf("kms_key_id is %v; it must be the ARN of a customer-managed KMS key (the default aws/secretsmanager key has no policy of ours)", [object.get(secret.values, "kms_key_id", "absent")])) if {
	some secret in cdktf.resources("aws_secretsmanager_secret")
	not cdktf.is_kms_key_ref(object.get(secret.values, "kms_key_id", null))
}

deny contains cdktf.violation(metadata, secret, "no aws_secretsmanager_secret_rotation rotates this secret") if {
	some secret in cdktf.resources("aws_secretsmanager_secret")
	count(rotations_of(secret)) == 0
}

deny contains cdktf.violation(metadata, rotation, sprintf("rotation of %s: rotation_lambda_arn is not set; nothing would rotate the secret", [secret.address])) if {
	some secret in cdktf.resources("aws_secretsmanager_secret")
	some rotation in rotations_of(secret)
	not cdktf.non_empty_string(object.get(rotation.values, "rotation_lambda_arn", null))
}

deny contains cdktf.violation(metadata, rotation, sprintf("rotation of %s: rotation_rules is missing", [secret.address])) if {
	some secret in cdktf.resources("aws_secretsmanager_secret")
	some rotation in rotations_of(secret)
	count(rules_of(rotation)) == 0
}

deny contains cdktf.violation(metadata, rotation, sprintf("rotation of %s: %s is longer than %d days (or not an interval)", [secret.address, describe(rule), max_rotation_days])) if {
	some secret in cdktf.resources("aws_secretsmanager_secret")
	some rotation in rotations_of(secret)
	some rule in rules_of(rotation)
	not within_limit(rule)
}

# Rotations whose secret_id points at the secret (its id or arn), or names it literally.
rotations_of(secret) := {rotation |
	some rotation in cdktf.resources("aws_secretsmanager_secret_rotation")
	rotates(rotation, secret)
}

rotates(rotation, secret) if cdktf.refers_to(object.get(rotation.values, "secret_id", null), secret)

rotates(rotation, secret) if {
	name := object.get(secret.values, "name", null)
	cdktf.non_empty_string(name)
	rotation.values.secret_id == name
}

rules_of(rotation) := cdktf.blocks(object.get(rotation.values, "rotation_rules", null))

describe(rule) := sprintf("automatically_after_days = %v", [rule.automatically_after_days]) if {
	object.get(rule, "automatically_after_days", null) != null
} else := sprintf("schedule_expression = %v", [object.get(rule, "schedule_expression", "absent")])

# automatically_after_days: 1..90.
within_limit(rule) if {
	days := to_number(rule.automatically_after_days)
	days >= 1
	days <= max_rotation_days
}

# rate(N days) / rate(N hours), within 90 days.
within_limit(rule) if {
	m := regex.find_all_string_submatch_n(`^rate\((\d+) (day|days|hour|hours)\)$`, object.get(rule, "schedule_expression", ""), 1)[0]
	hours := to_number(m[1]) * unit_hours(m[2])
	hours >= 1
	hours <= max_rotation_days * 24
}

# cron(min hour day-of-month month day-of-week year) with every month: at least monthly.
within_limit(rule) if {
	m := regex.find_all_string_submatch_n(`^cron\((.+)\)$`, object.get(rule, "schedule_expression", ""), 1)[0]
	fields := split(trim_space(m[1]), " ")
	count(fields) == 6
	fields[3] == "*"
}

unit_hours(unit) := 24 if unit in {"day", "days"}

unit_hours(unit) := 1 if unit in {"hour", "hours"}
