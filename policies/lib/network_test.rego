package lib.network_test

import data.lib.network

doc := {"resource": {
	"aws_subnet": {"data_a": {"tags": {"tier": "data"}}},
	"aws_route_table": {"rt": {
		"tags": {"tier": "public"},
		"route": {"cidr_block": "0.0.0.0/0", "gateway_id": "${aws_internet_gateway.igw.id}"},
	}},
	"aws_route": {"r": {"route_table_id": "rtb-0123", "destination_ipv6_cidr_block": "::/0", "egress_only_gateway_id": "eigw-1"}},
	"aws_route_table_association": {
		"a": {"route_table_id": "${aws_route_table.rt.id}", "subnet_id": "${aws_subnet.data_a.id}"},
		"edge": {"route_table_id": "${aws_route_table.rt.id}", "gateway_id": "${aws_internet_gateway.igw.id}"},
	},
}}

test_routes_normalizes_standalone_and_inline if {
	routes := network.routes with input as doc
	{[r.table, r.cidr, r.ipv6_cidr, r.gateway_id, r.egress_only_gateway_id] | some r in routes} == {
		["aws_route_table.rt", "0.0.0.0/0", "", "${aws_internet_gateway.igw.id}", ""],
		["rtb-0123", "", "::/0", "", "eigw-1"],
	}
}

test_is_igw if {
	network.is_igw("${aws_internet_gateway.igw.id}")
	network.is_igw("igw-0123")
	not network.is_igw("${aws_vpn_gateway.vgw.id}")
	not network.is_igw("")
}

test_tiers if {
	network.table_tier("aws_route_table.rt") == "public" with input as doc
	network.table_tier("rtb-0123") == "" with input as doc
	network.subnet_tier("${aws_subnet.data_a.id}") == "data" with input as doc
	network.subnet_tier("subnet-0123") == "" with input as doc
}

test_subnet_associations_skip_edge_associations if {
	assocs := network.subnet_associations with input as doc
	{[a.table, a.subnet_id] | some a in assocs} == {["aws_route_table.rt", "${aws_subnet.data_a.id}"]}
}
