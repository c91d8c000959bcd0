package rules.secrets.secret_cmk_rotation_test

import data.rules.secrets.secret_cmk_rotation as rule

data_key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_data_key_7F1B5A3Carn}"

secret(fields) := object.union(
	{"//": {"metadata": {"path": "dev-data/dms-source/secret"}}, "name": "medicare-dev-dms-source", "kms_key_id": data_key, "recovery_window_in_days": 30},
	fields,
)

# rotation_rules in `fields` replaces the default one (object.union would merge the two).
rotation(fields) := object.union(
	{
		"//": {"metadata": {"path": "dev-data/dms-source/rotation"}},
		"secret_id": "${aws_secretsmanager_secret.dms-source_secret_1.id}",
		"rotation_lambda_arn": "${aws_lambda_function.rotation_function_2.arn}",
		"rotation_rules": object.get(fields, "rotation_rules", {"automatically_after_days": 30}),
		"rotate_immediately": false,
	},
	object.remove(fields, ["rotation_rules"]),
)

doc(secret_body, rotations) := {"resource": object.union(
	{"aws_secretsmanager_secret": {"dms-source_secret_1": secret_body}},
	rotation_resources(rotations),
)}

rotation_resources(rotations) := {"aws_secretsmanager_secret_rotation": {sprintf("rotation_%d", [i]): r | some i, r in rotations}} if {
	count(rotations) > 0
} else := {}

fails_with(d, fragment) if {
	some v in rule.deny with input as d
	v.rule_id == "SEC-001"
	contains(v.msg, fragment)
}

test_pass_cmk_and_30_day_rotation if {
	count(rule.deny) == 0 with input as doc(secret({}), [rotation({})])
}

test_pass_rotation_by_arn_and_schedule_expressions if {
	count(rule.deny) == 0 with input as doc(secret({}), [rotation({"secret_id": "${aws_secretsmanager_secret.dms-source_secret_1.arn}", "rotation_rules": {"schedule_expression": "rate(90 days)"}})])
	count(rule.deny) == 0 with input as doc(secret({}), [rotation({"rotation_rules": [{"schedule_expression": "cron(0 4 1 * ? *)"}]})])
	count(rule.deny) == 0 with input as doc(secret({}), [rotation({"rotation_rules": {"schedule_expression": "rate(12 hours)"}})])
}

test_pass_rotation_naming_the_secret_literally if {
	count(rule.deny) == 0 with input as doc(secret({}), [rotation({"secret_id": "medicare-dev-dms-source"})])
}

test_fail_without_kms_key if {
	fails_with(doc(object.remove(secret({}), ["kms_key_id"]), [rotation({})]), "kms_key_id is absent")
}

test_fail_with_aws_managed_key_alias if {
	fails_with(doc(secret({"kms_key_id": "alias/aws/secretsmanager"}), [rotation({})]), "customer-managed")
}

test_fail_without_rotation if {
	fails_with(doc(secret({}), []), "no aws_secretsmanager_secret_rotation")
}

test_fail_rotation_of_another_secret_does_not_count if {
	fails_with(doc(secret({}), [rotation({"secret_id": "${aws_secretsmanager_secret.other_secret_9.id}"})]), "no aws_secretsmanager_secret_rotation")
}

test_fail_rotation_longer_than_90_days if {
	fails_with(doc(secret({}), [rotation({"rotation_rules": {"automatically_after_days": 365}})]), "automatically_after_days = 365 is longer than 90 days")
	fails_with(doc(secret({}), [rotation({"rotation_rules": {"schedule_expression": "rate(91 days)"}})]), "rate(91 days)")
	fails_with(doc(secret({}), [rotation({"rotation_rules": {"schedule_expression": "cron(0 4 1 1 ? *)"}})]), "cron(0 4 1 1 ? *)")
}

test_fail_rotation_without_rules_or_function if {
	fails_with(doc(secret({}), [object.remove(rotation({}), ["rotation_rules"])]), "rotation_rules is missing")
	fails_with(doc(secret({}), [object.remove(rotation({}), ["rotation_lambda_arn"])]), "rotation_lambda_arn is not set")
}
