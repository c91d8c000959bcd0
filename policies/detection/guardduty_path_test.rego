package rules.detection.guardduty_path_test

import data.rules.detection.fixtures_test as f
import data.rules.detection.guardduty_path as rule

findings(d) := found if {
	found := rule.deny with input as d with data.detection as f.settings
}

fails(d) if {
	some v in findings(d)
	v.rule_id == "DET-002"
}

test_pass_security_stack if count(findings(f.security_stack)) == 0

test_pass_other_stack if count(findings(f.network_stack)) == 0

test_fail_no_detector if fails(f.without("aws_guardduty_detector"))

test_fail_detector_disabled if fails(f.with_fields("aws_guardduty_detector", "d", {"enable": false}))

test_fail_feature_disabled if fails(f.with_fields("aws_guardduty_detector_feature", "s3", {"status": "DISABLED"}))

test_fail_feature_missing if fails(f.without_one("aws_guardduty_detector_feature", "s3"))

test_fail_agent_disabled if fails(f.with_fields("aws_guardduty_detector_feature", "runtime", {"additional_configuration": [{"name": "EC2_AGENT_MANAGEMENT", "status": "DISABLED"}]}))

test_fail_archive_filter if {
	d := f.with_fields("aws_guardduty_filter", "quiet", {"action": "ARCHIVE", "detector_id": "${aws_guardduty_detector.d.id}"})
	fails(d)
}

test_fail_rule_disabled if fails(f.with_fields("aws_cloudwatch_event_rule", "findings", {"state": "DISABLED"}))

test_fail_severity_raised if fails(f.with_fields("aws_cloudwatch_event_rule", "findings", {"event_pattern": "{\"source\":[\"aws.guardduty\"],\"detail\":{\"severity\":[{\"numeric\":[\">=\",8]}]}}"}))

test_fail_severity_exact_values if fails(f.with_fields("aws_cloudwatch_event_rule", "findings", {"event_pattern": "{\"source\":[\"aws.guardduty\"],\"detail\":{\"severity\":[8]}}"}))

test_fail_target_elsewhere if fails(f.with_fields("aws_cloudwatch_event_target", "findings", {"arn": "arn:aws:sns:eu-west-2:999999999999:elsewhere"}))

test_fail_no_target if fails(f.without("aws_cloudwatch_event_target"))

test_fail_no_subscription if fails(f.without("aws_sns_topic_subscription"))
