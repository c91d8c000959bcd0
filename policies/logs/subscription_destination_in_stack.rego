# LOG-005: log data leaves a log group only for a consumer of this stack. A subscription filter
# copies every matching line somewhere else; the SMS delivery status groups hold phone numbers,
# so a filter that names a literal ARN (another account's destination, a stream nobody reviews)
# would export PHI past every key policy. Allowed: a reference to a Lambda function, Kinesis
# stream or Firehose stream defined in the same stack, and for Lambda a logs.amazonaws.com
# invoke permission of that function scoped to the filtered group.
package rules.logs.subscription_destination_in_stack

import data.lib.cdktf

metadata := {
	"id": "LOG-005",
	"title": "Every log subscription filter delivers to a function or stream of this stack, invoked only for its group",
	"severity": "high",
	"hipaa": ["A", "T"],
	"control": "SMS delivery status: SNS delivery logs -> subscription filter -> a function of the campaign stack; log data never leaves for another account (ARCHITECTURE.md, campaign engine)",
	"references": ["own"],
	"fix": "Subscribe the log group to a function of the stack (as CampaignStack does for the SMS delivery status groups): destination_arn = ${aws_lambda_function.<fn>.arn} and fn.allowInvoke(..., \"logs.amazonaws.com\", \"${<group>.arn}:*\").",
}

allowed_destination_types := {"aws_lambda_function", "aws_kinesis_stream", "aws_kinesis_firehose_delivery_stream"}

deny contains cdktf.violation(metadata, filter, sprintf("destination_arn %v is not a Lambda function, Kinesis or Firehose stream of this stack", [object.get(filter.values, "destination_arn", "absent")])) if {
	some filter in cdktf.resources("aws_cloudwatch_log_subscription_filter")
	not in_stack_destination(object.get(filter.values, "destination_arn", null))
}

in_stack_destination(arn) if {
	destination := cdktf.target(arn)
	destination.type in allowed_destination_types
}

deny contains cdktf.violation(metadata, filter, "the destination function has no logs.amazonaws.com invoke permission whose source_arn is this filter's log group (\"${<group>.arn}:*\")") if {
	some filter in cdktf.resources("aws_cloudwatch_log_subscription_filter")
	destination := cdktf.target(object.get(filter.values, "destination_arn", null))
	destination.type == "aws_lambda_function"
	not invoked_for_group(destination, object.get(filter.values, "log_group_name", null))
}

invoked_for_group(fn, group_name) if {
	group := cdktf.target(group_name)
	group.type == "aws_cloudwatch_log_group"
	some permission in cdktf.resources("aws_lambda_permission")
	permission.values.principal == "logs.amazonaws.com"
	cdktf.refers_to(object.get(permission.values, "function_name", null), fn)
	permission.values.source_arn == sprintf("${%s.arn}:*", [group.address])
}
