package rules.detection.log_sources_test

import data.rules.detection.fixtures_test as f
import data.rules.detection.log_sources as rule

findings(d) := found if {
	found := rule.deny with input as d with data.detection as f.settings
}

fails(d) if {
	some v in findings(d)
	v.rule_id == "DET-005"
}

test_pass_network_stack if count(findings(f.network_stack)) == 0

test_pass_campaign_stack if count(findings(f.campaign_stack)) == 0

test_fail_tunnel_logs_off if fails(f.network_with_fields("aws_vpn_connection", "vpn", {"tunnel2_log_options": {"cloudwatch_log_options": {"log_enabled": false, "log_group_arn": "${aws_cloudwatch_log_group.vpn.arn}"}}}))

test_fail_tunnel_logs_missing if fails(f.stack("dev-network", object.union(object.remove(f.network_resources, ["aws_vpn_connection"]), {"aws_vpn_connection": {"vpn": {"//": f.meta("dev-network/vpn/connection"), "tunnel1_log_options": f.tunnel_logs}}})))

test_fail_tunnel_logs_elsewhere if fails(f.network_with_fields("aws_vpn_connection", "vpn", {"tunnel1_log_options": {"cloudwatch_log_options": {"log_enabled": true, "log_group_arn": "arn:aws:logs:eu-west-2:999999999999:log-group:x"}}}))

test_fail_resolver_not_associated if fails(f.network_without("aws_route53_resolver_query_log_config_association"))

test_fail_resolver_destination_elsewhere if fails(f.network_with_fields("aws_route53_resolver_query_log_config", "q", {"destination_arn": "arn:aws:s3:::someone-elses-bucket"}))

test_fail_zone_not_logged if fails(f.network_without("aws_route53_query_log"))

test_fail_waf_not_logged if fails(f.stack("dev-campaign", object.remove(f.campaign_resources, ["aws_wafv2_web_acl_logging_configuration"])))

test_fail_waf_logs_elsewhere if fails(f.campaign_with_fields("aws_wafv2_web_acl_logging_configuration", "api", {"log_destination_configs": ["arn:aws:firehose:eu-west-2:999999999999:deliverystream/x"]}))
