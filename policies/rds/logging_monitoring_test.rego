package rules.rds.logging_monitoring_test

import data.rules.rds.logging_monitoring as rule

data_key := "${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_data_key_02E67481arn}"

cluster := {
	"//": {"metadata": {"path": "dev-data/aurora/cluster"}},
	"engine": "aurora-mysql",
	"db_cluster_parameter_group_name": "${aws_rds_cluster_parameter_group.params.name}",
	"enabled_cloudwatch_logs_exports": ["audit", "error", "slowquery"],
}

audit_on := [
	{"name": "require_secure_transport", "value": "ON"},
	{"name": "server_audit_logging", "value": "1"},
	{"name": "server_audit_events", "value": "CONNECT,QUERY_DCL,QUERY_DDL,TABLE"},
]

instance := {
	"//": {"metadata": {"path": "dev-data/aurora/instance-1"}},
	"cluster_identifier": "${aws_rds_cluster.db.id}",
	"monitoring_interval": 15,
	"monitoring_role_arn": "${aws_iam_role.monitoring.arn}",
	"performance_insights_enabled": true,
	"performance_insights_kms_key_id": data_key,
}

doc(c, parameters, i) := {"resource": {
	"aws_rds_cluster": {"db": c},
	"aws_rds_cluster_parameter_group": {"params": {"family": "aurora-mysql8.0", "parameter": parameters}},
	"aws_rds_cluster_instance": {"i1": i},
}}

good := doc(cluster, audit_on, instance)

fails_on(d, path) if {
	some v in rule.deny with input as d
	v.rule_id == "RDS-006"
	v.resource_path == path
}

fails_on_cluster(d) if fails_on(d, "dev-data/aurora/cluster")

fails_on_instance(d) if fails_on(d, "dev-data/aurora/instance-1")

test_pass_everything_on if {
	count(rule.deny) == 0 with input as good
}

test_pass_monitoring_and_insights_set_on_the_cluster if {
	on_cluster := object.union(cluster, {
		"monitoring_interval": 30,
		"monitoring_role_arn": "${aws_iam_role.monitoring.arn}",
		"performance_insights_enabled": true,
		"performance_insights_kms_key_id": "${aws_kms_key.data.arn}",
	})
	bare := object.remove(instance, ["monitoring_interval", "monitoring_role_arn", "performance_insights_enabled", "performance_insights_kms_key_id"])
	count(rule.deny) == 0 with input as doc(on_cluster, audit_on, bare)
}

test_fail_audit_log_not_exported if {
	fails_on_cluster(doc(object.union(cluster, {"enabled_cloudwatch_logs_exports": ["error", "slowquery"]}), audit_on, instance))
	fails_on_cluster(doc(object.remove(cluster, ["enabled_cloudwatch_logs_exports"]), audit_on, instance))
}

test_fail_slow_query_log_not_exported if {
	fails_on_cluster(doc(object.union(cluster, {"enabled_cloudwatch_logs_exports": ["audit", "error"]}), audit_on, instance))
}

test_fail_advanced_auditing_off if {
	fails_on_cluster(doc(cluster, [{"name": "server_audit_logging", "value": "0"}, {"name": "server_audit_events", "value": "CONNECT"}], instance))
	fails_on_cluster(doc(cluster, [{"name": "require_secure_transport", "value": "ON"}], instance))
}

test_fail_auditing_without_connect_events if {
	fails_on_cluster(doc(cluster, [{"name": "server_audit_logging", "value": "1"}, {"name": "server_audit_events", "value": "QUERY_DDL"}], instance))
}

test_fail_no_enhanced_monitoring if {
	fails_on_instance(doc(cluster, audit_on, object.union(instance, {"monitoring_interval": 0})))
	fails_on_instance(doc(cluster, audit_on, object.remove(instance, ["monitoring_interval"])))
	fails_on_instance(doc(cluster, audit_on, object.remove(instance, ["monitoring_role_arn"])))
}

test_fail_performance_insights_off if {
	fails_on_instance(doc(cluster, audit_on, object.union(instance, {"performance_insights_enabled": false})))
}

test_fail_performance_insights_with_aws_managed_key if {
	fails_on_instance(doc(cluster, audit_on, object.remove(instance, ["performance_insights_kms_key_id"])))
	fails_on_instance(doc(cluster, audit_on, object.union(instance, {"performance_insights_kms_key_id": "alias/aws/rds"})))
}
