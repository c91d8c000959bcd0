package rules.principals.conditions_not_always_true_test

import data.rules.principals.conditions_not_always_true as rule
import data.rules.principals.fixtures_test as f

findings(d) := {v.msg | some v in result} if {
	result := rule.deny with input as d
}

fails_with(d, text) if {
	some msg in findings(d)
	contains(msg, text)
}

queue_policy(statements) := f.stack({"aws_sqs_queue_policy": {"q": {"//": f.meta("queue/policy"), "policy": f.doc(statements)}}})

scoped := {
	"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*",
	"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:eu-west-2:111111111111:events"}, "StringEquals": {"aws:SourceAccount": "111111111111"}},
}

tls_deny := {
	"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*",
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}

test_pass_conditions_that_name_something if {
	all_targets := object.union(scoped, {"Sid": "All", "Condition": {
		"ForAllValues:ArnEquals": {"backup:CopyTargets": ["arn:aws:backup:eu-west-1:111111111111:backup-vault:copy"]},
		"Null": {"backup:CopyTargets": "false"},
	}})
	count(findings(queue_policy([scoped, all_targets, tls_deny]))) == 0
}

# The class: different wildcard-only values under different pattern operators, one of them
# under a * principal.
test_fail_wildcard_only_values if {
	d := queue_policy([
		object.union(scoped, {"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:*:*:*:*"}}}),
		{"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalAccount": "*"}}},
	])
	fails_with(d, "ArnLike aws:SourceArn = \"arn:aws:*:*:*:*\" matches everything")
	fails_with(d, "statement Anyone (principal *): StringLike aws:PrincipalAccount = \"*\"")
}

test_fail_if_exists_on_scoping_keys_and_for_all_values if {
	d := queue_policy([
		object.union(scoped, {"Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "111111111111"}}}),
		object.union(scoped, {"Sid": "All", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}}),
	])
	fails_with(d, "StringEqualsIfExists on aws:SourceAccount is true whenever the key is absent")
	fails_with(d, "ForAllValues:StringEquals on aws:TagKeys")
}

test_fail_deny_that_never_applies if {
	d := queue_policy([scoped, object.union(tls_deny, {"Condition": {"StringNotLike": {"aws:PrincipalArn": "*"}}})])
	fails_with(d, "so the Deny never applies")
}
