package rules.waf.web_acl_logging_test

import data.rules.waf.web_acl_logging as rule

base := {
	"aws_wafv2_web_acl": {"acl": {"//": {"metadata": {"path": "dev-edge/alb-waf/acl"}}}},
	"aws_cloudwatch_log_group": {"g": {"name": "aws-waf-logs-medicare-dev-alb", "kms_key_id": "${aws_kms_key.logs.arn}"}},
	"aws_wafv2_web_acl_logging_configuration": {"l": {
		"//": {"metadata": {"path": "dev-edge/alb-waf/logging"}},
		"resource_arn": "${aws_wafv2_web_acl.acl.arn}",
		"log_destination_configs": ["${aws_cloudwatch_log_group.g.arn}"],
		"redacted_fields": [{"single_header": {"name": "authorization"}}, {"single_header": {"name": "cookie"}}],
	}},
}

fails(d, path) if {
	some v in rule.deny with input as {"resource": d}
	v.rule_id == "WAF-003"
	v.resource_path == path
}

test_pass_logged_redacted_encrypted if {
	count(rule.deny) == 0 with input as {"resource": base}
}

test_fail_no_logging if {
	fails(object.remove(base, ["aws_wafv2_web_acl_logging_configuration"]), "dev-edge/alb-waf/acl")
}

test_fail_cookie_not_redacted if {
	d := json.patch(base, [{"op": "remove", "path": "/aws_wafv2_web_acl_logging_configuration/l/redacted_fields/1"}])
	fails(d, "dev-edge/alb-waf/logging")
}

test_fail_unencrypted_or_misnamed_destination if {
	fails(json.patch(base, [{"op": "remove", "path": "/aws_cloudwatch_log_group/g/kms_key_id"}]), "dev-edge/alb-waf/logging")
	fails(json.patch(base, [{"op": "replace", "path": "/aws_cloudwatch_log_group/g/name", "value": "/medicare/dev/waf"}]), "dev-edge/alb-waf/logging")
}
