package rules.cdn.viewer_tls_test

import data.rules.cdn.viewer_tls as rule

good := {
	"//": {"metadata": {"path": "dev-edge/forms-cdn/distribution"}},
	"default_cache_behavior": {"viewer_protocol_policy": "https-only"},
	"viewer_certificate": {"acm_certificate_arn": "${aws_acm_certificate_validation.v.certificate_arn}", "ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021"},
}

fails(d) if {
	some v in rule.deny with input as {"resource": {"aws_cloudfront_distribution": {"d": d}}}
	v.rule_id == "CDN-001"
}

test_pass_https_only_tls12_2021 if {
	count(rule.deny) == 0 with input as {"resource": {"aws_cloudfront_distribution": {"d": good}}}
}

test_fail_tls10_or_old_tls12 if {
	fails(json.patch(good, [{"op": "replace", "path": "/viewer_certificate/minimum_protocol_version", "value": "TLSv1"}]))
	fails(json.patch(good, [{"op": "replace", "path": "/viewer_certificate/minimum_protocol_version", "value": "TLSv1.2_2018"}]))
}

test_fail_plain_http_viewers if {
	fails(json.patch(good, [{"op": "replace", "path": "/default_cache_behavior/viewer_protocol_policy", "value": "allow-all"}]))
	fails(object.union(good, {"ordered_cache_behavior": [{"path_pattern": "/info/*", "viewer_protocol_policy": "allow-all"}]}))
}

test_fail_default_certificate if {
	fails(object.union(good, {"viewer_certificate": {"cloudfront_default_certificate": true, "minimum_protocol_version": "TLSv1.2_2021"}}))
}
