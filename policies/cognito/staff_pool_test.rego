package rules.cognito.staff_pool_test

import data.rules.cognito.staff_pool as rule

staff := {
	"//": {"metadata": {"path": "dev-edge/cognito/staff"}},
	"tags": {"user-pool-audience": "staff"},
	"mfa_configuration": "ON",
	"software_token_mfa_configuration": {"enabled": true},
	"admin_create_user_config": {"allow_admin_create_user_only": true},
}

fails(pool) if {
	some v in rule.deny with input as {"resource": {"aws_cognito_user_pool": {"p": pool}}}
	v.rule_id == "COG-001"
}

test_pass_staff_pool if {
	count(rule.deny) == 0 with input as {"resource": {"aws_cognito_user_pool": {"p": staff}}}
}

test_pass_patient_pool_with_optional_mfa if {
	count(rule.deny) == 0 with input as {"resource": {"aws_cognito_user_pool": {"p": {"tags": {"user-pool-audience": "patients"}, "mfa_configuration": "OPTIONAL"}}}}
}

test_fail_optional_mfa if {
	fails(object.union(staff, {"mfa_configuration": "OPTIONAL"}))
	fails(object.remove(staff, ["mfa_configuration"]))
}

test_fail_untagged_pool_is_held_to_staff_controls if {
	fails(object.union(object.remove(staff, ["tags"]), {"mfa_configuration": "OFF"}))
}

test_fail_self_sign_up_or_no_totp if {
	fails(object.union(staff, {"admin_create_user_config": {"allow_admin_create_user_only": false}}))
	fails(object.union(staff, {"software_token_mfa_configuration": {"enabled": false}}))
}
