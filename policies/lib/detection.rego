# The detection-path walker: one graph of "who hands a signal to whom" over the document, so
# each detection rule (policies/detection/) asks one question, "does this source still reach
# a person the config names, through links that are present, enabled and within bounds?",
# instead of re-checking one link at a time.
#
#   source (trail, GuardDuty rule, AWS metric) -> log group -> metric filter -> alarm
#     -> SNS topic -> subscription (an endpoint the config names)
#   EventBridge rule -> target -> SNS topic -> subscription
#
# A link is an edge [from address, to address]. A node with problems (switched off, out of
# bounds, an endpoint nobody named) cuts every edge into it. A path is delivered when a
# terminal (a named subscription, or another stack's topic, whose own stack checks its
# subscriptions) is reachable from the source over healthy edges; otherwise `breaks(source)`
# says what is wrong on the way (each problem, each dead end and the link it lacks).
package lib.detection

import data.lib.cdktf

stack_name := object.get(input, ["//", "metadata", "stackName"], "")

environment := split(stack_name, "-")[0]

component := trim_prefix(stack_name, concat("", [environment, "-"]))

is_security_stack if component == "security"

settings := data.detection

# The stack's expected values (policies/data/detection.json, generated from the config): an
# organization stack's own entry by its full name (it lives in its own account), else its
# environment's.
expected := object.get(settings, ["stacks", stack_name], object.get(settings, ["environments", environment], {}))

# The stack owns a security topic: an environment's security stack, or an organization stack
# whose entry names security endpoints (organization-detection: the security account's findings).
owns_security_topic if is_security_stack

owns_security_topic if is_array(settings.stacks[stack_name].security_endpoints)

# Who the detection topics of this stack may and must notify: a security topic the security
# on-call address, the campaign stack's the operations address.
named_endpoints := {sprintf("%s:%s", [e.protocol, e.endpoint]) | some e in object.get(expected, "security_endpoints", [])} if owns_security_topic

named_endpoints := {sprintf("%s:%s", [e.protocol, e.endpoint]) | some e in object.get(expected, "operations_endpoints", [])} if not owns_security_topic

# ---------------------------------------------------------------------------
# Values at a path: `path` steps through nested blocks; a list at any step means every element.

values_at(x, path) := {v |
	walk(x, [p, v])
	[step | some step in p; is_string(step)] == path
}

# A dotted path ("a.b.c") as steps.
steps(dotted) := split(dotted, ".")

# ---------------------------------------------------------------------------
# Links

# The trail hands its events to its CloudWatch log group.
links contains [trail.address, group.address] if {
	some trail in cdktf.resources("aws_cloudtrail")
	some group in cdktf.resources("aws_cloudwatch_log_group")
	cdktf.refers_to(object.get(trail.values, "cloud_watch_logs_group_arn", null), group)
}

# A log group feeds the metric filters on it.
links contains [group.address, filter.address] if {
	some filter in cdktf.resources("aws_cloudwatch_log_metric_filter")
	some group in cdktf.resources("aws_cloudwatch_log_group")
	cdktf.refers_to(object.get(filter.values, "log_group_name", null), group)
}

# A metric filter feeds the alarms on its metric.
links contains [filter.address, alarm.address] if {
	some filter in cdktf.resources("aws_cloudwatch_log_metric_filter")
	some t in cdktf.blocks(object.get(filter.values, "metric_transformation", null))
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	object.get(alarm.values, "metric_name", null) == t.name
	object.get(alarm.values, "namespace", null) == t.namespace
}

# An alarm notifies the topics of its alarm actions.
links contains [alarm.address, to] if {
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	some action in cdktf.as_array(object.get(alarm.values, "alarm_actions", []))
	to := topic_node(action)
}

# An EventBridge rule hands matching events to its targets.
links contains [rule.address, target.address] if {
	some target in cdktf.resources("aws_cloudwatch_event_target")
	some rule in cdktf.resources("aws_cloudwatch_event_rule")
	cdktf.refers_to(object.get(target.values, "rule", null), rule)
}

links contains [target.address, to] if {
	some target in cdktf.resources("aws_cloudwatch_event_target")
	to := topic_node(object.get(target.values, "arn", null))
}

# A target on a default event bus of another region (EventBridge cannot target a topic in
# another region) hands the events to the rules of that region's default bus that match the
# same events: a rule of this stack in that region with the forwarding rule's very pattern.
links contains [target.address, receiver.address] if {
	some target in cdktf.resources("aws_cloudwatch_event_target")
	bus_region := default_bus_region(object.get(target.values, "arn", null))
	some rule in cdktf.resources("aws_cloudwatch_event_rule")
	cdktf.refers_to(object.get(target.values, "rule", null), rule)
	bus_region != cdktf.region_of(rule)
	some receiver in cdktf.resources("aws_cloudwatch_event_rule")
	cdktf.region_of(receiver) == bus_region
	object.get(receiver.values, "event_bus_name", "default") == "default"
	event_pattern(receiver) == event_pattern(rule)
}

