# DET-001: the CloudTrail detection path, checked as a path. The trail records every region,
# every management event (KMS included, nothing excluded) and every object read and write on
# each patient-data bucket the config names; it delivers to a STANDARD-class log group; on it,
# each CIS monitor of the code has a metric filter whose alarm (actions enabled, sane
# threshold, period and missing-data handling) notifies the security topic, which a
# subscription to the security address of the config confirms to a person.
package rules.detection.cloudtrail_path

import data.lib.cdktf
import data.lib.detection

metadata := {
	"id": "DET-001",
	"title": "CloudTrail reaches a person: every management and patient-data event, a STANDARD log group, a filter and alarm per CIS monitor, the security topic and a named subscription",
	"severity": "critical",
	"hipaa": ["A", "L"],
	"control": "CIS metric filters + alarms (root use, unauthorized calls, console login without MFA, IAM/CloudTrail/KMS/SG/NACL changes) (detection path: CloudTrail -> STANDARD log group -> a filter and alarm per CIS monitor -> security topic -> named subscription)",
	"references": ["own", "cis:3.1", "cis:4.1-4.15"],
	"fix": "Keep AuditTrail and SecurityAlarms (modules/security/) as they are: management and data selectors without exclusions, the log group in the STANDARD class, a filter and alarm per CIS_MONITORS entry on the security topic, subscribed by env.alarmEmail. If the config changed, regenerate policies/data/detection.json (npx tsx scripts/review/gen-detection-data.ts).",
}

trails := cdktf.resources("aws_cloudtrail")

deny contains cdktf.violation(metadata, {"path": detection.stack_name, "address": "aws_cloudtrail"}, "the security stack declares no CloudTrail, so no detection path starts") if {
	detection.is_security_stack
	count(trails) == 0
}

# ---------------------------------------------------------------------------
# The source: what the trail records

selectors(trail) := cdktf.blocks(object.get(trail.values, "advanced_event_selector", null))

field_selectors(selector) := cdktf.blocks(object.get(selector, "field_selector", null))

equals(selector, field, value) if {
	some fs in field_selectors(selector)
	fs.field == field
	value in cdktf.as_array(object.get(fs, "equals", []))
}

# A field selector that narrows a selector to some events: readOnly (only reads or only
# writes), eventName / eventSource / eventType lists or exclusions.
narrowing_fields := {"readOnly", "eventName", "eventSource", "eventType", "userIdentity.arn", "errorCode", "sessionCredentialFromConsole"}

narrows(selector) if {
	some fs in field_selectors(selector)
	fs.field in narrowing_fields
}

# Basic event selectors: management events read and write, no excluded sources (KMS, RDS Data).
records_management(trail) if {
	some selector in selectors(trail)
	equals(selector, "eventCategory", "Management")
	not narrows(selector)
}

records_management(trail) if {
	some selector in cdktf.blocks(object.get(trail.values, "event_selector", null))
	object.get(selector, "include_management_events", true) == true
	object.get(selector, "read_write_type", "All") == "All"
	count(cdktf.as_array(object.get(selector, "exclude_management_event_sources", []))) == 0
}

# The selector records every S3 object event (read and write) on buckets whose ARN starts with `prefix`.
covers_prefix(selector, prefix) if {
	equals(selector, "eventCategory", "Data")
	equals(selector, "resources.type", "AWS::S3::Object")
	not narrows(selector)
	arn_selects(selector, prefix)
}

# No ARN filter: every bucket.
arn_selects(selector, _) if {
	count([fs | some fs in field_selectors(selector); fs.field == "resources.ARN"]) == 0
}

arn_selects(selector, prefix) if {
	some fs in field_selectors(selector)
	fs.field == "resources.ARN"
	object.keys(fs) & {"not_equals", "not_starts_with", "not_ends_with", "ends_with", "equals"} == set()
	some start in cdktf.as_array(object.get(fs, "starts_with", []))
	startswith(prefix, start)
}

uncovered_prefixes(trail) := {p |
	some p in object.get(detection.expected, "phi_bucket_arn_prefixes", [])
	not some_selector_covers(trail, p)
}

some_selector_covers(trail, prefix) if {
	some selector in selectors(trail)
	covers_prefix(selector, prefix)
}

source_problems(trail) := {msg |
	some [msg, weak] in [
		["is_multi_region_trail is not true: events of other regions are not recorded", object.get(trail.values, "is_multi_region_trail", false) != true],
		["include_global_service_events is false: IAM and STS events are not recorded", object.get(trail.values, "include_global_service_events", true) == false],
		["enable_logging is false: the trail records nothing", object.get(trail.values, "enable_logging", true) == false],
		["does not record every management event read and write (a readOnly, eventName or eventSource filter, or excluded sources such as kms.amazonaws.com)", not_records_management(trail)],
	]
	weak
}

not_records_management(trail) := false if records_management(trail) else := true

deny contains cdktf.violation(metadata, trail, concat("; ", sort(problems))) if {
	some trail in trails
	problems := source_problems(trail)
	count(problems) > 0
}

deny contains cdktf.violation(metadata, trail, sprintf("does not record every object read and write on the patient-data buckets %v (a selector per prefix: eventCategory Data, resources.type AWS::S3::Object, resources.ARN starts_with the prefix, no readOnly/eventName filter)", [sort(missing)])) if {
	some trail in trails
	missing := uncovered_prefixes(trail)
	count(missing) > 0
}

# ---------------------------------------------------------------------------
# The path: trail -> log group -> a filter per CIS monitor -> alarm -> topic -> subscription

monitors := {m | some m in object.get(detection.settings, "cis_monitor_metrics", [])}

# The monitor's filters on a log group the trail delivers to.
monitor_filters(trail, metric) := {filter |
	some [from, group] in detection.links
	from == trail.address
	some [g, filter_address] in detection.links
	g == group
	startswith(filter_address, "aws_cloudwatch_log_metric_filter.")
	filter := cdktf.at(filter_address)
	some t in cdktf.blocks(object.get(filter.values, "metric_transformation", null))
	t.name == metric
}

monitor_delivered(trail, metric) if {
	some filter in monitor_filters(trail, metric)
	group := _group_of(filter)
	[trail.address, group] in detection.healthy_links
	detection.delivered(filter.address)
}

_group_of(filter) := group if {
	some [group, f] in detection.links
	f == filter.address
}

monitor_break(trail, metric) := sprintf("%s: no metric filter for it on the trail's log group", [metric]) if {
	count(monitor_filters(trail, metric)) == 0
} else := sprintf("%s: %s", [metric, concat("; ", array.concat(detection.breaks(trail.address), [b | some f in monitor_filters(trail, metric); some b in detection.breaks(f.address)]))])

deny contains cdktf.violation(metadata, trail, sprintf("CIS monitors that do not reach a person: %s", [concat(" | ", sort(broken))])) if {
	some trail in trails
	detection.is_security_stack
	broken := {monitor_break(trail, m) | some m in monitors; not monitor_delivered(trail, m)}
	count(broken) > 0
}
