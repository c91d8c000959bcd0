# WAF-003: every web ACL logs its requests, to a KMS-encrypted CloudWatch log group named
# aws-waf-logs-* (as WAF requires), with the authorization and cookie headers redacted: logs
# keep for years and must not hold session credentials.
package rules.waf.web_acl_logging

import data.lib.cdktf

metadata := {
	"id": "WAF-003",
	"title": "Every WAFv2 web ACL logs to an encrypted aws-waf-logs-* log group with authorization and cookie headers redacted",
	"severity": "high",
	"hipaa": ["L"],
	"control": "web ACL logging enabled, with sensitive fields redacted",
	"references": ["nag:WAFv2LoggingEnabled", "ckv:CKV2_AWS_31"],
	"fix": "Create the web ACL with WebAcl (modules/edge/waf.ts): it logs to an EncryptedLogGroup named aws-waf-logs-<acl> and redacts REDACTED_HEADERS.",
}

required_redactions := {"authorization", "cookie"}

logging_of(acl) := {c |
	some c in cdktf.resources("aws_wafv2_web_acl_logging_configuration")
	cdktf.refers_to(object.get(c.values, "resource_arn", null), acl)
}

deny contains cdktf.violation(metadata, acl, "no aws_wafv2_web_acl_logging_configuration for this web ACL") if {
	some acl in cdktf.resources("aws_wafv2_web_acl")
	count(logging_of(acl)) == 0
}

deny contains cdktf.violation(metadata, c, sprintf("headers not redacted: %s", [concat(", ", sort(missing))])) if {
	some c in cdktf.resources("aws_wafv2_web_acl_logging_configuration")
	redacted := {lower(h.name) |
		some field in cdktf.blocks(object.get(c.values, "redacted_fields", null))
		some h in cdktf.blocks(object.get(field, "single_header", null))
	}
	missing := required_redactions - redacted
	count(missing) > 0
}

deny contains cdktf.violation(metadata, c, sprintf("log destination %v is not a KMS-encrypted log group of this stack named aws-waf-logs-*", [dest])) if {
	some c in cdktf.resources("aws_wafv2_web_acl_logging_configuration")
	some dest in cdktf.as_array(object.get(c.values, "log_destination_configs", []))
	not encrypted_waf_log_group(dest)
}

encrypted_waf_log_group(dest) if {
	group := cdktf.target(dest)
	group.type == "aws_cloudwatch_log_group"
	startswith(group.values.name, "aws-waf-logs-")
	cdktf.is_kms_key_ref(object.get(group.values, "kms_key_id", null))
}
