# EXP-002: a role that a machine outside AWS assumes through IAM Roles Anywhere reaches S3
# only through a named VPC endpoint (aws:SourceVpce): for the on-premises export puller that
# is the S3 interface endpoint in the data tier, reachable only over the site-to-site VPN.
# Credentials stolen from that machine are then useless from the internet. Managed policies
# cannot be checked here, so such a role gets inline statements only.
package rules.export.roles_anywhere_s3_via_endpoint

import data.lib.cdktf
import data.lib.export

metadata := {
	"id": "EXP-002",
	"title": "Roles assumed through IAM Roles Anywhere use S3 only through a named VPC endpoint",
	"severity": "critical",
	"hipaa": ["A", "T"],
	"control": "daily snapshot export to an Object-Lock S3 bucket that the on-prem server pulls over the VPN (ARCHITECTURE.md, data stack)",
	"references": ["own"],
	"fix": "Give every S3 statement of the role StringEquals aws:SourceVpce = the on-premises S3 endpoint's id, as DailyExport's puller policy does (modules/data/export.ts); attach no managed policies.",
}

s3_action(action) if startswith(lower(action), "s3:")

s3_action(action) if action == "*"

deny contains cdktf.violation(metadata, policy, sprintf("statement %q grants %v without StringEquals aws:SourceVpce; the role is used from outside AWS", [object.get(stmt, "Sid", "(no Sid)"), actions])) if {
	some role in export.external_roles
	some policy in cdktf.resources("aws_iam_role_policy")
	export.names_role(object.get(policy.values, "role", null), role)
	some stmt in cdktf.statements(object.get(policy.values, "policy", null))
	stmt.Effect == "Allow"
	actions := [a | some a in cdktf.as_array(stmt.Action); s3_action(a)]
	count(actions) > 0
	not export.pinned(stmt, {"StringEquals"}, "aws:SourceVpce")
}

deny contains cdktf.violation(metadata, role, sprintf("inline policy statement %q grants %v without StringEquals aws:SourceVpce", [object.get(stmt, "Sid", "(no Sid)"), actions])) if {
	some role in export.external_roles
	some inline in cdktf.blocks(object.get(role.values, "inline_policy", null))
	some stmt in cdktf.statements(object.get(inline, "policy", null))
	stmt.Effect == "Allow"
	actions := [a | some a in cdktf.as_array(stmt.Action); s3_action(a)]
	count(actions) > 0
	not export.pinned(stmt, {"StringEquals"}, "aws:SourceVpce")
}

deny contains cdktf.violation(metadata, role, "managed policies are attached; a role used from outside AWS gets inline statements only, each S3 grant tied to its VPC endpoint") if {
	some role in export.external_roles
	count(cdktf.as_array(object.get(role.values, "managed_policy_arns", null))) > 0
}

deny contains cdktf.violation(metadata, attachment, "attaches a managed policy to a role used from outside AWS; use inline statements tied to the VPC endpoint") if {
	some role in export.external_roles
	some attachment in cdktf.resources("aws_iam_role_policy_attachment")
	export.names_role(object.get(attachment.values, "role", null), role)
}
