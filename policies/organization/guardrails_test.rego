package rules.organization.guardrails_test

import data.rules.organization.fixtures_test as f
import data.rules.organization.guardrails as rule

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "ORG-001"
}

test_pass_organization_stack if count(rule.deny) == 0 with input as f.organization_stack

test_pass_not_an_organization_stack if count(rule.deny) == 0 with input as f.env_stack

test_pass_service_wildcard_covers_actions if count(rule.deny) == 0 with input as f.with_statements("users", [{"Sid": "U", "Effect": "Deny", "Resource": "*", "Action": "iam:Create*"}])

test_fail_leave_policy_removed if fails(f.with_statements("leave", [{"Sid": "X", "Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*"}]))

test_fail_leave_detached if fails(f.with_targets("leave", []))

test_fail_kms_on_only_some_ous if fails(f.stack(f.resources(f.statements, object.union(f.targets, {"kms": []}))))

test_fail_audit_action_dropped if fails(f.edited("audit", {"Action": ["cloudtrail:StopLogging"]}))

test_fail_audit_exempts_every_role if fails(f.edited("audit", {"Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}}))

test_fail_audit_exempts_two_roles if fails(f.edited("audit", {"Condition": {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/a", "arn:aws:iam::*:role/b"]}}}))

test_fail_audit_extra_condition if fails(f.edited("audit", {"Condition": object.union(f.deployment, {"StringEquals": {"aws:RequestedRegion": "eu-west-2"}})}))

test_fail_audit_narrowed_resource if fails(f.edited("audit", {"Resource": "arn:aws:cloudtrail:*:*:trail/other"}))

test_fail_audit_allow_not_deny if fails(f.edited("audit", {"Effect": "Allow"}))

test_fail_users_exempt_a_role if fails(f.edited("users", {"Condition": f.deployment}))

test_fail_leave_conditioned if fails(f.edited("leave", {"Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}}}))

test_fail_kms_exempts_everyone_by_service if fails(f.edited("kms", {"Condition": {"StringNotEquals": {"aws:PrincipalServiceName": "x"}}}))

test_fail_s3_block_removed if fails(f.with_statements("s3", [{"Sid": "X", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]))

test_fail_boundary_resource_narrowed if fails(f.with_statements("audit", array.concat([f.statements.audit[0]], [object.union(f.statements.audit[1], {"Resource": "arn:aws:iam::*:policy/other"}), f.statements.audit[2]])))
