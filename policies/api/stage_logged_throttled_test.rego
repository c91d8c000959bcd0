package rules.api.stage_logged_throttled_test

import data.rules.api.stage_logged_throttled as rule

log_format := json.marshal({"requestId": "$context.requestId", "route": "$context.resourcePath", "status": "$context.status"})

stage := {
	"rest_api_id": "${aws_api_gateway_rest_api.public.id}",
	"stage_name": "live",
	"deployment_id": "${aws_api_gateway_deployment.public.id}",
	"access_log_settings": {"destination_arn": "${aws_cloudwatch_log_group.access.arn}", "format": log_format},
	"xray_tracing_enabled": true,
}

method_settings := {
	"rest_api_id": "${aws_api_gateway_rest_api.public.id}",
	"stage_name": "${aws_api_gateway_stage.live.stage_name}",
	"method_path": "*/*",
	"settings": {"throttling_rate_limit": 50, "throttling_burst_limit": 100, "logging_level": "OFF", "data_trace_enabled": false, "metrics_enabled": true},
}

doc := {"resource": {
	"aws_api_gateway_stage": {"live": stage},
	"aws_api_gateway_method_settings": {"all": method_settings},
	"aws_cloudwatch_log_group": {"access": {"name": "/medicare/dev/api/public", "kms_key_id": "${aws_kms_key.logs.arn}", "retention_in_days": 365}},
}}

patched(ops) := json.patch(doc, ops)

fails_on(input_doc, address) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "API-002"
	v.address == address
}

fails(input_doc) if fails_on(input_doc, "aws_api_gateway_stage.live")

test_pass_logged_traced_throttled if {
	count(rule.deny) == 0 with input as doc
}

test_pass_literal_stage_name_and_extra_method_override if {
	d := patched([
		{"op": "replace", "path": "/resource/aws_api_gateway_method_settings/all/stage_name", "value": "live"},
		{"op": "add", "path": "/resource/aws_api_gateway_method_settings/book", "value": object.union(method_settings, {"method_path": "book/POST", "settings": {"throttling_rate_limit": 5, "throttling_burst_limit": 5}})},
	])
	count(rule.deny) == 0 with input as d
}

test_fail_no_access_logs if {
	fails(patched([{"op": "remove", "path": "/resource/aws_api_gateway_stage/live/access_log_settings"}]))
}

test_fail_access_log_group_unencrypted if {
	fails(patched([{"op": "remove", "path": "/resource/aws_cloudwatch_log_group/access/kms_key_id"}]))
}

test_fail_access_log_format_with_request_path if {
	f := json.marshal({"requestId": "$context.requestId", "path": "$context.path"})
	fails(patched([{"op": "replace", "path": "/resource/aws_api_gateway_stage/live/access_log_settings/format", "value": f}]))
}

test_fail_access_log_format_ending_in_request_path if {
	fails(patched([{"op": "replace", "path": "/resource/aws_api_gateway_stage/live/access_log_settings/format", "value": "$context.requestId $context.path"}]))
}

test_fail_no_xray if {
	fails(patched([{"op": "replace", "path": "/resource/aws_api_gateway_stage/live/xray_tracing_enabled", "value": false}]))
}

test_fail_no_method_settings if {
	fails(patched([{"op": "remove", "path": "/resource/aws_api_gateway_method_settings"}]))
}

test_fail_method_settings_of_another_api if {
	fails(patched([{"op": "replace", "path": "/resource/aws_api_gateway_method_settings/all/rest_api_id", "value": "${aws_api_gateway_rest_api.staff.id}"}]))
}

test_fail_throttling_unset if {
	fails(patched([{"op": "replace", "path": "/resource/aws_api_gateway_method_settings/all/settings/throttling_rate_limit", "value": -1}]))
}

test_fail_throttling_only_on_one_method if {
	fails(patched([{"op": "replace", "path": "/resource/aws_api_gateway_method_settings/all/method_path", "value": "book/POST"}]))
}

test_fail_data_trace if {
	fails_on(patched([{"op": "replace", "path": "/resource/aws_api_gateway_method_settings/all/settings/data_trace_enabled", "value": true}]), "aws_api_gateway_method_settings.all")
}
