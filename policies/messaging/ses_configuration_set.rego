# MSG-002: every SES configuration set requires TLS to the receiving mail server, tracks no
# engagement (open and click tracking rewrite links and embed pixels: they would tell a third
# party that a patient read an NHS-style invitation; the issue turns them off), keeps
# reputation metrics, and routes delivery, bounce and complaint events to an SNS topic so
# invitation status is updated and complainers are opted out. The topic must reach a function
# of the stack: a subscription (protocol lambda, no filter policy) and SNS's permission to
# invoke it from that topic; a topic nobody reads records nothing.
package rules.messaging.ses_configuration_set

import data.lib.cdktf

metadata := {
	"id": "MSG-002",
	"title": "SES configuration sets require TLS, track no opens or clicks, keep reputation metrics and route delivery, bounce and complaint events to SNS",
	"severity": "high",
	"hipaa": ["T", "L"],
	"control": "SES identity and a configuration set with click tracking off (ARCHITECTURE.md, campaign stack): TLS required, delivery/bounce/complaint events to the delivery-events function",
	"references": ["own"],
	"fix": "Create the configuration set with CampaignMessaging (modules/campaign/messaging.ts): delivery_options.tls_policy REQUIRE, vdm_options.dashboard_options.engagement_metrics DISABLED, reputation_metrics_enabled true, and one event destination for DELIVERY, BOUNCE and COMPLAINT (never OPEN or CLICK) to the events topic, which the delivery-events function subscribes to.",
}

first_block(x) := blocks[0] if {
	blocks := cdktf.blocks(x)
	count(blocks) > 0
} else := {}

deny contains cdktf.violation(metadata, set, sprintf("delivery_options.tls_policy is %v; it must be REQUIRE (OPTIONAL falls back to plain SMTP)", [object.get(first_block(object.get(set.values, "delivery_options", null)), "tls_policy", "absent")])) if {
	some set in cdktf.resources("aws_sesv2_configuration_set")
	object.get(first_block(object.get(set.values, "delivery_options", null)), "tls_policy", null) != "REQUIRE"
}

# Absent vdm_options inherit the account's VDM setting, which may track engagement: say DISABLED.
deny contains cdktf.violation(metadata, set, sprintf("vdm_options.dashboard_options.engagement_metrics is %v; it must be DISABLED", [engagement])) if {
	some set in cdktf.resources("aws_sesv2_configuration_set")
	dashboard := first_block(object.get(first_block(object.get(set.values, "vdm_options", null)), "dashboard_options", null))
	engagement := object.get(dashboard, "engagement_metrics", "absent (account default)")
	engagement != "DISABLED"
}

deny contains cdktf.violation(metadata, set, "reputation_options.reputation_metrics_enabled is not true; bounce and complaint rates would not be published") if {
	some set in cdktf.resources("aws_sesv2_configuration_set")
	object.get(first_block(object.get(set.values, "reputation_options", null)), "reputation_metrics_enabled", false) != true
}

destinations_of(set) := [destination |
	some resource in cdktf.resources("aws_sesv2_configuration_set_event_destination")
	names_set(object.get(resource.values, "configuration_set_name", null), set)
	destination := first_block(object.get(resource.values, "event_destination", null))
]

names_set(value, set) if cdktf.refers_to(value, set)

names_set(value, set) if {
	not cdktf.is_ref(value)
	value == object.get(set.values, "configuration_set_name", null)
}

required_events := {"DELIVERY", "BOUNCE", "COMPLAINT"}

routes_status_events(destination) if {
	object.get(destination, "enabled", true) != false
	count(required_events - {e | some e in cdktf.as_array(object.get(destination, "matching_event_types", []))}) == 0
	sns := first_block(object.get(destination, "sns_destination", null))
	cdktf.non_empty_string(object.get(sns, "topic_arn", null))
}

deny contains cdktf.violation(metadata, set, "no enabled event destination sends DELIVERY, BOUNCE and COMPLAINT events to an SNS topic; invitation status and complaint opt-outs would never be recorded") if {
	some set in cdktf.resources("aws_sesv2_configuration_set")
	not some_destination_routes(set)
}

some_destination_routes(set) if {
	some destination in destinations_of(set)
	routes_status_events(destination)
}

deny contains cdktf.violation(metadata, set, sprintf("an event destination matches %v; open and click tracking must stay off", [event])) if {
	some set in cdktf.resources("aws_sesv2_configuration_set")
	some destination in destinations_of(set)
	some event in cdktf.as_array(object.get(destination, "matching_event_types", []))
	event in {"OPEN", "CLICK"}
}

# The topic of a routing destination, as a resource of this stack.
destination_topic(destination) := topic if {
	sns := first_block(object.get(destination, "sns_destination", null))
	some topic in cdktf.resources("aws_sns_topic")
	cdktf.refers_to(object.get(sns, "topic_arn", null), topic)
}

delivered_to_function(topic) if {
	some subscription in cdktf.resources("aws_sns_topic_subscription")
	object.get(subscription.values, "protocol", "") == "lambda"
	cdktf.refers_to(object.get(subscription.values, "topic_arn", null), topic)
	object.get(subscription.values, "filter_policy", null) == null
	some function in cdktf.resources("aws_lambda_function")
	cdktf.refers_to(object.get(subscription.values, "endpoint", null), function)
	invokable_by_topic(function, topic)
}

invokable_by_topic(function, topic) if {
	some permission in cdktf.resources("aws_lambda_permission")
	object.get(permission.values, "principal", "") == "sns.amazonaws.com"
	object.get(permission.values, "action", "") == "lambda:InvokeFunction"
	cdktf.refers_to(object.get(permission.values, "function_name", null), function)
	cdktf.refers_to(object.get(permission.values, "source_arn", null), topic)
}

deny contains cdktf.violation(metadata, set, "its events reach no function: the destination's topic must be a topic of this stack with a lambda subscription (no filter policy) to a function SNS may invoke from that topic; bounces and complaints would never be recorded") if {
	some set in cdktf.resources("aws_sesv2_configuration_set")
	some_destination_routes(set)
	not some_destination_delivers(set)
}

some_destination_delivers(set) if {
	some destination in destinations_of(set)
	routes_status_events(destination)
	delivered_to_function(destination_topic(destination))
}
