package rules.s3.tls_only_test

import data.rules.s3.fixtures_test as fx
import data.rules.s3.tls_only as rule

fails(doc, path) if fx.finds(rule.deny, "S3-003", path) with input as doc

tls(overrides) := object.union(fx.tls_statement("reports"), overrides)

test_pass_every_bucket_denies_plain_http if {
	count(rule.deny) == 0 with input as fx.doc
}

test_pass_principal_star_string_and_action_star if {
	count(rule.deny) == 0 with input as fx.with_statements("reports", [tls({"Principal": "*", "Action": "*"})])
}

test_pass_literal_bucket_arn if {
	stmt := tls({"Resource": ["arn:aws:s3:::medicare-dev-reports-111111111111", "arn:aws:s3:::medicare-dev-reports-111111111111/*"]})
	count(rule.deny) == 0 with input as fx.with_statements("reports", [stmt])
}

test_pass_string_false if {
	count(rule.deny) == 0 with input as fx.with_statements("reports", [tls({"Condition": {"Bool": {"aws:SecureTransport": "false"}}})])
}

test_fail_statement_removed if {
	fails(fx.with_statements("reports", []), "dev-data/reports/bucket")
}

test_fail_no_policy if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket_policy/export"}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_objects_not_covered if {
	fails(fx.with_statements("reports", [tls({"Resource": fx.ref("reports", "arn")})]), "dev-data/reports/bucket")
}

test_fail_bucket_not_covered if {
	fails(fx.with_statements("reports", [tls({"Resource": sprintf("%s/*", [fx.ref("reports", "arn")])})]), "dev-data/reports/bucket")
}

test_fail_other_buckets_arn if {
	stmt := tls({"Resource": [fx.ref("export", "arn"), sprintf("%s/*", [fx.ref("export", "arn")])]})
	fails(fx.with_statements("reports", [stmt]), "dev-data/reports/bucket")
}

test_fail_only_get_object_denied if {
	fails(fx.with_statements("reports", [tls({"Action": "s3:GetObject"})]), "dev-data/reports/bucket")
}

test_fail_allow_instead_of_deny if {
	fails(fx.with_statements("reports", [tls({"Effect": "Allow"})]), "dev-data/reports/bucket")
}

test_fail_denied_to_one_account_only if {
	fails(fx.with_statements("reports", [tls({"Principal": {"AWS": "arn:aws:iam::111111111111:root"}})]), "dev-data/reports/bucket")
}

test_fail_secure_transport_true if {
	fails(fx.with_statements("reports", [tls({"Condition": {"Bool": {"aws:SecureTransport": true}}})]), "dev-data/reports/bucket")
}

test_fail_narrowed_by_a_second_condition if {
	stmt := tls({"Condition": {"Bool": {"aws:SecureTransport": false}, "StringEquals": {"aws:PrincipalAccount": "999999999999"}}})
	fails(fx.with_statements("reports", [stmt]), "dev-data/reports/bucket")
}
