# COG-001: the staff and provider user pool (tag user-pool-audience=staff, and any pool
# without that tag) requires MFA with an authenticator app, lets only administrators create
# accounts, and enforces advanced security (compromised-credential and adaptive checks).
package rules.cognito.staff_pool

import data.lib.cdktf
import data.lib.cognito

metadata := {
	"id": "COG-001",
	"title": "Staff user pools require TOTP MFA, admin-only sign-up and enforced advanced security",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "staff pool MFA `ON` (TOTP), advanced security enforced, admin-only sign-up, strong password policy; patient pool verified email",
	"references": ["own", "nag:AwsSolutions-COG2", "nag:AwsSolutions-COG3"],
	"fix": "Create the pool with UserPools (modules/edge/cognito.ts): the staff pool has mfa_configuration ON with software tokens, allow_admin_create_user_only, and advanced_security_mode ENFORCED on the Plus tier.",
}

deny contains cdktf.violation(metadata, pool, sprintf("mfa_configuration is %v; the staff pool must be ON", [object.get(pool.values, "mfa_configuration", "absent (OFF)")])) if {
	some pool in cognito.staff_pools
	object.get(pool.values, "mfa_configuration", "OFF") != "ON"
}

deny contains cdktf.violation(metadata, pool, "software_token_mfa_configuration is not enabled (TOTP)") if {
	some pool in cognito.staff_pools
	not cognito.totp_enabled(pool)
}

deny contains cdktf.violation(metadata, pool, "admin_create_user_config.allow_admin_create_user_only is not true: anyone could sign up as staff") if {
	some pool in cognito.staff_pools
	not admin_only(pool)
}

admin_only(pool) if {
	some c in cdktf.blocks(object.get(pool.values, "admin_create_user_config", null))
	c.allow_admin_create_user_only == true
}
