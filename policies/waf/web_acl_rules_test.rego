package rules.waf.web_acl_rules_test

import data.rules.waf.web_acl_rules as rule

managed(name) := {"name": name, "override_action": {"none": {}}, "statement": {"managed_rule_group_statement": {"name": name, "vendor_name": "AWS"}}}

rate := {"name": "rate", "action": {"block": {}}, "statement": {"rate_based_statement": {"limit": 1000, "aggregate_key_type": "IP"}}}

groups := [managed("AWSManagedRulesCommonRuleSet"), managed("AWSManagedRulesKnownBadInputsRuleSet"), managed("AWSManagedRulesSQLiRuleSet"), managed("AWSManagedRulesAmazonIpReputationList")]

doc(rules) := {"resource": {"aws_wafv2_web_acl": {"acl": {"//": {"metadata": {"path": "dev-edge/alb-waf/acl"}}, "rule": rules}}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "WAF-002"
	v.resource_path == "dev-edge/alb-waf/acl"
}

test_pass_all_groups_and_rate_rule if {
	count(rule.deny) == 0 with input as doc(array.concat([rate], groups))
}

test_fail_missing_group if {
	fails(doc(array.concat([rate], array.slice(groups, 0, 3))))
}

test_fail_group_in_count_mode if {
	fails(doc(array.concat([rate, object.union(managed("AWSManagedRulesSQLiRuleSet"), {"override_action": {"count": {}}})], array.slice(groups, 0, 2))))
}

test_fail_no_blocking_rate_rule if {
	fails(doc(groups))
	fails(doc(array.concat([object.union(rate, {"action": {"count": {}}})], groups)))
}
