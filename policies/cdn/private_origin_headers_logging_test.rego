package rules.cdn.private_origin_headers_logging_test

import data.rules.cdn.private_origin_headers_logging as rule

base := {
	"aws_cloudfront_origin_access_control": {"oac": {"signing_behavior": "always", "signing_protocol": "sigv4", "origin_access_control_origin_type": "s3"}},
	"aws_cloudfront_response_headers_policy": {"h": {"security_headers_config": {
		"strict_transport_security": {"access_control_max_age_sec": 63072000, "include_subdomains": true, "override": true},
		"content_security_policy": {"content_security_policy": "default-src 'none'", "override": true},
	}}},
	"aws_cloudfront_distribution": {"d": {
		"//": {"metadata": {"path": "dev-edge/forms-cdn/distribution"}},
		"origin": [{"origin_id": "forms", "domain_name": "${aws_s3_bucket.b.bucket_regional_domain_name}", "origin_access_control_id": "${aws_cloudfront_origin_access_control.oac.id}"}],
		"default_cache_behavior": {"response_headers_policy_id": "${aws_cloudfront_response_headers_policy.h.id}"},
	}},
	"aws_cloudwatch_log_delivery_source": {"s": {"name": "medicare-dev-forms-access", "log_type": "ACCESS_LOGS", "resource_arn": "${aws_cloudfront_distribution.d.arn}"}},
	"aws_cloudwatch_log_delivery": {"l": {"delivery_source_name": "${aws_cloudwatch_log_delivery_source.s.name}", "delivery_destination_arn": "${aws_cloudwatch_log_delivery_destination.x.arn}"}},
}

fails(d) if {
	some v in rule.deny with input as {"resource": d}
	v.rule_id == "CDN-002"
	v.resource_path == "dev-edge/forms-cdn/distribution"
}

test_pass_oac_headers_logging if {
	count(rule.deny) == 0 with input as {"resource": base}
}

test_fail_origin_without_oac_or_unsigned if {
	fails(json.patch(base, [{"op": "remove", "path": "/aws_cloudfront_distribution/d/origin/0/origin_access_control_id"}]))
	fails(json.patch(base, [{"op": "replace", "path": "/aws_cloudfront_origin_access_control/oac/signing_behavior", "value": "no-override"}]))
}

test_fail_weak_or_missing_headers if {
	fails(json.patch(base, [{"op": "remove", "path": "/aws_cloudfront_distribution/d/default_cache_behavior/response_headers_policy_id"}]))
	fails(json.patch(base, [{"op": "replace", "path": "/aws_cloudfront_response_headers_policy/h/security_headers_config/strict_transport_security/access_control_max_age_sec", "value": 3600}]))
	fails(json.patch(base, [{"op": "remove", "path": "/aws_cloudfront_response_headers_policy/h/security_headers_config/content_security_policy"}]))
}

test_pass_the_forms_policy_as_synthesized if {
	csp := "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'; upgrade-insecure-requests"
	count(rule.deny) == 0 with input as {"resource": json.patch(base, [{"op": "replace", "path": "/aws_cloudfront_response_headers_policy/h/security_headers_config/content_security_policy/content_security_policy", "value": csp}])}
}

test_fail_csp_that_allows_inline_or_anything if {
	every csp in [
		"default-src 'none'; style-src 'self' 'unsafe-inline'",
		"default-src 'none'; script-src 'unsafe-eval'",
		"default-src 'none'; style-src 'UNSAFE-INLINE'",
		"default-src *",
		"default-src 'self'; img-src data:",
		"default-src 'none'; style-src http:",
		"style-src 'self'",
		"default-src 'self' https:",
		"",
	] {
		fails(json.patch(base, [{"op": "replace", "path": "/aws_cloudfront_response_headers_policy/h/security_headers_config/content_security_policy/content_security_policy", "value": csp}]))
	}
}

test_fail_csp_not_overriding_the_origin if {
	fails(json.patch(base, [{"op": "replace", "path": "/aws_cloudfront_response_headers_policy/h/security_headers_config/content_security_policy/override", "value": false}]))
}

test_fail_no_logging if {
	fails(object.remove(base, ["aws_cloudwatch_log_delivery"]))
}
