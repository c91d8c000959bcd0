# Shared fixtures for the detection-path rules: a security stack and a campaign stack whose
# every path reaches a named person, and the settings (policies/data/detection.json) they
# are judged with. Tests edit one link and expect the rule to fail.
package rules.detection.fixtures_test

meta(path) := {"metadata": {"path": path}}

settings := {
	"environments": {"dev": {
		"security_endpoints": [{"protocol": "email", "endpoint": "security@medicare.example"}],
		"operations_endpoints": [{"protocol": "email", "endpoint": "ops@medicare.example"}],
		"phi_bucket_arn_prefixes": ["arn:aws:s3:::medicare-dev-export-", "arn:aws:s3:::medicare-dev-patient-data-"],
		"config_retention_days": 366,
	}},
	"stacks": {"organization-detection": {"security_endpoints": [{"protocol": "email", "endpoint": "org-security@medicare.example"}]}},
	"cis_monitor_metrics": ["root-account-use", "iam-policy-changes"],
	"guardduty_features": {"S3_DATA_EVENTS": [], "RUNTIME_MONITORING": ["EC2_AGENT_MANAGEMENT"]},
	"guardduty_alert_max_severity": 7,
	"config_managed_rules": ["CLOUD_TRAIL_ENCRYPTION_ENABLED", "VPC_FLOW_LOGS_ENABLED"],
}

topic := "${aws_sns_topic.security.arn}"

management := {"name": "management", "field_selector": [{"field": "eventCategory", "equals": ["Management"]}]}

data_events := {"name": "data", "field_selector": [
	{"field": "eventCategory", "equals": ["Data"]},
	{"field": "resources.type", "equals": ["AWS::S3::Object"]},
	{"field": "resources.ARN", "starts_with": ["arn:aws:s3:::medicare-dev-export-", "arn:aws:s3:::medicare-dev-patient-data-"]},
]}

alarm(metric) := {
	"//": meta(sprintf("dev-security/security-alarms/%s-alarm", [metric])),
	"metric_name": metric,
	"namespace": "medicare/dev/cis",
	"alarm_actions": [topic],
	"comparison_operator": "GreaterThanOrEqualToThreshold",
	"evaluation_periods": 1,
	"period": 300,
	"statistic": "Sum",
	"threshold": 1,
	"treat_missing_data": "notBreaching",
}

