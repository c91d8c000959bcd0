package rules.detection.waf_log_content_test

import data.rules.detection.fixtures_test as f
import data.rules.detection.waf_log_content as rule

findings(d) := found if {
	found := rule.deny with input as d with data.detection as f.settings
}

fails(d) if {
	some v in findings(d)
	v.rule_id == "DET-006"
}

test_pass_campaign_stack if count(findings(f.campaign_stack)) == 0

test_pass_keep_filter if count(findings(f.campaign_with_fields("aws_wafv2_web_acl_logging_configuration", "api", {"logging_filter": {"default_behavior": "KEEP", "filter": [{"behavior": "KEEP", "requirement": "MEETS_ANY", "condition": [{"action_condition": {"action": "BLOCK"}}]}]}}))) == 0

test_fail_filter_keeps_nothing if fails(f.campaign_with_fields("aws_wafv2_web_acl_logging_configuration", "api", {"logging_filter": {"default_behavior": "DROP"}}))

test_fail_filter_drops_allowed if fails(f.campaign_with_fields("aws_wafv2_web_acl_logging_configuration", "api", {"logging_filter": {"default_behavior": "KEEP", "filter": [{"behavior": "DROP", "requirement": "MEETS_ANY", "condition": [{"action_condition": {"action": "ALLOW"}}]}]}}))

test_fail_token_path_not_redacted if fails(f.campaign_with_fields("aws_wafv2_web_acl_logging_configuration", "api", {"redacted_fields": [{"single_header": {"name": "authorization"}}]}))
