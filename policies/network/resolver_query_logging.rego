# NET-009: every DNS query a VPC makes is logged. Query logs show which hosts looked up
# which domains: the evidence for a DNS-borne compromise that flow logs cannot show.
package rules.network.resolver_query_logging

import data.lib.cdktf

metadata := {
	"id": "NET-009",
	"title": "Resolver query logging enabled for every VPC",
	"severity": "medium",
	"hipaa": ["L"],
	"control": "Resolver query logging enabled",
	"references": ["ckv:CKV2_AWS_39"],
	"fix": "Give the VPC a DnsProtection (modules/network/dns-firewall.ts): an aws_route53_resolver_query_log_config with a destination_arn, associated with the VPC.",
}

associations(vpc) := {assoc |
	some assoc in cdktf.resources("aws_route53_resolver_query_log_config_association")
	cdktf.refers_to(assoc.values.resource_id, vpc)
}

# The association's config is declared here and logs somewhere.
logs_somewhere(assoc) if {
	config := cdktf.target(assoc.values.resolver_query_log_config_id)
	config.type == "aws_route53_resolver_query_log_config"
	cdktf.non_empty_string(config.values.destination_arn)
}

deny contains cdktf.violation(metadata, vpc, "no aws_route53_resolver_query_log_config_association has this VPC as resource_id") if {
	some vpc in cdktf.resources("aws_vpc")
	count(associations(vpc)) == 0
}

deny contains cdktf.violation(metadata, vpc, "its query log association does not point at a declared aws_route53_resolver_query_log_config with a destination_arn") if {
	some vpc in cdktf.resources("aws_vpc")
	assocs := associations(vpc)
	count(assocs) > 0
	not any_logs_somewhere(assocs)
}

any_logs_somewhere(assocs) if {
	some assoc in assocs
	logs_somewhere(assoc)
}
