# DET-007: every metric alarm of every stack reaches a person: enabled, with a threshold,
# period and missing-data handling that let an incident through, notifying a topic that a
# subscription the config names confirms (the security address in the security stack, the
# operations address in the campaign stack; other stacks' alarms go to the security stack's
# topic, checked there). A detection topic notifies nobody the config does not name.
package rules.detection.alarms_reach_people

import data.lib.cdktf
import data.lib.detection

metadata := {
	"id": "DET-007",
	"title": "Every alarm reaches a person the config names, through enabled, in-bounds links; detection topics notify nobody else",
	"severity": "high",
	"hipaa": ["A", "L"],
	"control": "every alarm has an action (detection path: enabled, in-bounds alarm -> topic -> a subscription the config names; detection topics notify nobody else)",
	"references": ["own", "cfg:CLOUDWATCH_ALARM_ACTION_CHECK"],
	"fix": "Create alarms with the platform's alarm helpers (modules/monitoring/, modules/campaign/): actions enabled, Sum >= 1 in at most an hour, treat_missing_data notBreaching, on the security or operations topic; subscribe only env.alarmEmail / campaign.operationsEmail.",
}

deny contains cdktf.violation(metadata, alarm, detection.undelivered_message(alarm.address)) if {
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	not detection.delivered(alarm.address)
}

# Sources whose topics are detection topics: alarms and EventBridge rules.
sources := {r.address | some r in cdktf.resources("aws_cloudwatch_metric_alarm")} | {r.address | some r in cdktf.resources("aws_cloudwatch_event_rule")}

reached := graph.reachable(detection.raw_graph, sources)

deny contains cdktf.violation(metadata, subscription, sprintf("a detection topic notifies %s:%s, which the config does not name (%v)", [subscription.values.protocol, subscription.values.endpoint, sort(detection.named_endpoints)])) if {
	some subscription in cdktf.resources("aws_sns_topic_subscription")
	subscription.address in reached
	not sprintf("%s:%s", [object.get(subscription.values, "protocol", ""), object.get(subscription.values, "endpoint", "")]) in detection.named_endpoints
}