security_resources := {
	"aws_cloudtrail": {"trail": {
		"//": meta("dev-security/audit-trail/trail"),
		"is_multi_region_trail": true,
		"include_global_service_events": true,
		"enable_logging": true,
		"cloud_watch_logs_group_arn": "${aws_cloudwatch_log_group.trail.arn}:*",
		"advanced_event_selector": [management, data_events],
	}},
	"aws_cloudwatch_log_group": {"trail": {"//": meta("dev-security/audit-trail/log-group"), "name": "/medicare/dev/audit/cloudtrail"}},
	"aws_cloudwatch_log_metric_filter": {m: {
		"//": meta(sprintf("dev-security/security-alarms/%s-filter", [m])),
		"log_group_name": "${aws_cloudwatch_log_group.trail.name}",
		"pattern": "{ $.eventName = X }",
		"metric_transformation": {"name": m, "namespace": "medicare/dev/cis", "value": "1"},
	} | some m in settings.cis_monitor_metrics},
	"aws_cloudwatch_metric_alarm": {m: alarm(m) | some m in settings.cis_monitor_metrics},
	"aws_sns_topic": {"security": {"//": meta("dev-security/security-alarms/topic")}},
	"aws_sns_topic_subscription": {"team": {"//": meta("dev-security/security-alarms/security-team"), "protocol": "email", "endpoint": "security@medicare.example", "topic_arn": topic}},
	"aws_guardduty_detector": {"d": {"//": meta("dev-security/threat-detection/guardduty"), "enable": true}},
	"aws_guardduty_detector_feature": {
		"s3": {"//": meta("dev-security/threat-detection/guardduty-s3"), "detector_id": "${aws_guardduty_detector.d.id}", "name": "S3_DATA_EVENTS", "status": "ENABLED"},
		"runtime": {"//": meta("dev-security/threat-detection/guardduty-runtime"), "detector_id": "${aws_guardduty_detector.d.id}", "name": "RUNTIME_MONITORING", "status": "ENABLED", "additional_configuration": [{"name": "EC2_AGENT_MANAGEMENT", "status": "ENABLED"}]},
	},
	"aws_cloudwatch_event_rule": {"findings": {"//": meta("dev-security/threat-detection/guardduty-high-findings"), "event_pattern": "{\"source\":[\"aws.guardduty\"],\"detail-type\":[\"GuardDuty Finding\"],\"detail\":{\"severity\":[{\"numeric\":[\">=\",7]}]}}"}},
	"aws_cloudwatch_event_target": {"findings": {"//": meta("dev-security/threat-detection/guardduty-target"), "rule": "${aws_cloudwatch_event_rule.findings.name}", "arn": topic}},
	"aws_securityhub_account": {"h": {"//": meta("dev-security/threat-detection/security-hub"), "auto_enable_controls": true}},
	"aws_securityhub_standards_subscription": {"cis": {"//": meta("dev-security/threat-detection/standard-cis"), "standards_arn": "arn:aws:securityhub:eu-west-2::standards/cis-aws-foundations-benchmark/v/3.0.0"}},
	"aws_config_configuration_recorder": {"r": {"//": meta("dev-security/config/recorder"), "recording_group": {"all_supported": true, "include_global_resource_types": true}, "recording_mode": {"recording_frequency": "CONTINUOUS"}}},
	"aws_config_configuration_recorder_status": {"s": {"//": meta("dev-security/config/recording"), "is_enabled": true}},
	"aws_config_delivery_channel": {"c": {"//": meta("dev-security/config/delivery-channel"), "s3_bucket_name": "${aws_s3_bucket.config.bucket}"}},
	"aws_config_retention_configuration": {"k": {"//": meta("dev-security/config/retention"), "retention_period_in_days": 366}},
	"aws_config_config_rule": {name: {"//": meta(sprintf("dev-security/config/rule-%s", [name])), "source": {"owner": "AWS", "source_identifier": name}} | some name in settings.config_managed_rules},
}

stack(name, rs) := {"//": {"metadata": {"stackName": name}}, "resource": rs}

security_stack := stack("dev-security", security_resources)

# `rs` with one resource's fields changed / one resource added / every resource of a type removed.
set_fields(rs, type, name, fields) := object.union(rs, {type: object.union(object.get(rs, type, {}), {name: object.union(object.get(object.get(rs, type, {}), name, {}), fields)})})

with_fields(type, name, fields) := stack("dev-security", set_fields(security_resources, type, name, fields))

without(type) := stack("dev-security", object.remove(security_resources, [type]))

without_one(type, name) := stack("dev-security", object.union(object.remove(security_resources, [type]), {type: object.remove(security_resources[type], [name])}))

# ---------------------------------------------------------------------------
# The security account's organization-detection stack: its own detector's findings reach the
# address its own entry names (settings.stacks), not an environment's.

organization_detection_resources(endpoint) := object.union(
	{type: security_resources[type] | some type in {
		"aws_guardduty_detector", "aws_guardduty_detector_feature", "aws_cloudwatch_event_rule",
		"aws_cloudwatch_event_target", "aws_sns_topic",
	}},
	{"aws_sns_topic_subscription": {"team": {"//": meta("organization-detection/security-alerts-eu-west-2/security-team"), "protocol": "email", "endpoint": endpoint, "topic_arn": topic}}},
)

organization_detection_stack(endpoint) := stack("organization-detection", organization_detection_resources(endpoint))

# ---------------------------------------------------------------------------
# The campaign's operations path and the network and edge log sources.

ops_topic := "${aws_sns_topic.operations.arn}"

