package rules.logs.alarm_has_action_test

import data.rules.logs.alarm_has_action as rule

metric_alarm(fields) := object.union(
	{
		"alarm_name": "root-use",
		"metric_name": "RootAccountUsage",
		"namespace": "CISBenchmark",
		"comparison_operator": "GreaterThanOrEqualToThreshold",
		"evaluation_periods": 1,
		"threshold": 1,
		"alarm_actions": ["${aws_sns_topic.alarms.arn}"],
	},
	fields,
)

composite_alarm(fields) := object.union(
	{
		"alarm_name": "any-cis",
		"alarm_rule": "ALARM(root-use)",
		"alarm_actions": "${aws_sns_topic.alarms.arn}",
	},
	fields,
)

doc(metric, composite) := {"resource": {
	"aws_cloudwatch_metric_alarm": {"root": metric},
	"aws_cloudwatch_composite_alarm": {"any": composite},
}}

fails_on(input_doc, address) if {
	result := rule.deny with input as input_doc
	some v in result
	v.rule_id == "LOG-003"
	v.address == address
}

test_pass_both_alarm_kinds_notify if {
	count(rule.deny) == 0 with input as doc(metric_alarm({}), composite_alarm({"actions_enabled": true}))
}

test_fail_metric_alarm_without_actions if {
	fails_on(doc(object.remove(metric_alarm({}), ["alarm_actions"]), composite_alarm({})), "aws_cloudwatch_metric_alarm.root")
}

test_fail_empty_alarm_actions if {
	fails_on(doc(metric_alarm({"alarm_actions": []}), composite_alarm({})), "aws_cloudwatch_metric_alarm.root")
}

test_fail_composite_alarm_actions_disabled if {
	fails_on(doc(metric_alarm({}), composite_alarm({"actions_enabled": false})), "aws_cloudwatch_composite_alarm.any")
}
