package rules.iam.password_policy_test

import data.rules.iam.fixtures_test as f
import data.rules.iam.password_policy as rule

strong := {
	"//": f.meta("dev-security/password-policy/policy"),
	"minimum_password_length": 14, "require_lowercase_characters": true, "require_uppercase_characters": true,
	"require_numbers": true, "require_symbols": true, "password_reuse_prevention": 24, "max_password_age": 90,
}

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "IAM-007"
}

test_pass_strong_policy if {
	count(rule.deny) == 0 with input as f.stack({"aws_iam_account_password_policy": {"p": strong}})
}

test_pass_other_stacks_need_none if {
	count(rule.deny) == 0 with input as {"//": {"metadata": {"stackName": "dev-data"}}, "resource": {}}
}

test_fail_missing_in_security_stack if {
	fails(f.stack({}))
}

test_fail_no_symbols if {
	fails(f.stack({"aws_iam_account_password_policy": {"p": object.union(strong, {"require_symbols": false})}}))
}

test_fail_passwords_never_expire if {
	fails(f.stack({"aws_iam_account_password_policy": {"p": object.union(strong, {"max_password_age": 0})}}))
}

test_fail_short_reuse_history if {
	fails(f.stack({"aws_iam_account_password_policy": {"p": object.union(strong, {"password_reuse_prevention": 5})}}))
}
