# AUD-002: the bucket CloudTrail writes to keeps every log file version under Object Lock
# (compliance mode) and is versioned, so nobody can remove or rewrite the record of what
# happened, not even the root user.
package rules.audit.trail_bucket_locked

import data.lib.audit
import data.lib.cdktf

metadata := {
	"id": "AUD-002",
	"title": "The CloudTrail bucket has Object Lock (compliance mode) and versioning",
	"severity": "critical",
	"hipaa": ["I"],
	"control": "CloudTrail bucket has Object Lock and versioning",
	"references": ["cfg:S3_BUCKET_DEFAULT_LOCK_ENABLED"],
	"fix": "Let AuditTrail create the bucket: a SecureBucket with contents audit and lockDays from env.audit.retentionYears.",
}

deny contains cdktf.violation(metadata, trail, "s3_bucket_name does not refer to a bucket of this stack, so its lock cannot be checked") if {
	some trail in audit.trails
	not audit.trail_bucket(trail)
}

deny contains cdktf.violation(metadata, bucket, "is the CloudTrail bucket but object_lock_enabled is not true") if {
	some trail in audit.trails
	bucket := audit.trail_bucket(trail)
	object.get(bucket.values, "object_lock_enabled", false) != true
}

deny contains cdktf.violation(metadata, bucket, "is the CloudTrail bucket but no aws_s3_bucket_object_lock_configuration sets a COMPLIANCE default retention") if {
	some trail in audit.trails
	bucket := audit.trail_bucket(trail)
	not compliance_retention(bucket)
}

deny contains cdktf.violation(metadata, bucket, "is the CloudTrail bucket but no aws_s3_bucket_versioning enables versioning") if {
	some trail in audit.trails
	bucket := audit.trail_bucket(trail)
	not versioned(bucket)
}

compliance_retention(bucket) if {
	some config in audit.referring("aws_s3_bucket_object_lock_configuration", "bucket", bucket)
	some rule in cdktf.blocks(object.get(config.values, "rule", null))
	some retention in cdktf.blocks(object.get(rule, "default_retention", null))
	retention.mode == "COMPLIANCE"
	object.get(retention, "days", object.get(retention, "years", 0)) > 0
}

versioned(bucket) if {
	some v in audit.referring("aws_s3_bucket_versioning", "bucket", bucket)
	some c in cdktf.blocks(object.get(v.values, "versioning_configuration", null))
	c.status == "Enabled"
}
