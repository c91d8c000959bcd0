# NET-014: DNS Firewall evaluates rule groups by association priority and rules by priority,
# lowest first, and stops at the first match: an ALLOW rule ahead of the BLOCK rules lets its
# domains through even when they are on the threat lists. So every BLOCK rule comes before
# every ALLOW (or ALERT) rule, across all rule groups associated with the VPCs of the stack.
package rules.network.dns_firewall_block_first

import data.lib.cdktf

metadata := {
	"id": "NET-014",
	"title": "DNS Firewall evaluates its BLOCK rules before any ALLOW or ALERT rule",
	"severity": "high",
	"hipaa": ["A"],
	"control": "DNS Firewall evaluates its BLOCK rules before any ALLOW or ALERT rule (added row, docs/policy-data.md)",
	"references": ["own"],
	"fix": "Give ALLOW/ALERT rules a priority after every BLOCK rule (and their rule groups an association priority after the blocking group); never answer before the threat lists are checked.",
}

# [association priority, rule priority, rule] for every rule of an associated group.
ordered contains [to_number(assoc.values.priority), to_number(r.values.priority), r] if {
	some assoc in cdktf.resources("aws_route53_resolver_firewall_rule_group_association")
	some r in cdktf.resources("aws_route53_resolver_firewall_rule")
	cdktf.id_key(r.values.firewall_rule_group_id) == cdktf.id_key(assoc.values.firewall_rule_group_id)
}

before(a, b) if a[0] < b[0]

before(a, b) if {
	a[0] == b[0]
	a[1] < b[1]
}

deny contains cdktf.violation(metadata, first[2], sprintf("%s rule %v (group priority %v, priority %v) is evaluated before BLOCK rule %v (group priority %v, priority %v)", [first[2].values.action, object.get(first[2].values, "name", first[2].name), first[0], first[1], object.get(block[2].values, "name", block[2].name), block[0], block[1]])) if {
	some first in ordered
	first[2].values.action != "BLOCK"
	some block in ordered
	block[2].values.action == "BLOCK"
	before(first, block)
}
