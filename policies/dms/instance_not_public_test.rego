package rules.dms.instance_not_public_test

import data.rules.dms.instance_not_public as rule

doc(fields) := {"resource": {"aws_dms_replication_instance": {"dms": object.union(
	{"//": {"metadata": {"path": "dev-data/migration/instance"}}, "replication_instance_id": "medicare-dev-dms"},
	fields,
)}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "DMS-001"
	v.resource_path == "dev-data/migration/instance"
}

test_pass_private if {
	count(rule.deny) == 0 with input as doc({"publicly_accessible": false})
}

test_pass_private_as_string if {
	count(rule.deny) == 0 with input as doc({"publicly_accessible": "false"})
}

test_fail_public if {
	fails(doc({"publicly_accessible": true}))
}

test_fail_unset if {
	fails(doc({}))
}
