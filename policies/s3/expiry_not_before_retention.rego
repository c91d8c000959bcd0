# S3-007: no lifecycle rule deletes what must be kept. On a bucket with Object Lock, no
# expiration (current or noncurrent versions) comes before the lock's retention: the objects
# would be deleted the day they may be, or delete markers would hide them earlier. On audit,
# access-log and load-balancer-log buckets, nothing expires in less than a year (the logs row).
package rules.s3.expiry_not_before_retention

import data.lib.cdktf
import data.lib.s3

metadata := {
	"id": "S3-007",
	"title": "Lifecycle expiry is never shorter than the bucket's Object Lock retention or, for logs, a year",
	"severity": "high",
	"hipaa": ["B", "I", "L"],
	"control": "lifecycle expiry on audit, log and PHI buckets is never shorter than their retention (added row, docs/policy-data.md)",
	"references": ["cfg:S3_LIFECYCLE_POLICY_CHECK", "own"],
	"fix": "Expire objects no earlier than the Object Lock default retention (SecureBucket derives both from the same retention), and keep logs at least 365 days.",
}

log_contents := {"audit", "access-logs", "load-balancer-logs"}

min_log_days := 365

# Days after which a lifecycle rule expires current or noncurrent versions: [what, days].
expiries(lifecycle) := [[what, days] |
	some rule in cdktf.blocks(object.get(lifecycle.values, "rule", null))
	object.get(rule, "status", "Enabled") == "Enabled"
	some [what, block, attribute] in [
		["expiration.days", "expiration", "days"],
		["noncurrent_version_expiration.noncurrent_days", "noncurrent_version_expiration", "noncurrent_days"],
	]
	some b in cdktf.blocks(object.get(rule, block, null))
	days := object.get(b, attribute, null)
	days != null
]

lock_days(bucket) := [to_number(days) |
	some lock in s3.attached("aws_s3_bucket_object_lock_configuration", bucket)
	some rule in cdktf.blocks(object.get(lock.values, "rule", null))
	some retention in cdktf.blocks(object.get(rule, "default_retention", null))
	days := object.get(retention, "days", null)
	days != null
]

deny contains cdktf.violation(metadata, lifecycle, sprintf("%s = %v deletes objects before the Object Lock retention of %v days", [what, days, locked])) if {
	some bucket in s3.buckets
	some lifecycle in s3.attached("aws_s3_bucket_lifecycle_configuration", bucket)
	some [what, days] in expiries(lifecycle)
	some locked in lock_days(bucket)
	to_number(days) < locked
}

deny contains cdktf.violation(metadata, lifecycle, sprintf("%s = %v on a %s bucket; logs are kept at least %d days", [what, days, s3.contents(bucket), min_log_days])) if {
	some bucket in s3.buckets
	s3.contents(bucket) in log_contents
	some lifecycle in s3.attached("aws_s3_bucket_lifecycle_configuration", bucket)
	some [what, days] in expiries(lifecycle)
	to_number(days) < min_log_days
}
