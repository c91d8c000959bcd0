package rules.audit.trail_bucket_locked_test

import data.rules.audit.fixtures_test as f
import data.rules.audit.trail_bucket_locked as rule

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "AUD-002"
}

test_pass_locked_versioned_bucket if count(rule.deny) == 0 with input as f.security_stack

test_fail_lock_not_enabled if fails(f.with_fields("aws_s3_bucket", "audit", {"object_lock_enabled": false}))

test_fail_governance_mode if fails(f.with_fields("aws_s3_bucket_object_lock_configuration", "audit", {"rule": {"default_retention": {"mode": "GOVERNANCE", "days": 366}}}))

test_fail_no_versioning if fails(f.without("aws_s3_bucket_versioning"))

test_fail_bucket_not_in_stack if fails(f.with_fields("aws_cloudtrail", "trail", {"s3_bucket_name": "someone-elses-bucket"}))
