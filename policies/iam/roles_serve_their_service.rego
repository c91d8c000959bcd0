# IAM-012: every role a resource runs with (a function's role, a trail's logs role, a proxy's
# secrets role, a schedule's target role, ...) trusts the service of that resource, and a role
# serves one consumer: a function, schedule or state machine never runs with another one's
# role. A role swapped for another one (a function given the migration function's role, the
# API Gateway logging role handed to a state machine) keeps every other rule green while the
# resource gains another job's permissions. Consumers that share a role by design are listed
# (shared_by_design).
package rules.iam.roles_serve_their_service

import data.lib.cdktf

metadata := {
	"id": "IAM-012",
	"title": "Each role is assumed only by the service of the resource that runs with it, and serves one consumer",
	"severity": "high",
	"hipaa": ["A"],
	"control": "trust policies never allow `*` principals; service principals scoped with `aws:SourceArn`/`SourceAccount` where supported",
	"references": ["own"],
	"fix": "Give the resource its own role, trusted by its service only (LambdaFunction, the schedules, workflows and data constructs each create one). A new kind of consumer goes into `consumer_services` of policies/iam/roles_serve_their_service.rego with the service that assumes the role.",
}

# type -> attribute path (list indexes left out) -> the service principal (a glob) that assumes
# the role named there.
consumer_services := {
	"aws_lambda_function": {"role": "lambda.amazonaws.com"},
	"aws_iam_instance_profile": {"role": "ec2.amazonaws.com"},
	"aws_s3_bucket_replication_configuration": {"role": "s3.amazonaws.com"},
	"aws_cloudtrail": {"cloud_watch_logs_role_arn": "cloudtrail.amazonaws.com"},
	"aws_api_gateway_account": {"cloudwatch_role_arn": "apigateway.amazonaws.com"},
	"aws_api_gateway_integration": {"credentials": "apigateway.amazonaws.com"},
	"aws_sfn_state_machine": {"role_arn": "states.amazonaws.com"},
	"aws_scheduler_schedule": {"target.role_arn": "scheduler.amazonaws.com"},
	"aws_sns_sms_preferences": {"delivery_status_iam_role_arn": "sns.amazonaws.com"},
	"aws_backup_selection": {"iam_role_arn": "backup.amazonaws.com"},
	"aws_db_proxy": {"role_arn": "rds.amazonaws.com"},
	"aws_rds_cluster_instance": {"monitoring_role_arn": "monitoring.rds.amazonaws.com"},
	"aws_dms_endpoint": {"secrets_manager_access_role_arn": "dms.*.amazonaws.com"},
	"aws_dlm_lifecycle_policy": {"execution_role_arn": "dlm.amazonaws.com"},
	"aws_flow_log": {"iam_role_arn": "vpc-flow-logs.amazonaws.com"},
	"aws_rolesanywhere_profile": {"role_arns": "rolesanywhere.amazonaws.com"},
	"aws_config_configuration_recorder": {"role_arn": "config.amazonaws.com"},
	"aws_config_configuration_aggregator": {"organization_aggregation_source.role_arn": "config.amazonaws.com"},
	"aws_cloudwatch_event_target": {"role_arn": "events.amazonaws.com"},
	"aws_cloudwatch_log_subscription_filter": {"role_arn": "logs.*amazonaws.com"},
}

# Many resources of these types run with one role by design: one API's integrations, one
# plan's selections, one cluster's instances, the rules forwarding findings to one event bus
# (a role that may only put events on that bus).
shared_by_design := {"aws_api_gateway_integration", "aws_backup_selection", "aws_rds_cluster_instance", "aws_cloudwatch_event_target"}

# Resources that give a role its permissions or name it inside a document: not consumers.
attaching_types := {"aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment"}

# [consumer resource, attribute path, role resource] for every attribute that is exactly a
# reference to a role of this stack.
uses := [[r, attribute, role] |
	some r in cdktf.all_resources
	not r.type in attaching_types
	walk(r.values, [path, value])
	is_string(value)
	regex.match(`^\$\{aws_iam_role\.[A-Za-z0-9_-]+\.(arn|name|id|unique_id)\}$`, value)
	attribute := concat(".", [p | some p in path; is_string(p)])
	role := cdktf.target(value)
]

trusted_services(role) := {s |
	some stmt in cdktf.statements(object.get(role.values, "assume_role_policy", ""))
	object.get(stmt, "Effect", "") == "Allow"
	is_object(stmt.Principal)
	some s in cdktf.as_array(object.get(stmt.Principal, "Service", []))
}

trusted_others(role) := {sprintf("%v", [p]) |
	some stmt in cdktf.statements(object.get(role.values, "assume_role_policy", ""))
	object.get(stmt, "Effect", "") == "Allow"
	some [kind, p] in principal_entries(stmt.Principal)
	kind != "Service"
}

principal_entries(principal) := [["*", principal]] if not is_object(principal)

principal_entries(principal) := [[kind, p] | some kind, values in principal; some p in cdktf.as_array(values)] if is_object(principal)

deny contains cdktf.violation(metadata, r, sprintf("%s names %s, but no service is known to assume a role there: add %s.%s to consumer_services with its service", [attribute, role.address, r.type, attribute])) if {
	some [r, attribute, role] in uses
	not consumer_services[r.type][attribute]
}

deny contains cdktf.violation(metadata, r, sprintf("runs with %s (%s), which trusts %v; only %s should assume it", [role.address, attribute, sort(trusted_services(role) | trusted_others(role)), service])) if {
	some [r, attribute, role] in uses
	service := consumer_services[r.type][attribute]
	not trusts_only(role, service)
}

trusts_only(role, service) if {
	count(trusted_others(role)) == 0
	count(trusted_services(role)) > 0
	every s in trusted_services(role) {
		glob.match(service, ["."], s)
	}
}

deny contains cdktf.violation(metadata, role, sprintf("serves %d consumers (%s); give each its own role", [count(consumers), concat(", ", sort(consumers))])) if {
	some role in cdktf.resources("aws_iam_role")
	consumers := {r.address | some [r, attribute, used] in uses; used.address == role.address; consumer_services[r.type][attribute]}
	count(consumers) > 1
	types := {split(c, ".")[0] | some c in consumers}
	not shared(types)
}

shared(types) if {
	count(types) == 1
	some t in types
	t in shared_by_design
}
