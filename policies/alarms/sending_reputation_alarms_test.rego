package rules.alarms.sending_reputation_alarms_test

import data.rules.alarms.sending_reputation_alarms as rule

alarm(namespace, metric, operator, threshold) := {
	"alarm_name": metric,
	"namespace": namespace,
	"metric_name": metric,
	"comparison_operator": operator,
	"threshold": threshold,
	"evaluation_periods": 1,
	"period": 3600,
	"statistic": "Maximum",
	"alarm_actions": ["${aws_sns_topic.ops.arn}"],
}

doc := {"resource": {
	"aws_sns_sms_preferences": {"sms": {"default_sms_type": "Transactional"}},
	"aws_sesv2_configuration_set": {"campaign": {"configuration_set_name": "campaign"}},
	"aws_cloudwatch_metric_alarm": {
		"sms": alarm("AWS/SNS", "SMSSuccessRate", "LessThanThreshold", 0.9),
		"bounce": alarm("AWS/SES", "Reputation.BounceRate", "GreaterThanThreshold", 0.05),
		"complaint": alarm("AWS/SES", "Reputation.ComplaintRate", "GreaterThanThreshold", 0.001),
	},
}}

patched(ops) := json.patch(doc, ops)

fails_on(input_doc, address) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "ALM-002"
	v.address == address
}

test_pass_sms_and_ses_alarmed if {
	count(rule.deny) == 0 with input as doc
}

test_pass_stack_without_sms_or_ses_needs_no_alarms if {
	count(rule.deny) == 0 with input as {"resource": {"aws_sqs_queue": {"q": {}}}}
}

test_fail_no_sms_success_alarm if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_cloudwatch_metric_alarm/sms"}]), "aws_sns_sms_preferences.sms")
}

test_fail_sms_alarm_on_rise if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_cloudwatch_metric_alarm/sms/comparison_operator", "value": "GreaterThanThreshold"}]), "aws_sns_sms_preferences.sms")
}

test_fail_no_bounce_alarm if {
	fails_on(patched([{"op": "remove", "path": "/resource/aws_cloudwatch_metric_alarm/bounce"}]), "aws_sesv2_configuration_set.campaign")
}

test_fail_complaint_threshold_beyond_review_level if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_cloudwatch_metric_alarm/complaint/threshold", "value": 0.005}]), "aws_sesv2_configuration_set.campaign")
}
