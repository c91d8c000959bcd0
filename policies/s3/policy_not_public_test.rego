package rules.s3.policy_not_public_test

import data.rules.s3.fixtures_test as fx
import data.rules.s3.policy_not_public as rule

fails(doc) if fx.finds(rule.deny, "S3-006", "dev-data/reports/policy") with input as doc

with_allow(stmt) := fx.with_statements("reports", [fx.tls_statement("reports"), object.union(
	{"Sid": "Reads", "Effect": "Allow", "Action": "s3:GetObject", "Resource": sprintf("%s/*", [fx.ref("reports", "arn")])},
	stmt,
)])

test_pass_denials_for_everyone_and_a_conditioned_service_grant if {
	count(rule.deny) == 0 with input as fx.doc
}

test_pass_named_role if {
	count(rule.deny) == 0 with input as with_allow({"Principal": {"AWS": "arn:aws:iam::111111111111:role/medicare-dev-export-puller"}})
}

test_pass_everyone_through_our_endpoint_only if {
	count(rule.deny) == 0 with input as with_allow({"Principal": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}})
}

test_pass_everyone_in_our_organization if {
	count(rule.deny) == 0 with input as with_allow({"Principal": {"AWS": "*"}, "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}})
}

test_fail_public_read if {
	fails(with_allow({"Principal": "*"}))
}

test_fail_public_aws_star if {
	fails(with_allow({"Principal": {"AWS": ["arn:aws:iam::111111111111:root", "*"]}}))
}

test_fail_any_accounts_root if {
	fails(with_allow({"Principal": {"AWS": "arn:aws:iam::*:root"}}))
}

test_fail_condition_that_does_not_name_who if {
	fails(with_allow({"Principal": "*", "Condition": {"Bool": {"aws:SecureTransport": true}}}))
}

test_fail_if_exists_condition if {
	fails(with_allow({"Principal": "*", "Condition": {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}}))
}

test_fail_wildcard_value if {
	fails(with_allow({"Principal": "*", "Condition": {"StringLike": {"aws:SourceAccount": "*"}}}))
}

test_fail_negated_condition if {
	fails(with_allow({"Principal": "*", "Condition": {"StringNotEquals": {"aws:SourceAccount": "111111111111"}}}))
}

test_fail_not_principal if {
	fails(with_allow({"NotPrincipal": {"AWS": "arn:aws:iam::111111111111:root"}}))
}

test_fail_policy_not_literal if {
	doc := fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket_policy/reports/policy", "value": "${data.aws_iam_policy_document.reports.json}"}])
	fails(doc)
}
