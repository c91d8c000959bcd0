package rules.cdn.content_security_policy_test

import data.rules.cdn.content_security_policy as rule

doc(csp) := {"resource": {"aws_cloudfront_response_headers_policy": {"h": {
	"//": {"metadata": {"path": "dev-edge/forms-cdn/headers"}},
	"security_headers_config": {"content_security_policy": {"content_security_policy": csp, "override": true}},
}}}}

strict := "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'"

fails_with(csp, text) if {
	some v in rule.deny with input as doc(csp)
	contains(v.msg, text)
}

test_pass_strict_policy if {
	count(rule.deny) == 0 with input as doc(strict)
	count(rule.deny) == 0 with input as doc("default-src 'none'; style-src 'self'; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'")
}

# The class: each kind of unsafe source, in script-src or through default-src.
test_fail_unsafe_script_sources if {
	fails_with("default-src 'none'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'", "script-src allows 'unsafe-inline'")
	fails_with("default-src 'none'; script-src 'self' 'unsafe-eval'; frame-ancestors 'none'; base-uri 'none'", "'unsafe-eval'")
	fails_with("default-src *; frame-ancestors 'none'; base-uri 'none'", "default-src allows *")
	fails_with("default-src 'none'; script-src 'self' data:; frame-ancestors 'none'; base-uri 'none'", "allows data:")
	fails_with("default-src 'none'; script-src https:; frame-ancestors 'none'; base-uri 'none'", "allows https:")
}

test_fail_missing_directives if {
	fails_with("script-src 'self'; frame-ancestors 'none'; base-uri 'none'", "object-src")
	fails_with("default-src 'none'; script-src 'self'", "base-uri is missing")
	fails_with("upgrade-insecure-requests", "neither script-src nor default-src")
}
