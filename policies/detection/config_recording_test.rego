package rules.detection.config_recording_test

import data.rules.detection.config_recording as rule
import data.rules.detection.fixtures_test as f

findings(d) := found if {
	found := rule.deny with input as d with data.detection as f.settings
}

fails(d) if {
	some v in findings(d)
	v.rule_id == "DET-004"
}

test_pass_security_stack if count(findings(f.security_stack)) == 0

test_pass_other_stack if count(findings(f.network_stack)) == 0

test_fail_no_recorder if fails(f.without("aws_config_configuration_recorder"))

test_fail_daily_recording if fails(f.with_fields("aws_config_configuration_recorder", "r", {"recording_mode": {"recording_frequency": "DAILY"}}))

test_fail_daily_override if fails(f.with_fields("aws_config_configuration_recorder", "r", {"recording_mode": {"recording_frequency": "CONTINUOUS", "recording_mode_override": [{"recording_frequency": "DAILY", "resource_types": ["AWS::EC2::Instance"]}]}}))

test_fail_exclusions if fails(f.with_fields("aws_config_configuration_recorder", "r", {"recording_group": {"all_supported": true, "include_global_resource_types": true, "exclusion_by_resource_types": {"resource_types": ["AWS::IAM::Role"]}}}))

test_fail_stopped if fails(f.with_fields("aws_config_configuration_recorder_status", "s", {"is_enabled": false}))

test_fail_no_delivery if fails(f.without("aws_config_delivery_channel"))

test_fail_retention_short if fails(f.with_fields("aws_config_retention_configuration", "k", {"retention_period_in_days": 365}))

test_fail_managed_rule_removed if fails(f.without_one("aws_config_config_rule", "VPC_FLOW_LOGS_ENABLED"))

test_fail_managed_rule_custom_owner if fails(f.with_fields("aws_config_config_rule", "VPC_FLOW_LOGS_ENABLED", {"source": {"owner": "CUSTOM_LAMBDA", "source_identifier": "VPC_FLOW_LOGS_ENABLED"}}))

# Global types in exactly one region of the account: a second region's recorder records the
# regional types only (passes), and records them again (fails), or nobody does (fails).
regional_recorder := {"//": f.meta("dev-security/config/recorder-eu-west-1"), "provider": "aws.backup_region", "recording_group": {"all_supported": true, "include_global_resource_types": false}, "recording_mode": {"recording_frequency": "CONTINUOUS"}}

# The second region with the HIPAA managed rules of its own.
second_region := f.stack("dev-security", object.union(f.security_resources, {
	"aws_config_configuration_recorder": {"r2": regional_recorder},
	"aws_config_configuration_recorder_status": {"s2": {"//": f.meta("dev-security/config/recording-eu-west-1"), "provider": "aws.backup_region", "is_enabled": true}},
	"aws_config_delivery_channel": {"c2": {"//": f.meta("dev-security/config/delivery-channel-eu-west-1"), "provider": "aws.backup_region", "s3_bucket_name": "${aws_s3_bucket.config.bucket}"}},
	"aws_config_config_rule": {sprintf("%s-backup", [name]): object.union(rule, {"provider": "aws.backup_region"}) | some name, rule in f.security_resources.aws_config_config_rule},
}))

test_pass_second_region_records_regional_types_only if count(findings(second_region)) == 0

test_fail_global_types_in_two_regions if fails(f.with_fields("aws_config_configuration_recorder", "r2", object.union(regional_recorder, {"recording_group": {"all_supported": true, "include_global_resource_types": true}})))

test_fail_global_types_nowhere if fails(f.with_fields("aws_config_configuration_recorder", "r", {"recording_group": {"all_supported": true, "include_global_resource_types": false}}))

test_fail_not_all_supported if fails(f.with_fields("aws_config_configuration_recorder", "r2", object.union(regional_recorder, {"recording_group": {"all_supported": false, "include_global_resource_types": false}})))

# A second region's recorder needs the HIPAA rules in its own region: the primary's do not judge its items.
test_fail_second_region_without_managed_rules if {
	some v in findings(f.with_fields("aws_config_configuration_recorder", "r2", regional_recorder))
	v.rule_id == "DET-004"
	contains(v.msg, "missing in its region")
}

# The second region's recorder is started and delivers only through its own region's status and channel.
second_region_without(type, name) := json.remove(second_region, [sprintf("resource/%s/%s", [type, name])])

test_fail_second_region_not_started if {
	some v in findings(second_region_without("aws_config_configuration_recorder_status", "s2"))
	v.rule_id == "DET-004"
	contains(v.msg, "no aws_config_configuration_recorder_status in its region")
}

test_fail_second_region_without_delivery_channel if {
	some v in findings(second_region_without("aws_config_delivery_channel", "c2"))
	v.rule_id == "DET-004"
	contains(v.msg, "no aws_config_delivery_channel in its region")
}
