package rules.organization.security_account_detection_test

import data.rules.organization.fixtures_test as f
import data.rules.organization.security_account_detection as rule

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "ORG-006"
}

test_pass_security_stack if count(rule.deny) == 0 with input as f.security_stack

test_pass_other_stacks if count(rule.deny) == 0 with input as f.organization_stack

test_fail_guardduty_new_accounts_only if fails(f.security_with("aws_guardduty_organization_configuration", "home", {"auto_enable_organization_members": "NEW"}))

test_fail_guardduty_feature_not_auto_enabled if fails(f.security_with("aws_guardduty_organization_configuration_feature", "backup-ebs_malware_protection", {"auto_enable": "NONE"}))

test_fail_backup_region_guardduty_unconfigured if fails(f.security_without("aws_guardduty_organization_configuration", "backup"))

test_fail_security_hub_no_auto_enable if fails(f.security_with("aws_securityhub_organization_configuration", "backup", {"auto_enable": false}))

test_fail_inspector_lambda_code_off if fails(f.security_with("aws_inspector2_organization_configuration", "home", {"auto_enable": {"ec2": true, "ecr": true, "lambda": true, "lambda_code": false}}))

test_fail_macie_backup_region_missing if fails(f.security_without("aws_macie2_organization_configuration", "backup"))

test_fail_aggregator_leaves_out_backup_region if fails(f.security_with("aws_securityhub_finding_aggregator", "a", {"specified_regions": ["eu-central-1"]}))

test_fail_no_aggregator if fails(f.security_without("aws_securityhub_finding_aggregator", "a"))

test_fail_config_aggregator_one_region if fails(f.security_with("aws_config_configuration_aggregator", "c", {"organization_aggregation_source": {"all_regions": false, "regions": ["eu-west-2"]}}))

test_fail_analyzer_per_account if fails(f.security_with("aws_accessanalyzer_analyzer", "backup", {"type": "ACCOUNT"}))

# The security account's own detector, hub and Macie in every region it administers.
test_fail_backup_region_detector_missing if fails(f.security_without("aws_guardduty_detector", "backup"))

test_fail_backup_region_security_hub_missing if fails(f.security_without("aws_securityhub_account", "backup"))

test_fail_backup_region_macie_missing if fails(f.security_without("aws_macie2_account", "backup"))
