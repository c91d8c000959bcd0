package rules.bounds.declared_bounds_test

import data.rules.bounds.declared_bounds as rule

bounds := [
	{"type": "aws_kms_key", "path": "rotation_period_in_days", "min": 90, "max": 365, "control": "kms", "why": "yearly"},
	{"type": "aws_cloudfront_distribution", "path": "ordered_cache_behavior.viewer_protocol_policy", "allowed": ["https-only"], "control": "cdn", "why": "https"},
	{"type": "aws_cloudwatch_log_group", "path": "retention_in_days", "min": 365, "required": true, "control": "logs", "why": "a year"},
	{"type": "aws_rds_cluster_parameter_group", "path": "parameter[name=tls_version].value", "allowed": ["TLSv1.2,TLSv1.3"], "required": true, "control": "rds", "why": "tls"},
	{"type": "aws_ssm_patch_baseline", "path": "approval_rule.patch_filter[key=SEVERITY].values", "includes": ["Critical", "Important"], "control": "ssm", "why": "all severities"},
	{"type": "aws_lambda_function", "path": "tracing_config.mode", "allowed": ["Active"], "required": true, "control": "lambda", "why": "traced"},
]

meta(name) := {"metadata": {"path": sprintf("dev-security/%s", [name])}}

good := {"resource": {
	"aws_kms_key": {"k": {"//": meta("k"), "rotation_period_in_days": 365}, "asymmetric": {"//": meta("asym")}},
	"aws_cloudfront_distribution": {"d": {"//": meta("d"), "ordered_cache_behavior": [{"viewer_protocol_policy": "https-only"}, {"viewer_protocol_policy": "https-only"}]}},
	"aws_cloudwatch_log_group": {"g": {"//": meta("g"), "retention_in_days": 365}},
	"aws_rds_cluster_parameter_group": {"p": {"//": meta("p"), "parameter": [{"name": "require_secure_transport", "value": "ON"}, {"name": "tls_version", "value": "TLSv1.2,TLSv1.3"}]}},
	"aws_ssm_patch_baseline": {"b": {"//": meta("b"), "approval_rule": [{"patch_filter": [{"key": "CLASSIFICATION", "values": ["Security"]}, {"key": "SEVERITY", "values": ["Critical", "Important", "Low"]}]}]}},
	"aws_lambda_function": {"f": {"//": meta("f"), "tracing_config": {"mode": "Active"}}},
}}

with_values(type, name, body) := object.union(good, {"resource": {type: {name: object.union({"//": meta(name)}, body)}}})

findings(d) := {v.msg | some v in result} if {
	result := rule.deny with input as d with data.bounds as bounds
}

fails_with(d, text) if {
	some msg in findings(d)
	contains(msg, text)
}

test_pass_values_within_their_bounds_and_optional_absent if {
	count(findings(good)) == 0
}

# The class: just past each side of a numeric bound.
test_fail_just_below_and_just_above if {
	fails_with(with_values("aws_kms_key", "k", {"rotation_period_in_days": 89}), "rotation_period_in_days = 89 is below the minimum 90")
	fails_with(with_values("aws_kms_key", "k", {"rotation_period_in_days": 366}), "rotation_period_in_days = 366 is above the maximum 365")
	fails_with(with_values("aws_cloudwatch_log_group", "g", {"retention_in_days": "364"}), "is below the minimum 365")
}

# A list step applies to every element: the second cache behavior alone is weakened.
test_fail_any_element_of_a_list_outside_the_allowed_set if {
	d := with_values("aws_cloudfront_distribution", "d", {"ordered_cache_behavior": [{"viewer_protocol_policy": "https-only"}, {"viewer_protocol_policy": "redirect-to-https"}]})
	fails_with(d, "ordered_cache_behavior.viewer_protocol_policy = redirect-to-https is not one of")
}

test_fail_required_absent_at_any_depth if {
	fails_with(with_values("aws_cloudwatch_log_group", "g2", {}), "retention_in_days is absent; it is required")
	fails_with(with_values("aws_lambda_function", "f2", {"tracing_config": {}}), "tracing_config.mode is absent")
	fails_with(with_values("aws_lambda_function", "f3", {}), "tracing_config.mode is absent")
}

test_fail_selected_element if {
	d := with_values("aws_rds_cluster_parameter_group", "p", {"parameter": [{"name": "require_secure_transport", "value": "ON"}, {"name": "tls_version", "value": "TLSv1,TLSv1.1,TLSv1.2"}]})
	fails_with(d, "parameter[name=tls_version].value = TLSv1,TLSv1.1,TLSv1.2 is not one of")
	fails_with(with_values("aws_rds_cluster_parameter_group", "p", {"parameter": [{"name": "require_secure_transport", "value": "ON"}]}), "parameter[name=tls_version].value is absent")
}

test_fail_missing_included_value if {
	d := with_values("aws_ssm_patch_baseline", "b", {"approval_rule": [{"patch_filter": [{"key": "SEVERITY", "values": ["Important", "Low"]}]}]})
	fails_with(d, "does not include Critical")
}

test_fail_expression_instead_of_literal if {
	fails_with(with_values("aws_kms_key", "k", {"rotation_period_in_days": "${var.days}"}), "is a Terraform expression")
}
