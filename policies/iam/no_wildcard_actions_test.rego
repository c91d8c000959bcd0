package rules.iam.no_wildcard_actions_test

import data.rules.iam.fixtures_test as f
import data.rules.iam.no_wildcard_actions as rule

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "IAM-001"
}

test_pass_named_actions_and_wildcard_denies if {
	count(rule.deny) == 0 with input as f.stack(f.role_policy([
		{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*"], "Resource": "arn:aws:s3:::b/*"},
		{"Sid": "NoIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"},
	]))
}

test_fail_service_wildcard if {
	fails(f.stack(f.role_policy([{"Sid": "All", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}])))
}

test_fail_star_in_a_key_policy if {
	fails(f.stack({"aws_kms_key": {"k": {"//": f.meta("dev-security/keys/k"), "policy": f.doc([{"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "*", "Resource": "*"}])}}}))
}

test_fail_not_action if {
	fails(f.stack(f.role_policy([{"Sid": "AllBut", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}])))
}

test_fail_unparsable_policy if {
	fails(f.stack({"aws_iam_policy": {"p": {"//": f.meta("dev-security/p"), "policy": "${data.aws_iam_policy_document.x.json}"}}}))
}
