package rules.detection.cloudtrail_path_test

import data.rules.detection.cloudtrail_path as rule
import data.rules.detection.fixtures_test as f

findings(d) := found if {
	found := rule.deny with input as d with data.detection as f.settings
}

fails(d) if {
	some v in findings(d)
	v.rule_id == "DET-001"
}

test_pass_security_stack if count(findings(f.security_stack)) == 0

test_pass_other_stack if count(findings(f.network_stack)) == 0

# the source
test_fail_no_trail if fails(f.without("aws_cloudtrail"))

test_fail_single_region if fails(f.with_fields("aws_cloudtrail", "trail", {"is_multi_region_trail": false}))

test_fail_logging_off if fails(f.with_fields("aws_cloudtrail", "trail", {"enable_logging": false}))

test_fail_write_only_management if fails(f.with_fields("aws_cloudtrail", "trail", {"advanced_event_selector": [
	{"name": "m", "field_selector": [{"field": "eventCategory", "equals": ["Management"]}, {"field": "readOnly", "equals": ["false"]}]},
	f.data_events,
]}))

test_fail_kms_events_excluded if fails(f.with_fields("aws_cloudtrail", "trail", {"advanced_event_selector": [
	{"name": "m", "field_selector": [{"field": "eventCategory", "equals": ["Management"]}, {"field": "eventSource", "not_equals": ["kms.amazonaws.com"]}]},
	f.data_events,
]}))

test_fail_basic_selector_excluding_kms if fails(f.with_fields("aws_cloudtrail", "trail", {"advanced_event_selector": [f.data_events], "event_selector": [{"include_management_events": true, "read_write_type": "All", "exclude_management_event_sources": ["kms.amazonaws.com"]}]}))

test_fail_phi_bucket_not_covered if fails(f.with_fields("aws_cloudtrail", "trail", {"advanced_event_selector": [f.management, {"name": "d", "field_selector": [
	{"field": "eventCategory", "equals": ["Data"]},
	{"field": "resources.type", "equals": ["AWS::S3::Object"]},
	{"field": "resources.ARN", "starts_with": ["arn:aws:s3:::medicare-dev-export-"]},
]}]}))

test_fail_data_events_write_only if fails(f.with_fields("aws_cloudtrail", "trail", {"advanced_event_selector": [f.management, {"name": "d", "field_selector": array.concat(f.data_events.field_selector, [{"field": "readOnly", "equals": ["false"]}])}]}))

# the path: a link missing, disabled, out of bounds or pointing elsewhere
test_fail_log_group_infrequent_access if fails(f.with_fields("aws_cloudwatch_log_group", "trail", {"log_group_class": "INFREQUENT_ACCESS"}))

test_fail_trail_not_delivered_to_logs if fails(f.with_fields("aws_cloudtrail", "trail", {"cloud_watch_logs_group_arn": ""}))

test_fail_monitor_filter_missing if fails(f.without_one("aws_cloudwatch_log_metric_filter", "root-account-use"))

test_fail_filter_on_another_group if fails(f.with_fields("aws_cloudwatch_log_metric_filter", "iam-policy-changes", {"log_group_name": "/aws/lambda/other"}))

test_fail_alarm_actions_disabled if fails(f.with_fields("aws_cloudwatch_metric_alarm", "root-account-use", {"actions_enabled": false}))

test_fail_alarm_threshold_raised if fails(f.with_fields("aws_cloudwatch_metric_alarm", "root-account-use", {"threshold": 5}))

test_fail_alarm_too_slow if fails(f.with_fields("aws_cloudwatch_metric_alarm", "root-account-use", {"period": 86400}))

test_fail_alarm_missing_data_breaching if fails(f.with_fields("aws_cloudwatch_metric_alarm", "root-account-use", {"treat_missing_data": "breaching"}))

test_fail_alarm_to_another_topic if fails(f.with_fields("aws_cloudwatch_metric_alarm", "iam-policy-changes", {"alarm_actions": ["arn:aws:sns:eu-west-2:999999999999:elsewhere"]}))

test_fail_topic_without_subscription if fails(f.without("aws_sns_topic_subscription"))

test_fail_subscription_to_unnamed_endpoint if fails(f.with_fields("aws_sns_topic_subscription", "team", {"endpoint": "someone@example.org"}))
