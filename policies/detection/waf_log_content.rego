# DET-006: what the WAF logs keep. A logging filter must not drop requests (a filter that keeps
# nothing, or drops a class of requests, leaves the audit record with holes), and a web ACL in
# front of an API whose paths carry secrets (a `{token}` path parameter: the invitation link)
# redacts the URI path, so the logs never hold a live token.
package rules.detection.waf_log_content

import data.lib.cdktf

metadata := {
	"id": "DET-006",
	"title": "WAF logs keep every request, and redact the URI path where API paths carry tokens",
	"severity": "high",
	"hipaa": ["L", "T"],
	"control": "web ACL logging enabled, with sensitive fields redacted (detection path: no logging filter drops requests; URI paths redacted where API paths carry tokens)",
	"references": ["own"],
	"fix": "Keep WebAcl's logging configuration without a logging_filter (modules/edge/waf.ts), and pass redactPaths for ACLs in front of APIs with token path parameters (modules/campaign/).",
}

deny contains cdktf.violation(metadata, c, sprintf("logging_filter drops requests (%s): the log no longer records everything", [concat("; ", sort(drops))])) if {
	some c in cdktf.resources("aws_wafv2_web_acl_logging_configuration")
	some f in cdktf.blocks(object.get(c.values, "logging_filter", null))
	drops := {d | some d in filter_drops(f)}
	count(drops) > 0
}

filter_drops(f) := array.concat(
	[sprintf("default_behavior %v", [f.default_behavior]) | upper(object.get(f, "default_behavior", "KEEP")) != "KEEP"],
	[sprintf("a filter with behavior %v", [x.behavior]) | some x in cdktf.blocks(object.get(f, "filter", null)); upper(object.get(x, "behavior", "KEEP")) != "KEEP"],
)

# Path parameters that hold a secret.
secret_parameter(part) if regex.match(`^\{[A-Za-z]*([Tt]oken|[Ss]ecret|[Kk]ey)[A-Za-z]*\+?\}$`, part)

# The REST APIs behind the ACL (through associations with their stages).
token_path_apis(acl) := {api |
	some association in cdktf.resources("aws_wafv2_web_acl_association")
	cdktf.refers_to(object.get(association.values, "web_acl_arn", null), acl)
	stage := cdktf.target(object.get(association.values, "resource_arn", null))
	stage.type == "aws_api_gateway_stage"
	api := cdktf.target(object.get(stage.values, "rest_api_id", null))
	some r in cdktf.resources("aws_api_gateway_resource")
	cdktf.refers_to(object.get(r.values, "rest_api_id", null), api)
	secret_parameter(object.get(r.values, "path_part", ""))
}

redacts_uri_path(c) if {
	some field in cdktf.blocks(object.get(c.values, "redacted_fields", null))
	object.get(field, "uri_path", null) != null
}

deny contains cdktf.violation(metadata, c, sprintf("does not redact uri_path, but the ACL protects %v, whose paths carry tokens", [sort([api.address | some api in apis])])) if {
	some acl in cdktf.resources("aws_wafv2_web_acl")
	apis := token_path_apis(acl)
	count(apis) > 0
	some c in cdktf.resources("aws_wafv2_web_acl_logging_configuration")
	cdktf.refers_to(object.get(c.values, "resource_arn", null), acl)
	not redacts_uri_path(c)
}
