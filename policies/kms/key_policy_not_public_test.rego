package rules.kms.key_policy_not_public_test

import data.rules.kms.key_policy_not_public as rule

admin := {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": ["kms:Create*", "kms:Describe*"], "Resource": "*"}

policy(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

key(p) := {"resource": {"aws_kms_key": {"data": {"//": {"metadata": {"path": "dev-security/keys/data/key"}}, "enable_key_rotation": true, "policy": p}}}}

fails_on(doc, address) if {
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "KMS-003"
	v.address == address
}

test_pass_named_principals if {
	count(rule.deny) == 0 with input as key(policy([admin]))
}

test_pass_star_with_condition if {
	s := {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:CallerAccount": "111111111111"}}}
	count(rule.deny) == 0 with input as key(policy([admin, s]))
}

test_pass_deny_for_everyone if {
	s := {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}
	count(rule.deny) == 0 with input as key(policy([admin, s]))
}

test_pass_policy_in_kms_key_policy_resource if {
	doc := {"resource": {
		"aws_kms_key": {"data": {"enable_key_rotation": true}},
		"aws_kms_key_policy": {"data": {"key_id": "${aws_kms_key.data.id}", "policy": policy([admin])}},
	}}
	count(rule.deny) == 0 with input as doc
}

test_fail_no_policy if {
	fails_on({"resource": {"aws_kms_key": {"data": {"enable_key_rotation": true}}}}, "aws_kms_key.data")
}

test_fail_star_principal_string_and_string_action if {
	s := {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
	fails_on(key(policy([admin, s])), "aws_kms_key.data")
}

test_fail_star_in_principal_list_single_statement_object if {
	p := json.marshal({"Statement": {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111111111111:root", "*"]}, "Action": ["kms:Decrypt"], "Resource": "*", "Condition": {}}})
	fails_on(key(p), "aws_kms_key.data")
}

test_fail_public_kms_key_policy_resource if {
	s := {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}
	doc := {"resource": {
		"aws_kms_key": {"data": {"enable_key_rotation": true}},
		"aws_kms_key_policy": {"data": {"key_id": "${aws_kms_key.data.id}", "policy": policy([admin, s])}},
	}}
	fails_on(doc, "aws_kms_key_policy.data")
}

test_fail_policy_not_checkable if {
	fails_on(key("${data.aws_iam_policy_document.key.json}"), "aws_kms_key.data")
}
