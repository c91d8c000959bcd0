# LAM-001: every Lambda function is bounded, observable and keeps its failures and its
# configuration safe: reserved concurrency (a runaway function cannot starve the account or
# flood the database), X-Ray active tracing, a dead-letter queue or on-failure destination
# (failed asynchronous events are kept, not dropped), and environment variables encrypted
# with a customer-managed key.
package rules.lambda.function_hardened

import data.lib.cdktf
import data.lib.lambda

metadata := {
	"id": "LAM-001",
	"title": "Every Lambda function has reserved concurrency, X-Ray tracing, a DLQ or on-failure destination and a CMK for its environment",
	"severity": "high",
	"hipaa": ["A", "L"],
	"control": "every function: in VPC (when it reaches the database), DLQ or on-failure destination, reserved concurrency, X-Ray, KMS for environment, log group with retention",
	"references": ["nag:LambdaDLQ", "nag:LambdaConcurrency", "ckv:CKV_AWS_50", "ckv:CKV_AWS_115", "ckv:CKV_AWS_116", "ckv:CKV_AWS_173"],
	"fix": "Create the function with NodeFunction (modules/compute/lambda-function.ts), which sets reserved_concurrent_executions, tracing_config Active, a dead_letter_config queue and kms_key_arn = the messaging key.",
}

deny contains cdktf.violation(metadata, function, sprintf("reserved_concurrent_executions is %v; reserve at least 1 (unreserved, the function can take the whole account's concurrency)", [object.get(function.values, "reserved_concurrent_executions", "absent")])) if {
	some function in cdktf.resources("aws_lambda_function")
	not reserved(object.get(function.values, "reserved_concurrent_executions", null))
}

reserved(n) if to_number(n) >= 1

deny contains cdktf.violation(metadata, function, sprintf("tracing_config.mode is %v; it must be Active", [mode])) if {
	some function in cdktf.resources("aws_lambda_function")
	modes := [object.get(b, "mode", null) | some b in cdktf.blocks(object.get(function.values, "tracing_config", null))]
	mode := _mode(modes)
	mode != "Active"
}

_mode(modes) := modes[0] if count(modes) > 0

_mode(modes) := "absent" if count(modes) == 0

deny contains cdktf.violation(metadata, function, "no dead_letter_config target and no aws_lambda_function_event_invoke_config on-failure destination; failed asynchronous events would be dropped") if {
	some function in cdktf.resources("aws_lambda_function")
	not has_dead_letter_queue(function)
	not has_failure_destination(function)
}

deny contains cdktf.violation(metadata, config, "an asynchronous invoke configuration without an on_failure destination: events that fail after the retries are dropped") if {
	some config in cdktf.resources("aws_lambda_function_event_invoke_config")
	not has_on_failure(config)
}

has_on_failure(config) if {
	some destinations in cdktf.blocks(object.get(config.values, "destination_config", null))
	some on_failure in cdktf.blocks(object.get(destinations, "on_failure", null))
	cdktf.non_empty_string(object.get(on_failure, "destination", null))
}

has_dead_letter_queue(function) if {
	some block in cdktf.blocks(object.get(function.values, "dead_letter_config", null))
	cdktf.non_empty_string(object.get(block, "target_arn", null))
}

has_failure_destination(function) if {
	some config in cdktf.resources("aws_lambda_function_event_invoke_config")
	lambda.names_function(object.get(config.values, "function_name", null), function)
	some destinations in cdktf.blocks(object.get(config.values, "destination_config", null))
	some on_failure in cdktf.blocks(object.get(destinations, "on_failure", null))
	cdktf.non_empty_string(object.get(on_failure, "destination", null))
}

deny contains cdktf.violation(metadata, function, sprintf("kms_key_arn is %v; the environment must be encrypted with a customer-managed KMS key", [object.get(function.values, "kms_key_arn", "absent")])) if {
	some function in cdktf.resources("aws_lambda_function")
	not cdktf.is_kms_key_ref(object.get(function.values, "kms_key_arn", null))
}
