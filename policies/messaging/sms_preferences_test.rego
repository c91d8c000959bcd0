package rules.messaging.sms_preferences_test

import data.rules.messaging.sms_preferences as rule

prefs := {
	"default_sender_id": "mediCARE",
	"default_sms_type": "Transactional",
	"delivery_status_iam_role_arn": "${aws_iam_role.sms_status.arn}",
	"delivery_status_success_sampling_rate": "100",
	"monthly_spend_limit": 50,
}

doc(p) := {"resource": {"aws_sns_sms_preferences": {"sms": p}}}

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "MSG-001"
	v.address == "aws_sns_sms_preferences.sms"
}

test_pass_transactional_logged_capped if {
	count(rule.deny) == 0 with input as doc(prefs)
}

test_pass_string_spend_limit if {
	count(rule.deny) == 0 with input as doc(object.union(prefs, {"monthly_spend_limit": "20"}))
}

test_fail_promotional if {
	fails(doc(object.union(prefs, {"default_sms_type": "Promotional"})))
}

test_fail_no_delivery_status_role if {
	fails(doc(object.remove(prefs, ["delivery_status_iam_role_arn"])))
}

test_fail_sampled_success_logging if {
	fails(doc(object.union(prefs, {"delivery_status_success_sampling_rate": "10"})))
}

test_fail_no_success_logging if {
	fails(doc(object.remove(prefs, ["delivery_status_success_sampling_rate"])))
}

test_fail_no_spend_limit if {
	fails(doc(object.remove(prefs, ["monthly_spend_limit"])))
}

test_fail_zero_spend_limit if {
	fails(doc(object.union(prefs, {"monthly_spend_limit": 0})))
}
