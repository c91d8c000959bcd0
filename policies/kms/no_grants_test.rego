package rules.kms.no_grants_test

import data.rules.kms.no_grants as rule

key := {"aws_kms_key": {"k": {"//": {"metadata": {"path": "dev-security/keys/data/key"}}}}}

test_pass_key_without_grants if {
	count(rule.deny) == 0 with input as {"resource": key}
}

# Two grants, one to this account's role, one to a foreign one: both are outside the key policy.
test_fail_every_grant if {
	grants := {"aws_kms_grant": {
		"own": {"key_id": "${aws_kms_key.k.key_id}", "grantee_principal": "arn:aws:iam::111111111111:role/app", "operations": ["Decrypt"]},
		"other": {"key_id": "${aws_kms_key.k.key_id}", "grantee_principal": "arn:aws:iam::444455556666:root", "operations": ["Decrypt", "CreateGrant"]},
	}}
	result := rule.deny with input as {"resource": object.union(key, grants)}
	count(result) == 2
}
