package rules.audit.inspector_test

import data.rules.audit.fixtures_test as f
import data.rules.audit.inspector as rule

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "AUD-005"
}

test_pass_security_stack if count(rule.deny) == 0 with input as f.security_stack

test_pass_other_stack if count(rule.deny) == 0 with input as f.data_stack

test_fail_no_ecr if fails(f.with_fields("aws_inspector2_enabler", "i", {"resource_types": ["EC2", "LAMBDA", "LAMBDA_CODE"]}))

test_fail_not_enabled if fails(f.without("aws_inspector2_enabler"))
