package rules.network.no_vpc_peering_test

import data.rules.network.no_vpc_peering as rule

allow := {"dev": {"account": "111111111111", "vpc_peers": ["vpc-0aaaaaaaaaaaaaaaa"]}}

doc(resources) := {"//": {"metadata": {"stackName": "dev-network"}}, "resource": resources}

test_pass_allowlisted_peer if {
	count(rule.deny) == 0 with input as doc({"aws_vpc_peering_connection": {"p": {"peer_vpc_id": "vpc-0aaaaaaaaaaaaaaaa"}}}) with data.principal_allowlist as allow
}

# Two kinds of peering (requester and accepter) with VPCs nobody listed.
test_fail_unlisted_peers if {
	result := rule.deny with input as doc({
		"aws_vpc_peering_connection": {"p": {"peer_vpc_id": "vpc-0bbbbbbbbbbbbbbbb", "peer_owner_id": "111111111111"}},
		"aws_vpc_peering_connection_accepter": {"a": {"vpc_peering_connection_id": "pcx-0123456789abcdef0"}},
	}) with data.principal_allowlist as allow
	count(result) == 2
}
