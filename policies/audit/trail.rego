# AUD-001: the account's trail records every region (global services included), every
# management event and S3 object-level events, is KMS-encrypted, validates its log files
# with digests, delivers to CloudWatch Logs and is logging. The security stack must have one.
package rules.audit.trail

import data.lib.audit
import data.lib.cdktf

metadata := {
	"id": "AUD-001",
	"title": "A multi-region CloudTrail with log file validation, KMS, CloudWatch Logs and S3 data events",
	"severity": "critical",
	"hipaa": ["E", "I", "L"],
	"control": "a multi-region CloudTrail with log file validation, KMS and CloudWatch Logs",
	"references": ["nag:CloudTrailCloudWatchLogsEnabled", "nag:CloudTrailEncryptionEnabled", "nag:CloudTrailLogFileValidationEnabled", "ckv:CKV_AWS_35", "ckv:CKV_AWS_36", "ckv:CKV_AWS_67", "ckv:CKV2_AWS_10"],
	"fix": "Keep AuditTrail (modules/security/audit-trail.ts) in the security stack: it sets every one of these and has no switch for them.",
}

deny contains cdktf.violation(metadata, {"path": audit.stack_name, "address": "aws_cloudtrail"}, "the security stack declares no multi-region CloudTrail") if {
	audit.is_security_stack
	count([t | some t in audit.trails; t.values.is_multi_region_trail == true]) == 0
}

problems(trail) := {msg |
	some [msg, weak] in [
		["is_multi_region_trail is not true", object.get(trail.values, "is_multi_region_trail", false) != true],
		["enable_log_file_validation is not true", object.get(trail.values, "enable_log_file_validation", false) != true],
		["include_global_service_events is false", object.get(trail.values, "include_global_service_events", true) == false],
		["enable_logging is false", object.get(trail.values, "enable_logging", true) == false],
		["kms_key_id is not a customer-managed key ARN", not_kms_key(trail)],
		["cloud_watch_logs_group_arn names no log group of this stack", not_delivered_to_logs(trail)],
		["records no S3 data events (advanced selector: eventCategory Data, resources.type AWS::S3::Object)", not_recording_data_events(trail)],
		["does not record every management event (advanced selector: eventCategory Management, no readOnly filter)", not_recording_management_events(trail)],
	]
	weak
}

not_kms_key(trail) := false if cdktf.is_kms_key_ref(object.get(trail.values, "kms_key_id", null)) else := true

not_delivered_to_logs(trail) := false if audit.trail_log_group(trail) else := true

not_recording_data_events(trail) := false if audit.records_s3_data_events(trail) else := true

not_recording_management_events(trail) := false if audit.records_all_management_events(trail) else := true

deny contains cdktf.violation(metadata, trail, concat("; ", sort(problems(trail)))) if {
	some trail in audit.trails
	count(problems(trail)) > 0
}
