package rules.audit.security_hub_test

import data.rules.audit.fixtures_test as f
import data.rules.audit.security_hub as rule

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "AUD-006"
}

test_pass_security_stack if count(rule.deny) == 0 with input as f.security_stack

test_pass_other_stack if count(rule.deny) == 0 with input as f.data_stack

test_fail_no_hub if fails(f.without("aws_securityhub_account"))

test_fail_no_cis if fails(f.with_fields("aws_securityhub_standards_subscription", "cis", {"standards_arn": "arn:aws:securityhub:eu-west-2::standards/pci-dss/v/3.2.1"}))

test_fail_no_access_analyzer if fails(f.without("aws_accessanalyzer_analyzer"))
