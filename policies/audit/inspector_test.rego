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

test_fail_backup_region_without_inspector if {
	some v in rule.deny with input as f.in_two_regions({})
	v.rule_id == "AUD-005"
}

test_pass_backup_region_with_inspector if count(rule.deny) == 0 with input as f.in_two_regions({"aws_inspector2_enabler": {"b": {"provider": "aws.backup_region", "account_ids": ["111111111111"], "resource_types": ["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"]}}})
