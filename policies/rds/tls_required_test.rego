package rules.rds.tls_required_test

import data.rules.rds.tls_required as rule

cluster := {
	"//": {"metadata": {"path": "dev-data/aurora/cluster"}},
	"engine": "aurora-mysql",
	"db_cluster_parameter_group_name": "${aws_rds_cluster_parameter_group.params.name}",
}

group(parameters) := {"name": "medicare-dev-aurora-cluster", "family": "aurora-mysql8.0", "parameter": parameters}

tls_on := [{"name": "require_secure_transport", "value": "ON"}, {"name": "server_audit_logging", "value": "1"}]

doc(c, g) := {"resource": {"aws_rds_cluster": {"db": c}, "aws_rds_cluster_parameter_group": {"params": g}}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "RDS-002"
	v.resource_path == "dev-data/aurora/cluster"
}

test_pass_referenced_group_requires_tls if {
	count(rule.deny) == 0 with input as doc(cluster, group(tls_on))
}

test_pass_group_named_literally if {
	c := object.union(cluster, {"db_cluster_parameter_group_name": "medicare-dev-aurora-cluster"})
	count(rule.deny) == 0 with input as doc(c, group([{"name": "require_secure_transport", "value": "1"}]))
}

test_pass_single_parameter_block_as_object if {
	count(rule.deny) == 0 with input as doc(cluster, group({"name": "require_secure_transport", "value": "on"}))
}

test_pass_postgresql_force_ssl if {
	c := object.union(cluster, {"engine": "aurora-postgresql"})
	count(rule.deny) == 0 with input as doc(c, group([{"name": "rds.force_ssl", "value": "1"}]))
}

test_pass_not_aurora if {
	c := object.union(cluster, {"engine": "mysql"})
	count(rule.deny) == 0 with input as doc(c, group([]))
}

test_fail_tls_off if {
	fails(doc(cluster, group([{"name": "require_secure_transport", "value": "OFF"}])))
}

test_fail_parameter_not_set if {
	fails(doc(cluster, group([{"name": "server_audit_logging", "value": "1"}])))
}

test_fail_default_parameter_group if {
	fails(doc(object.remove(cluster, ["db_cluster_parameter_group_name"]), group(tls_on)))
	fails(doc(object.union(cluster, {"db_cluster_parameter_group_name": "default.aurora-mysql8.0"}), group(tls_on)))
}

test_fail_reference_to_another_group if {
	fails(doc(object.union(cluster, {"db_cluster_parameter_group_name": "${aws_rds_cluster_parameter_group.other.name}"}), group(tls_on)))
}

test_fail_postgresql_with_mysql_parameter if {
	fails(doc(object.union(cluster, {"engine": "aurora-postgresql"}), group(tls_on)))
}
