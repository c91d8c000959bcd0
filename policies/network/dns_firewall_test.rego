package rules.network.dns_firewall_test

import data.rules.network.dns_firewall as rule

lists := [
	["malware", "AWSManagedDomainsMalwareDomainList"],
	["botnet", "AWSManagedDomainsBotnetCommandandControl"],
	["aggregate", "AWSManagedDomainsAggregateThreatList"],
	["guardduty", "AWSManagedDomainsAmazonGuardDutyThreatList"],
]

block_rule(group, list) := {
	"name": sprintf("block-%s", [list]),
	"action": "BLOCK",
	"block_response": "NODATA",
	"firewall_domain_list_id": "rslvr-fdl-4fc4edfc63854751",
	"firewall_rule_group_id": sprintf("${aws_route53_resolver_firewall_rule_group.%s.id}", [group]),
	"priority": 100,
}

good := {"resource": {
	"aws_vpc": {"main": {"//": {"metadata": {"path": "dev-network/vpc/vpc"}}}},
	"aws_route53_resolver_firewall_rule_group": {"threats": {"name": "threats"}},
	"aws_route53_resolver_firewall_rule": {key: block_rule("threats", list) | some [key, list] in lists},
	"aws_route53_resolver_firewall_rule_group_association": {"assoc": {
		"firewall_rule_group_id": "${aws_route53_resolver_firewall_rule_group.threats.id}",
		"vpc_id": "${aws_vpc.main.id}",
		"priority": 101,
	}},
	"aws_route53_resolver_firewall_config": {"fail_closed": {"resource_id": "${aws_vpc.main.id}", "firewall_fail_open": "DISABLED"}},
}}

fails_on(doc, address) if {
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "NET-008"
	v.address == address
}

test_pass_all_threat_lists_blocked if {
	count(rule.deny) == 0 with input as good
}

test_pass_lists_split_over_two_associated_groups if {
	doc := json.patch(good, [
		{"op": "replace", "path": "/resource/aws_route53_resolver_firewall_rule/guardduty/firewall_rule_group_id", "value": "${aws_route53_resolver_firewall_rule_group.second.id}"},
		{"op": "add", "path": "/resource/aws_route53_resolver_firewall_rule_group_association/second", "value": {
			"firewall_rule_group_id": "${aws_route53_resolver_firewall_rule_group.second.id}",
			"vpc_id": "${aws_vpc.main.id}",
			"priority": 200,
		}},
	])
	count(rule.deny) == 0 with input as doc
}

test_fail_no_association if {
	doc := json.patch(good, [{"op": "remove", "path": "/resource/aws_route53_resolver_firewall_rule_group_association"}])
	fails_on(doc, "aws_vpc.main")
}

test_fail_list_only_alerted if {
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_route53_resolver_firewall_rule/botnet/action", "value": "ALERT"}])
	fails_on(doc, "aws_vpc.main")
}

test_fail_list_missing if {
	doc := json.patch(good, [{"op": "remove", "path": "/resource/aws_route53_resolver_firewall_rule/aggregate"}])
	result := rule.deny with input as doc
	some v in result
	contains(v.msg, "block-AWSManagedDomainsAggregateThreatList")
}

test_fail_custom_domain_list if {
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_route53_resolver_firewall_rule/malware/firewall_domain_list_id", "value": "${aws_route53_resolver_firewall_domain_list.mine.id}"}])
	fails_on(doc, "aws_vpc.main")
}

test_fail_rules_in_unassociated_group if {
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_route53_resolver_firewall_rule_group_association/assoc/firewall_rule_group_id", "value": "${aws_route53_resolver_firewall_rule_group.empty.id}"}])
	fails_on(doc, "aws_vpc.main")
}

test_fail_fail_open if {
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_route53_resolver_firewall_config/fail_closed/firewall_fail_open", "value": "ENABLED"}])
	fails_on(doc, "aws_route53_resolver_firewall_config.fail_closed")
}

test_fail_fail_open_left_to_default if {
	doc := json.patch(good, [{"op": "remove", "path": "/resource/aws_route53_resolver_firewall_config/fail_closed/firewall_fail_open"}])
	fails_on(doc, "aws_route53_resolver_firewall_config.fail_closed")
}