# The region of an ARN naming a default event bus.
default_bus_region(arn) := m[1] if {
	is_string(arn)
	m := regex.find_all_string_submatch_n(`^arn:aws[a-z-]*:events:([a-z0-9-]+):[0-9]{12}:event-bus/default$`, arn, 1)[0]
}

event_pattern(rule) := cdktf.policy_document(object.get(rule.values, "event_pattern", null))

# A topic delivers to its subscriptions.
links contains [topic.address, subscription.address] if {
	some subscription in cdktf.resources("aws_sns_topic_subscription")
	some topic in cdktf.resources("aws_sns_topic")
	cdktf.refers_to(object.get(subscription.values, "topic_arn", null), topic)
}

# A value naming a topic: one of this stack ("aws_sns_topic.x"), or another stack's topic
# passed as a cross-stack output ("remote:<output>"; that stack's rules walk on from there).
topic_node(value) := address if {
	some topic in cdktf.resources("aws_sns_topic")
	cdktf.refers_to(value, topic)
	address := topic.address
}

topic_node(value) := sprintf("remote:%s", [output]) if {
	is_string(value)
	m := regex.find_all_string_submatch_n(`^\$\{data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.([A-Za-z0-9_-]*aws_sns_topic[A-Za-z0-9_-]*arn)\}$`, value, 1)[0]
	output := m[1]
}

terminal(node) if startswith(node, "remote:")

terminal(node) if {
	startswith(node, "aws_sns_topic_subscription.")
	not problem_nodes[node]
}

# ---------------------------------------------------------------------------
# Link health: problems contains [address, message]

# Count alarms fire on the first event; a higher threshold lets that many incidents pass unseen.
max_count_threshold := 1

# An incident reaches a person within the hour: period x evaluation periods.
max_alarm_delay_seconds := 3600

# Missing data must not hold an alarm in ALARM (breaching) or freeze it (ignore): either way
# the next incident sends no new notification.
treat_missing_data_allowed := {"notBreaching", "missing"}

problems contains [alarm.address, "actions_enabled is false"] if {
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	object.get(alarm.values, "actions_enabled", true) == false
}

# A count alarm ("more than" on a count: Lambda errors, dead letters, CIS filter matches)
# must fire on the first event and only then: Sum or Maximum (Minimum and Average hide a
# single event among zeros; SampleCount counts the zeros too and holds the alarm in ALARM),
# and a threshold the first event crosses but zero does not.
count_alarm(alarm) if {
	startswith(object.get(alarm.values, "comparison_operator", ""), "GreaterThan")
	not _rate_metric(alarm)
}

# Rates and ratios (SES reputation) are judged by their own bounds, not as counts.
_rate_metric(alarm) if regex.match(`(?i)rate$`, object.get(alarm.values, "metric_name", ""))

count_statistics := {"Sum", "Maximum"}

problems contains [alarm.address, sprintf("statistic %v on a count alarm: a single event does not alarm, or zeros do (use %v)", [object.get(alarm.values, "statistic", "absent"), sort(count_statistics)])] if {
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	count_alarm(alarm)
	not object.get(alarm.values, "statistic", "") in count_statistics
}

problems contains [alarm.address, sprintf("%s %v on a count: the first event must alarm and zero must not (GreaterThanThreshold 0, or GreaterThanOrEqualToThreshold 1)", [alarm.values.comparison_operator, threshold])] if {
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	count_alarm(alarm)
	threshold := to_number(object.get(alarm.values, "threshold", 0))
	not first_event_only(alarm.values.comparison_operator, threshold)
}

first_event_only("GreaterThanThreshold", threshold) if {
	threshold >= 0
	threshold < max_count_threshold
}

first_event_only("GreaterThanOrEqualToThreshold", threshold) if {
	threshold > 0
	threshold <= max_count_threshold
}

problems contains [alarm.address, sprintf("comparison_operator %v on a count (Sum) never fires on new events", [alarm.values.comparison_operator])] if {
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	object.get(alarm.values, "statistic", "") == "Sum"
	object.get(alarm.values, "treat_missing_data", "") == "notBreaching"
	startswith(object.get(alarm.values, "comparison_operator", ""), "LessThan")
}

problems contains [alarm.address, sprintf("period %v s x evaluation_periods %v: a person hears of an incident after more than %d s", [period, periods, max_alarm_delay_seconds])] if {
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	period := to_number(object.get(alarm.values, "period", 60))
	periods := to_number(object.get(alarm.values, "evaluation_periods", 1))
	period * periods > max_alarm_delay_seconds
}

