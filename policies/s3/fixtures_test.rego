# Fixtures shared by the S3 rule tests: a small cdk.tf.json shaped like the data stack's
# output, with every bucket configured the way SecureBucket configures it:
#   export          phi, primary region, locked, replicated to export_replica
#   export_replica  phi, backup region (provider aws.backup_region), locked
#   reports         operational
#   access_logs     access-logs: no logging of its own, a grant for S3 log delivery
# Each test patches one thing (json.patch) and expects its rule to pass or fail.
package rules.s3.fixtures_test

data_key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_data_key_02E67481arn}"

replica_key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keybackup-region-keys_backup_key_182EB392arn}"

logs_key := "${aws_kms_key.keys_logs_key_A1A70726.arn}"

log_target := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_s3_bucketbuckets_access-logs-eu-west-2_bucket_169AC2CBbucket}"

ref(id, attribute) := sprintf("${aws_s3_bucket.%s.%s}", [id, attribute])

meta(id, part) := {"metadata": {"path": sprintf("dev-data/%s/%s", [id, part])}}

tls_statement(id) := {
	"Sid": "DenyRequestsWithoutTls",
	"Effect": "Deny",
	"Principal": {"AWS": "*"},
	"Action": "s3:*",
	"Resource": [ref(id, "arn"), sprintf("%s/*", [ref(id, "arn")])],
	"Condition": {"Bool": {"aws:SecureTransport": false}},
}

log_delivery_statement(id) := {
	"Sid": "S3ServerAccessLogDeliveryForThisEnvironment",
	"Effect": "Allow",
	"Principal": {"Service": "logging.s3.amazonaws.com"},
	"Action": "s3:PutObject",
	"Resource": sprintf("%s/*", [ref(id, "arn")]),
	"Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}, "ArnLike": {"aws:SourceArn": "arn:aws:s3:::medicare-dev-*"}},
}

policy(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

# What every bucket has: public access block, ownership, SSE-KMS, TLS-only policy, versioning.
baseline(id, contents, key, extra, statements) := {
	"aws_s3_bucket": {id: object.union(
		{"//": meta(id, "bucket"), "bucket": sprintf("medicare-dev-%s-111111111111", [id]), "tags": {"bucket-contents": contents}},
		extra,
	)},
	"aws_s3_bucket_public_access_block": {id: object.union(
		{"//": meta(id, "public-access-block"), "bucket": ref(id, "id"), "block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true},
		extra_provider(extra),
	)},
	"aws_s3_bucket_ownership_controls": {id: object.union(
		{"//": meta(id, "ownership"), "bucket": ref(id, "id"), "rule": {"object_ownership": "BucketOwnerEnforced"}},
		extra_provider(extra),
	)},
	"aws_s3_bucket_server_side_encryption_configuration": {id: object.union(
		{"//": meta(id, "encryption"), "bucket": ref(id, "id"), "rule": [{"apply_server_side_encryption_by_default": {"kms_master_key_id": key, "sse_algorithm": "aws:kms"}, "bucket_key_enabled": true}]},
		extra_provider(extra),
	)},
	"aws_s3_bucket_policy": {id: object.union(
		{"//": meta(id, "policy"), "bucket": ref(id, "id"), "policy": policy(array.concat([tls_statement(id)], statements))},
		extra_provider(extra),
	)},
	"aws_s3_bucket_versioning": {id: object.union(
		{"//": meta(id, "versioning"), "bucket": ref(id, "id"), "versioning_configuration": {"status": "Enabled"}},
		extra_provider(extra),
	)},
}

extra_provider(extra) := {"provider": extra.provider} if extra.provider

else := {}

logging(id, extra) := {"aws_s3_bucket_logging": {id: object.union(
	{"//": meta(id, "access-logging"), "bucket": ref(id, "id"), "target_bucket": log_target, "target_prefix": sprintf("medicare-dev-%s-111111111111/", [id])},
	extra_provider(extra),
)}}

object_lock(id, extra) := {"aws_s3_bucket_object_lock_configuration": {id: object.union(
	{"//": meta(id, "object-lock"), "bucket": ref(id, "id"), "rule": {"default_retention": {"days": 14, "mode": "COMPLIANCE"}}},
	extra_provider(extra),
)}}

replication := {"aws_s3_bucket_replication_configuration": {"export": {
	"//": meta("export", "replication"),
	"bucket": ref("export", "id"),
	"role": "${aws_iam_role.export_replication-role_7A3D02EE.arn}",
	"rule": [{
		"id": "locked-copy-in-backup-region",
		"status": "Enabled",
		"filter": {},
		"delete_marker_replication": {"status": "Disabled"},
		"source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
		"destination": {
			"bucket": ref("export_replica", "arn"),
			"storage_class": "STANDARD",
			"encryption_configuration": {"replica_kms_key_id": replica_key},
			"metrics": {"status": "Enabled"},
		},
	}],
}}}

backup_region := {"provider": "aws.backup_region"}

locked := {"object_lock_enabled": true}

doc := {"resource": object.union_n([
	baseline("export", "phi", data_key, locked, []),
	logging("export", {}),
	object_lock("export", {}),
	replication,
	baseline("export_replica", "phi", replica_key, object.union(locked, backup_region), []),
	logging("export_replica", backup_region),
	object_lock("export_replica", backup_region),
	baseline("reports", "operational", data_key, {}, []),
	logging("reports", {}),
	baseline("access_logs", "access-logs", logs_key, {}, [log_delivery_statement("access_logs")]),
])}

# The document with the JSON patch operations applied.
patched(ops) := json.patch(doc, ops)

# The policy statements of bucket `id` replaced by `statements` (the TLS denial is not kept).
with_statements(id, statements) := patched([{
	"op": "replace",
	"path": sprintf("/resource/aws_s3_bucket_policy/%s/policy", [id]),
	"value": policy(statements),
}])

# A finding of rule `id` on the resource at `path` (its construct path).
finds(rule_deny, rule_id, path) if {
	some v in rule_deny
	v.rule_id == rule_id
	v.resource_path == path
}
