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

# The security account's stack is judged by its own entry: its address passes, an
# environment's security address (named for dev-security only) does not.
test_pass_organization_detection_with_its_address if count(findings(f.organization_detection_stack("org-security@medicare.example"))) == 0

test_fail_organization_detection_with_an_environments_address if fails(f.organization_detection_stack("security@medicare.example"))

test_fail_organization_detection_without_rule if fails(f.stack("organization-detection", object.remove(f.organization_detection_resources("org-security@medicare.example"), ["aws_cloudwatch_event_rule"])))

# ---------------------------------------------------------------------------
# A second region: its detector's findings reach the primary region's default bus through a
# rule of its own, and the primary rule of the same pattern sends them on to the topic.

providers := {"aws": [{"region": "eu-west-2"}, {"alias": "backup_region", "region": "eu-west-1"}]}

backup_rule := {
	"//": f.meta("dev-security/threat-detection-backup-region/guardduty-high-findings"), "provider": "aws.backup_region",
	"event_pattern": f.security_resources.aws_cloudwatch_event_rule.findings.event_pattern,
}

backup_target := {
	"//": f.meta("dev-security/threat-detection-backup-region/guardduty-high-findings-to-primary-region"), "provider": "aws.backup_region",
	"rule": "${aws_cloudwatch_event_rule.backup.name}", "arn": "arn:aws:events:eu-west-2:111111111111:event-bus/default", "role_arn": "${aws_iam_role.forward.arn}",
}

# The stack with a backup-region detector, and the given backup-region rules and targets
# beside the primary ones (none: the backup region has no rule).
two_regions(rules, targets) := object.union({"provider": providers}, f.stack("dev-security", object.union(f.security_resources, {
	"aws_guardduty_detector": object.union(f.security_resources.aws_guardduty_detector, {"backup": {"//": f.meta("dev-security/threat-detection-backup-region/guardduty"), "provider": "aws.backup_region", "enable": true}}),
	"aws_guardduty_detector_feature": object.union(f.security_resources.aws_guardduty_detector_feature, {
		"backup-s3": object.union(f.security_resources.aws_guardduty_detector_feature.s3, {"provider": "aws.backup_region", "detector_id": "${aws_guardduty_detector.backup.id}"}),
		"backup-runtime": object.union(f.security_resources.aws_guardduty_detector_feature.runtime, {"provider": "aws.backup_region", "detector_id": "${aws_guardduty_detector.backup.id}"}),
	}),
	"aws_cloudwatch_event_rule": object.union(f.security_resources.aws_cloudwatch_event_rule, rules),
	"aws_cloudwatch_event_target": object.union(f.security_resources.aws_cloudwatch_event_target, targets),
})))

backup_failures(d) := {v | some v in findings(d); v.rule_id == "DET-002"; contains(v.resource_path, "backup-region")}

test_pass_backup_region_forwards_to_primary_bus if count(findings(two_regions({"backup": backup_rule}, {"backup": backup_target}))) == 0

test_fail_backup_region_without_rule if count(backup_failures(two_regions({}, {}))) > 0

test_fail_backup_region_forward_without_role if {
	count(backup_failures(two_regions({"backup": backup_rule}, {"backup": object.remove(backup_target, ["role_arn"])}))) > 0
}

test_fail_backup_region_forward_to_its_own_bus if {
	target := object.union(backup_target, {"arn": "arn:aws:events:eu-west-1:111111111111:event-bus/default"})
	count(backup_failures(two_regions({"backup": backup_rule}, {"backup": target}))) > 0
}

# The backup rule's pattern is not the primary rule's: the forwarded findings are not the
# ones the primary rule takes on to the topic.
test_fail_primary_rule_of_another_pattern if {
	lower := "{\"source\":[\"aws.guardduty\"],\"detail-type\":[\"GuardDuty Finding\"],\"detail\":{\"severity\":[{\"numeric\":[\">=\",4]}]}}"
	count(backup_failures(two_regions({"backup": object.union(backup_rule, {"event_pattern": lower})}, {"backup": backup_target}))) > 0
}

# The primary rule is switched off: the forwarded findings stop there.
test_fail_primary_rule_disabled if {
	rules := {"findings": {"state": "DISABLED"}, "backup": backup_rule}
	count(backup_failures(two_regions(rules, {"backup": backup_target}))) > 0
}

# A second declaration of a feature on one detector (a reference swapped to it) is reported,
# and evaluating the detector's features does not fail on the duplicate name.
test_fail_feature_declared_twice if {
	d := f.with_fields("aws_guardduty_detector_feature", "s3-again", {"//": {"metadata": {"path": "dev-security/threat-detection/guardduty-s3-again"}}, "detector_id": "${aws_guardduty_detector.d.id}", "name": "S3_DATA_EVENTS", "status": "DISABLED"})
	some v in findings(d)
	contains(v.msg, "S3_DATA_EVENTS: declared by 2 aws_guardduty_detector_feature resources")
}
