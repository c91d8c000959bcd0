package rules.dms.instance_minor_upgrade_test

import data.rules.dms.instance_minor_upgrade as rule

doc(fields) := {"resource": {"aws_dms_replication_instance": {"dms": object.union(
	{"//": {"metadata": {"path": "dev-data/migration/instance"}}, "publicly_accessible": false},
	fields,
)}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "DMS-004"
	v.resource_path == "dev-data/migration/instance"
}

test_pass_auto_upgrade if {
	count(rule.deny) == 0 with input as doc({"auto_minor_version_upgrade": true})
}

test_fail_off if {
	fails(doc({"auto_minor_version_upgrade": false}))
}

test_fail_unset if {
	fails(doc({}))
}
