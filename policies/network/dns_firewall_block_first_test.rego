package rules.network.dns_firewall_block_first_test

import data.rules.network.dns_firewall_block_first as rule

fw_rule(group, action, priority) := {"firewall_rule_group_id": sprintf("${aws_route53_resolver_firewall_rule_group.%s.id}", [group]), "action": action, "priority": priority, "name": sprintf("%s-%v", [lower(action), priority])}

doc(rules, allow_group_priority) := {"resource": {
	"aws_route53_resolver_firewall_rule_group_association": {
		"blocking": {"firewall_rule_group_id": "${aws_route53_resolver_firewall_rule_group.blocking.id}", "priority": 101},
		"allowing": {"firewall_rule_group_id": "${aws_route53_resolver_firewall_rule_group.allowing.id}", "priority": allow_group_priority},
	},
	"aws_route53_resolver_firewall_rule": rules,
}}

blocks := {"b1": fw_rule("blocking", "BLOCK", 100), "b2": fw_rule("blocking", "BLOCK", 110)}

test_pass_allow_after_every_block if {
	count(rule.deny) == 0 with input as doc(object.union(blocks, {"a": fw_rule("blocking", "ALLOW", 200), "g": fw_rule("allowing", "ALLOW", 1)}), 200)
}

# The class: an ALLOW ahead in the same group (just before the last BLOCK), and a whole
# group of ALLOW/ALERT rules associated ahead of the blocking group.
test_fail_allow_ahead_in_group_or_by_group if {
	count(rule.deny) > 0 with input as doc(object.union(blocks, {"a": fw_rule("blocking", "ALLOW", 105)}), 200)
	count(rule.deny) > 0 with input as doc(object.union(blocks, {"g": fw_rule("allowing", "ALERT", 500)}), 100)
}
