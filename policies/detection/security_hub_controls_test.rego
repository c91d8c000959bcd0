package rules.detection.security_hub_controls_test

import data.rules.detection.fixtures_test as f
import data.rules.detection.security_hub_controls as rule

findings(d) := found if {
	found := rule.deny with input as d with data.detection as f.settings
}

fails(d) if {
	some v in findings(d)
	v.rule_id == "DET-003"
}

test_pass_security_stack if count(findings(f.security_stack)) == 0

test_pass_enabled_control if count(findings(f.with_fields("aws_securityhub_standards_control", "c", {"control_status": "ENABLED"}))) == 0

test_fail_no_standards if fails(f.without("aws_securityhub_standards_subscription"))

test_fail_auto_enable_off if fails(f.with_fields("aws_securityhub_account", "h", {"auto_enable_controls": false}))

test_fail_control_disabled if fails(f.with_fields("aws_securityhub_standards_control", "c", {"control_status": "DISABLED", "disabled_reason": "noisy"}))

test_fail_control_association_disabled if fails(f.with_fields("aws_securityhub_standards_control_association", "c", {"association_status": "DISABLED", "security_control_id": "IAM.1"}))
