package rules.kms.key_rotation_test

import data.rules.kms.key_rotation as rule

key(fields) := {"resource": {"aws_kms_key": {"logs": object.union({"//": {"metadata": {"path": "dev-security/keys/logs/key"}}, "description": "logs"}, fields)}}}

fails(doc) if {
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "KMS-001"
	v.resource_path == "dev-security/keys/logs/key"
}

test_pass_rotation_enabled if {
	count(rule.deny) == 0 with input as key({"enable_key_rotation": true, "rotation_period_in_days": 365})
}

test_pass_asymmetric_key_cannot_rotate if {
	count(rule.deny) == 0 with input as key({"customer_master_key_spec": "RSA_4096", "key_usage": "SIGN_VERIFY"})
}

test_fail_rotation_absent if {
	fails(key({}))
}

test_fail_rotation_disabled if {
	fails(key({"enable_key_rotation": false}))
}
