# NET-010: both tunnels of every site-to-site VPN negotiate only IKEv2 with AES-256,
# SHA-2 and elliptic-curve DH groups. The VPN carries PHI from on-premises (DMS); the AWS
# defaults still offer IKEv1, AES-128, SHA-1 and DH group 2, so every list must be set.
package rules.network.vpn_strong_crypto

import data.lib.cdktf

metadata := {
	"id": "NET-010",
	"title": "VPN tunnels use IKEv2 and only AES-256/SHA-2 proposals",
	"severity": "high",
	"hipaa": ["T"],
	"control": "VPN tunnels use IKEv2 and only AES-256/SHA-2 proposals",
	"references": ["own"],
	"fix": "Set every tunnel<N>_* proposal list of the aws_vpn_connection from VPN_PROPOSALS (modules/network/vpn.ts): ike_versions [ikev2], AES256/AES256-GCM-16, SHA2-256/384/512, DH groups 19/20/21.",
}

strong_encryption := {"AES256", "AES256-GCM-16"}

strong_integrity := {"SHA2-256", "SHA2-384", "SHA2-512"}

strong_dh_groups := {19, 20, 21}

# attribute suffix -> the allowed values; each list must be set, non-empty and within them.
proposal_lists := {
	"phase1_encryption_algorithms": strong_encryption,
	"phase2_encryption_algorithms": strong_encryption,
	"phase1_integrity_algorithms": strong_integrity,
	"phase2_integrity_algorithms": strong_integrity,
	"phase1_dh_group_numbers": strong_dh_groups,
	"phase2_dh_group_numbers": strong_dh_groups,
}

deny contains cdktf.violation(metadata, vpn, sprintf("%s is %v; it must be exactly [\"ikev2\"]", [attr, object.get(vpn.values, attr, "absent")])) if {
	some vpn in cdktf.resources("aws_vpn_connection")
	some tunnel in [1, 2]
	attr := sprintf("tunnel%d_ike_versions", [tunnel])
	not vpn.values[attr] == ["ikev2"]
}

deny contains cdktf.violation(metadata, vpn, sprintf("%s is %v; it must be a non-empty subset of %v", [attr, object.get(vpn.values, attr, "absent"), sort(allowed)])) if {
	some vpn in cdktf.resources("aws_vpn_connection")
	some tunnel in [1, 2]
	some suffix, allowed in proposal_lists
	attr := sprintf("tunnel%d_%s", [tunnel, suffix])
	not strong(object.get(vpn.values, attr, null), allowed)
}

strong(values, allowed) if {
	is_array(values)
	count(values) > 0
	every v in values {
		v in allowed
	}
}
