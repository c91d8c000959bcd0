# AUD-005: Inspector v2 scans EC2 instances, ECR images and Lambda functions (packages and
# code) for vulnerabilities; the security stack must enable it for this account.
package rules.audit.inspector

import data.lib.audit
import data.lib.cdktf

metadata := {
	"id": "AUD-005",
	"title": "Inspector v2 is enabled for EC2, ECR, Lambda and Lambda code",
	"severity": "medium",
	"hipaa": ["P"],
	"control": "Inspector v2 enabled for EC2, ECR and Lambda",
	"references": ["own"],
	"fix": "Keep ThreatDetection's Inspector2Enabler with resource_types EC2, ECR, LAMBDA and LAMBDA_CODE.",
}

required_types := {"EC2", "ECR", "LAMBDA", "LAMBDA_CODE"}

# Per region (provider): the backup region's Inspector must scan everything the primary's does.
enabled_types(provider) := {t |
	some enabler in cdktf.resources("aws_inspector2_enabler")
	cdktf.provider_of(enabler) == provider
	some t in cdktf.as_array(object.get(enabler.values, "resource_types", []))
}

deny contains cdktf.violation(metadata, {"path": audit.stack_name, "address": "aws_inspector2_enabler"}, sprintf("Inspector v2 is not enabled for %v%v", [sort(missing), where])) if {
	audit.is_security_stack
	some provider in cdktf.providers_or_default
	missing := required_types - enabled_types(provider)
	count(missing) > 0
	where := region_note(provider)
}

region_note(provider) := "" if provider == "aws"

region_note(provider) := sprintf(" (provider %s)", [provider]) if provider != "aws"
