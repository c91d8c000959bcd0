package rules.organization.delegated_admin_test

import data.rules.organization.delegated_admin as rule
import data.rules.organization.fixtures_test as f

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "ORG-005"
}

test_pass_two_regions if count(rule.deny) == 0 with input as f.delegated_stack

test_pass_not_an_organization_stack if count(rule.deny) == 0 with input as f.env_stack

test_fail_backup_region_guardduty_admin_missing if fails(f.delegated_without("aws_guardduty_organization_admin_account", "backup"))

test_fail_home_region_macie_admin_missing if fails(f.delegated_without("aws_macie2_organization_admin_account", "home"))

test_fail_config_not_delegated if fails(f.delegated_without("aws_organizations_delegated_administrator", "config"))

test_fail_second_admin_account if fails(f.delegated_with("aws_securityhub_organization_admin_account", "backup", {"admin_account_id": "666666666666"}))

test_fail_management_account_administers if {
	d := f.delegated_stack
	ids := {type: {n: object.union(body, {attribute: "444444444444"}) | some n, body in d.resource[type]} | some type, attribute in f.admin_types}
	d2 := object.union(d, {"resource": object.union(ids, {"aws_organizations_delegated_administrator": {n: object.union(b, {"account_id": "444444444444"}) | some n, b in d.resource.aws_organizations_delegated_administrator}})})
	fails(d2)
}
