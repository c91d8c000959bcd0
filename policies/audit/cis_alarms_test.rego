package rules.audit.cis_alarms_test

import data.rules.audit.cis_alarms as rule
import data.rules.audit.fixtures_test as f

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "AUD-007"
}

test_pass_security_stack if count(rule.deny) == 0 with input as f.security_stack

test_pass_other_stack if count(rule.deny) == 0 with input as f.data_stack

test_fail_alarm_without_action if fails(f.with_fields("aws_cloudwatch_metric_alarm", "root", {"alarm_actions": []}))

test_fail_alarm_actions_disabled if fails(f.with_fields("aws_cloudwatch_metric_alarm", "vpc", {"actions_enabled": false}))

test_fail_unencrypted_topic if fails(f.with_fields("aws_sns_topic", "security", {"kms_master_key_id": "alias/aws/sns"}))

test_fail_filter_on_another_log_group if fails(f.with_fields("aws_cloudwatch_log_metric_filter", "nacl", {"log_group_name": "/aws/lambda/other"}))

test_fail_missing_monitor if fails(f.with_fields("aws_cloudwatch_log_metric_filter", "no-mfa", {"pattern": "{ $.eventName = ConsoleLogin }"}))
