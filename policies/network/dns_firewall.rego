# NET-008: every VPC resolves DNS through a Route 53 Resolver DNS Firewall that BLOCKs the
# AWS-managed threat lists, failing closed. Malware finds its command-and-control servers
# and exfiltrates over DNS; the VPC resolver is the one place every lookup passes.
package rules.network.dns_firewall

import data.lib.cdktf

metadata := {
	"id": "NET-008",
	"title": "Every VPC has DNS Firewall blocking the AWS managed threat lists",
	"severity": "high",
	"hipaa": ["A"],
	"control": "Route 53 Resolver DNS Firewall associated with every VPC, blocking the AWS managed threat lists",
	"references": ["own"],
	"fix": "Give the VPC a DnsProtection (modules/network/dns-firewall.ts): a rule group with a BLOCK rule block-<list> per managed threat list (rslvr-fdl- ids), associated with the VPC, and a firewall config with firewall_fail_open DISABLED.",
}

managed_threat_lists := [
	"AWSManagedDomainsMalwareDomainList",
	"AWSManagedDomainsBotnetCommandandControl",
	"AWSManagedDomainsAggregateThreatList",
	"AWSManagedDomainsAmazonGuardDutyThreatList",
]

# Rule groups (by identity) associated with the VPC.
associated_groups(vpc) := {cdktf.id_key(assoc.values.firewall_rule_group_id) |
	some assoc in cdktf.resources("aws_route53_resolver_firewall_rule_group_association")
	cdktf.refers_to(assoc.values.vpc_id, vpc)
}

# A rule of `group` that BLOCKs managed list `list` by its id.
blocks_list(group, list) if {
	some rule in cdktf.resources("aws_route53_resolver_firewall_rule")
	cdktf.id_key(rule.values.firewall_rule_group_id) == group
	rule.values.name == sprintf("block-%s", [list])
	rule.values.action == "BLOCK"
	regex.match(`^rslvr-fdl-`, rule.values.firewall_domain_list_id)
}

deny contains cdktf.violation(metadata, vpc, "no aws_route53_resolver_firewall_rule_group_association associates a DNS Firewall rule group with this VPC") if {
	some vpc in cdktf.resources("aws_vpc")
	count(associated_groups(vpc)) == 0
}

# Every associated group applies, so a list may be blocked by any of them.
deny contains cdktf.violation(metadata, vpc, sprintf("no DNS Firewall rule group associated with this VPC has a BLOCK rule block-%s on a managed domain list (rslvr-fdl-...)", [list])) if {
	some vpc in cdktf.resources("aws_vpc")
	groups := associated_groups(vpc)
	count(groups) > 0
	some list in managed_threat_lists
	not any_blocks(groups, list)
}

any_blocks(groups, list) if {
	some group in groups
	blocks_list(group, list)
}

# Fail closed, stated explicitly so a changed provider or AWS default cannot open it.
deny contains cdktf.violation(metadata, config, sprintf("firewall_fail_open is %v; it must be DISABLED so unanswered queries are refused", [object.get(config.values, "firewall_fail_open", "absent")])) if {
	some config in cdktf.resources("aws_route53_resolver_firewall_config")
	not config.values.firewall_fail_open == "DISABLED"
}
