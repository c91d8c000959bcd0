package rules.iam.boundaries_deny_escalation_test

import data.rules.iam.boundaries_deny_escalation as rule
import data.rules.iam.fixtures_test as f

allow := {"dev": {"account": "111111111111"}}

boundary_arns := ["arn:aws:iam::111111111111:policy/medicare-dev-human-boundary"]

forbidden := ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "logs:DeleteLogGroup", "iam:CreateUser", "iam:CreateAccessKey", "iam:DeleteRolePermissionsBoundary"]

statements(allow_actions, deny_condition) := [
	{"Sid": "Ceiling", "Effect": "Allow", "Action": allow_actions, "Resource": "*"},
	object.union({"Sid": "Forbidden", "Effect": "Deny", "Action": forbidden, "Resource": "*"}, deny_condition),
	{"Sid": "Boundaries", "Effect": "Deny", "Action": ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"], "Resource": "arn:aws:iam::111111111111:policy/medicare-dev-*-boundary"},
	{"Sid": "Bounded", "Effect": "Deny", "Action": ["iam:CreateRole", "iam:PutRolePermissionsBoundary"], "Resource": "*", "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": boundary_arns}}},
]

boundary(stmts) := f.stack({"aws_iam_policy": {"b": {
	"//": f.meta("human-boundary"), "name": "medicare-dev-human-boundary",
	"tags": {"policy-role": "permission-boundary"}, "policy": f.doc(stmts),
}}})

findings(d) := {v.msg | some v in result} if {
	result := rule.deny with input as d with data.principal_allowlist as allow
}

fails_with(d, text) if {
	some msg in findings(d)
	contains(msg, text)
}

# The ceiling covers forbidden actions; the whole Denies block each of them.
ceiling := array.concat(["s3:GetObject", "iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:DeletePolicy"], forbidden)

test_pass_ceiling_with_whole_denies if {
	count(findings(boundary(statements(ceiling, {})))) == 0
}

# Not covered by the Allow at all: nothing to deny.
test_pass_narrow_ceiling_without_denies if {
	count(findings(boundary([{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]))) == 0
}

# The class: different ways of opening the Deny, each on a ceiling that covers the action.
test_fail_deny_removed_conditioned_or_scoped if {
	fails_with(boundary([{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]), "iam:CreateAccessKey")
	fails_with(boundary(statements(["cloudtrail:*"], {"Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-2"}}})), "cloudtrail:StopLogging")
	fails_with(boundary(statements(["logs:*"], {"Condition": {"StringNotEquals": {"aws:PrincipalAccount": "111111111111"}}})), "logs:DeleteLogGroup")
	fails_with(boundary(statements(["kms:*"], {})), "kms:ScheduleKeyDeletion")
}

test_fail_role_creation_with_any_boundary if {
	stmts := [
		{"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
		{"Effect": "Deny", "Action": ["cloudtrail:*", "config:*", "guardduty:*", "securityhub:*", "logs:*", "kms:*", "ec2:DeleteFlowLogs", "cloudwatch:*", "iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:AddUserToGroup", "iam:CreateServiceSpecificCredential", "iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"], "Resource": "*"},
		{"Effect": "Deny", "Action": ["iam:CreateRole", "iam:PutRolePermissionsBoundary"], "Resource": "*", "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": ["arn:aws:iam::111111111111:policy/any-policy-at-all"]}}},
	]
	fails_with(boundary(stmts), "iam:CreateRole, iam:PutRolePermissionsBoundary")
	count(findings(boundary(array.concat(array.slice(stmts, 0, 2), [object.union(stmts[2], {"Condition": {"StringNotEquals": {"iam:PermissionsBoundary": boundary_arns}}})])))) == 0
}
