# AUD-006: Security Hub is on with the AWS Foundational Security Best Practices and CIS
# AWS Foundations Benchmark standards, and IAM Access Analyzer watches for resources shared
# outside the account; the security stack must have both.
package rules.audit.security_hub

import data.lib.audit
import data.lib.cdktf

metadata := {
	"id": "AUD-006",
	"title": "Security Hub is enabled with the FSBP and CIS standards, and IAM Access Analyzer is on",
	"severity": "high",
	"hipaa": ["L"],
	"control": "Security Hub enabled with FSBP and CIS standards",
	"references": ["cfg:SECURITYHUB_ENABLED"],
	"fix": "Keep ThreatDetection (modules/security/threat-detection.ts): SecurityhubAccount, a standards subscription per securityHubStandards entry, and the account analyzer.",
}

stack_resource(type) := {"path": audit.stack_name, "address": type}

deny contains cdktf.violation(metadata, stack_resource("aws_securityhub_account"), "the security stack does not enable Security Hub") if {
	audit.is_security_stack
	count(cdktf.resources("aws_securityhub_account")) == 0
}

deny contains cdktf.violation(metadata, stack_resource("aws_securityhub_account"), sprintf("Security Hub is not enabled for provider(s) %v", [sort(missing)])) if {
	audit.is_security_stack
	count(cdktf.resources("aws_securityhub_account")) > 0
	missing := cdktf.providers_without("aws_securityhub_account")
	count(missing) > 0
}

standards := {"aws-foundational-security-best-practices", "cis-aws-foundations-benchmark"}

subscribed(provider) := {standard |
	some s in cdktf.resources("aws_securityhub_standards_subscription")
	cdktf.provider_of(s) == provider
	some standard in standards
	contains(object.get(s.values, "standards_arn", ""), sprintf("/%s/", [standard]))
}

# Per region (provider): the backup region's hub runs the same standards as the primary's.
deny contains cdktf.violation(metadata, stack_resource("aws_securityhub_standards_subscription"), sprintf("Security Hub (provider %s) is not subscribed to %v", [provider, sort(missing)])) if {
	audit.is_security_stack
	some provider in cdktf.providers_or_default
	missing := standards - subscribed(provider)
	count(missing) > 0
}

deny contains cdktf.violation(metadata, stack_resource("aws_accessanalyzer_analyzer"), "the security stack has no IAM Access Analyzer for the account") if {
	audit.is_security_stack
	count([a | some a in cdktf.resources("aws_accessanalyzer_analyzer"); object.get(a.values, "type", "ACCOUNT") in {"ACCOUNT", "ORGANIZATION"}]) == 0
}
