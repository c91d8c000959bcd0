# LAM-003: every function writes to a log group that this configuration creates, encrypted
# with a customer-managed key and with a retention: otherwise Lambda creates
# /aws/lambda/<name> itself on first invocation, unencrypted and kept forever, outside
# Terraform and outside the log rules.
package rules.lambda.function_log_group

import data.lib.cdktf

metadata := {
	"id": "LAM-003",
	"title": "Every Lambda function logs to a declared log group with a customer-managed key and retention",
	"severity": "medium",
	"hipaa": ["L"],
	"control": "every function: in VPC (when it reaches the database), DLQ or on-failure destination, reserved concurrency, X-Ray, KMS for environment, log group with retention",
	"references": ["own"],
	"fix": "Create the function with NodeFunction (modules/compute/lambda-function.ts): logging_config.log_group points at its EncryptedLogGroup /medicare/<env>/lambda/<name>.",
}

deny contains cdktf.violation(metadata, function, sprintf("no log group of this configuration receives its logs (logging_config.log_group is %v and no group is named /aws/lambda/%v)", [log_group_setting(function), object.get(function.values, "function_name", "?")])) if {
	some function in cdktf.resources("aws_lambda_function")
	count(log_groups_of(function)) == 0
}

deny contains cdktf.violation(metadata, function, sprintf("its log group %s has no customer-managed kms_key_id", [group.address])) if {
	some function in cdktf.resources("aws_lambda_function")
	some group in log_groups_of(function)
	not cdktf.is_kms_key_ref(object.get(group.values, "kms_key_id", null))
}

deny contains cdktf.violation(metadata, function, sprintf("its log group %s keeps logs forever (no retention_in_days)", [group.address])) if {
	some function in cdktf.resources("aws_lambda_function")
	some group in log_groups_of(function)
	not to_number(object.get(group.values, "retention_in_days", 0)) > 0
}

log_group_setting(function) := setting if {
	settings := [object.get(b, "log_group", null) | some b in cdktf.blocks(object.get(function.values, "logging_config", null))]
	count(settings) > 0
	setting := settings[0]
	setting != null
} else := "absent"

# The declared log groups the function writes to: the one logging_config.log_group names
# (by reference or literal name), else the default /aws/lambda/<function_name>.
log_groups_of(function) := groups if {
	setting := log_group_setting(function)
	setting != "absent"
	groups := {group |
		some group in cdktf.resources("aws_cloudwatch_log_group")
		names_group(setting, group)
	}
} else := {group |
	name := sprintf("/aws/lambda/%s", [object.get(function.values, "function_name", "")])
	some group in cdktf.resources("aws_cloudwatch_log_group")
	object.get(group.values, "name", null) == name
}

names_group(setting, group) if cdktf.refers_to(setting, group)

names_group(setting, group) if {
	not cdktf.is_ref(setting)
	object.get(group.values, "name", null) == setting
}
