package rules.cognito.app_clients_return_home_test

import data.rules.cognito.app_clients_return_home as rule

allow := {"dev": {"account": "111111111111", "web_hosts": ["app.dev.medicare.example", "forms.dev.medicare.example"]}}

doc(client) := {"//": {"metadata": {"stackName": "dev-edge"}}, "resource": {"aws_cognito_user_pool_client": {"c": object.union({"//": {"metadata": {"path": "dev-edge/cognito/staff-web"}}}, client)}}}

findings(d) := {v.msg | some v in result} if {
	result := rule.deny with input as d with data.principal_allowlist as allow
}

test_pass_own_hosts if {
	count(findings(doc({"callback_urls": ["https://app.dev.medicare.example/auth/callback"], "logout_urls": ["https://app.dev.medicare.example/"]}))) == 0
}

# The class: another host, plain http on our host, localhost, a look-alike suffix.
test_fail_foreign_insecure_and_lookalike_hosts if {
	count(findings(doc({"callback_urls": [
		"https://app.dev.medicare.example/auth/callback",
		"https://evil.example/cb",
		"http://app.dev.medicare.example/auth/callback",
		"https://localhost:3000/cb",
		"https://app.dev.medicare.example.evil.example/cb",
	]}))) == 4
	count(findings(doc({"logout_urls": ["https://*.medicare.example/"]}))) == 1
}
