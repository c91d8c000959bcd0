# IAM-011: no IAM users, groups, access keys, login profiles or other long-lived credentials.
# People sign in through IAM Identity Center (their persona's permission set, with MFA); workloads use
# roles. A user, a key or a console password in an environment account would be a standing
# credential outside that design (no MFA age, no boundary, no expiry). The design has no
# groups: personas are permission sets, so an IAM group would be a second, unreviewed way to grant.
package rules.iam.no_long_lived_credentials

import data.lib.cdktf

metadata := {
	"id": "IAM-011",
	"title": "No IAM users, groups, access keys, login profiles or other long-lived credentials",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "no IAM users, groups, access keys or login profiles: people sign in through their persona's Identity Center permission set (added row, docs/policy-data.md)",
	"references": ["nag:IAMUserGroupMembership", "ckv:CKV_AWS_273", "own"],
	"fix": "Remove the user, key or group; put the person in their persona's Identity Center group (organization.identityCenter, docs/organization.md), and give the workload a role.",
}

credential_types := {
	"aws_iam_user": "an IAM user",
	"aws_iam_access_key": "an access key",
	"aws_iam_user_login_profile": "a console password",
	"aws_iam_user_ssh_key": "an SSH key for CodeCommit",
	"aws_iam_service_specific_credential": "a service-specific password",
	"aws_iam_signing_certificate": "a signing certificate",
	"aws_iam_virtual_mfa_device": "an MFA device for a user",
	"aws_iam_group": "an IAM group (personas are roles)",
	"aws_iam_group_membership": "group membership",
	"aws_iam_user_group_membership": "group membership",
	"aws_iam_group_policy": "a group policy",
	"aws_iam_group_policy_attachment": "a group policy attachment",
}

deny contains cdktf.violation(metadata, r, sprintf("%s is %s, a long-lived credential or grant outside the persona roles", [r.type, what])) if {
	some type, what in credential_types
	some r in cdktf.resources(type)
}

deny contains cdktf.violation(metadata, r, "aws_iam_policy_attachment attaches the policy to groups") if {
	some r in cdktf.resources("aws_iam_policy_attachment")
	count(cdktf.as_array(object.get(r.values, "groups", []))) > 0
}
