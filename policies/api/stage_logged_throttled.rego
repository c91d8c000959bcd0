# API-002: every REST API stage is observable and bounded without recording secrets: access
# logs to a KMS-encrypted log group, in a format that never logs the request path (the
# patients' link tokens live in it; $context.resourcePath, the route template, is fine),
# X-Ray tracing, and method settings for every method ("*/*") with a positive throttling
# rate and burst, and no full request/response data tracing (execution logs would record
# bodies, headers and tokens).
package rules.api.stage_logged_throttled

import data.lib.cdktf

metadata := {
	"id": "API-002",
	"title": "Every API stage has encrypted access logs without request paths, X-Ray, throttling on every method and no data tracing",
	"severity": "high",
	"hipaa": ["L", "T", "A"],
	"control": "HTTP entry points: TLS, access logging, throttling, WAF",
	"references": ["nag:APIGWAccessLogging", "nag:APIGWExecutionLoggingEnabled", "nag:APIGWXrayEnabled", "ckv:CKV_AWS_76", "ckv:CKV_AWS_73", "own"],
	"fix": "Create the API with HttpsApi (modules/campaign/https-api.ts): access_log_settings to its EncryptedLogGroup with a format using $context.resourcePath, xray_tracing_enabled, and method settings \"*/*\" with throttling_rate_limit/throttling_burst_limit > 0 and data_trace_enabled false.",
}

# The first block of a nested-block attribute ({} when absent).
first_block(x) := blocks[0] if {
	blocks := cdktf.blocks(x)
	count(blocks) > 0
} else := {}

access_log(stage) := first_block(object.get(stage.values, "access_log_settings", null))

deny contains cdktf.violation(metadata, stage, sprintf("access_log_settings.destination_arn is %v; it must reference an aws_cloudwatch_log_group in this stack encrypted with a customer-managed key", [object.get(access_log(stage), "destination_arn", "absent")])) if {
	some stage in cdktf.resources("aws_api_gateway_stage")
	not encrypted_log_group(object.get(access_log(stage), "destination_arn", null))
}

encrypted_log_group(destination) if {
	group := cdktf.target(destination)
	group.type == "aws_cloudwatch_log_group"
	cdktf.is_kms_key_ref(object.get(group.values, "kms_key_id", null))
}

deny contains cdktf.violation(metadata, stage, "access_log_settings.format is empty") if {
	some stage in cdktf.resources("aws_api_gateway_stage")
	access_log(stage) != {}
	not cdktf.non_empty_string(object.get(access_log(stage), "format", null))
}

# $context.path is the request path with its values (tokens); $context.resourcePath is the template.
deny contains cdktf.violation(metadata, stage, "access_log_settings.format logs $context.path, which holds patients' link tokens; log $context.resourcePath instead") if {
	some stage in cdktf.resources("aws_api_gateway_stage")
	regex.match(`\$context\.path([^A-Za-z0-9]|$)`, object.get(access_log(stage), "format", ""))
}

deny contains cdktf.violation(metadata, stage, "xray_tracing_enabled is not true") if {
	some stage in cdktf.resources("aws_api_gateway_stage")
	object.get(stage.values, "xray_tracing_enabled", false) != true
}

# Method settings apply to the stage: same API, and stage_name references the stage or equals its name.
settings_of(stage) := [settings |
	some resource in cdktf.resources("aws_api_gateway_method_settings")
	cdktf.id_key(object.get(resource.values, "rest_api_id", null)) == cdktf.id_key(object.get(stage.values, "rest_api_id", null))
	names_stage(object.get(resource.values, "stage_name", null), stage)
	settings := {"resource": resource, "method_path": object.get(resource.values, "method_path", null), "settings": first_block(object.get(resource.values, "settings", null))}
]

names_stage(value, stage) if cdktf.refers_to(value, stage)

names_stage(value, stage) if {
	not cdktf.is_ref(value)
	value == object.get(stage.values, "stage_name", null)
}

positive(n) if to_number(n) > 0

throttled(settings) if {
	positive(object.get(settings, "throttling_rate_limit", -1))
	positive(object.get(settings, "throttling_burst_limit", -1))
}

deny contains cdktf.violation(metadata, stage, "no aws_api_gateway_method_settings with method_path \"*/*\" sets throttling_rate_limit and throttling_burst_limit > 0 for this stage; it would take the account's whole request quota") if {
	some stage in cdktf.resources("aws_api_gateway_stage")
	not all_methods_throttled(stage)
}

all_methods_throttled(stage) if {
	some s in settings_of(stage)
	s.method_path == "*/*"
	throttled(s.settings)
}

deny contains cdktf.violation(metadata, s.resource, sprintf("settings.data_trace_enabled is true for %v; execution logs would record full requests and responses (bodies, tokens)", [s.method_path])) if {
	some stage in cdktf.resources("aws_api_gateway_stage")
	some s in settings_of(stage)
	object.get(s.settings, "data_trace_enabled", false) == true
}
