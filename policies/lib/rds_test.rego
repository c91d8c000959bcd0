package lib.rds_test

import data.lib.cdktf
import data.lib.rds

doc := {"resource": {
	"aws_rds_cluster": {
		"a": {"engine": "aurora-mysql", "cluster_identifier": "cluster-a", "db_cluster_parameter_group_name": "${aws_rds_cluster_parameter_group.pa.name}", "monitoring_interval": 30},
		"b": {"engine": "aurora-postgresql", "cluster_identifier": "cluster-b", "db_cluster_parameter_group_name": "params-b"},
		"multi_az_mysql": {"engine": "mysql", "cluster_identifier": "cluster-m"},
	},
	"aws_rds_cluster_parameter_group": {
		"pa": {"name": "params-a", "parameter": [{"name": "require_secure_transport", "value": "OFF"}, {"name": "Require_Secure_Transport", "value": "ON"}]},
		"pb": {"name": "params-b", "parameter": {"name": "rds.force_ssl", "value": 1}},
	},
	"aws_rds_cluster_instance": {
		"a1": {"cluster_identifier": "${aws_rds_cluster.a.id}", "monitoring_interval": 0},
		"a2": {"cluster_identifier": "${aws_rds_cluster.a.cluster_identifier}"},
		"b1": {"cluster_identifier": "cluster-b"},
	},
}}

cluster(name) := cdktf.resource("aws_rds_cluster", name, doc.resource.aws_rds_cluster[name])

instance(name) := cdktf.resource("aws_rds_cluster_instance", name, doc.resource.aws_rds_cluster_instance[name])

test_aurora_clusters_leave_out_multi_az_db_clusters if {
	{c.name | some c in rds.aurora_clusters} == {"a", "b"} with input as doc
}

test_instances_by_reference_or_literal_identifier if {
	{i.name | some i in rds.instances_of(cluster("a"))} == {"a1", "a2"} with input as doc
	{i.name | some i in rds.instances_of(cluster("b"))} == {"b1"} with input as doc
}

test_cluster_parameter_group_by_reference_or_name if {
	rds.cluster_parameter_group(cluster("a")).name == "pa" with input as doc
	rds.cluster_parameter_group(cluster("b")).name == "pb" with input as doc
}

test_parameter_last_setting_wins_any_case_and_absent_is_empty if {
	group := rds.cluster_parameter_group(cluster("a")) with input as doc
	rds.parameter(group, "require_secure_transport") == "ON"
	rds.parameter(group, "server_audit_logging") == ""
	rds.parameter(rds.cluster_parameter_group(cluster("b")), "rds.force_ssl") == "1" with input as doc
}

test_effective_setting_falls_back_to_the_cluster if {
	rds.effective(instance("a1"), "monitoring_interval") == 0 with input as doc
	rds.effective(instance("a2"), "monitoring_interval") == 30 with input as doc
	rds.effective(instance("b1"), "monitoring_interval") == null with input as doc
}

test_truthy if {
	rds.truthy(true)
	rds.truthy("true")
	not rds.truthy(false)
	not rds.truthy("false")
}
