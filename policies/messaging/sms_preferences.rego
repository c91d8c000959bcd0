# MSG-001: the account's SMS settings make text messages auditable and bounded: transactional
# by default (appointment invitations are not marketing: higher delivery priority, and
# opt-out rules for promotional traffic do not silently apply), delivery status logged for
# every message (100% success sampling, through a role), and a monthly spend limit so a
# runaway campaign or an abused endpoint cannot run up unbounded cost.
package rules.messaging.sms_preferences

import data.lib.cdktf

metadata := {
	"id": "MSG-001",
	"title": "SNS SMS preferences: transactional by default, delivery status logged for every message, a monthly spend limit",
	"severity": "medium",
	"hipaa": ["L"],
	"control": "SNS SMS settings (ARCHITECTURE.md, campaign stack): transactional default, monthly spend limit, delivery-status logging of every message",
	"references": ["own"],
	"fix": "Configure SMS with CampaignMessaging (modules/campaign/messaging.ts): default_sms_type Transactional, delivery_status_iam_role_arn its delivery-status role, delivery_status_success_sampling_rate \"100\", monthly_spend_limit from env config (> 0).",
}

deny contains cdktf.violation(metadata, prefs, sprintf("default_sms_type is %v; it must be Transactional", [object.get(prefs.values, "default_sms_type", "absent")])) if {
	some prefs in cdktf.resources("aws_sns_sms_preferences")
	object.get(prefs.values, "default_sms_type", null) != "Transactional"
}

deny contains cdktf.violation(metadata, prefs, "delivery_status_iam_role_arn is not set; SMS delivery results would not be logged") if {
	some prefs in cdktf.resources("aws_sns_sms_preferences")
	not cdktf.non_empty_string(object.get(prefs.values, "delivery_status_iam_role_arn", null))
}

deny contains cdktf.violation(metadata, prefs, sprintf("delivery_status_success_sampling_rate is %v; log every successful delivery (\"100\")", [object.get(prefs.values, "delivery_status_success_sampling_rate", "absent")])) if {
	some prefs in cdktf.resources("aws_sns_sms_preferences")
	not to_number(object.get(prefs.values, "delivery_status_success_sampling_rate", "0")) == 100
}

deny contains cdktf.violation(metadata, prefs, sprintf("monthly_spend_limit is %v; set a positive limit", [object.get(prefs.values, "monthly_spend_limit", "absent")])) if {
	some prefs in cdktf.resources("aws_sns_sms_preferences")
	not positive(object.get(prefs.values, "monthly_spend_limit", null))
}

positive(n) if {
	is_number(n)
	n > 0
}

positive(n) if {
	is_string(n)
	regex.match(`^[0-9]+(\.[0-9]+)?$`, n)
	to_number(n) > 0
}