campaign_resources := {
	"aws_cloudwatch_metric_alarm": {"errors": object.union(alarm("Errors"), {"//": meta("dev-campaign/functions/send/errors-alarm"), "namespace": "AWS/Lambda", "alarm_actions": [ops_topic], "comparison_operator": "GreaterThanThreshold", "threshold": 0})},
	"aws_sns_topic": {"operations": {"//": meta("dev-campaign/operations-topic/topic")}},
	"aws_sns_topic_subscription": {"email": {"//": meta("dev-campaign/operations-topic/email"), "protocol": "email", "endpoint": "ops@medicare.example", "topic_arn": ops_topic}},
	"aws_wafv2_web_acl": {"api": {"//": meta("dev-campaign/api-waf/acl")}},
	"aws_cloudwatch_log_group": {"waf": {"//": meta("dev-campaign/api-waf/logs"), "name": "aws-waf-logs-api"}},
	"aws_wafv2_web_acl_logging_configuration": {"api": {"//": meta("dev-campaign/api-waf/logging"), "resource_arn": "${aws_wafv2_web_acl.api.arn}", "log_destination_configs": ["${aws_cloudwatch_log_group.waf.arn}"], "redacted_fields": [{"single_header": {"name": "authorization"}}, {"uri_path": {}}]}},
	"aws_wafv2_web_acl_association": {"public": {"//": meta("dev-campaign/public-api/waf"), "web_acl_arn": "${aws_wafv2_web_acl.api.arn}", "resource_arn": "${aws_api_gateway_stage.public.arn}"}},
	"aws_api_gateway_stage": {"public": {"//": meta("dev-campaign/public-api/stage"), "rest_api_id": "${aws_api_gateway_rest_api.public.id}"}},
	"aws_api_gateway_rest_api": {"public": {"//": meta("dev-campaign/public-api/api")}},
	"aws_api_gateway_resource": {"token": {"//": meta("dev-campaign/public-api/resource-i-token"), "rest_api_id": "${aws_api_gateway_rest_api.public.id}", "path_part": "{token}"}},
}

campaign_stack := stack("dev-campaign", campaign_resources)

campaign_with_fields(type, name, fields) := stack("dev-campaign", set_fields(campaign_resources, type, name, fields))

tunnel_logs := {"cloudwatch_log_options": {"log_enabled": true, "log_group_arn": "${aws_cloudwatch_log_group.vpn.arn}"}}

network_resources := {
	"aws_vpc": {"vpc": {"//": meta("dev-network/vpc/vpc")}},
	"aws_cloudwatch_log_group": {"vpn": {"//": meta("dev-network/vpn/tunnel-logs")}, "dns": {"//": meta("dev-network/dns/query-logs")}},
	"aws_vpn_connection": {"vpn": {"//": meta("dev-network/vpn/connection"), "tunnel1_log_options": tunnel_logs, "tunnel2_log_options": tunnel_logs}},
	"aws_route53_resolver_query_log_config": {"q": {"//": meta("dev-network/dns/query-log"), "destination_arn": "${aws_cloudwatch_log_group.dns.arn}"}},
	"aws_route53_resolver_query_log_config_association": {"a": {"//": meta("dev-network/dns/query-log-association"), "resolver_query_log_config_id": "${aws_route53_resolver_query_log_config.q.id}", "resource_id": "${aws_vpc.vpc.id}"}},
	"aws_route53_zone": {"zone": {"//": meta("dev-network/zone/zone"), "name": "dev.medicare.example"}},
	"aws_route53_query_log": {"zone": {"//": meta("dev-network/zone/query-log"), "zone_id": "${aws_route53_zone.zone.zone_id}", "cloudwatch_log_group_arn": "${aws_cloudwatch_log_group.dns.arn}"}},
}

network_stack := stack("dev-network", network_resources)

network_with_fields(type, name, fields) := stack("dev-network", set_fields(network_resources, type, name, fields))

network_without(type) := stack("dev-network", object.remove(network_resources, [type]))
