package rules.messaging.ses_configuration_set_test

import data.rules.messaging.ses_configuration_set as rule

doc := {"resource": {
	"aws_sesv2_configuration_set": {"campaign": {
		"configuration_set_name": "medicare-dev-campaign",
		"delivery_options": {"tls_policy": "REQUIRE"},
		"reputation_options": {"reputation_metrics_enabled": true},
		"vdm_options": {"dashboard_options": {"engagement_metrics": "DISABLED"}},
	}},
	"aws_sesv2_configuration_set_event_destination": {"events": {
		"configuration_set_name": "${aws_sesv2_configuration_set.campaign.configuration_set_name}",
		"event_destination_name": "delivery-events",
		"event_destination": {
			"enabled": true,
			"matching_event_types": ["DELIVERY", "BOUNCE", "COMPLAINT", "REJECT"],
			"sns_destination": {"topic_arn": "${aws_sns_topic.events.arn}"},
		},
	}},
	"aws_sns_topic": {"events": {"name": "medicare-dev-campaign-ses-events"}},
	"aws_lambda_function": {"delivery_events": {"function_name": "medicare-dev-campaign-delivery-events"}},
	"aws_sns_topic_subscription": {"delivery_events": {
		"protocol": "lambda",
		"topic_arn": "${aws_sns_topic.events.arn}",
		"endpoint": "${aws_lambda_function.delivery_events.arn}",
	}},
	"aws_lambda_permission": {"from_events": {
		"action": "lambda:InvokeFunction",
		"principal": "sns.amazonaws.com",
		"function_name": "${aws_lambda_function.delivery_events.function_name}",
		"source_arn": "${aws_sns_topic.events.arn}",
	}},
}}

patched(ops) := json.patch(doc, ops)

set_path := "/resource/aws_sesv2_configuration_set/campaign"

destination_path := "/resource/aws_sesv2_configuration_set_event_destination/events/event_destination"

fails(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "MSG-002"
	v.address == "aws_sesv2_configuration_set.campaign"
}

test_pass_tls_no_tracking_events_routed if {
	count(rule.deny) == 0 with input as doc
}

test_pass_literal_set_name_and_block_arrays if {
	d := patched([
		{"op": "replace", "path": "/resource/aws_sesv2_configuration_set_event_destination/events/configuration_set_name", "value": "medicare-dev-campaign"},
		{"op": "replace", "path": concat("", [set_path, "/delivery_options"]), "value": [{"tls_policy": "REQUIRE"}]},
	])
	count(rule.deny) == 0 with input as d
}

test_fail_tls_optional if {
	fails(patched([{"op": "replace", "path": concat("", [set_path, "/delivery_options/tls_policy"]), "value": "OPTIONAL"}]))
}

test_fail_no_delivery_options if {
	fails(patched([{"op": "remove", "path": concat("", [set_path, "/delivery_options"])}]))
}

test_fail_engagement_metrics_enabled if {
	fails(patched([{"op": "replace", "path": concat("", [set_path, "/vdm_options/dashboard_options/engagement_metrics"]), "value": "ENABLED"}]))
}

test_fail_vdm_left_to_account_default if {
	fails(patched([{"op": "remove", "path": concat("", [set_path, "/vdm_options"])}]))
}

test_fail_no_reputation_metrics if {
	fails(patched([{"op": "replace", "path": concat("", [set_path, "/reputation_options/reputation_metrics_enabled"]), "value": false}]))
}

test_fail_no_event_destination if {
	fails(patched([{"op": "remove", "path": "/resource/aws_sesv2_configuration_set_event_destination"}]))
}

test_fail_complaints_not_routed if {
	fails(patched([{"op": "replace", "path": concat("", [destination_path, "/matching_event_types"]), "value": ["DELIVERY", "BOUNCE"]}]))
}

test_fail_destination_disabled if {
	fails(patched([{"op": "replace", "path": concat("", [destination_path, "/enabled"]), "value": false}]))
}

test_fail_destination_not_sns if {
	d := patched([
		{"op": "remove", "path": concat("", [destination_path, "/sns_destination"])},
		{"op": "add", "path": concat("", [destination_path, "/cloud_watch_destination"]), "value": {"dimension_configuration": []}},
	])
	fails(d)
}

test_fail_click_tracking if {
	fails(patched([{"op": "add", "path": concat("", [destination_path, "/matching_event_types/-"]), "value": "CLICK"}]))
}

test_fail_open_tracking_on_another_destination if {
	d := patched([{"op": "add", "path": "/resource/aws_sesv2_configuration_set_event_destination/opens", "value": {
		"configuration_set_name": "${aws_sesv2_configuration_set.campaign.configuration_set_name}",
		"event_destination_name": "opens",
		"event_destination": {"matching_event_types": ["OPEN"], "sns_destination": {"topic_arn": "${aws_sns_topic.events.arn}"}},
	}}])
	fails(d)
}

reaches_no_function(input_doc) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "MSG-002"
	contains(v.msg, "reach no function")
}

test_fail_events_topic_without_subscription if {
	reaches_no_function(patched([{"op": "remove", "path": "/resource/aws_sns_topic_subscription"}]))
}

test_fail_subscription_to_an_email_address if {
	reaches_no_function(patched([
		{"op": "replace", "path": "/resource/aws_sns_topic_subscription/delivery_events/protocol", "value": "email"},
		{"op": "replace", "path": "/resource/aws_sns_topic_subscription/delivery_events/endpoint", "value": "someone@example.com"},
	]))
}

test_fail_subscription_filters_events_away if {
	reaches_no_function(patched([{"op": "add", "path": "/resource/aws_sns_topic_subscription/delivery_events/filter_policy", "value": "{\"eventType\":[\"Open\"]}"}]))
}

test_fail_function_not_invokable_by_the_topic if {
	reaches_no_function(patched([{"op": "replace", "path": "/resource/aws_lambda_permission/from_events/source_arn", "value": "${aws_sns_topic.other.arn}"}]))
}

test_fail_topic_of_another_stack if {
	reaches_no_function(patched([{"op": "replace", "path": "/resource/aws_sesv2_configuration_set_event_destination/events/event_destination/sns_destination/topic_arn", "value": "arn:aws:sns:eu-west-2:111111111111:elsewhere"}]))
}
