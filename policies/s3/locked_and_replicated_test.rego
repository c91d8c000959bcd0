package rules.s3.locked_and_replicated_test

import data.rules.s3.fixtures_test as fx
import data.rules.s3.locked_and_replicated as rule

fails(doc, path) if fx.finds(rule.deny, "S3-005", path) with input as doc

rule_path := "/resource/aws_s3_bucket_replication_configuration/export/rule/0"

test_pass_locked_source_and_replica_unlocked_operational_and_access_logs if {
	count(rule.deny) == 0 with input as fx.doc
}

test_pass_audit_bucket_locked_for_years if {
	doc := fx.patched([
		{"op": "replace", "path": "/resource/aws_s3_bucket/export/tags/bucket-contents", "value": "audit"},
		{"op": "replace", "path": "/resource/aws_s3_bucket/export_replica/tags/bucket-contents", "value": "audit"},
		{"op": "replace", "path": "/resource/aws_s3_bucket_object_lock_configuration/export/rule/default_retention", "value": {"mode": "COMPLIANCE", "years": 6}},
	])
	count(rule.deny) == 0 with input as doc
}

test_fail_object_lock_disabled if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket/export/object_lock_enabled"}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_no_default_retention if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket_object_lock_configuration/export"}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_governance_mode if {
	doc := fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket_object_lock_configuration/export_replica/rule/default_retention/mode", "value": "GOVERNANCE"}])
	fails(doc, "dev-data/export_replica/bucket")
}

test_fail_replication_removed if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket_replication_configuration"}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_replication_rule_disabled if {
	fails(fx.patched([{"op": "replace", "path": concat("", [rule_path, "/status"]), "value": "Disabled"}]), "dev-data/export/bucket")
}

test_fail_kms_objects_not_replicated if {
	doc := fx.patched([{"op": "replace", "path": concat("", [rule_path, "/source_selection_criteria/sse_kms_encrypted_objects/status"]), "value": "Disabled"}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_only_a_prefix_replicated if {
	fails(fx.patched([{"op": "replace", "path": concat("", [rule_path, "/filter"]), "value": {"prefix": "daily/"}}]), "dev-data/export/bucket")
}

test_fail_replica_in_the_primary_region if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket/export_replica/provider"}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_replica_not_locked if {
	doc := fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket/export_replica/object_lock_enabled"}])
	fails(doc, "dev-data/export/bucket")
	fails(doc, "dev-data/export_replica/bucket")
}

test_fail_replica_without_replica_key if {
	doc := fx.patched([{"op": "remove", "path": concat("", [rule_path, "/destination/encryption_configuration"])}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_phi_bucket_neither_locked_nor_replicated if {
	doc := fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket/reports/tags/bucket-contents", "value": "phi"}])
	fails(doc, "dev-data/reports/bucket")
}

test_fail_source_retagged_operational if {
	doc := fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket/export/tags/bucket-contents", "value": "operational"}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_contents_tag_missing if {
	fails(fx.patched([{"op": "remove", "path": "/resource/aws_s3_bucket/reports/tags/bucket-contents"}]), "dev-data/reports/bucket")
}

test_fail_contents_tag_unknown if {
	fails(fx.patched([{"op": "replace", "path": "/resource/aws_s3_bucket/reports/tags/bucket-contents", "value": "misc"}]), "dev-data/reports/bucket")
}

# AWS Config's history: Config cannot deliver to a locked bucket, so the source is unlocked,
# and its replica in the backup region is the locked copy.
config_history := fx.patched([
	{"op": "replace", "path": "/resource/aws_s3_bucket/export/tags/bucket-contents", "value": "config-history"},
	{"op": "replace", "path": "/resource/aws_s3_bucket/export_replica/tags/bucket-contents", "value": "config-history"},
	{"op": "remove", "path": "/resource/aws_s3_bucket/export/object_lock_enabled"},
	{"op": "remove", "path": "/resource/aws_s3_bucket_object_lock_configuration/export"},
])

test_pass_config_history_unlocked_source_locked_replica if count(rule.deny) == 0 with input as config_history

test_fail_config_history_not_replicated if {
	doc := json.patch(config_history, [{"op": "remove", "path": "/resource/aws_s3_bucket_replication_configuration"}])
	fails(doc, "dev-data/export/bucket")
}

test_fail_config_history_replica_unlocked if {
	doc := json.patch(config_history, [{"op": "remove", "path": "/resource/aws_s3_bucket/export_replica/object_lock_enabled"}])
	fails(doc, "dev-data/export_replica/bucket")
}

test_fail_config_history_replica_governance if {
	doc := json.patch(config_history, [{"op": "replace", "path": "/resource/aws_s3_bucket_object_lock_configuration/export_replica/rule/default_retention/mode", "value": "GOVERNANCE"}])
	fails(doc, "dev-data/export_replica/bucket")
}
