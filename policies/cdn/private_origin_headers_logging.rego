# CDN-002: CloudFront reads a private S3 origin only through origin access control (signed
# with SigV4 on every request), adds security headers with HSTS (>= 1 year) and a strict
# content security policy (default-src 'none' or 'self'; nothing 'unsafe-inline', 'unsafe-eval',
# 'unsafe-hashes', "*", data: or http:, so no inline style or script ever runs) to every
# response, and logs access (standard logging v2).
package rules.cdn.private_origin_headers_logging

import data.lib.cdktf

metadata := {
	"id": "CDN-002",
	"title": "CloudFront reads S3 only through OAC, sends HSTS and a strict CSP (no unsafe-inline) on every behavior, and logs access",
	"severity": "high",
	"hipaa": ["E", "T", "L"],
	"control": "CloudFront: viewer HTTPS only, TLS 1.2_2021+, OAC to a private S3 origin, response headers with HSTS, logging, WAF",
	"references": ["ckv:CKV_AWS_86", "ckv:CKV_AWS_259", "ckv:CKV2_AWS_32", "ckv:CKV2_AWS_46"],
	"fix": "Create the distribution with FormsCdn (modules/edge/cdn.ts): an OAC (always, sigv4) on the S3 origin, its security-headers policy on every behavior, and a log delivery of ACCESS_LOGS.",
}

min_hsts_seconds := 31536000

deny contains cdktf.violation(metadata, d, sprintf("origin %v has no origin access control of this stack (signing always, sigv4)", [object.get(o, "origin_id", "?")])) if {
	some d in cdktf.resources("aws_cloudfront_distribution")
	some o in cdktf.blocks(object.get(d.values, "origin", null))
	not signed_origin(o)
}

signed_origin(o) if {
	oac := cdktf.target(object.get(o, "origin_access_control_id", null))
	oac.type == "aws_cloudfront_origin_access_control"
	oac.values.signing_behavior == "always"
	oac.values.signing_protocol == "sigv4"
	count(cdktf.blocks(object.get(o, "custom_origin_config", null))) == 0
}

behaviors(d) := array.concat(
	cdktf.blocks(object.get(d.values, "default_cache_behavior", null)),
	cdktf.blocks(object.get(d.values, "ordered_cache_behavior", null)),
)

deny contains cdktf.violation(metadata, d, sprintf("cache behavior for %v has no response headers policy of this stack with HSTS (max-age >= 1 year, override) and a strict content security policy (override; default-src 'none' or 'self'; no 'unsafe-inline', 'unsafe-eval', 'unsafe-hashes', *, data: or http:)", [object.get(b, "path_pattern", "default")])) if {
	some d in cdktf.resources("aws_cloudfront_distribution")
	some b in behaviors(d)
	not secure_headers(b)
}

# The lookup is inside the function: a missing policy id must make it false, not undefined.
secure_headers(b) if {
	p := cdktf.target(object.get(b, "response_headers_policy_id", null))
	p.type == "aws_cloudfront_response_headers_policy"
	some s in cdktf.blocks(object.get(p.values, "security_headers_config", null))
	some hsts in cdktf.blocks(object.get(s, "strict_transport_security", null))
	to_number(hsts.access_control_max_age_sec) >= min_hsts_seconds
	hsts.override == true
	some csp in cdktf.blocks(object.get(s, "content_security_policy", null))
	csp.override == true
	strict_csp(object.get(csp, "content_security_policy", null))
}

weak_sources := {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:"}

strict_csp(policy) if {
	cdktf.non_empty_string(policy)
	directives := [trim_space(d) | some d in split(policy, ";")]
	some d in directives
	[name, source] := split(d, " ")
	name == "default-src"
	source in {"'none'", "'self'"}
	not weak_source(policy)
}

weak_source(policy) if {
	some token in split(replace(replace(policy, ";", " "), "\t", " "), " ")
	lower(token) in weak_sources
}

deny contains cdktf.violation(metadata, d, "no access logging: neither a log delivery source (ACCESS_LOGS) delivered somewhere nor logging_config") if {
	some d in cdktf.resources("aws_cloudfront_distribution")
	not logged(d)
}

logged(d) if {
	some src in cdktf.resources("aws_cloudwatch_log_delivery_source")
	cdktf.refers_to(object.get(src.values, "resource_arn", null), d)
	src.values.log_type == "ACCESS_LOGS"
	some delivery in cdktf.resources("aws_cloudwatch_log_delivery")
	cdktf.refers_to(object.get(delivery.values, "delivery_source_name", null), src)
}

logged(d) if {
	some c in cdktf.blocks(object.get(d.values, "logging_config", null))
	cdktf.non_empty_string(object.get(c, "bucket", null))
}
