# COG-002: every user pool verifies email, has a strong password policy (>= 14 characters,
# all classes), enforces advanced security, and is deletion-protected; every app client is
# a public client without a secret, with SRP sign-in only, token revocation and no
# user-existence disclosure.
package rules.cognito.every_pool

import data.lib.cdktf
import data.lib.cognito

metadata := {
	"id": "COG-002",
	"title": "Every user pool verifies email, offers TOTP MFA, has a strong password policy, enforced advanced security and deletion protection; clients hold no secret",
	"severity": "high",
	"hipaa": ["A"],
	"control": "staff pool MFA `ON` (TOTP), advanced security enforced, admin-only sign-up, strong password policy; patient pool verified email",
	"references": ["own", "nag:AwsSolutions-COG1"],
	"fix": "Create pools and clients with UserPools (modules/edge/cognito.ts), which sets PASSWORD_POLICY, auto-verified email, advanced security ENFORCED, deletion protection ACTIVE, and public SRP clients.",
}

deny contains cdktf.violation(metadata, pool, "auto_verified_attributes does not include email") if {
	some pool in cdktf.resources("aws_cognito_user_pool")
	not "email" in cdktf.as_array(object.get(pool.values, "auto_verified_attributes", []))
}

deny contains cdktf.violation(metadata, pool, sprintf("password policy is weaker than >= 14 characters with lower, upper, numbers and symbols: %v", [object.get(pool.values, "password_policy", "absent")])) if {
	some pool in cdktf.resources("aws_cognito_user_pool")
	not strong_password_policy(pool)
}

strong_password_policy(pool) if {
	some p in cdktf.blocks(object.get(pool.values, "password_policy", null))
	to_number(object.get(p, "minimum_length", 0)) >= 14
	p.require_lowercase == true
	p.require_uppercase == true
	p.require_numbers == true
	p.require_symbols == true
}

deny contains cdktf.violation(metadata, pool, "user_pool_add_ons.advanced_security_mode is not ENFORCED") if {
	some pool in cdktf.resources("aws_cognito_user_pool")
	not cognito.advanced_security_enforced(pool)
}

deny contains cdktf.violation(metadata, pool, sprintf("deletion_protection is %v; it must be ACTIVE", [object.get(pool.values, "deletion_protection", "absent (INACTIVE)")])) if {
	some pool in cdktf.resources("aws_cognito_user_pool")
	object.get(pool.values, "deletion_protection", "INACTIVE") != "ACTIVE"
}

deny contains cdktf.violation(metadata, c, "generate_secret is true: a browser client cannot keep a secret") if {
	some c in cdktf.resources("aws_cognito_user_pool_client")
	c.values.generate_secret == true
}

deny contains cdktf.violation(metadata, c, sprintf("explicit_auth_flows %v allow a flow that sends the password (only ALLOW_USER_SRP_AUTH and ALLOW_REFRESH_TOKEN_AUTH)", [flows])) if {
	some c in cdktf.resources("aws_cognito_user_pool_client")
	flows := cdktf.as_array(object.get(c.values, "explicit_auth_flows", []))
	some f in flows
	not f in {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
}

deny contains cdktf.violation(metadata, c, "explicit_auth_flows is unset, which allows every legacy flow; list ALLOW_USER_SRP_AUTH and ALLOW_REFRESH_TOKEN_AUTH") if {
	some c in cdktf.resources("aws_cognito_user_pool_client")
	count(cdktf.as_array(object.get(c.values, "explicit_auth_flows", []))) == 0
}

deny contains cdktf.violation(metadata, c, "prevent_user_existence_errors is not ENABLED or token revocation is off") if {
	some c in cdktf.resources("aws_cognito_user_pool_client")
	not hardened_client(c)
}

hardened_client(c) if {
	c.values.prevent_user_existence_errors == "ENABLED"
	object.get(c.values, "enable_token_revocation", true) == true
}

# Patients may opt in to TOTP (mfa_configuration OPTIONAL); turning MFA OFF takes that away
# from those who enabled it. The staff pool's stricter ON is COG-001.
deny contains cdktf.violation(metadata, pool, sprintf("mfa_configuration is %v: every pool offers TOTP MFA (OPTIONAL or ON, with software_token_mfa_configuration enabled)", [object.get(pool.values, "mfa_configuration", "absent (OFF)")])) if {
	some pool in cdktf.resources("aws_cognito_user_pool")
	not totp_offered(pool)
}

totp_offered(pool) if {
	object.get(pool.values, "mfa_configuration", "OFF") in {"ON", "OPTIONAL"}
	some t in cdktf.blocks(object.get(pool.values, "software_token_mfa_configuration", null))
	t.enabled == true
}
