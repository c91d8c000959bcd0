# NET-004: the data tier (Aurora, DMS, PHI) has no path to or from the internet.
# Its route tables (tagged tier=data, or serving a tier=data subnet) carry no route to an
# internet gateway, NAT gateway or egress-only gateway, and no default route at all: a
# 0.0.0.0/0 or ::/0 route to anything else (an instance, a transit gateway) is an exit too.
package rules.network.data_tier_no_internet

import data.lib.cdktf
import data.lib.network

metadata := {
	"id": "NET-004",
	"title": "Data-tier subnets have no route to an internet gateway or NAT",
	"severity": "critical",
	"hipaa": ["A", "T"],
	"control": "data-tier subnets have no route to IGW or NAT",
	"references": ["own"],
	"fix": "Remove the route from the data-tier route table; the data tier reaches AWS APIs through VPC endpoints and on-premises through the VPN only.",
}

data_tables contains table.address if {
	some type in network.route_table_types
	some table in cdktf.resources(type)
	cdktf.tag(table.values, "tier") == "data"
}

data_tables contains assoc.table if {
	some assoc in network.subnet_associations
	network.subnet_tier(assoc.subnet_id) == "data"
}

exits contains [route, "goes to an internet gateway"] if {
	some route in network.routes
	network.is_igw(route.gateway_id)
}

exits contains [route, "goes to a NAT gateway"] if {
	some route in network.routes
	cdktf.non_empty_string(route.nat_gateway_id)
}

exits contains [route, "goes to an egress-only internet gateway"] if {
	some route in network.routes
	cdktf.non_empty_string(route.egress_only_gateway_id)
}

exits contains [route, sprintf("is a default route (%s)", [cidr])] if {
	some route in network.routes
	some cidr in [route.cidr, route.ipv6_cidr]
	cdktf.is_open_cidr(cidr)
}

deny contains cdktf.violation(metadata, route.reported, sprintf("a route of data-tier route table %s %s", [route.table, why])) if {
	some [route, why] in exits
	route.table in data_tables
}
