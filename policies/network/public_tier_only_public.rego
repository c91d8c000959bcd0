# NET-003: only the public tier is reachable from the internet.
# A subnet is internet-facing when it hands out public IPs or its route table routes to an
# internet gateway. Both must be confined to subnets that say they are public (tier=public),
# so a reviewer can trust the tier tag, and NET-004 can rely on it for the data tier.
package rules.network.public_tier_only_public

import data.lib.cdktf
import data.lib.network

metadata := {
	"id": "NET-003",
	"title": "Only public-tier subnets map public IPs or route to an internet gateway",
	"severity": "high",
	"hipaa": ["A", "T"],
	"control": "only public-tier subnets map public IPs / route to an IGW",
	"references": ["nag:VPCSubnetAutoAssignPublicIpDisabled", "nag:VPCNoUnrestrictedRouteToIGW"],
	"fix": "Tag every subnet with its tier; set map_public_ip_on_launch only on tier=public subnets; route to the internet gateway only from the tier=public route table, associated only with public subnets.",
}

deny contains cdktf.violation(metadata, subnet, "has no tier tag; every subnet must declare its tier (public, app or data)") if {
	some subnet in cdktf.resources("aws_subnet")
	cdktf.tag(subnet.values, "tier") == ""
}

deny contains cdktf.violation(metadata, subnet, sprintf("maps public IPs on launch but is tagged tier=%q, not public", [tier])) if {
	some subnet in cdktf.resources("aws_subnet")
	subnet.values.map_public_ip_on_launch == true
	tier := cdktf.tag(subnet.values, "tier")
	tier != "public"
}

igw_routes contains route if {
	some route in network.routes
	network.is_igw(route.gateway_id)
}

# The table must say it is public. An untagged or undeclared table (e.g. the VPC's main
# table by id) cannot be shown to be public, so it fails.
deny contains cdktf.violation(metadata, route.reported, sprintf("routes to an internet gateway from route table %s, which is not tagged tier=public", [route.table])) if {
	some route in igw_routes
	network.table_tier(route.table) != "public"
}

# ... and no non-public subnet may use it.
deny contains cdktf.violation(metadata, route.reported, msg) if {
	some route in igw_routes
	some assoc in network.subnet_associations
	assoc.table == route.table
	tier := network.subnet_tier(assoc.subnet_id)
	tier != "public"
	msg := sprintf("routes to an internet gateway from route table %s, which %s associates with a subnet of tier %q", [route.table, assoc.reported.path, tier])
}
