package rules.rds.instances_private_patched_test

import data.rules.rds.instances_private_patched as rule

instance := {
	"//": {"metadata": {"path": "dev-data/aurora/instance-1"}},
	"cluster_identifier": "${aws_rds_cluster.db.id}",
	"publicly_accessible": false,
	"auto_minor_version_upgrade": true,
}

doc(type, body) := {"resource": {type: {"i1": body}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "RDS-007"
	v.resource_path == "dev-data/aurora/instance-1"
}

test_pass_private_and_patched if {
	count(rule.deny) == 0 with input as doc("aws_rds_cluster_instance", instance)
}

test_pass_provider_defaults if {
	count(rule.deny) == 0 with input as doc("aws_rds_cluster_instance", object.remove(instance, ["publicly_accessible", "auto_minor_version_upgrade"]))
}

test_fail_public_cluster_instance if {
	fails(doc("aws_rds_cluster_instance", object.union(instance, {"publicly_accessible": true})))
}

test_fail_public_db_instance if {
	fails(doc("aws_db_instance", object.union(instance, {"publicly_accessible": "true"})))
}

test_fail_auto_minor_version_upgrade_off if {
	fails(doc("aws_rds_cluster_instance", object.union(instance, {"auto_minor_version_upgrade": false})))
	fails(doc("aws_db_instance", object.union(instance, {"auto_minor_version_upgrade": "false"})))
}
