# CDN-001: CloudFront serves viewers over HTTPS only, with TLS 1.2 (2021 ciphers) or newer
# and an ACM certificate for our own name, never the *.cloudfront.net default (which
# allows TLS 1.0).
package rules.cdn.viewer_tls

import data.lib.cdktf

metadata := {
	"id": "CDN-001",
	"title": "CloudFront distributions are HTTPS-only for viewers with TLSv1.2_2021 or newer and an ACM certificate",
	"severity": "critical",
	"hipaa": ["E", "T"],
	"control": "CloudFront: viewer HTTPS only, TLS 1.2_2021+, OAC to a private S3 origin, response headers with HSTS, logging, WAF",
	"references": ["ckv:CKV_AWS_34", "ckv:CKV_AWS_174"],
	"fix": "Create the distribution with FormsCdn (modules/edge/cdn.ts): viewer_protocol_policy https-only on every behavior, CLOUDFRONT_TLS_POLICY and the us-east-1 ACM certificate.",
}

allowed_tls := {"TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"}

behaviors(d) := array.concat(
	cdktf.blocks(object.get(d.values, "default_cache_behavior", null)),
	cdktf.blocks(object.get(d.values, "ordered_cache_behavior", null)),
)

deny contains cdktf.violation(metadata, d, sprintf("a cache behavior has viewer_protocol_policy %v; it must be https-only or redirect-to-https", [object.get(b, "viewer_protocol_policy", "absent")])) if {
	some d in cdktf.resources("aws_cloudfront_distribution")
	some b in behaviors(d)
	not object.get(b, "viewer_protocol_policy", "") in {"https-only", "redirect-to-https"}
}

deny contains cdktf.violation(metadata, d, sprintf("viewer_certificate.minimum_protocol_version is %v; use TLSv1.2_2021 or newer", [object.get(c, "minimum_protocol_version", "absent (TLSv1)")])) if {
	some d in cdktf.resources("aws_cloudfront_distribution")
	some c in cdktf.blocks(object.get(d.values, "viewer_certificate", null))
	not object.get(c, "minimum_protocol_version", "TLSv1") in allowed_tls
}

deny contains cdktf.violation(metadata, d, "viewer_certificate does not use an ACM certificate with sni-only (the default certificate allows TLS 1.0)") if {
	some d in cdktf.resources("aws_cloudfront_distribution")
	some c in cdktf.blocks(object.get(d.values, "viewer_certificate", null))
	not acm_sni(c)
}

acm_sni(c) if {
	not c.cloudfront_default_certificate == true
	cdktf.non_empty_string(object.get(c, "acm_certificate_arn", null))
	object.get(c, "ssl_support_method", "") == "sni-only"
}
