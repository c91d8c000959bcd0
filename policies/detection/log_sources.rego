# DET-005: the network and edge log sources deliver to a log group of their stack: both VPN
# tunnels (tunnel logs on), every VPC's Resolver queries, every public hosted zone's queries
# and every web ACL's requests. Each subject -> log source -> log group link is checked, so a
# source switched off, pointed at nothing, or a subject with no source fails the same way.
package rules.detection.log_sources

import data.lib.cdktf
import data.lib.detection

metadata := {
	"id": "DET-005",
	"title": "VPN tunnel logs, Resolver and hosted-zone query logs and WAF logs each deliver to a log group of their stack",
	"severity": "high",
	"hipaa": ["L"],
	"control": "Resolver query logging enabled (detection path, with VPN tunnel logs, hosted-zone query logs and WAF logs: each delivered to a log group of its stack)",
	"references": ["own", "ckv:CKV2_AWS_39", "ckv:CKV2_AWS_31"],
	"fix": "Keep the log options of VpnConnection (modules/network/), DnsProtection's query log association, the zone's aws_route53_query_log (modules/edge/) and WebAcl's logging configuration: each names an EncryptedLogGroup of the stack and is enabled.",
}

# The value names a log group (its arn, possibly with ":*") declared in this stack.
log_group(value) if {
	is_string(value)
	cdktf.target(value).type == "aws_cloudwatch_log_group"
}

# VPN tunnels: both tunnels' CloudWatch log options enabled and naming a log group.
deny contains cdktf.violation(metadata, vpn, sprintf("%s: tunnel logs are %s", [tunnel, state])) if {
	some vpn in cdktf.resources("aws_vpn_connection")
	some tunnel in ["tunnel1_log_options", "tunnel2_log_options"]
	state := tunnel_log_state(vpn, tunnel)
	state != "on"
}

tunnel_log_state(vpn, tunnel) := "on" if {
	some option in detection.values_at(vpn.values, [tunnel, "cloudwatch_log_options"])
	object.get(option, "log_enabled", false) == true
	log_group(object.get(option, "log_group_arn", null))
} else := "off (log_enabled is not true)" if {
	some option in detection.values_at(vpn.values, [tunnel, "cloudwatch_log_options"])
	object.get(option, "log_enabled", false) != true
} else := "not delivered to a log group of this stack" if {
	count(detection.values_at(vpn.values, [tunnel, "cloudwatch_log_options"])) > 0
} else := "not configured"

# Resolver query logs: every VPC -> an association -> a config -> a log group.
deny contains cdktf.violation(metadata, vpc, "its Resolver queries reach no log group of this stack (association -> query log config -> destination_arn)") if {
	some vpc in cdktf.resources("aws_vpc")
	not resolver_logged(vpc)
}

resolver_logged(vpc) if {
	some association in cdktf.resources("aws_route53_resolver_query_log_config_association")
	cdktf.refers_to(object.get(association.values, "resource_id", null), vpc)
	config := cdktf.target(object.get(association.values, "resolver_query_log_config_id", null))
	config.type == "aws_route53_resolver_query_log_config"
	log_group(object.get(config.values, "destination_arn", null))
}

# Public hosted zones: a query log to a log group (private zones are covered by the Resolver).
deny contains cdktf.violation(metadata, zone, "the public zone's queries reach no log group (aws_route53_query_log with cloudwatch_log_group_arn)") if {
	some zone in cdktf.resources("aws_route53_zone")
	count(cdktf.blocks(object.get(zone.values, "vpc", null))) == 0
	not zone_logged(zone)
}

zone_logged(zone) if {
	some query_log in cdktf.resources("aws_route53_query_log")
	cdktf.refers_to(object.get(query_log.values, "zone_id", null), zone)
	log_group(object.get(query_log.values, "cloudwatch_log_group_arn", null))
}

# Web ACLs: a logging configuration whose every destination is a log group of this stack.
deny contains cdktf.violation(metadata, acl, "its requests reach no log group of this stack (aws_wafv2_web_acl_logging_configuration)") if {
	some acl in cdktf.resources("aws_wafv2_web_acl")
	not waf_logged(acl)
}

waf_logged(acl) if {
	some c in cdktf.resources("aws_wafv2_web_acl_logging_configuration")
	cdktf.refers_to(object.get(c.values, "resource_arn", null), acl)
	destinations := cdktf.as_array(object.get(c.values, "log_destination_configs", []))
	count(destinations) > 0
	every d in destinations {
		log_group(d)
	}
}
