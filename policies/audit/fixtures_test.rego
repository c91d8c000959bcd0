# Shared fixtures for the audit rule tests: a minimal security stack that passes every rule.
package rules.audit.fixtures_test

meta(path) := {"metadata": {"path": path}}

key := "${aws_kms_key.logs.arn}"

trail := {
	"//": meta("dev-security/audit-trail/trail"),
	"name": "medicare-dev-trail",
	"is_multi_region_trail": true,
	"include_global_service_events": true,
	"enable_log_file_validation": true,
	"enable_logging": true,
	"kms_key_id": key,
	"s3_bucket_name": "${aws_s3_bucket.audit.bucket}",
	"cloud_watch_logs_group_arn": "${aws_cloudwatch_log_group.trail.arn}:*",
	"advanced_event_selector": [
		{"name": "management", "field_selector": [{"field": "eventCategory", "equals": ["Management"]}]},
		{"name": "data", "field_selector": [
			{"field": "eventCategory", "equals": ["Data"]},
			{"field": "resources.type", "equals": ["AWS::S3::Object"]},
			{"field": "resources.ARN", "starts_with": ["arn:aws:s3:::medicare-dev-export-"]},
		]},
	],
}

cis_fragments := {
	"unauthorized": "$.errorCode = \"*UnauthorizedOperation\"",
	"no-mfa": "$.additionalEventData.MFAUsed != \"Yes\"",
	"root": "$.userIdentity.type = \"Root\"",
	"iam": "$.eventName = PutRolePolicy",
	"trail": "$.eventName = StopLogging",
	"kms": "$.eventName = ScheduleKeyDeletion",
	"s3": "$.eventName = PutBucketPolicy",
	"sg": "$.eventName = AuthorizeSecurityGroupIngress",
	"nacl": "$.eventName = CreateNetworkAclEntry",
	"route": "$.eventName = CreateRoute",
	"vpc": "$.eventName = CreateVpc",
}

filters := {id: {
	"//": meta(sprintf("dev-security/security-alarms/%s-filter", [id])),
	"log_group_name": "${aws_cloudwatch_log_group.trail.name}",
	"pattern": sprintf("{ %s }", [pattern]),
	"metric_transformation": {"name": id, "namespace": "medicare/dev/cis", "value": "1"},
} | some id, pattern in cis_fragments}

alarms := {id: {
	"//": meta(sprintf("dev-security/security-alarms/%s-alarm", [id])),
	"metric_name": id,
	"namespace": "medicare/dev/cis",
	"alarm_actions": ["${aws_sns_topic.security.arn}"],
} | some id, _ in cis_fragments}

