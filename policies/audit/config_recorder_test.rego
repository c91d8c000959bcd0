package rules.audit.config_recorder_test

import data.rules.audit.config_recorder as rule
import data.rules.audit.fixtures_test as f

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "AUD-003"
}

test_pass_security_stack if count(rule.deny) == 0 with input as f.security_stack

test_pass_other_stack if count(rule.deny) == 0 with input as f.data_stack

test_fail_no_global_types if fails(f.with_fields("aws_config_configuration_recorder", "r", {"recording_group": {"all_supported": true, "include_global_resource_types": false}}))

test_fail_stopped if fails(f.with_fields("aws_config_configuration_recorder_status", "s", {"is_enabled": false}))

test_fail_no_delivery_channel if fails(f.without("aws_config_delivery_channel"))

test_fail_delivery_without_key if fails(f.with_fields("aws_config_delivery_channel", "c", {"s3_kms_key_arn": ""}))

test_fail_backup_region_unrecorded if fails(f.in_two_regions({}))

test_pass_backup_region_records_regional_types_only if {
	d := f.in_two_regions({"aws_config_configuration_recorder": {"b": {"provider": "aws.backup_region", "recording_group": {"all_supported": true, "include_global_resource_types": false}}}})
	count(rule.deny) == 0 with input as d
}

test_fail_backup_region_records_only_some_types if fails(f.in_two_regions({"aws_config_configuration_recorder": {"b": {"provider": "aws.backup_region", "recording_group": {"all_supported": false}}}}))
