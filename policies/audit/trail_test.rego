package rules.audit.trail_test

import data.rules.audit.fixtures_test as f
import data.rules.audit.trail as rule

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "AUD-001"
}

test_pass_security_stack if count(rule.deny) == 0 with input as f.security_stack

test_pass_other_stack_without_trail if count(rule.deny) == 0 with input as f.data_stack

test_fail_without_validation if fails(f.with_fields("aws_cloudtrail", "trail", {"enable_log_file_validation": false}))

test_fail_single_region if fails(f.with_fields("aws_cloudtrail", "trail", {"is_multi_region_trail": false}))

test_fail_aws_managed_key if fails(f.with_fields("aws_cloudtrail", "trail", {"kms_key_id": "alias/aws/cloudtrail"}))

test_fail_no_cloudwatch_logs if fails(f.with_fields("aws_cloudtrail", "trail", {"cloud_watch_logs_group_arn": ""}))

test_fail_no_data_events if fails(f.with_fields("aws_cloudtrail", "trail", {"advanced_event_selector": [f.trail.advanced_event_selector[0]]}))

test_fail_write_only_management_events if {
	fails(f.with_fields("aws_cloudtrail", "trail", {"advanced_event_selector": [
		{"name": "m", "field_selector": [{"field": "eventCategory", "equals": ["Management"]}, {"field": "readOnly", "equals": ["false"]}]},
		f.trail.advanced_event_selector[1],
	]}))
}

test_fail_not_logging if fails(f.with_fields("aws_cloudtrail", "trail", {"enable_logging": false}))

test_fail_security_stack_without_trail if fails(f.without("aws_cloudtrail"))
