package rules.waf.rules_not_bypassed_test

import data.rules.waf.rules_not_bypassed as rule

rate := {"name": "rate", "priority": 0, "action": {"block": {}}, "statement": {"rate_based_statement": {"limit": 1000, "aggregate_key_type": "IP"}}}

common := {"name": "common", "priority": 1, "override_action": {"none": {}}, "statement": {"managed_rule_group_statement": {"name": "AWSManagedRulesCommonRuleSet", "vendor_name": "AWS"}}}

acl(rules) := {"resource": {"aws_wafv2_web_acl": {"a": {"//": {"metadata": {"path": "dev-edge/alb-waf/acl"}}, "default_action": {"allow": {}}, "rule": rules}}}}

fails_with(rules, text) if {
	some v in rule.deny with input as acl(rules)
	contains(v.msg, text)
}

test_pass_enforcing_rules if {
	count(rule.deny) == 0 with input as acl([rate, common])
}

test_fail_allow_first if {
	fails_with([{"name": "office", "priority": -1, "action": {"allow": {}}, "statement": {"ip_set_reference_statement": {"arn": "x"}}}, rate, common], "rule office (priority -1) allows requests before rule rate")
}

# The class: each way a rule stops enforcing.
test_fail_counted_overridden_or_scoped_down if {
	fails_with([rate, object.union(object.remove(common, ["override_action"]), {"override_action": {"count": {}}})], "only counts")
	fails_with([rate, object.union(common, {"statement": {"managed_rule_group_statement": {"rule_action_override": [{"name": "SizeRestrictions_BODY", "action_to_use": {"count": {}}}]}}})], "overrides SizeRestrictions_BODY to count")
	fails_with([object.union(rate, {"statement": {"rate_based_statement": {"scope_down_statement": {"byte_match_statement": {"search_string": "/nothing"}}}}}), common], "rule rate has a scope_down_statement")
}
