package rules.dms.instance_multi_az_test

import data.rules.dms.instance_multi_az as rule

doc(environment, fields) := {"resource": {"aws_dms_replication_instance": {"dms": object.union(
	{"//": {"metadata": {"path": sprintf("%s-data/migration/instance", [environment])}}, "tags": {"environment": environment}},
	fields,
)}}}

allowed := ["dev"]

fails(d) if {
	some v in rule.deny with input as d with data.single_az_environments as allowed
	v.rule_id == "DMS-003"
	v.address == "aws_dms_replication_instance.dms"
}

passes(d) if {
	count(rule.deny) == 0 with input as d with data.single_az_environments as allowed
}

test_pass_prod_multi_az if {
	passes(doc("prod", {"multi_az": true}))
}

test_pass_listed_environment_single_az if {
	passes(doc("dev", {"multi_az": false}))
}

test_fail_prod_single_az if {
	fails(doc("prod", {"multi_az": false}))
}

test_fail_prod_unset if {
	fails(doc("prod", {}))
}

test_fail_untagged_instance if {
	fails({"resource": {"aws_dms_replication_instance": {"dms": {"multi_az": false}}}})
}

test_fail_dev_when_not_listed if {
	some v in rule.deny with input as doc("dev", {"multi_az": false}) with data.single_az_environments as ["staging"]
	v.rule_id == "DMS-003"
}
