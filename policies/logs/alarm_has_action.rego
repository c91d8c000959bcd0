# LOG-003: an alarm that notifies no one is not monitoring. Every metric and composite
# alarm has at least one alarm action, and its actions are not switched off.
package rules.logs.alarm_has_action

import data.lib.cdktf

metadata := {
	"id": "LOG-003",
	"title": "Every CloudWatch alarm has an alarm action",
	"severity": "medium",
	"hipaa": ["L"],
	"control": "every alarm has an action",
	"references": ["nag:CloudWatchAlarmAction", "ckv:CKV_AWS_319"],
	"fix": "Give the alarm alarm_actions (e.g. the alarms SNS topic) and leave actions_enabled unset or true.",
}

alarm_types := ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"]

deny contains cdktf.violation(metadata, alarm, "has no alarm_actions") if {
	some type in alarm_types
	some alarm in cdktf.resources(type)
	count(cdktf.as_array(object.get(alarm.values, "alarm_actions", []))) == 0
}

deny contains cdktf.violation(metadata, alarm, "has actions_enabled = false, so its actions never run") if {
	some type in alarm_types
	some alarm in cdktf.resources(type)
	alarm.values.actions_enabled == false
}