resources := {
	"aws_cloudtrail": {"trail": trail},
	"aws_cloudwatch_log_group": {"trail": {"//": meta("dev-security/audit-trail/log-group/group"), "kms_key_id": key}},
	"aws_s3_bucket": {"audit": {"//": meta("dev-security/audit-trail/bucket/bucket"), "bucket": "medicare-dev-audit-trail-111111111111", "object_lock_enabled": true}},
	"aws_s3_bucket_object_lock_configuration": {"audit": {"//": meta("dev-security/audit-trail/bucket/object-lock"), "bucket": "${aws_s3_bucket.audit.id}", "rule": {"default_retention": {"mode": "COMPLIANCE", "days": 366}}}},
	"aws_s3_bucket_versioning": {"audit": {"//": meta("dev-security/audit-trail/bucket/versioning"), "bucket": "${aws_s3_bucket.audit.id}", "versioning_configuration": {"status": "Enabled"}}},
	"aws_config_configuration_recorder": {"r": {"//": meta("dev-security/config/recorder"), "name": "medicare-dev-config", "recording_group": {"all_supported": true, "include_global_resource_types": true}}},
	"aws_config_delivery_channel": {"c": {"//": meta("dev-security/config/delivery-channel"), "s3_bucket_name": "b", "s3_kms_key_arn": key}},
	"aws_config_configuration_recorder_status": {"s": {"//": meta("dev-security/config/recording"), "name": "medicare-dev-config", "is_enabled": true}},
	"aws_guardduty_detector": {"d": {"//": meta("dev-security/threat-detection/guardduty"), "enable": true, "finding_publishing_frequency": "FIFTEEN_MINUTES"}},
	"aws_guardduty_detector_feature": {lower(name): {"//": meta(sprintf("dev-security/threat-detection/guardduty-%s", [lower(name)])), "detector_id": "${aws_guardduty_detector.d.id}", "name": name, "status": "ENABLED"} |
		some name in ["S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION", "RUNTIME_MONITORING"]
	},
	"aws_inspector2_enabler": {"i": {"//": meta("dev-security/threat-detection/inspector"), "account_ids": ["111111111111"], "resource_types": ["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"]}},
	"aws_securityhub_account": {"h": {"//": meta("dev-security/threat-detection/security-hub")}},
	"aws_securityhub_standards_subscription": {
		"fsbp": {"//": meta("dev-security/threat-detection/standard-fsbp"), "standards_arn": "arn:aws:securityhub:eu-west-2::standards/aws-foundational-security-best-practices/v/1.0.0"},
		"cis": {"//": meta("dev-security/threat-detection/standard-cis"), "standards_arn": "arn:aws:securityhub:eu-west-2::standards/cis-aws-foundations-benchmark/v/3.0.0"},
	},
	"aws_accessanalyzer_analyzer": {"a": {"//": meta("dev-security/threat-detection/access-analyzer"), "analyzer_name": "medicare-dev-access-analyzer", "type": "ACCOUNT"}},
	"aws_sns_topic": {"security": {"//": meta("dev-security/security-alarms/topic"), "kms_master_key_id": "${aws_kms_key.messaging.arn}"}},
	"aws_macie2_account": {"m": {"//": meta("dev-security/threat-detection/macie"), "status": "ENABLED", "finding_publishing_frequency": "FIFTEEN_MINUTES"}},
	"aws_macie2_classification_job": {"j": {"//": meta("dev-security/threat-detection/macie-phi-discovery"), "job_type": "SCHEDULED", "sampling_percentage": 100, "schedule_frequency": {"daily_schedule": true}, "s3_job_definition": {"bucket_criteria": {"includes": {"and": [{"tag_criterion": {"comparator": "EQ", "tag_values": [{"key": "bucket-contents", "value": "phi"}]}}]}}}}},
	"aws_cloudwatch_event_rule": {"macie": {"//": meta("dev-security/threat-detection/macie-high-findings"), "event_pattern": json.marshal({"source": ["aws.macie"], "detail-type": ["Macie Finding"], "detail": {"severity": {"description": ["High"]}}})}},
	"aws_cloudwatch_event_target": {"macie": {"rule": "${aws_cloudwatch_event_rule.macie.name}", "arn": "${aws_sns_topic.security.arn}"}},
	"aws_cloudwatch_log_metric_filter": filters,
	"aws_cloudwatch_metric_alarm": alarms,
}

stack(rs) := {"//": {"metadata": {"stackName": "dev-security"}}, "resource": rs}

security_stack := stack(resources)

# The security stack with one resource's fields changed.
with_fields(type, name, fields) := stack(object.union(resources, {type: object.union(resources[type], {name: object.union(resources[type][name], fields)})}))

# The security stack without every resource of `type`.
without(type) := stack(object.remove(resources, [type]))

# A stack that is not the security stack, with none of these services.
data_stack := {"//": {"metadata": {"stackName": "dev-data"}}, "resource": {"aws_s3_bucket": {"b": {"bucket": "x"}}}}

# The security stack as it really is: a primary and a backup-region provider.
two_regions := {"aws": [{"region": "eu-west-2"}, {"alias": "backup_region", "region": "eu-west-1"}]}

# The security stack with both providers and `extra` resources (type -> name -> body) merged in.
in_two_regions(extra) := object.union(object.union(security_stack, {"provider": two_regions}), {"resource": extra})
