# CDN-003: the patient site's Content-Security-Policy stops injected script. Scripts are
# governed by script-src, or by default-src when script-src is absent; neither may allow
# 'unsafe-inline', 'unsafe-eval', 'unsafe-hashes', '*', data:, blob:, or a bare scheme
# (https:, http:) that admits any host. object-src (or default-src) must be 'none', and
# base-uri and frame-ancestors present, so plugins, base-tag hijacking and framing are shut.
package rules.cdn.content_security_policy

import data.lib.cdktf

metadata := {
	"id": "CDN-003",
	"title": "CloudFront's Content-Security-Policy allows no inline, eval'd or any-host script",
	"severity": "high",
	"hipaa": ["A", "I"],
	"control": "the Content-Security-Policy allows no inline, eval'd or any-host script; object-src 'none'; base-uri and frame-ancestors set (added row, docs/policy-data.md)",
	"references": ["ckv:CKV2_AWS_32", "own"],
	"fix": "Serve scripts from 'self' (or hashes/nonces) only; keep default-src 'none' with explicit directives as modules/edge/cdn.ts does, and set the CSP with override true.",
}

unsafe_sources := {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "*", "data:", "blob:", "https:", "http:", "filesystem:"}

# directive name -> sources, from the header value.
directives(csp) := {lower(parts[0]): array.slice(parts, 1, count(parts)) |
	some d in split(csp, ";")
	parts := [p | some p in split(trim_space(d), " "); p != ""]
	count(parts) > 0
}

csps contains [policy, value] if {
	some policy in cdktf.resources("aws_cloudfront_response_headers_policy")
	some headers in cdktf.blocks(object.get(policy.values, "security_headers_config", null))
	some csp in cdktf.blocks(object.get(headers, "content_security_policy", null))
	value := object.get(csp, "content_security_policy", "")
}

script_directive(d) := "script-src" if d["script-src"]

else := "default-src" if d["default-src"]

deny contains cdktf.violation(metadata, policy, "no Content-Security-Policy in security_headers_config") if {
	some policy in cdktf.resources("aws_cloudfront_response_headers_policy")
	not has_csp(policy)
}

has_csp(policy) if {
	some [p, value] in csps
	p.address == policy.address
	cdktf.non_empty_string(value)
}

deny contains cdktf.violation(metadata, policy, sprintf("%s allows %s for scripts", [name, source])) if {
	some [policy, value] in csps
	d := directives(value)
	name := script_directive(d)
	some directive in {name, "script-src-elem", "script-src-attr"}
	some source in object.get(d, directive, [])
	lower(source) in unsafe_sources
}

deny contains cdktf.violation(metadata, policy, "neither script-src nor default-src is set: any script loads") if {
	some [policy, value] in csps
	cdktf.non_empty_string(value)
	not script_directive(directives(value))
}

deny contains cdktf.violation(metadata, policy, sprintf("object-src is %v; plugins must be 'none'", [object.get(d, "object-src", object.get(d, "default-src", ["absent"]))])) if {
	some [policy, value] in csps
	d := directives(value)
	object.get(d, "object-src", object.get(d, "default-src", [])) != ["'none'"]
}

deny contains cdktf.violation(metadata, policy, sprintf("%s is missing (it does not fall back to default-src)", [directive])) if {
	some [policy, value] in csps
	d := directives(value)
	some directive in ["base-uri", "frame-ancestors"]
	not d[directive]
}
