package rules.iam.no_wildcard_actions_test

import data.rules.iam.fixtures_test as f
import data.rules.iam.no_wildcard_actions as rule

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "IAM-001"
}

test_pass_named_actions_and_wildcard_denies if {
	count(rule.deny) == 0 with input as f.stack(f.role_policy([
		{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:GetObject*"], "Resource": "arn:aws:s3:::b/*"},
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

reviewed := {"s3:GetObject*": {"why": "documented", "matches": ["s3:GetObject"]}}

unreviewed_wildcard(input_doc, action) if {
	some v in rule.deny with input as input_doc with data.action_wildcards as reviewed
	v.rule_id == "IAM-001"
	contains(v.msg, sprintf("allows %v, an action wildcard that is not one of the reviewed patterns", [action]))
}

test_pass_reviewed_pattern if {
	count(rule.deny) == 0 with input as f.stack(f.role_policy([{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject*", "Resource": "arn:aws:s3:::b/*"}])) with data.action_wildcards as reviewed
}

# Verb wildcards widen a named grant to every action AWS has, or adds, under the verb.
test_fail_verb_wildcards if {
	d := f.stack(f.role_policy([
		{"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*"], "Resource": "arn:aws:s3:::b/*"},
		{"Sid": "Snapshots", "Effect": "Allow", "Action": ["ec2:CreateSnapshot", "ec2:Delete*"], "Resource": "*"},
		{"Sid": "Single", "Effect": "Allow", "Action": "sts:Assume?ole", "Resource": "*"},
	]))
	unreviewed_wildcard(d, "s3:Get*")
	unreviewed_wildcard(d, "ec2:Delete*")
	unreviewed_wildcard(d, "sts:Assume?ole")
}

test_fail_verb_wildcard_in_a_trust_policy if {
	unreviewed_wildcard(f.stack({"aws_iam_role": {"r": {"//": f.meta("dev-security/r"), "assume_role_policy": f.doc([{"Sid": "Svc", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:Assume*"}])}}}), "sts:Assume*")
}
