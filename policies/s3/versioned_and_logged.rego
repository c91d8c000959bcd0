# S3-004: every bucket keeps every version of every object (an overwrite or delete can be
# undone) and logs every request to it (S3 server access logging), except the access-log
# buckets themselves, which would otherwise log their own log deliveries forever.
#
# The exception is not taken on the tag alone: retagging a patient-data bucket as
# `access-logs` must not switch its logging off unnoticed. A bucket counts as an access-log
# bucket only when it is tagged so AND its policy is that of a log target: it grants
# s3:PutObject to S3 log delivery (logging.s3.amazonaws.com) and allows nothing to anyone
# else, so no workload can read or write other data there through the bucket policy.
package rules.s3.versioned_and_logged

import data.lib.cdktf
import data.lib.s3

metadata := {
	"id": "S3-004",
	"title": "Every S3 bucket is versioned and logs its access (except the access-log buckets)",
	"severity": "high",
	"hipaa": ["B", "I", "L"],
	"control": "every bucket: versioning; access logging (except the log bucket itself)",
	"references": ["nag:S3BucketVersioningEnabled", "nag:S3BucketLoggingEnabled"],
	"fix": "Create the bucket with SecureBucket (modules/storage/secure-bucket.ts): it enables versioning and, unless the bucket is one of the foundation's access-log buckets, logs to the access-log bucket of its region.",
}

deny contains cdktf.violation(metadata, bucket, "versioning is not Enabled (no aws_s3_bucket_versioning with status Enabled)") if {
	some bucket in s3.buckets
	not versioned(bucket)
}

versioned(bucket) if {
	some versioning in s3.attached("aws_s3_bucket_versioning", bucket)
	some config in cdktf.blocks(object.get(versioning.values, "versioning_configuration", null))
	config.status == "Enabled"
}

deny contains cdktf.violation(metadata, bucket, "no aws_s3_bucket_logging sends its server access logs to an access-log bucket") if {
	some bucket in s3.buckets
	s3.contents(bucket) != "access-logs"
	not logged(bucket)
}

# The target may be another stack's bucket (the access-log buckets live in the security stack).
logged(bucket) if {
	some logging in s3.attached("aws_s3_bucket_logging", bucket)
	cdktf.non_empty_string(object.get(logging.values, "target_bucket", null))
	not s3.names_bucket(logging.values.target_bucket, bucket)
}

deny contains cdktf.violation(metadata, bucket, "tagged access-logs but its policy is not that of a log target (an Allow for logging.s3.amazonaws.com and no Allow for anyone else), so it must log its own access") if {
	some bucket in s3.buckets
	s3.contents(bucket) == "access-logs"
	not is_access_log_bucket(bucket)
	not logged(bucket)
}

is_access_log_bucket(bucket) if {
	s3.contents(bucket) == "access-logs"
	statements := s3.statements(bucket)
	some grant in statements
	grant.Effect == "Allow"
	s3.only_log_delivery(grant)
	s3.covers_action(grant, "s3:PutObject")
	every stmt in statements {
		allows_only_log_delivery(stmt)
	}
}

allows_only_log_delivery(stmt) if stmt.Effect == "Deny"

allows_only_log_delivery(stmt) if {
	stmt.Effect == "Allow"
	s3.only_log_delivery(stmt)
}
