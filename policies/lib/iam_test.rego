package lib.iam_test

import data.lib.iam

test_wildcard_actions if {
	iam.wildcard_action("*")
	iam.wildcard_action("s3:*")
	not iam.wildcard_action("s3:Get*")
	not iam.wildcard_action("s3:GetObject")
}

test_mfa_conditions if {
	stmt := {"Condition": {"Bool": {"aws:multifactorauthpresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}
	iam.requires_mfa(stmt)
	iam.bounds_mfa_age(stmt)
	not iam.requires_mfa({"Condition": {"Bool": {"aws:MultiFactorAuthPresent": false}}})
	not iam.bounds_mfa_age({"Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": 1}}})
}

test_documents_by_kind if {
	doc := {"resource": {
		"aws_iam_policy": {"b": {"tags": {"policy-role": "permission-boundary"}, "policy": "{}"}, "p": {"policy": "{}"}},
		"aws_iam_role": {"r": {"assume_role_policy": "{}", "permissions_boundary": "${aws_iam_policy.b.arn}"}},
		"aws_kms_key": {"k": {"policy": "{}"}},
	}}
	kinds := {[r.address, kind] | some [r, kind, _] in iam.documents} with input as doc
	kinds == {["aws_iam_policy.b", "boundary"], ["aws_iam_policy.p", "identity"], ["aws_iam_role.r", "trust"], ["aws_kms_key.k", "resource"]}
}
