# AUD-007: the CIS 4.x monitors exist on the trail's log group, each with an alarm that
# notifies a KMS-encrypted SNS topic: root use, unauthorized calls, console sign-in without
# MFA, IAM policy, CloudTrail, KMS, security group, NACL, route table, VPC and S3 bucket
# policy changes. Each monitor is recognised by an event its filter must match.
package rules.audit.cis_alarms

import data.lib.audit
import data.lib.cdktf

metadata := {
	"id": "AUD-007",
	"title": "CIS metric filters on the trail's log group, each with an alarm to a KMS-encrypted SNS topic",
	"severity": "high",
	"hipaa": ["L"],
	"control": "CIS metric filters + alarms (root use, unauthorized calls, console login without MFA, IAM/CloudTrail/KMS/SG/NACL changes)",
	"references": ["own"],
	"fix": "Keep SecurityAlarms (modules/security/cis-alarms.ts) with every CIS_MONITORS entry, on the AuditTrail's log group, alarming to the security topic (messaging key).",
}

# Monitor -> a fragment its filter pattern must contain.
monitors := {
	"unauthorized API calls (4.1)": "UnauthorizedOperation",
	"console sign-in without MFA (4.2)": "MFAUsed",
	"root account use (4.3)": "\"Root\"",
	"IAM policy changes (4.4)": "PutRolePolicy",
	"CloudTrail changes (4.5)": "StopLogging",
	"KMS key disable/deletion (4.7)": "ScheduleKeyDeletion",
	"S3 bucket policy changes (4.8)": "PutBucketPolicy",
	"security group changes (4.10)": "AuthorizeSecurityGroupIngress",
	"NACL changes (4.11)": "CreateNetworkAclEntry",
	"route table changes (4.13)": "CreateRoute",
	"VPC changes (4.14)": "CreateVpc",
}

# Filters on a trail's log group.
trail_filters contains filter if {
	some trail in audit.trails
	group := audit.trail_log_group(trail)
	some filter in audit.referring("aws_cloudwatch_log_metric_filter", "log_group_name", group)
}

# The filter has an alarm on its metric that notifies an encrypted topic of this stack.
alarmed(filter) if {
	some t in cdktf.blocks(object.get(filter.values, "metric_transformation", null))
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	alarm.values.metric_name == t.name
	alarm.values.namespace == t.namespace
	object.get(alarm.values, "actions_enabled", true) != false
	some action in cdktf.as_array(object.get(alarm.values, "alarm_actions", []))
	some topic in cdktf.resources("aws_sns_topic")
	cdktf.refers_to(action, topic)
	cdktf.is_kms_key_ref(object.get(topic.values, "kms_master_key_id", null))
}

covered contains monitor if {
	some monitor, fragment in monitors
	some filter in trail_filters
	contains(object.get(filter.values, "pattern", ""), fragment)
	alarmed(filter)
}

deny contains cdktf.violation(metadata, {"path": audit.stack_name, "address": "aws_cloudwatch_log_metric_filter"}, sprintf("no metric filter on the trail's log group with an alarm to a KMS-encrypted topic for: %v", [sort(missing)])) if {
	audit.is_security_stack
	missing := {m | some m, _ in monitors} - covered
	count(missing) > 0
}
