# WAF-002: every web ACL runs the AWS managed rule groups for common exploits, known bad
# inputs, SQL injection and IP reputation (not in count mode), and a rate-based rule that
# blocks; its default action may allow only because those rules run first.
package rules.waf.web_acl_rules

import data.lib.cdktf

metadata := {
	"id": "WAF-002",
	"title": "Every WAFv2 web ACL runs the managed common, known-bad-inputs, SQLi and IP-reputation groups and a blocking rate-based rule",
	"severity": "high",
	"hipaa": ["A"],
	"control": "every internet-facing ALB, API and CloudFront distribution has a WAFv2 web ACL with the managed common, known-bad-inputs, SQLi and IP-reputation groups and a rate-based rule",
	"references": ["ckv:CKV2_AWS_28", "ckv:CKV_AWS_68", "ckv:CKV2_AWS_76"],
	"fix": "Create the web ACL with WebAcl (modules/edge/waf.ts), which runs MANAGED_RULE_GROUPS with override_action none and a rate_based_statement rule that blocks.",
}

required_groups := {
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
	"AWSManagedRulesSQLiRuleSet",
	"AWSManagedRulesAmazonIpReputationList",
}

# Managed groups that enforce: override_action none (count would only observe).
enforced_groups(acl) := {name |
	some rule in cdktf.blocks(object.get(acl.values, "rule", null))
	some statement in cdktf.blocks(object.get(rule, "statement", null))
	some group in cdktf.blocks(object.get(statement, "managed_rule_group_statement", null))
	object.get(group, "vendor_name", "") == "AWS"
	name := group.name
	some override in cdktf.blocks(object.get(rule, "override_action", null))
	object.keys(override) == {"none"}
	count(object.get(group, "rule_action_override", [])) == 0
}

deny contains cdktf.violation(metadata, acl, sprintf("missing or not enforcing managed rule group(s): %s", [concat(", ", sort(missing))])) if {
	some acl in cdktf.resources("aws_wafv2_web_acl")
	missing := required_groups - enforced_groups(acl)
	count(missing) > 0
}

deny contains cdktf.violation(metadata, acl, "no rule with a rate_based_statement and action block") if {
	some acl in cdktf.resources("aws_wafv2_web_acl")
	not blocking_rate_rule(acl)
}

blocking_rate_rule(acl) if {
	some rule in cdktf.blocks(object.get(acl.values, "rule", null))
	some statement in cdktf.blocks(object.get(rule, "statement", null))
	count(cdktf.blocks(object.get(statement, "rate_based_statement", null))) > 0
	some action in cdktf.blocks(object.get(rule, "action", null))
	object.keys(action) == {"block"}
}

deny contains cdktf.violation(metadata, acl, "rules are given as rule_json, which this rule cannot read; use rule blocks") if {
	some acl in cdktf.resources("aws_wafv2_web_acl")
	cdktf.non_empty_string(object.get(acl.values, "rule_json", null))
}
