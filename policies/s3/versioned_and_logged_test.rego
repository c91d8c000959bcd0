package rules.s3.versioned_and_logged_test

import data.rules.s3.fixtures_test as fx
import data.rules.s3.versioned_and_logged as rule

fails(doc, path) if fx.finds(rule.deny, "S3-004", path) with input as doc

reader := {
	"Sid": "ExportPullerReads",
	"Effect": "Allow",
	"Principal": {"AWS": "arn:aws:iam::111111111111:role/medicare-dev-export-puller"},
	"Action": "s3:GetObject",
	"Resource": sprintf("%s/*", [fx.ref("access_logs", "arn")]),
}

test_pass_versioned_and_logged_access_log_bucket_exempt if {
	count(rule.deny) == 0 with input as fx.doc
}

test_pass_access_log_bucket_that_also_logs if {
	doc := object.union(fx.doc, {"resource": fx.logging("access_logs", {})})
	count(rule.deny) == 0 with input as doc
}

test_fail_versioning_suspended if {
	doc := fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket_versioning/export/versioning_configuration/status", "value": "Suspended"}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_no_versioning if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket_versioning/access_logs"}])
	fails(doc, "dev-data/access_logs/bucket")
}

test_fail_logging_removed if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket_logging/reports"}])
	fails(doc, "dev-data/reports/bucket")
}

test_fail_logging_to_itself if {
	doc := fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket_logging/reports/target_bucket", "value": fx.ref("reports", "id")}])
	fails(doc, "dev-data/reports/bucket")
}

test_fail_retagged_as_access_logs_without_a_log_target_policy if {
	doc := fx.patched([
		{"op": "replace", "path": "/resource/aws_s3_bucket/reports/tags/bucket-contents", "value": "access-logs"},
		{"op": "remove", "path": "/resource/aws_s3_bucket_logging/reports"},
	])
	fails(doc, "dev-data/reports/bucket")
}

test_fail_access_log_bucket_that_also_grants_a_reader if {
	doc := fx.with_statements("access_logs", [fx.tls_statement("access_logs"), fx.log_delivery_statement("access_logs"), reader])
	fails(doc, "dev-data/access_logs/bucket")
}

test_fail_access_log_bucket_without_the_delivery_grant if {
	fails(fx.with_statements("access_logs", [fx.tls_statement("access_logs")]), "dev-data/access_logs/bucket")
}
