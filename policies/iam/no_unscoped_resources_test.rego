package rules.iam.no_unscoped_resources_test

import data.rules.iam.fixtures_test as f
import data.rules.iam.no_unscoped_resources as rule

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "IAM-002"
}

unscoped := {"unscoped_actions": ["cloudtrail:LookupEvents"]}

test_pass_scoped_and_listed_unscoped if {
	count(rule.deny) == 0 with input as f.stack(f.role_policy([
		{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
		{"Sid": "Events", "Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"},
	]))
		with data.unscoped_actions as unscoped.unscoped_actions
}

test_pass_boundary_ceiling_on_star if {
	count(rule.deny) == 0 with input as f.stack({"aws_iam_policy": {"b": {"//": f.meta("dev-security/human-boundary/policy"), "tags": {"policy-role": "permission-boundary"}, "policy": f.doc([{"Sid": "Ceiling", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}])}}})
		with data.unscoped_actions as unscoped.unscoped_actions
}

test_fail_scopable_action_on_star if {
	fails(f.stack(f.role_policy([{"Sid": "Events", "Effect": "Allow", "Action": ["cloudtrail:LookupEvents", "s3:GetObject"], "Resource": "*"}]))) with data.unscoped_actions as unscoped.unscoped_actions
}

test_fail_not_resource if {
	fails(f.stack(f.role_policy([{"Sid": "AllBut", "Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/*"}]))) with data.unscoped_actions as unscoped.unscoped_actions
}

beside_deny := {"sns:Publish": "arn:aws:sns:*:*:*"}

test_pass_sms_publish_on_star_beside_deny_on_topics if {
	count(rule.deny) == 0 with input as f.stack(f.role_policy([
		{"Sid": "Sms", "Effect": "Allow", "Action": "sns:Publish", "Resource": "*"},
		{"Sid": "NoTopics", "Effect": "Deny", "Action": "sns:Publish", "Resource": "arn:aws:sns:*:*:*"},
	]))
		with data.unscoped_actions as unscoped.unscoped_actions
		with data.unscoped_beside_deny as beside_deny
}

test_fail_sms_publish_on_star_without_the_deny if {
	fails(f.stack(f.role_policy([{"Sid": "Sms", "Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}])))
		with data.unscoped_actions as unscoped.unscoped_actions
		with data.unscoped_beside_deny as beside_deny
}

test_fail_sms_publish_on_star_with_a_narrower_deny if {
	fails(f.stack(f.role_policy([
		{"Sid": "Sms", "Effect": "Allow", "Action": "sns:Publish", "Resource": "*"},
		{"Sid": "OneTopic", "Effect": "Deny", "Action": "sns:Publish", "Resource": "arn:aws:sns:eu-west-2:111111111111:alarms"},
	])))
		with data.unscoped_actions as unscoped.unscoped_actions
		with data.unscoped_beside_deny as beside_deny
}
