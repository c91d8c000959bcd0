# LOG-002: logs are kept at least a year, so an incident found late can still be traced.
# 0 ("never expire") fails too: retention must be a decision, and the config sets it.
package rules.logs.log_group_retention

import data.lib.cdktf

metadata := {
	"id": "LOG-002",
	"title": "Every CloudWatch log group keeps logs for at least 365 days",
	"severity": "medium",
	"hipaa": ["E", "L"],
	"control": "every CloudWatch log group is KMS-encrypted and has retention >= 365 days",
	"references": ["nag:CloudWatchLogGroupRetentionPeriod", "ckv:CKV_AWS_338"],
	"fix": "Create the log group with EncryptedLogGroup, which sets retention_in_days from the environment's logRetentionDays (>= 365).",
}

minimum_days := 365

deny contains cdktf.violation(metadata, group, sprintf("retention_in_days is %v; it must be at least %d", [object.get(group.values, "retention_in_days", "absent"), minimum_days])) if {
	some group in cdktf.resources("aws_cloudwatch_log_group")
	not long_enough(object.get(group.values, "retention_in_days", null))
}

long_enough(days) if {
	is_number(days)
	days >= minimum_days
}
