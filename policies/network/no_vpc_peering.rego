# NET-013: no VPC peering except with a VPC the environment's allowlist names (none by
# design: the on-premises network is reached over the site-to-site VPN, with its own
# encryption and NACLs). A peering connection joins two routing domains: every route and
# security group of the peer becomes a path into the data tier.
package rules.network.no_vpc_peering

import data.lib.cdktf
import data.lib.principals

metadata := {
	"id": "NET-013",
	"title": "No VPC peering except with an allowlisted VPC",
	"severity": "critical",
	"hipaa": ["A", "T"],
	"control": "no VPC peering unless the peer is allowlisted (added row, docs/policy-data.md)",
	"references": ["own"],
	"fix": "Reach other networks over the VPN or through named VPC endpoints; a peering is a design change: add the peer VPC to the config, regenerate policies/data/principal_allowlist.json, and review its routes.",
}

peering_types := {"aws_vpc_peering_connection": "peer_vpc_id", "aws_vpc_peering_connection_accepter": "vpc_peering_connection_id"}

deny contains cdktf.violation(metadata, r, sprintf("%s to %v, which is not an allowlisted peer (vpc_peers: %v)", [r.type, peer, object.get(principals.allowlist, "vpc_peers", [])])) if {
	some type, attribute in peering_types
	some r in cdktf.resources(type)
	peer := object.get(r.values, attribute, "?")
	not peer in object.get(principals.allowlist, "vpc_peers", [])
}
