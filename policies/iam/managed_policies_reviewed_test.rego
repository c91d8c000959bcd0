package rules.iam.managed_policies_reviewed_test

import data.rules.iam.fixtures_test as f
import data.rules.iam.managed_policies_reviewed as rule

allowlist := {"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": {"why": "Session Manager and patching on the web fleet's instances"}}

findings(d) := {v.msg | some v in result} if {
	result := rule.deny with input as d with data.managed_policy_allowlist as allowlist
}

attachment(name, arn) := {"aws_iam_role_policy_attachment": {name: {"//": f.meta(name), "role": "${aws_iam_role.r.name}", "policy_arn": arn}}}

test_pass_allowlisted_and_customer_managed if {
	count(findings(f.stack(object.union(
		attachment("ssm", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"),
		{"aws_iam_policy_attachment": {"own": {"//": f.meta("own"), "roles": ["r"], "policy_arn": "${aws_iam_policy.own.arn}"}}},
	)))) == 0
}

# The class: any broad AWS-managed policy, by any attachment mechanism.
test_fail_unreviewed_managed_policies_by_every_mechanism if {
	d := f.stack(object.union_n([
		attachment("admin", "arn:aws:iam::aws:policy/AdministratorAccess"),
		f.role("reader", {"managed_policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}),
		{"aws_iam_group_policy_attachment": {"g": {"//": f.meta("g"), "group": "ops", "policy_arn": "arn:aws:iam::aws:policy/job-function/SystemAdministrator"}}},
		{"aws_iam_role_policy_attachments_exclusive": {"x": {"//": f.meta("x"), "role_name": "r", "policy_arns": ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]}}},
	]))
	msgs := findings(d)
	some a in msgs
	contains(a, "AdministratorAccess")
	some b in msgs
	contains(b, "ReadOnlyAccess")
	some c in msgs
	contains(c, "SystemAdministrator")
	some e in msgs
	contains(e, "AmazonS3FullAccess")
}
