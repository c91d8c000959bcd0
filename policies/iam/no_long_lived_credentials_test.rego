package rules.iam.no_long_lived_credentials_test

import data.rules.iam.fixtures_test as f
import data.rules.iam.no_long_lived_credentials as rule

test_pass_roles_only if {
	count(rule.deny) == 0 with input as f.stack(object.union(f.role("svc", {}), {"aws_iam_policy_attachment": {"a": {"//": f.meta("a"), "roles": ["r"], "policy_arn": "${aws_iam_policy.p.arn}"}}}))
}

test_fail_users_keys_passwords_and_groups if {
	d := f.stack({
		"aws_iam_user": {"u": {"//": f.meta("u"), "name": "ci"}},
		"aws_iam_access_key": {"k": {"//": f.meta("k"), "user": "${aws_iam_user.u.name}"}},
		"aws_iam_user_login_profile": {"l": {"//": f.meta("l"), "user": "ci"}},
		"aws_iam_group": {"g": {"//": f.meta("g"), "name": "admins"}},
		"aws_iam_policy_attachment": {"a": {"//": f.meta("a"), "groups": ["admins"], "policy_arn": "${aws_iam_policy.p.arn}"}},
	})
	result := rule.deny with input as d
	{v.address | some v in result} == {"aws_iam_user.u", "aws_iam_access_key.k", "aws_iam_user_login_profile.l", "aws_iam_group.g", "aws_iam_policy_attachment.a"}
}
