# IAM-009: an AWS-managed policy is attached to a role only when it is in the reviewed
# allowlist (policies/data/managed_policy_allowlist.json) with the reason. AWS-managed
# policies are broad, change without review (AWS edits them) and are not analysed by the
# action and resource rules, which see only the documents in the stacks: one
# ReadOnlyAccess or AdministratorAccess attachment would undo every least-privilege policy.
package rules.iam.managed_policies_reviewed

import data.lib.cdktf

metadata := {
	"id": "IAM-009",
	"title": "AWS-managed policies are attached only from the reviewed allowlist",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "no AWS-managed policy is attached to a role unless reviewed and allowlisted with its reason (added row, docs/policy-data.md)",
	"references": ["nag:IAMNoManagedPolicies", "own"],
	"fix": "Write the permissions the role needs as a policy in the stack (so the IAM rules analyse them); if an AWS-managed policy is truly needed, add it to policies/data/managed_policy_allowlist.json with the roles it is for and why, reviewed like code.",
}

aws_managed(arn) if {
	is_string(arn)
	regex.match(`^arn:aws[a-z-]*:iam::aws:policy/`, arn)
}

# [resource, policy ARN, what it is attached to] for every way of attaching a managed policy.
attachments contains [r, r.values.policy_arn, object.get(r.values, "role", "")] if {
	some type in {"aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_user_policy_attachment"}
	some r in cdktf.resources(type)
}

attachments contains [r, arn, r.address] if {
	some r in cdktf.resources("aws_iam_role")
	some arn in cdktf.as_array(object.get(r.values, "managed_policy_arns", []))
}

attachments contains [r, arn, object.get(r.values, "role_name", "")] if {
	some r in cdktf.resources("aws_iam_role_policy_attachments_exclusive")
	some arn in cdktf.as_array(object.get(r.values, "policy_arns", []))
}

deny contains cdktf.violation(metadata, r, sprintf("attaches the AWS-managed policy %s, which is not in the reviewed allowlist (policies/data/managed_policy_allowlist.json)", [arn])) if {
	some [r, arn, _] in attachments
	aws_managed(arn)
	not data.managed_policy_allowlist[arn]
}

deny contains cdktf.violation(metadata, r, sprintf("attaches %s, which is not a literal policy ARN, so it cannot be reviewed", [arn])) if {
	some [r, arn, _] in attachments
	not is_string(arn)
}
