# ESM-001: every SQS event source mapping caps how many concurrent invocations it drives
# (scaling_config.maximum_concurrency, 2..1000, no more than the function's reserved
# concurrency, so the queue cannot exceed the send rate the workers are sized for, and no
# invocation is throttled back into the queue), and reports partial batch failures (one bad
# message must not make the whole batch retry and send nine patients the same SMS again).
package rules.lambda.queue_source_bounded

import data.lib.cdktf
import data.lib.lambda

metadata := {
	"id": "ESM-001",
	"title": "Every SQS event source mapping has maximum concurrency within the function's reservation and reports batch item failures",
	"severity": "medium",
	"hipaa": ["I", "B"],
	"control": "Respect a configured messages-per-second cap (ARCHITECTURE.md, campaign engine: dispatch): bounded SQS event sources with partial batch failures",
	"references": ["own"],
	"fix": "Attach the queue with NodeFunction's queueSource (modules/compute/lambda-function.ts): scaling_config.maximum_concurrency = the function's reserved concurrency and function_response_types = [\"ReportBatchItemFailures\"].",
}

sqs_mappings contains mapping if {
	some mapping in cdktf.resources("aws_lambda_event_source_mapping")
	source := object.get(mapping.values, "event_source_arn", null)
	sqs_source(source)
}

sqs_source(arn) if cdktf.ref_type(arn) == "aws_sqs_queue"

sqs_source(arn) if {
	is_string(arn)
	startswith(arn, "arn:aws:sqs:")
}

maximum_concurrency(mapping) := n if {
	some config in cdktf.blocks(object.get(mapping.values, "scaling_config", null))
	n := to_number(object.get(config, "maximum_concurrency", null))
}

deny contains cdktf.violation(metadata, mapping, "scaling_config.maximum_concurrency is not set (2..1000); the queue would scale the function up to its whole reservation and past the rate the workers are sized for") if {
	some mapping in sqs_mappings
	not maximum_concurrency(mapping)
}

deny contains cdktf.violation(metadata, mapping, sprintf("scaling_config.maximum_concurrency is %v; SQS accepts 2..1000", [n])) if {
	some mapping in sqs_mappings
	n := maximum_concurrency(mapping)
	not between(n, 2, 1000)
}

between(n, low, high) if {
	low <= n
	n <= high
}

deny contains cdktf.violation(metadata, mapping, sprintf("scaling_config.maximum_concurrency %v exceeds the function's reserved_concurrent_executions %v; the extra invocations are throttled and the messages return to the queue", [n, reserved])) if {
	some mapping in sqs_mappings
	n := maximum_concurrency(mapping)
	some function in cdktf.resources("aws_lambda_function")
	lambda.names_function(object.get(mapping.values, "function_name", null), function)
	reserved := to_number(object.get(function.values, "reserved_concurrent_executions", -1))
	reserved >= 0
	n > reserved
}

deny contains cdktf.violation(metadata, mapping, sprintf("function_response_types is %v; it must include ReportBatchItemFailures so one failing message does not retry the whole batch", [object.get(mapping.values, "function_response_types", "absent")])) if {
	some mapping in sqs_mappings
	not "ReportBatchItemFailures" in cdktf.as_array(object.get(mapping.values, "function_response_types", []))
}
