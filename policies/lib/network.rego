# Route and subnet helpers shared by the network rules (NET-003, NET-004).
package lib.network

import data.lib.cdktf

route_table_types := ["aws_route_table", "aws_default_route_table"]

# Every route of the document, standalone (aws_route) or inline (`route` blocks of a table),
# normalized to one shape:
#   reported: the resource a finding names (the aws_route, or the table for inline routes)
#   table:    the route table's identity (its address when it is declared here)
#   cidr, ipv6_cidr, gateway_id, nat_gateway_id, egress_only_gateway_id: "" when absent
routes contains {
	"reported": route,
	"table": cdktf.id_key(object.get(route.values, "route_table_id", "")),
	"cidr": object.get(route.values, "destination_cidr_block", ""),
	"ipv6_cidr": object.get(route.values, "destination_ipv6_cidr_block", ""),
	"gateway_id": object.get(route.values, "gateway_id", ""),
	"nat_gateway_id": object.get(route.values, "nat_gateway_id", ""),
	"egress_only_gateway_id": object.get(route.values, "egress_only_gateway_id", ""),
} if {
	some route in cdktf.resources("aws_route")
}

routes contains {
	"reported": table,
	"table": table.address,
	"cidr": object.get(r, "cidr_block", ""),
	"ipv6_cidr": object.get(r, "ipv6_cidr_block", ""),
	"gateway_id": object.get(r, "gateway_id", ""),
	"nat_gateway_id": object.get(r, "nat_gateway_id", ""),
	"egress_only_gateway_id": object.get(r, "egress_only_gateway_id", ""),
} if {
	some type in route_table_types
	some table in cdktf.resources(type)
	some r in cdktf.blocks(object.get(table.values, "route", null))
}

# gateway_id names an internet gateway: a reference to one, or a literal igw- id.
# (gateway_id also takes virtual private gateways, which are not the internet.)
is_igw(s) if cdktf.ref_type(s) == "aws_internet_gateway"

is_igw(s) if {
	is_string(s)
	startswith(s, "igw-")
}

# The tier tag of the route table with this identity; "" when untagged or not declared here.
table_tier(table) := tier if {
	tier := cdktf.tag(cdktf.at(table).values, "tier")
} else := ""

# The tier tag of the subnet a subnet_id points to; "" when untagged or not declared here.
subnet_tier(subnet_id) := tier if {
	tier := cdktf.tag(cdktf.target(subnet_id).values, "tier")
} else := ""

# Subnet associations of route tables: {"table": identity, "subnet_id": ..., "reported": association}.
# Gateway (edge) associations have no subnet and are left out.
subnet_associations contains {
	"reported": assoc,
	"table": cdktf.id_key(assoc.values.route_table_id),
	"subnet_id": assoc.values.subnet_id,
} if {
	some assoc in cdktf.resources("aws_route_table_association")
	assoc.values.subnet_id
}
