package rules.organization.regions_restricted_test

import data.rules.organization.fixtures_test as f
import data.rules.organization.regions_restricted as rule

global := ["iam:*", "organizations:*", "sts:*", "route53:*"]

fails(d) if {
	some v in rule.deny with input as d with data.scp_global_service_actions as global
	v.rule_id == "ORG-003"
}

passes(d) if count(rule.deny) == 0 with input as d with data.scp_global_service_actions as global

test_pass_organization_stack if passes(f.organization_stack)

test_pass_not_an_organization_stack if passes(f.env_stack)

test_fail_removed if fails(f.with_targets("regions", []))

test_fail_regional_service_exempted if fails(f.edited("regions", {"NotAction": ["iam:*", "s3:*"]}))

test_fail_wildcard_region if fails(f.edited("regions", {"Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-*"]}}}))

test_fail_like_operator if fails(f.edited("regions", {"Condition": {"StringNotLike": {"aws:RequestedRegion": ["eu-west-2"]}}}))

test_fail_exempt_role if fails(f.edited("regions", {"Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-2"]}, "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}}))
