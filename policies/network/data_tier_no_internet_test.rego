package rules.network.data_tier_no_internet_test

import data.rules.network.data_tier_no_internet as rule

# The data table reaches only on-premises, through the VPN gateway.
good := {"resource": {
	"aws_subnet": {"data_a": {"tags": {"tier": "data"}}},
	"aws_route_table": {"data": {"tags": {"tier": "data"}}},
	"aws_route": {"onprem": {"route_table_id": "${aws_route_table.data.id}", "destination_cidr_block": "192.168.0.0/16", "gateway_id": "${aws_vpn_gateway.vgw.id}"}},
	"aws_route_table_association": {"data_a": {"route_table_id": "${aws_route_table.data.id}", "subnet_id": "${aws_subnet.data_a.id}"}},
}}

fails_on(doc, address) if {
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "NET-004"
	v.address == address
}

test_pass_data_table_routes_only_to_on_premises if {
	count(rule.deny) == 0 with input as good
}

test_pass_app_table_may_use_nat if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_route/app_nat", "value": {
		"route_table_id": "${aws_route_table.app.id}",
		"destination_cidr_block": "0.0.0.0/0",
		"nat_gateway_id": "${aws_nat_gateway.nat.id}",
	}}])
	count(rule.deny) == 0 with input as doc
}

test_fail_nat_route_in_data_table if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_route/data_nat", "value": {
		"route_table_id": "${aws_route_table.data.id}",
		"destination_cidr_block": "0.0.0.0/0",
		"nat_gateway_id": "${aws_nat_gateway.nat.id}",
	}}])
	fails_on(doc, "aws_route.data_nat")
}

test_fail_igw_route_in_data_table if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_route/data_igw", "value": {
		"route_table_id": "${aws_route_table.data.id}",
		"destination_cidr_block": "203.0.113.0/24",
		"gateway_id": "${aws_internet_gateway.igw.id}",
	}}])
	fails_on(doc, "aws_route.data_igw")
}

test_fail_egress_only_ipv6_route if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_route/data_v6", "value": {
		"route_table_id": "${aws_route_table.data.id}",
		"destination_ipv6_cidr_block": "::/0",
		"egress_only_gateway_id": "${aws_egress_only_internet_gateway.eigw.id}",
	}}])
	fails_on(doc, "aws_route.data_v6")
}

test_fail_default_route_inline_as_object_in_untagged_table_of_data_subnet if {
	# The table is untagged: it is data-tier because a data subnet uses it.
	doc := json.patch(good, [
		{"op": "add", "path": "/resource/aws_route_table/untagged", "value": {"route": {"cidr_block": "0.0.0.0/0", "transit_gateway_id": "tgw-1"}}},
		{"op": "replace", "path": "/resource/aws_route_table_association/data_a/route_table_id", "value": "${aws_route_table.untagged.id}"},
	])
	fails_on(doc, "aws_route_table.untagged")
}