problems contains [alarm.address, sprintf("datapoints_to_alarm %v exceeds evaluation_periods %v", [alarm.values.datapoints_to_alarm, alarm.values.evaluation_periods])] if {
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	to_number(object.get(alarm.values, "datapoints_to_alarm", 1)) > to_number(object.get(alarm.values, "evaluation_periods", 1))
}

problems contains [alarm.address, sprintf("treat_missing_data %v (allowed: %v)", [alarm.values.treat_missing_data, sort(treat_missing_data_allowed)])] if {
	some alarm in cdktf.resources("aws_cloudwatch_metric_alarm")
	not object.get(alarm.values, "treat_missing_data", "missing") in treat_missing_data_allowed
}

problems contains [group.address, sprintf("log_group_class %v: metric filters need STANDARD", [group.values.log_group_class])] if {
	some group in cdktf.resources("aws_cloudwatch_log_group")
	object.get(group.values, "log_group_class", "STANDARD") != "STANDARD"
}

problems contains [filter.address, "pattern is empty"] if {
	some filter in cdktf.resources("aws_cloudwatch_log_metric_filter")
	trim_space(object.get(filter.values, "pattern", "")) == ""
}

problems contains [rule.address, sprintf("state %v: the rule matches nothing", [object.get(rule.values, "state", "is_enabled false")])] if {
	some rule in cdktf.resources("aws_cloudwatch_event_rule")
	not rule_enabled(rule)
}

rule_enabled(rule) if {
	object.get(rule.values, "state", "ENABLED") in {"ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"}
	object.get(rule.values, "is_enabled", true) != false
}

problems contains [s.address, sprintf("%s:%s is no endpoint the config names (%v)", [s.values.protocol, s.values.endpoint, sort(named_endpoints)])] if {
	some s in cdktf.resources("aws_sns_topic_subscription")
	not sprintf("%s:%s", [object.get(s.values, "protocol", ""), object.get(s.values, "endpoint", "")]) in named_endpoints
}

problems contains [s.address, "has a filter_policy: it passes on only some of the alarms"] if {
	some s in cdktf.resources("aws_sns_topic_subscription")
	cdktf.non_empty_string(object.get(s.values, "filter_policy", null))
}

# Putting events on another region's bus needs a role EventBridge assumes (events:PutEvents).
problems contains [target.address, "forwards to another region's default bus without role_arn: EventBridge cannot put the events there"] if {
	some target in cdktf.resources("aws_cloudwatch_event_target")
	default_bus_region(object.get(target.values, "arn", null))
	not cdktf.non_empty_string(object.get(target.values, "role_arn", null))
}

problem_nodes[node] := msgs if {
	some [node, _] in problems
	msgs := {m | some [n, m] in problems; n == node}
}

# ---------------------------------------------------------------------------
# Walking

_out(graph_links, node) := {to | some [from, to] in graph_links; from == node}

# Every node is a key (graph.reachable leaves out nodes that are not).
nodes := {node | some link in links; some node in link}

raw_graph := {node: _out(links, node) | some node in nodes}

healthy_links := {[from, to] | some [from, to] in links; not problem_nodes[to]}

healthy_graph := {node: _out(healthy_links, node) | some node in nodes}

# The source reaches a person: it is healthy and a terminal is reachable over healthy links.
delivered(source) if {
	not problem_nodes[source]
	some node in graph.reachable(healthy_graph, {source})
	terminal(node)
}

# What the next link of a node should be, for the message of a dead end.
next_link := {
	"aws_cloudtrail": "cloud_watch_logs_group_arn naming a log group of this stack",
	"aws_cloudwatch_log_group": "a metric filter on it",
	"aws_cloudwatch_log_metric_filter": "an alarm on its metric (metric_name and namespace)",
	"aws_cloudwatch_metric_alarm": "an alarm action naming an SNS topic",
	"aws_sns_topic": "a subscription to an endpoint the config names",
	"aws_cloudwatch_event_rule": "an aws_cloudwatch_event_target",
	"aws_cloudwatch_event_target": "arn naming an SNS topic, or another region's default bus where a rule of the same pattern takes the events on",
}

# Why the source does not reach a person: every problem and dead end on its raw paths.
breaks(source) := sort(array.concat(
	[sprintf("%s: %s", [node, msg]) |
		some node in graph.reachable(raw_graph, {source})
		some msg in object.get(problem_nodes, node, set())
	],
	[sprintf("%s leads nowhere (it needs %s)", [node, hint]) |
		some node in graph.reachable(raw_graph, {source})
		count(object.get(raw_graph, node, set())) == 0
		not startswith(node, "remote:")
		not startswith(node, "aws_sns_topic_subscription.")
		hint := next_link[split(node, ".")[0]]
	],
))

# `msg` for a source that does not reach a person, with the breaks (or a plain dead end).
undelivered_message(source) := sprintf("does not reach a person: %s", [concat("; ", b)]) if {
	b := breaks(source)
	count(b) > 0
} else := "does not reach a person: no path from it to a subscription the config names"
