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

test_fail_backup_region_without_security_hub if fails(f.in_two_regions({}))

test_pass_backup_region_with_security_hub if count(rule.deny) == 0 with input as f.in_two_regions({"aws_securityhub_account": {"b": {"provider": "aws.backup_region"}}, "aws_securityhub_standards_subscription": {"b-fsbp": {"provider": "aws.backup_region", "standards_arn": "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0"}, "b-cis": {"provider": "aws.backup_region", "standards_arn": "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0"}}})

test_fail_backup_region_without_standards if fails(f.in_two_regions({"aws_securityhub_account": {"b": {"provider": "aws.backup_region"}}, "aws_securityhub_standards_subscription": {"b-fsbp": {"provider": "aws.backup_region", "standards_arn": "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0"}}}))
