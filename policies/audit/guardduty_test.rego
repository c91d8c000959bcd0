package rules.audit.guardduty_test

import data.rules.audit.fixtures_test as f
import data.rules.audit.guardduty as rule

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "AUD-004"
}

test_pass_security_stack if count(rule.deny) == 0 with input as f.security_stack

test_fail_disabled if fails(f.with_fields("aws_guardduty_detector", "d", {"enable": false}))

test_fail_default_publishing_frequency if fails(f.with_fields("aws_guardduty_detector", "d", {"finding_publishing_frequency": null}))

test_fail_feature_disabled if fails(f.with_fields("aws_guardduty_detector_feature", "ebs_malware_protection", {"status": "DISABLED"}))

test_fail_no_detector if fails(f.without("aws_guardduty_detector"))

test_fail_backup_region_unwatched if fails(f.in_two_regions({}))

test_pass_backup_region_watched if {
	features := {sprintf("b-%s", [lower(n)]): {"detector_id": "${aws_guardduty_detector.b.id}", "name": n, "status": "ENABLED", "provider": "aws.backup_region"} |
		some n in ["S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION", "RUNTIME_MONITORING"]
	}
	d := f.in_two_regions({
		"aws_guardduty_detector": {"b": {"enable": true, "finding_publishing_frequency": "FIFTEEN_MINUTES", "provider": "aws.backup_region"}},
		"aws_guardduty_detector_feature": features,
	})
	count(rule.deny) == 0 with input as d
}
