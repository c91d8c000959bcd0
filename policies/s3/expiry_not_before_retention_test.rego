package rules.s3.expiry_not_before_retention_test

import data.rules.s3.expiry_not_before_retention as rule

meta(path) := {"metadata": {"path": sprintf("dev-data/%s", [path])}}

lifecycle(bucket, days, noncurrent) := {"//": meta(sprintf("%s/lifecycle", [bucket])), "bucket": sprintf("${aws_s3_bucket.%s.id}", [bucket]), "rule": [
	{"id": "abort", "status": "Enabled", "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}]},
	{"id": "expire", "status": "Enabled", "expiration": [{"days": days}], "noncurrent_version_expiration": [{"noncurrent_days": noncurrent}]},
]}

stack(export_days, export_noncurrent, log_days) := {"resource": {
	"aws_s3_bucket": {
		"export": {"//": meta("export/bucket"), "bucket": "export", "tags": {"bucket-contents": "phi"}},
		"logs": {"//": meta("logs/bucket"), "bucket": "logs", "tags": {"bucket-contents": "access-logs"}},
	},
	"aws_s3_bucket_object_lock_configuration": {"lock": {"//": meta("export/lock"), "bucket": "${aws_s3_bucket.export.id}", "rule": {"default_retention": {"mode": "COMPLIANCE", "days": 35}}}},
	"aws_s3_bucket_lifecycle_configuration": {
		"export": lifecycle("export", export_days, export_noncurrent),
		"logs": lifecycle("logs", log_days, log_days),
	},
}}

fails_with(d, text) if {
	some v in rule.deny with input as d
	contains(v.msg, text)
}

test_pass_expiry_at_retention_and_logs_a_year if {
	count(rule.deny) == 0 with input as stack(35, 35, 365)
}

# Just under the lock, on current and on noncurrent versions; logs a day short of a year.
test_fail_expiry_before_the_lock_or_a_year if {
	fails_with(stack(34, 35, 365), "expiration.days = 34 deletes objects before the Object Lock retention of 35 days")
	fails_with(stack(35, 1, 365), "noncurrent_version_expiration.noncurrent_days = 1")
	fails_with(stack(35, 35, 364), "on a access-logs bucket; logs are kept at least 365 days")
}
