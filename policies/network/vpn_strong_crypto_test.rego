package rules.network.vpn_strong_crypto_test

import data.rules.network.vpn_strong_crypto as rule

tunnel(n) := {
	sprintf("tunnel%d_ike_versions", [n]): ["ikev2"],
	sprintf("tunnel%d_phase1_encryption_algorithms", [n]): ["AES256", "AES256-GCM-16"],
	sprintf("tunnel%d_phase2_encryption_algorithms", [n]): ["AES256"],
	sprintf("tunnel%d_phase1_integrity_algorithms", [n]): ["SHA2-256", "SHA2-384", "SHA2-512"],
	sprintf("tunnel%d_phase2_integrity_algorithms", [n]): ["SHA2-512"],
	sprintf("tunnel%d_phase1_dh_group_numbers", [n]): [19, 20, 21],
	sprintf("tunnel%d_phase2_dh_group_numbers", [n]): [21],
}

vpn := object.union(object.union({"type": "ipsec.1", "vpn_gateway_id": "${aws_vpn_gateway.vgw.id}"}, tunnel(1)), tunnel(2))

doc(connection) := {"resource": {"aws_vpn_connection": {"onprem": connection}}}

fails_with(connection, attribute) if {
	result := rule.deny with input as doc(connection)
	some v in result
	v.rule_id == "NET-010"
	v.address == "aws_vpn_connection.onprem"
	contains(v.msg, attribute)
}

test_pass_strong_proposals_on_both_tunnels if {
	count(rule.deny) == 0 with input as doc(vpn)
}

test_fail_aes128_offered if {
	fails_with(object.union(vpn, {"tunnel2_phase1_encryption_algorithms": ["AES256", "AES128"]}), "tunnel2_phase1_encryption_algorithms")
}

test_fail_ikev1_allowed if {
	fails_with(object.union(vpn, {"tunnel1_ike_versions": ["ikev1", "ikev2"]}), "tunnel1_ike_versions")
}

test_fail_sha1 if {
	fails_with(object.union(vpn, {"tunnel1_phase2_integrity_algorithms": ["SHA1"]}), "tunnel1_phase2_integrity_algorithms")
}

test_fail_dh_group_14 if {
	fails_with(object.union(vpn, {"tunnel2_phase2_dh_group_numbers": [14, 21]}), "tunnel2_phase2_dh_group_numbers")
}

test_fail_missing_list_takes_weak_aws_defaults if {
	fails_with(object.remove(vpn, ["tunnel2_phase1_dh_group_numbers"]), "tunnel2_phase1_dh_group_numbers")
	fails_with(object.remove(vpn, ["tunnel1_ike_versions"]), "tunnel1_ike_versions")
}

test_fail_empty_list if {
	fails_with(object.union(vpn, {"tunnel1_phase1_integrity_algorithms": []}), "tunnel1_phase1_integrity_algorithms")
}
