package rules.iam.no_user_policies_test

import data.rules.iam.fixtures_test as f
import data.rules.iam.no_user_policies as rule

fails(resources) if {
	some v in rule.deny with input as f.stack(resources)
	v.rule_id == "IAM-006"
}

test_pass_role_attachment if {
	count(rule.deny) == 0 with input as f.stack({"aws_iam_policy_attachment": {"a": {"//": f.meta("dev-security/a"), "roles": ["r"], "policy_arn": "arn:aws:iam::111111111111:policy/p"}}})
}

test_fail_user_policy if {
	fails({"aws_iam_user_policy": {"u": {"//": f.meta("dev-security/u"), "user": "admin", "policy": "{}"}}})
}

test_fail_user_policy_attachment if {
	fails({"aws_iam_user_policy_attachment": {"u": {"//": f.meta("dev-security/u"), "user": "admin", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}}})
}

test_fail_policy_attachment_to_users if {
	fails({"aws_iam_policy_attachment": {"a": {"//": f.meta("dev-security/a"), "users": ["admin"], "policy_arn": "arn:aws:iam::111111111111:policy/p"}}})
}
