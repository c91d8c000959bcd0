package rules.s3.public_access_blocked_test

import data.rules.s3.fixtures_test as fx
import data.rules.s3.public_access_blocked as rule

fails(doc, path) if fx.finds(rule.deny, "S3-001", path) with input as doc

test_pass_every_bucket_blocked_and_owner_enforced if {
	count(rule.deny) == 0 with input as fx.doc
}

test_pass_public_access_block_naming_the_bucket_literally if {
	doc := fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket_public_access_block/reports/bucket", "value": "medicare-dev-reports-111111111111"}])
	count(rule.deny) == 0 with input as doc
}

test_fail_one_flag_false if {
	doc := fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket_public_access_block/export/restrict_public_buckets", "value": false}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_flag_missing if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket_public_access_block/reports/ignore_public_acls"}])
	fails(doc, "dev-data/reports/bucket")
}

test_fail_no_public_access_block if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket_public_access_block/access_logs"}])
	fails(doc, "dev-data/access_logs/bucket")
}

test_fail_public_access_block_of_another_bucket if {
	doc := fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket_public_access_block/reports/bucket", "value": "${aws_s3_bucket.export.id}"}])
	fails(doc, "dev-data/reports/bucket")
}

test_fail_object_writer_ownership if {
	doc := fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket_ownership_controls/export_replica/rule/object_ownership", "value": "ObjectWriter"}])
	fails(doc, "dev-data/export_replica/bucket")
}

test_fail_no_ownership_controls if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket_ownership_controls/reports"}])
	fails(doc, "dev-data/reports/bucket")
}

test_fail_bucket_acl_resource if {
	doc := fx.patched([{"op": "add", "path": "/resource/aws_s3_bucket_acl", "value": {"reports": {"//": {"metadata": {"path": "dev-data/reports/acl"}}, "bucket": "${aws_s3_bucket.reports.id}", "acl": "public-read"}}}])
	fails(doc, "dev-data/reports/acl")
}

test_fail_legacy_public_acl if {
	doc := fx.patched([{"op": "add", "path": "/resource/aws_s3_bucket/reports/acl", "value": "public-read"}])
	fails(doc, "dev-data/reports/bucket")
}
