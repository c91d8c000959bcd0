package rules.rds.multi_az_test

import data.rules.rds.multi_az as rule

cluster(environment) := {
	"//": {"metadata": {"path": sprintf("%s-data/aurora/cluster", [environment])}},
	"engine": "aurora-mysql",
	"cluster_identifier": sprintf("medicare-%s-aurora", [environment]),
	"tags": {"environment": environment},
}

instance(az) := {"cluster_identifier": "${aws_rds_cluster.db.id}", "instance_class": "db.r7g.large", "availability_zone": az}

doc(environment, instances) := {"resource": {
	"aws_rds_cluster": {"db": cluster(environment)},
	"aws_rds_cluster_instance": {sprintf("i%d", [i]): body | some i, body in instances},
}}

allowed := ["dev"]

fails(d) if {
	some v in rule.deny with input as d with data.single_az_environments as allowed
	v.rule_id == "RDS-005"
	v.address == "aws_rds_cluster.db"
}

passes(d) if {
	count(rule.deny) == 0 with input as d with data.single_az_environments as allowed
}

test_pass_writer_and_reader_in_two_azs if {
	passes(doc("prod", [instance("eu-west-2a"), instance("eu-west-2b")]))
}

test_pass_instances_naming_the_cluster_literally if {
	literal := object.union(instance("eu-west-2b"), {"cluster_identifier": "medicare-prod-aurora"})
	passes(doc("prod", [instance("eu-west-2a"), literal]))
}

test_pass_listed_environment_with_one_instance if {
	passes(doc("dev", [instance("eu-west-2a")]))
}

test_fail_prod_with_one_instance if {
	fails(doc("prod", [instance("eu-west-2a")]))
}

test_fail_two_instances_in_one_az if {
	fails(doc("prod", [instance("eu-west-2a"), instance("eu-west-2a")]))
}

test_fail_reader_placed_by_aws if {
	fails(doc("prod", [instance("eu-west-2a"), object.remove(instance("x"), ["availability_zone"])]))
}

test_fail_reader_of_another_cluster if {
	other := object.union(instance("eu-west-2b"), {"cluster_identifier": "${aws_rds_cluster.other.id}"})
	fails(doc("prod", [instance("eu-west-2a"), other]))
}

test_fail_no_instances if {
	fails(doc("prod", []))
}

test_fail_unlisted_environment if {
	fails(doc("staging", [instance("eu-west-2a")]))
}

test_fail_untagged_cluster if {
	d := {"resource": {
		"aws_rds_cluster": {"db": object.remove(cluster("dev"), ["tags"])},
		"aws_rds_cluster_instance": {"i0": instance("eu-west-2a")},
	}}
	fails(d)
}

test_fail_when_the_list_is_not_loaded if {
	some v in rule.deny with input as doc("dev", [instance("eu-west-2a")]) with data.single_az_environments as []
	v.rule_id == "RDS-005"
}

test_the_reviewed_list_allows_dev_only_and_gives_reasons if {
	data.single_az_environments == ["dev"]
	every environment in data.single_az_environments {
		count(data.single_az_reasons[environment]) >= 30
	}
}
