package rules.rds.backup_protection_test

import data.rules.rds.backup_protection as rule

cluster(environment, retention) := {
	"//": {"metadata": {"path": sprintf("%s-data/aurora/cluster", [environment])}},
	"engine": "aurora-mysql",
	"deletion_protection": true,
	"backup_retention_period": retention,
	"copy_tags_to_snapshot": true,
	"skip_final_snapshot": false,
	"final_snapshot_identifier": sprintf("medicare-%s-aurora-final", [environment]),
	"tags": {"environment": environment},
}

dev := cluster("dev", 7)

doc(c) := {"resource": {"aws_rds_cluster": {"db": c}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "RDS-004"
	v.address == "aws_rds_cluster.db"
}

test_pass_dev_seven_days if {
	count(rule.deny) == 0 with input as doc(dev)
}

test_pass_prod_35_days if {
	count(rule.deny) == 0 with input as doc(cluster("prod", 35))
}

test_pass_skip_final_snapshot_left_to_its_default_false if {
	count(rule.deny) == 0 with input as doc(object.remove(dev, ["skip_final_snapshot"]))
}

test_fail_no_deletion_protection if {
	fails(doc(object.union(dev, {"deletion_protection": false})))
	fails(doc(object.remove(dev, ["deletion_protection"])))
}

test_fail_short_retention if {
	fails(doc(cluster("dev", 1)))
	fails(doc(object.remove(dev, ["backup_retention_period"])))
}

test_fail_prod_below_35_days if {
	fails(doc(cluster("prod", 14)))
}

test_fail_tags_not_copied if {
	fails(doc(object.union(dev, {"copy_tags_to_snapshot": false})))
}

test_fail_final_snapshot_skipped if {
	fails(doc(object.union(dev, {"skip_final_snapshot": true})))
}

test_fail_no_final_snapshot_identifier if {
	fails(doc(object.remove(dev, ["final_snapshot_identifier"])))
}
