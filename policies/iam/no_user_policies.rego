# IAM-006: no policy is attached to, or written inline on, an IAM user. People get their
# permissions only from persona roles (with MFA and a boundary), never from a user.
package rules.iam.no_user_policies

import data.lib.cdktf

metadata := {
	"id": "IAM-006",
	"title": "No IAM user has an inline or attached policy",
	"severity": "high",
	"hipaa": ["A"],
	"control": "no inline user policies; users only in groups; no policies attached to users",
	"references": ["nag:IAMNoInlinePolicy", "nag:IAMUserNoPolicies", "nag:IAMUserGroupMembership"],
	"fix": "Remove the user policy; give the person a persona role (modules/iam/personas.ts) they assume from the identity account with MFA.",
}

deny contains cdktf.violation(metadata, r, sprintf("%s gives an IAM user permissions directly", [r.type])) if {
	some type in {"aws_iam_user_policy", "aws_iam_user_policy_attachment"}
	some r in cdktf.resources(type)
}

deny contains cdktf.violation(metadata, r, "aws_iam_policy_attachment attaches the policy to IAM users") if {
	some r in cdktf.resources("aws_iam_policy_attachment")
	count(cdktf.as_array(object.get(r.values, "users", []))) > 0
}
