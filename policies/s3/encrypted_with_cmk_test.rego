package rules.s3.encrypted_with_cmk_test

import data.rules.s3.encrypted_with_cmk as rule
import data.rules.s3.fixtures_test as fx

fails(doc, path) if fx.finds(rule.deny, "S3-002", path) with input as doc

default_path(id) := sprintf("/resource/aws_s3_bucket_server_side_encryption_configuration/%s/rule/0/apply_server_side_encryption_by_default", [id])

test_pass_cross_stack_and_local_key_references if {
	count(rule.deny) == 0 with input as fx.doc
}

test_pass_literal_key_arn if {
	doc := fx.patched([{"op": "replace", "path": concat("", [default_path("reports"), "/kms_master_key_id"]), "value": "arn:aws:kms:eu-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"}])
	count(rule.deny) == 0 with input as doc
}

test_fail_sse_s3 if {
	doc := fx.patched([{"op": "replace", "path": default_path("export"), "value": {"sse_algorithm": "AES256"}}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_kms_without_key if {
	doc := fx.patched([{"op": "remove", "path": concat("", [default_path("reports"), "/kms_master_key_id"])}])
	fails(doc, "dev-data/reports/bucket")
}

test_fail_aws_managed_key_alias if {
	doc := fx.patched([{"op": "replace", "path": concat("", [default_path("reports"), "/kms_master_key_id"]), "value": "alias/aws/s3"}])
	fails(doc, "dev-data/reports/bucket")
}

test_fail_no_encryption_configuration if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket_server_side_encryption_configuration/access_logs"}])
	fails(doc, "dev-data/access_logs/bucket")
}

test_fail_rule_without_default if {
	doc := fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket_server_side_encryption_configuration/reports/rule", "value": [{"bucket_key_enabled": true}]}])
	fails(doc, "dev-data/reports/bucket")
}

retag(id, contents) := {"op": "replace", "path": sprintf("/resource/aws_s3_bucket/%s/tags/bucket-contents", [id]), "value": contents}

test_pass_sse_s3_on_load_balancer_logs if {
	doc := fx.patched([retag("reports", "load-balancer-logs"), {"op": "replace", "path": default_path("reports"), "value": {"sse_algorithm": "AES256"}}])
	count(rule.deny) == 0 with input as doc
}

test_fail_sse_s3_on_operational_bucket if {
	doc := fx.patched([{"op": "replace", "path": default_path("reports"), "value": {"sse_algorithm": "AES256"}}])
	fails(doc, "dev-data/reports/bucket")
}

test_fail_load_balancer_logs_without_encryption_default if {
	doc := fx.patched([retag("reports", "load-balancer-logs"), {"op": "replace", "path": default_path("reports"), "value": {"sse_algorithm": "none"}}])
	fails(doc, "dev-data/reports/bucket")
}
