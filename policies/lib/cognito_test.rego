package lib.cognito_test

import data.lib.cognito

pools := {"resource": {"aws_cognito_user_pool": {
	"staff": {"tags": {"user-pool-audience": "staff"}, "software_token_mfa_configuration": {"enabled": true}, "user_pool_add_ons": {"advanced_security_mode": "ENFORCED"}},
	"patients": {"tags": {"user-pool-audience": "patients"}},
	"untagged": {},
}}}

test_untagged_pools_count_as_staff if {
	names := {p.name | some p in cognito.staff_pools} with input as pools
	names == {"staff", "untagged"}
}

test_totp_and_advanced_security if {
	cognito.totp_enabled({"values": pools.resource.aws_cognito_user_pool.staff})
	not cognito.totp_enabled({"values": pools.resource.aws_cognito_user_pool.patients})
	cognito.advanced_security_enforced({"values": pools.resource.aws_cognito_user_pool.staff})
	not cognito.advanced_security_enforced({"values": {"user_pool_add_ons": {"advanced_security_mode": "AUDIT"}}})
}
