# ORG-004: every SCP fits AWS's limit of 5,120 characters (the document as sent), and no
# target carries more than five SCPs (FullAWSAccess included): over either, the apply fails
# half-way through the guardrails.
package rules.organization.scp_size

import data.lib.cdktf
import data.lib.organization as org

metadata := {
	"id": "ORG-004",
	"title": "Every SCP is within 5,120 characters and every target within five SCPs",
	"severity": "medium",
	"hipaa": ["A"],
	"control": "SCP documents within AWS's size and attachment limits (ARCHITECTURE.md, organization stack: service control policies)",
	"references": ["own"],
	"fix": "Split the SCP (modules/organization/service-control-policies.ts) or attach some to the OUs instead of the root; checkServiceControlPolicies says which.",
}

max_characters := 5120

max_per_target := 5

deny contains cdktf.violation(metadata, p, sprintf("the SCP is %d characters, over AWS's %d", [count(p.values.content), max_characters])) if {
	some p in org.scps
	count(p.values.content) > max_characters
}

deny contains cdktf.violation(metadata, {"path": target, "address": target}, sprintf("%s carries %d SCPs plus FullAWSAccess, over AWS's %d", [target, n, max_per_target])) if {
	some a in cdktf.resources("aws_organizations_policy_attachment")
	target := a.values.target_id
	n := count([b | some b in cdktf.resources("aws_organizations_policy_attachment"); b.values.target_id == target])
	n + 1 > max_per_target
}
