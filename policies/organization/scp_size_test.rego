package rules.organization.scp_size_test

import data.rules.organization.fixtures_test as f
import data.rules.organization.scp_size as rule

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "ORG-004"
}

test_pass_organization_stack if count(rule.deny) == 0 with input as f.organization_stack

test_fail_oversized if fails(f.edited("audit", {"Action": [sprintf("cloudtrail:StopLogging%d", [i]) | some i in numbers.range(1, 300)]}))

test_fail_five_on_root if fails(f.stack(f.resources(object.union(f.statements, {"extra": f.statements.leave}), object.union(f.targets, {"extra": ["root"]}))))
