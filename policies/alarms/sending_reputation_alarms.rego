# ALM-002: the channels patients are reached through are watched: a stack that configures SMS
# (aws_sns_sms_preferences) alarms when the SMS success rate drops, and a stack with an SES
# configuration set alarms on the account's bounce and complaint rates before they reach
# the levels at which SES reviews the account (5% bounces, 0.1% complaints) and may stop
# all sending, invitations included.
package rules.alarms.sending_reputation_alarms

import data.lib.cdktf
import data.lib.messaging

metadata := {
	"id": "ALM-002",
	"title": "SMS success rate and SES bounce and complaint rates are alarmed wherever SMS or SES is configured",
	"severity": "medium",
	"hipaa": ["L"],
	"control": "workers send SMS (SNS Publish to a phone number, transactional) and email (SES, one message per recipient): delivery and reputation alarmed (ARCHITECTURE.md, campaign engine: dispatch)",
	"references": ["own"],
	"fix": "Keep the SMS success-rate and SES reputation alarms of OperationsAlarms (modules/monitoring/operations-alarms.ts): AWS/SNS SMSSuccessRate < threshold, AWS/SES Reputation.BounceRate > at most 0.05 and Reputation.ComplaintRate > at most 0.001.",
}

falls_below(alarm) if {
	alarm.values.comparison_operator in {"LessThanThreshold", "LessThanOrEqualToThreshold"}
	t := to_number(alarm.values.threshold)
	0 < t
	t <= 1
}

rises_above(alarm, limit) if {
	alarm.values.comparison_operator in {"GreaterThanThreshold", "GreaterThanOrEqualToThreshold"}
	t := to_number(alarm.values.threshold)
	0 <= t
	t <= limit
}

sms_success_alarmed if {
	some alarm in messaging.metric_alarms("AWS/SNS", "SMSSuccessRate")
	falls_below(alarm)
}

deny contains cdktf.violation(metadata, prefs, "the stack configures SMS but has no AWS/SNS SMSSuccessRate alarm (LessThanThreshold, 0 < threshold <= 1)") if {
	some prefs in cdktf.resources("aws_sns_sms_preferences")
	not sms_success_alarmed
}

# SES reviews an account at a 5% bounce rate and a 0.1% complaint rate.
reputation_limits := {"Reputation.BounceRate": 0.05, "Reputation.ComplaintRate": 0.001}

reputation_alarmed(metric) if {
	some alarm in messaging.metric_alarms("AWS/SES", metric)
	rises_above(alarm, reputation_limits[metric])
}

deny contains cdktf.violation(metadata, set, sprintf("the stack sends through SES but has no AWS/SES %v alarm (GreaterThanThreshold at most %v)", [metric, limit])) if {
	some set in cdktf.resources("aws_sesv2_configuration_set")
	some metric, limit in reputation_limits
	not reputation_alarmed(metric)
}
