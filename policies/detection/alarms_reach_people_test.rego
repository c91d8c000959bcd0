package rules.detection.alarms_reach_people_test

import data.rules.detection.alarms_reach_people as rule
import data.rules.detection.fixtures_test as f

findings(d) := found if {
	found := rule.deny with input as d with data.detection as f.settings
}

fails(d) if {
	some v in findings(d)
	v.rule_id == "DET-007"
}

test_pass_security_stack if count(findings(f.security_stack)) == 0

test_pass_campaign_stack if count(findings(f.campaign_stack)) == 0

test_pass_alarm_to_another_stacks_topic if {
	d := f.campaign_with_fields("aws_cloudwatch_metric_alarm", "errors", {"alarm_actions": ["${data.terraform_remote_state.security.outputs.cross-stack-output-aws_sns_topicsecurity-alarms_topic_84805510arn}"]})
	count(findings(d)) == 0
}

test_fail_alarm_without_actions if fails(f.campaign_with_fields("aws_cloudwatch_metric_alarm", "errors", {"alarm_actions": []}))

test_fail_alarm_actions_disabled if fails(f.campaign_with_fields("aws_cloudwatch_metric_alarm", "errors", {"actions_enabled": false}))

test_fail_alarm_to_foreign_topic if fails(f.campaign_with_fields("aws_cloudwatch_metric_alarm", "errors", {"alarm_actions": ["arn:aws:sns:eu-west-2:999999999999:elsewhere"]}))

test_fail_alarm_evaluated_too_slowly if fails(f.campaign_with_fields("aws_cloudwatch_metric_alarm", "errors", {"evaluation_periods": 24, "period": 3600}))

test_fail_alarm_missing_data_ignored if fails(f.campaign_with_fields("aws_cloudwatch_metric_alarm", "errors", {"treat_missing_data": "ignore"}))

test_fail_operations_topic_without_subscription if fails(f.stack("dev-campaign", object.remove(f.campaign_resources, ["aws_sns_topic_subscription"])))

test_fail_subscription_to_security_address_in_campaign if fails(f.campaign_with_fields("aws_sns_topic_subscription", "email", {"endpoint": "security@medicare.example"}))

test_fail_extra_subscription_on_security_topic if fails(f.with_fields("aws_sns_topic_subscription", "extra", {"protocol": "https", "endpoint": "https://attacker.example/hook", "topic_arn": f.topic}))

test_fail_subscription_with_filter_policy if fails(f.with_fields("aws_sns_topic_subscription", "team", {"filter_policy": "{\"AlarmName\":[\"none\"]}"}))

test_fail_count_alarm_on_minimum if fails(f.campaign_with_fields("aws_cloudwatch_metric_alarm", "errors", {"statistic": "Minimum"}))

test_fail_count_alarm_counting_zeros if fails(f.campaign_with_fields("aws_cloudwatch_metric_alarm", "errors", {"statistic": "SampleCount"}))

test_fail_count_alarm_needs_two_events if fails(f.campaign_with_fields("aws_cloudwatch_metric_alarm", "errors", {"threshold": 1}))

test_fail_count_alarm_always_true if fails(f.campaign_with_fields("aws_cloudwatch_metric_alarm", "errors", {"comparison_operator": "GreaterThanOrEqualToThreshold", "threshold": 0}))

test_pass_count_alarm_on_maximum if count(findings(f.campaign_with_fields("aws_cloudwatch_metric_alarm", "errors", {"statistic": "Maximum"}))) == 0

# The security account's finding topic notifies only its own entry's address.
test_pass_organization_detection_topic if count(findings(f.organization_detection_stack("org-security@medicare.example"))) == 0

test_fail_organization_detection_topic_to_unnamed_address if fails(f.organization_detection_stack("ops@medicare.example"))
