# LOG-004: every log group a service writes to is a log group of this configuration, so it
# is encrypted with the logs key and kept for the retention (LOG-001, LOG-002). Deleting
# one is not noticed by those rules, which only look at the groups that exist: the service
# then creates the group itself on its first write, unencrypted and kept forever.
# - references: an attribute or depends_on that names aws_cloudwatch_log_group.<name> (a
#   query log config's destination_arn, a flow log's log_destination, a proxy's depends_on
#   ...) must name a group declared in the stack;
# - names AWS dictates: RDS Proxy writes to /aws/rds/proxy/<name>, Aurora's exported logs
#   to /aws/rds/cluster/<cluster>/<log>, enhanced monitoring to RDSOSMetrics, DMS task
#   logging to dms-tasks-<replication instance id>; a group of that name must be declared.
# Lambda's /aws/lambda/<function> is LAM-003's.
package rules.logs.service_log_groups_declared

import data.lib.cdktf

metadata := {
	"id": "LOG-004",
	"title": "Every log group a service writes to is declared (encrypted, with retention) in the configuration",
	"severity": "high",
	"hipaa": ["E", "L"],
	"control": "every CloudWatch log group is KMS-encrypted and has retention >= 365 days",
	"references": ["nag:CloudWatchLogGroupEncrypted", "nag:CloudWatchLogGroupRetentionPeriod", "ckv:CKV_AWS_158", "ckv:CKV_AWS_338"],
	"fix": "Declare the group with EncryptedLogGroup (modules/logs/encrypted-log-group.ts), for AWS-dictated names with path: { awsName: ... }, and reference it from the resource that writes to it.",
}

declared_names := {name |
	some group in cdktf.resources("aws_cloudwatch_log_group")
	name := object.get(group.values, "name", null)
	is_string(name)
}

# A log group reference in any attribute, or in depends_on ("aws_cloudwatch_log_group.x").
# Cross-stack outputs ("...outputs.cross-stack-output-aws_cloudwatch_log_group...") and data
# sources are not this stack's resources and are left out by the leading character.
_reference := `(?:^|[^A-Za-z0-9_.-])aws_cloudwatch_log_group\.([A-Za-z0-9_-]+)`

deny contains cdktf.violation(metadata, cdktf.resource(type, name, body), sprintf("%v names the log group aws_cloudwatch_log_group.%v, which this configuration does not declare; the service would create it unencrypted and without retention", [concat(".", [sprintf("%v", [p]) | some p in path]), group])) if {
	some type, by_name in input.resource
	type != "aws_cloudwatch_log_group"
	some name, body in by_name

	# One native marshal per resource first, so only the few that mention a group are walked.
	contains(json.marshal(body), "aws_cloudwatch_log_group.")
	walk(body, [path, value])
	is_string(value)
	contains(value, "aws_cloudwatch_log_group.")
	some match in regex.find_all_string_submatch_n(_reference, value, -1)
	group := match[1]
	not input.resource.aws_cloudwatch_log_group[group]
}

# [resource, what writes, the group name AWS dictates]
dictated contains [proxy, "RDS Proxy", sprintf("/aws/rds/proxy/%v", [object.get(proxy.values, "name", "<no name>")])] if {
	some proxy in cdktf.resources("aws_db_proxy")
}

dictated contains [cluster, sprintf("the exported %v log", [log]), sprintf("/aws/rds/cluster/%v/%v", [object.get(cluster.values, "cluster_identifier", "<no cluster_identifier>"), log])] if {
	some cluster in cdktf.resources("aws_rds_cluster")
	some log in cdktf.as_array(object.get(cluster.values, "enabled_cloudwatch_logs_exports", []))
}

dictated contains [instance, "enhanced monitoring", "RDSOSMetrics"] if {
	some type in {"aws_rds_cluster_instance", "aws_db_instance"}
	some instance in cdktf.resources(type)
	to_number(object.get(instance.values, "monitoring_interval", 0)) > 0
}

dictated contains [task, "DMS task logging", sprintf("dms-tasks-%v", [instance_id])] if {
	some task in cdktf.resources("aws_dms_replication_task")
	settings := json.unmarshal(object.get(task.values, "replication_task_settings", "{}"))
	object.get(object.get(settings, "Logging", {}), "EnableLogging", false) == true
	instance_id := dms_instance_id(task)
}

dms_instance_id(task) := id if {
	instance := cdktf.target(task.values.replication_instance_arn)
	id := object.get(instance.values, "replication_instance_id", "<no replication_instance_id>")
} else := "<replication instance not declared here>"

deny contains cdktf.violation(metadata, resource, sprintf("%v writes to the log group %v, which this configuration does not declare (or whose name cannot be known at synth time); AWS would create it unencrypted and without retention", [what, name])) if {
	some [resource, what, name] in dictated
	not name in declared_names
}
