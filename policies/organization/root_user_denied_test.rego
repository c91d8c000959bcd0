package rules.organization.root_user_denied_test

import data.rules.organization.fixtures_test as f
import data.rules.organization.root_user_denied as rule

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "ORG-002"
}

test_pass_organization_stack if count(rule.deny) == 0 with input as f.organization_stack

test_pass_not_an_organization_stack if count(rule.deny) == 0 with input as f.env_stack

test_fail_removed if fails(f.with_statements("root", [{"Sid": "X", "Effect": "Deny", "Action": "ec2:*", "Resource": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}]))

test_fail_only_some_actions if fails(f.edited("root", {"Action": ["iam:*", "s3:*"]}))

test_fail_detached if fails(f.with_targets("root", []))

test_fail_other_principal if fails(f.edited("root", {"Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:root"}}}))

test_fail_extra_condition if fails(f.edited("root", {"Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}, "Bool": {"aws:MultiFactorAuthPresent": "false"}}}))
