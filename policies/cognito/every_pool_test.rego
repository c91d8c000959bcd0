package rules.cognito.every_pool_test

import data.rules.cognito.every_pool as rule

pool := {
	"//": {"metadata": {"path": "dev-edge/cognito/patients"}},
	"auto_verified_attributes": ["email"],
	"password_policy": {"minimum_length": 14, "require_lowercase": true, "require_uppercase": true, "require_numbers": true, "require_symbols": true},
	"user_pool_add_ons": {"advanced_security_mode": "ENFORCED"},
	"deletion_protection": "ACTIVE",
	"mfa_configuration": "OPTIONAL",
	"software_token_mfa_configuration": {"enabled": true},
}

client := {
	"//": {"metadata": {"path": "dev-edge/cognito/patients-web"}},
	"generate_secret": false,
	"explicit_auth_flows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
	"prevent_user_existence_errors": "ENABLED",
	"enable_token_revocation": true,
}

doc(p, c) := {"resource": {"aws_cognito_user_pool": {"p": p}, "aws_cognito_user_pool_client": {"c": c}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "COG-002"
}

test_pass_pool_and_client if {
	count(rule.deny) == 0 with input as doc(pool, client)
}

test_fail_pool_properties if {
	fails(doc(object.union(pool, {"auto_verified_attributes": []}), client))
	fails(doc(json.patch(pool, [{"op": "replace", "path": "/password_policy/minimum_length", "value": 8}]), client))
	fails(doc(json.patch(pool, [{"op": "replace", "path": "/password_policy/require_symbols", "value": false}]), client))
	fails(doc(object.union(pool, {"user_pool_add_ons": {"advanced_security_mode": "AUDIT"}}), client))
	fails(doc(object.union(pool, {"deletion_protection": "INACTIVE"}), client))
}

test_fail_client_properties if {
	fails(doc(pool, object.union(client, {"generate_secret": true})))
	fails(doc(pool, object.union(client, {"explicit_auth_flows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]})))
	fails(doc(pool, object.remove(client, ["explicit_auth_flows"])))
	fails(doc(pool, object.union(client, {"prevent_user_existence_errors": "LEGACY"})))
}

test_fail_pool_without_totp if {
	fails(doc(object.union(pool, {"mfa_configuration": "OFF"}), client))
	fails(doc(object.remove(pool, ["mfa_configuration"]), client))
	fails(doc(object.union(pool, {"software_token_mfa_configuration": {"enabled": false}}), client))
}
