# WAF-004: no rule of a web ACL is switched off or stepped around. A rule that allows (or
# counts, for a managed group) ahead of the blocking rules lets matching requests skip them;
# a managed group whose override is count, or with a rule overridden to count or allow, only
# watches; a scope-down statement narrows a group or the rate limit to the requests it
# matches, so a scope-down that matches little switches the protection off for the rest.
package rules.waf.rules_not_bypassed

import data.lib.cdktf

metadata := {
	"id": "WAF-004",
	"title": "No web ACL rule is allowed-around, counted instead of enforced, or scoped down",
	"severity": "high",
	"hipaa": ["A"],
	"control": "every web ACL rule enforces on every request: no allow-first rule, no count override, no scope-down (added row, docs/policy-data.md)",
	"references": ["ckv:CKV2_AWS_28", "own"],
	"fix": "Keep every managed group at override_action none with no rule_action_override, the rate rule at action block, no scope_down_statement, and no allow rule ahead of them (WebAcl in modules/edge/waf.ts).",
}

rules(acl) := cdktf.blocks(object.get(acl.values, "rule", null))

actions_of(rule) := {key |
	some action in cdktf.blocks(object.get(rule, "action", null))
	some key, _ in action
}

overrides_of(rule) := {key |
	some override in cdktf.blocks(object.get(rule, "override_action", null))
	some key, _ in override
}

# Rules that protect: blocking rules and enforcing managed groups.
protects(rule) if actions_of(rule) == {"block"}

protects(rule) if overrides_of(rule) == {"none"}

deny contains cdktf.violation(metadata, acl, sprintf("rule %v (priority %v) %ss requests before rule %v (priority %v) can block them", [first.name, first.priority, verb, later.name, later.priority])) if {
	some acl in cdktf.resources("aws_wafv2_web_acl")
	some first in rules(acl)
	some verb in actions_of(first)
	verb in {"allow", "count"}
	some later in rules(acl)
	protects(later)
	to_number(first.priority) < to_number(later.priority)
}

deny contains cdktf.violation(metadata, acl, sprintf("managed rule group %v only counts (override_action count)", [rule.name])) if {
	some acl in cdktf.resources("aws_wafv2_web_acl")
	some rule in rules(acl)
	"count" in overrides_of(rule)
}

deny contains cdktf.violation(metadata, acl, sprintf("rule %v overrides %v to %v", [rule.name, object.get(o, "name", "?"), key])) if {
	some acl in cdktf.resources("aws_wafv2_web_acl")
	some rule in rules(acl)
	some statement in cdktf.blocks(object.get(rule, "statement", null))
	some group in cdktf.blocks(object.get(statement, "managed_rule_group_statement", null))
	some o in cdktf.blocks(object.get(group, "rule_action_override", null))
	some use in cdktf.blocks(object.get(o, "action_to_use", null))
	some key, _ in use
	key in {"count", "allow", "challenge", "captcha"}
}

deny contains cdktf.violation(metadata, acl, sprintf("rule %v has a scope_down_statement: it protects only the requests that statement matches", [rule.name])) if {
	some acl in cdktf.resources("aws_wafv2_web_acl")
	some rule in rules(acl)
	some statement in cdktf.blocks(object.get(rule, "statement", null))
	some kind in ["managed_rule_group_statement", "rate_based_statement"]
	some inner in cdktf.blocks(object.get(statement, kind, null))
	count(cdktf.blocks(object.get(inner, "scope_down_statement", null))) > 0
}
