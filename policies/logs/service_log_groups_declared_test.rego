package rules.logs.service_log_groups_declared_test

import data.rules.logs.service_log_groups_declared as rule

meta(path) := {"metadata": {"path": path}}

group(name) := {"//": meta("dev-data/group"), "name": name, "kms_key_id": "${aws_kms_key.logs.arn}", "retention_in_days": 365}

network := {"resource": {
	"aws_cloudwatch_log_group": {"queries": group("/medicare/dev/network/resolver-query-logs")},
	"aws_route53_resolver_query_log_config": {"log": {"//": meta("dev-network/dns/query-log"), "name": "q", "destination_arn": "${aws_cloudwatch_log_group.queries.arn}"}},
	"aws_flow_log": {"flow": {"//": meta("dev-network/flow-log/flow-log"), "log_destination": "${aws_cloudwatch_log_group.queries.arn}:*", "depends_on": ["aws_cloudwatch_log_group.queries"]}},
	"aws_ssm_parameter": {"p": {"//": meta("dev-network/p"), "value": "${data.terraform_remote_state.s.outputs.cross-stack-output-aws_cloudwatch_log_group.other.arn}"}},
}}

data_stack := {"resource": {
	"aws_cloudwatch_log_group": {
		"proxy": group("/aws/rds/proxy/medicare-dev-aurora-proxy"),
		"audit": group("/aws/rds/cluster/medicare-dev-aurora/audit"),
		"os": group("RDSOSMetrics"),
		"dms": group("dms-tasks-medicare-dev-dms"),
	},
	"aws_db_proxy": {"proxy": {"//": meta("dev-data/aurora-proxy"), "name": "medicare-dev-aurora-proxy"}},
	"aws_rds_cluster": {"aurora": {"//": meta("dev-data/aurora/cluster"), "cluster_identifier": "medicare-dev-aurora", "enabled_cloudwatch_logs_exports": ["audit"]}},
	"aws_rds_cluster_instance": {"one": {"//": meta("dev-data/aurora/instance-1"), "monitoring_interval": 15}},
	"aws_dms_replication_instance": {"dms": {"//": meta("dev-data/migration/instance"), "replication_instance_id": "medicare-dev-dms"}},
	"aws_dms_replication_task": {"task": {
		"//": meta("dev-data/migration/task"),
		"replication_instance_arn": "${aws_dms_replication_instance.dms.replication_instance_arn}",
		"replication_task_settings": json.marshal({"Logging": {"EnableLogging": true}}),
	}},
}}

without_group(doc, name) := json.remove(doc, [sprintf("resource/aws_cloudwatch_log_group/%s", [name])])

fails(doc, path) if {
	some v in rule.deny with input as doc
	v.rule_id == "LOG-004"
	v.resource_path == path
}

test_pass_network_references_declared_groups if {
	count(rule.deny) == 0 with input as network
}

test_pass_data_services_have_their_groups if {
	count(rule.deny) == 0 with input as data_stack
}

test_pass_dms_task_without_logging if {
	doc := json.patch(without_group(data_stack, "dms"), [{"op": "replace", "path": "/resource/aws_dms_replication_task/task/replication_task_settings", "value": "{}"}])
	count(rule.deny) == 0 with input as doc
}

test_fail_query_log_destination_group_deleted if {
	fails(without_group(network, "queries"), "dev-network/dns/query-log")
}

test_fail_depends_on_names_deleted_group if {
	fails(without_group(network, "queries"), "dev-network/flow-log/flow-log")
}

test_fail_proxy_group_deleted if {
	fails(without_group(data_stack, "proxy"), "dev-data/aurora-proxy")
}

test_fail_cluster_export_group_deleted if {
	fails(without_group(data_stack, "audit"), "dev-data/aurora/cluster")
}

test_fail_enhanced_monitoring_group_deleted if {
	fails(without_group(data_stack, "os"), "dev-data/aurora/instance-1")
}

test_fail_dms_task_group_deleted if {
	fails(without_group(data_stack, "dms"), "dev-data/migration/task")
}

test_fail_cluster_identifier_not_literal if {
	fails(json.patch(data_stack, [{"op": "remove", "path": "/resource/aws_rds_cluster/aurora/cluster_identifier"}]), "dev-data/aurora/cluster")
}
