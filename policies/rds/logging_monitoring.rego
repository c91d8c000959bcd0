# RDS-006: what happens in the database is recorded and watched. The cluster exports its
# audit, error and slow-query logs to CloudWatch Logs (where they are encrypted, retained
# and alarmed on), and Advanced Auditing is on in its parameter group, without which the
# audit export stays empty. Every instance has Enhanced Monitoring (OS metrics through a
# role) and Performance Insights, whose data includes SQL text and so is encrypted with a
# customer-managed key.
package rules.rds.logging_monitoring

import data.lib.cdktf
import data.lib.rds

metadata := {
	"id": "RDS-006",
	"title": "Aurora exports audit, error and slow-query logs, and every instance has Enhanced Monitoring and Performance Insights with a CMK",
	"severity": "medium",
	"hipaa": ["L"],
	"control": "audit, error, slowquery logs exported; enhanced monitoring; Performance Insights with a CMK",
	"references": ["nag:RDSLoggingEnabled", "nag:RDSEnhancedMonitoringEnabled", "ckv:CKV_AWS_324", "ckv:CKV_AWS_118", "ckv:CKV_AWS_353", "ckv:CKV_AWS_354"],
	"fix": "Create the cluster with AuroraDatabase (modules/data/aurora.ts): it exports audit, error and slowquery, turns on server_audit_logging, and gives every instance monitoring_interval, a monitoring role and Performance Insights with the data key.",
}

required_exports(cluster) := {"postgresql"} if {
	rds.is_postgresql_family(cluster)
} else := {"audit", "error", "slowquery"}

deny contains cdktf.violation(metadata, cluster, sprintf("enabled_cloudwatch_logs_exports lacks %v", [sort(missing)])) if {
	some cluster in rds.aurora_clusters
	exported := {log | some log in cdktf.as_array(object.get(cluster.values, "enabled_cloudwatch_logs_exports", []))}
	missing := required_exports(cluster) - exported
	count(missing) > 0
}

# Advanced Auditing: on, and recording at least logins.
deny contains cdktf.violation(metadata, cluster, "Advanced Auditing is off: the cluster parameter group must set server_audit_logging = 1 and server_audit_events including CONNECT") if {
	some cluster in rds.aurora_clusters
	rds.is_mysql_family(cluster)
	not auditing_on(cluster)
}

auditing_on(cluster) if {
	group := rds.cluster_parameter_group(cluster)
	upper(rds.parameter(group, "server_audit_logging")) in {"1", "ON"}
	"CONNECT" in {trim_space(e) | some e in split(upper(rds.parameter(group, "server_audit_events")), ",")}
}

deny contains cdktf.violation(metadata, instance, sprintf("monitoring_interval is %v; Enhanced Monitoring needs an interval of 1..60 seconds and a monitoring_role_arn", [rds.effective(instance, "monitoring_interval")])) if {
	some instance in cdktf.resources("aws_rds_cluster_instance")
	not enhanced_monitoring(instance)
}

enhanced_monitoring(instance) if {
	to_number(rds.effective(instance, "monitoring_interval")) > 0
	cdktf.non_empty_string(rds.effective(instance, "monitoring_role_arn"))
}

deny contains cdktf.violation(metadata, instance, "performance_insights_enabled is not true") if {
	some instance in cdktf.resources("aws_rds_cluster_instance")
	not rds.truthy(rds.effective(instance, "performance_insights_enabled"))
}

deny contains cdktf.violation(metadata, instance, sprintf("performance_insights_kms_key_id is %v; Performance Insights (which keeps SQL text) must be encrypted with a customer-managed KMS key", [rds.effective(instance, "performance_insights_kms_key_id")])) if {
	some instance in cdktf.resources("aws_rds_cluster_instance")
	not cdktf.is_kms_key_ref(rds.effective(instance, "performance_insights_kms_key_id"))
}
