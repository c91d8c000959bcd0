# DET-002: the GuardDuty detection path, checked as a path. The detector is on with every
# protection feature of the code ENABLED (and their agents); no filter archives findings
# automatically; an ENABLED EventBridge rule matches GuardDuty findings from the configured
# severity up and hands them to a topic that a subscription the config names confirms to a
# person.
package rules.detection.guardduty_path

import data.lib.cdktf
import data.lib.detection

metadata := {
	"id": "DET-002",
	"title": "GuardDuty reaches a person: detector and every protection feature enabled, no auto-archive filter, an enabled finding rule from the configured severity up, the security topic and a named subscription",
	"severity": "critical",
	"hipaa": ["A", "L"],
	"control": "GuardDuty detector enabled with its protection features (detection path: every feature ENABLED, no auto-archive filter -> EventBridge rule from the configured severity -> security topic -> named subscription)",
	"references": ["own", "cfg:GUARDDUTY_ENABLED_CENTRALIZED"],
	"fix": "Keep ThreatDetection (modules/security/threat-detection.ts): every GUARDDUTY_FEATURES entry ENABLED, no aws_guardduty_filter with action ARCHIVE, the guardduty-high-findings rule ENABLED from GUARDDUTY_ALERT_MIN_SEVERITY up, targeting the security topic.",
}

detectors := cdktf.resources("aws_guardduty_detector")

stack_resource(type) := {"path": detection.stack_name, "address": type}

deny contains cdktf.violation(metadata, stack_resource("aws_guardduty_detector"), "the security stack declares no GuardDuty detector, so no finding reaches anyone") if {
	detection.is_security_stack
	count(detectors) == 0
}

deny contains cdktf.violation(metadata, detector, "enable is false: GuardDuty produces no findings") if {
	some detector in detectors
	object.get(detector.values, "enable", true) == false
}

# The detector's feature resources.
feature_resources(detector) := [f |
	some f in cdktf.resources("aws_guardduty_detector_feature")
	cdktf.refers_to(object.get(f.values, "detector_id", null), detector)
]

# Feature name -> its resource (the first in address order when a name is declared twice,
# which is reported on its own: the provider applies them in an undefined order).
features(detector) := {name: [f | some f in feature_resources(detector); f.values.name == name][0] |
	some name in {f.values.name | some f in feature_resources(detector)}
}

feature_problems(detector) := {msg |
	some name, agents in object.get(detection.settings, "guardduty_features", {})
	some msg in _feature_problem(features(detector), name, agents)
} | {sprintf("%s: declared by %d aws_guardduty_detector_feature resources; which one wins is undefined", [name, n]) |
	some name in {f.values.name | some f in feature_resources(detector)}
	n := count([f | some f in feature_resources(detector); f.values.name == name])
	n > 1
}

_feature_problem(declared, name, _) := {sprintf("%s: no aws_guardduty_detector_feature", [name])} if {
	not declared[name]
}

_feature_problem(declared, name, agents) := problems if {
	f := declared[name]
	problems := {msg | some msg in array.concat(
		[sprintf("%s: status %v", [name, object.get(f.values, "status", "absent")]) | object.get(f.values, "status", "") != "ENABLED"],
		[sprintf("%s: %s not ENABLED", [name, agent]) |
			some agent in agents
			not agent_enabled(f, agent)
		],
	)}
}

agent_enabled(f, agent) if {
	some c in cdktf.blocks(object.get(f.values, "additional_configuration", null))
	c.name == agent
	c.status == "ENABLED"
}

deny contains cdktf.violation(metadata, detector, sprintf("protection features not fully enabled: %s", [concat("; ", sort(problems))])) if {
	some detector in detectors
	problems := feature_problems(detector)
	count(problems) > 0
}

deny contains cdktf.violation(metadata, filter, "action ARCHIVE: matching findings are archived before anyone sees them") if {
	some filter in cdktf.resources("aws_guardduty_filter")
	upper(object.get(filter.values, "action", "")) == "ARCHIVE"
}

# ---------------------------------------------------------------------------
# The finding rule

pattern(rule) := cdktf.policy_document(object.get(rule.values, "event_pattern", null))

guardduty_rules := {rule |
	some rule in cdktf.resources("aws_cloudwatch_event_rule")
	"aws.guardduty" in cdktf.as_array(object.get(pattern(rule), "source", []))
}

max_severity := object.get(detection.settings, "guardduty_alert_max_severity", 7)

# The lowest severity the rule passes on: no severity filter is every finding (0); a numeric
# lower bound (">=" or ">") is that bound; anything else (exact values, upper bounds,
# anything-but) is no lower bound and counts as never.
lowest_severity(rule) := 0 if {
	not pattern(rule).detail.severity
} else := bound if {
	matchers := cdktf.as_array(pattern(rule).detail.severity)
	count(matchers) == 1
	numeric := matchers[0].numeric
	count(numeric) == 2
	numeric[0] in {">=", ">"}
	bound := numeric[1]
} else := 11

rule_problems(rule) := {msg |
	some [msg, weak] in [
		[sprintf("passes findings from severity %v up; the configured threshold is %v", [lowest_severity(rule), max_severity]), lowest_severity(rule) > max_severity],
		["detail-type does not include \"GuardDuty Finding\"", not_findings(rule)],
	]
	weak
}

not_findings(rule) := false if {
	types := object.get(pattern(rule), "detail-type", ["GuardDuty Finding"])
	"GuardDuty Finding" in cdktf.as_array(types)
} else := true

good_rule(rule) if {
	count(rule_problems(rule)) == 0
	detection.delivered(rule.address)
}

rule_breaks(rule) := array.concat(sort(rule_problems(rule)), detection.breaks(rule.address))

# GuardDuty puts a finding on the default bus of the detector's own region only, so each
# detector needs a good rule in its region; a rule there may forward to another region's
# bus, where a rule of the same pattern takes the findings on (lib/detection.rego).
regional_rules(detector) := {r | some r in guardduty_rules; cdktf.region_of(r) == cdktf.region_of(detector)}

deny contains cdktf.violation(metadata, detector, sprintf("no GuardDuty finding rule of its region reaches a person: %s", [concat(" | ", reasons)])) if {
	some detector in detectors
	object.get(detector.values, "enable", true) != false
	rules := regional_rules(detector)
	count([r | some r in rules; good_rule(r)]) == 0
	reasons := array.concat(
		[sprintf("%s: %s", [r.address, concat("; ", rule_breaks(r))]) | some r in rules],
		["no aws_cloudwatch_event_rule with source aws.guardduty in the detector's region" | count(rules) == 0],
	)
}
