package main_test

import data.main

flow_log_rejects := {"resource": {"aws_flow_log": {"f": {
	"//": {"metadata": {"path": "dev-network/flow-log/flow-log"}},
	"traffic_type": "REJECT",
	"vpc_id": "${aws_vpc.v.id}",
}}, "aws_vpc": {"v": {"//": {"metadata": {"path": "dev-network/vpc/vpc"}}, "cidr_block": "10.0.0.0/16"}}}}

test_suite_reports_a_rule_finding if {
	some finding in main.deny with input as flow_log_rejects
	finding.rule_id == "NET-001"
}

test_suite_lists_the_catalog_on_request if {
	entries := main.warn with input as {"catalog_request": true}
	count(entries) == count(data.catalog.warn) with input as {"catalog_request": true}
	count(entries) > 0
}

test_suite_reports_every_rule_of_the_packages if {
	# Every finding any rule package reports reaches the suite's deny, and nothing else does.
	findings := main.deny with input as flow_log_rejects
	direct := {f | some area, name; some f in data.rules[area][name].deny} with input as flow_log_rejects
	findings == direct
	count(findings) > 0
}
