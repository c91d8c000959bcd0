# NET-006: no NACL lets the internet in to remote administration (SSH 22, RDP 3389),
# FTP (20/21), or everything (all protocols or all ports).
# NACLs are the subnet-wide backstop behind security groups; an allow-all here means one
# mistaken security group exposes the subnet.
package rules.network.nacl_no_admin_ingress

import data.lib.cdktf

metadata := {
	"id": "NET-006",
	"title": "No NACL allows 0.0.0.0/0 ingress to admin ports or all ports",
	"severity": "high",
	"hipaa": ["A", "T"],
	"control": "every NACL is attached to a subnet; no 0.0.0.0/0 ingress to 22, 3389, 20/21, or all ports",
	"references": ["ckv:CKV_AWS_229", "ckv:CKV_AWS_230", "ckv:CKV_AWS_231", "ckv:CKV_AWS_232", "ckv:CKV_AWS_352"],
	"fix": "Narrow the NACL rule: allow only the ports the tier serves (split ranges around 20-22 and 3389, as TierNacls does for ephemeral ports) or a known source CIDR.",
}

admin_ports := [20, 21, 22, 3389]

# Ingress rules, standalone (egress false or absent) or inline, in one shape.
ingress_rules contains {
	"reported": rule,
	"action": object.get(rule.values, "rule_action", ""),
	"protocol": object.get(rule.values, "protocol", ""),
	"sources": [object.get(rule.values, "cidr_block", ""), object.get(rule.values, "ipv6_cidr_block", "")],
	"from": object.get(rule.values, "from_port", null),
	"to": object.get(rule.values, "to_port", null),
} if {
	some rule in cdktf.resources("aws_network_acl_rule")
	not rule.values.egress == true
}

ingress_rules contains {
	"reported": acl,
	"action": object.get(block, "action", ""),
	"protocol": object.get(block, "protocol", ""),
	"sources": [object.get(block, "cidr_block", ""), object.get(block, "ipv6_cidr_block", "")],
	"from": object.get(block, "from_port", null),
	"to": object.get(block, "to_port", null),
} if {
	some type in ["aws_network_acl", "aws_default_network_acl"]
	some acl in cdktf.resources(type)
	some block in cdktf.blocks(object.get(acl.values, "ingress", null))
}

too_broad contains [rule, "all protocols"] if {
	some rule in ingress_rules
	lower(sprintf("%v", [rule.protocol])) in {"-1", "all"}
}

too_broad contains [rule, "all ports (0-65535)"] if {
	some rule in ingress_rules
	to_number(rule.from) == 0
	to_number(rule.to) == 65535
}

too_broad contains [rule, sprintf("port %d", [port])] if {
	some rule in ingress_rules
	some port in admin_ports
	cdktf.port_range_covers(rule.from, rule.to, port)
}

deny contains cdktf.violation(metadata, rule.reported, msg) if {
	some rule in ingress_rules
	lower(rule.action) == "allow"
	some source in rule.sources
	cdktf.is_open_cidr(source)
	reasons := sort([why | some [r, why] in too_broad; r == rule])
	count(reasons) > 0
	msg := sprintf("allows ingress from %s to %s", [source, concat(", ", reasons)])
}
