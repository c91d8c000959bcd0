# NET-007: no security group admits the whole internet, except HTTPS (and HTTP, which the
# listener only redirects) on the security group of an internet-facing Application Load
# Balancer. Everything else reaches workloads through that ALB, the VPN or SSM.
package rules.network.sg_no_open_ingress

import data.lib.cdktf

metadata := {
	"id": "NET-007",
	"title": "No security group allows 0.0.0.0/0 or ::/0 ingress except 443/80 on the ALB",
	"severity": "critical",
	"hipaa": ["A", "T"],
	"control": "no security group allows 0.0.0.0/0 or ::/0 ingress except 443 (and 80 for redirect) on the ALB",
	"references": ["nag:EC2RestrictedSSH", "nag:EC2RestrictedCommonPorts", "ckv:CKV_AWS_24", "ckv:CKV_AWS_25", "ckv:CKV_AWS_260", "ckv:CKV_AWS_277"],
	"fix": "Replace the 0.0.0.0/0 or ::/0 source with the peer's security group or CIDR; only the internet-facing ALB's security group may accept 443 (and 80) from anywhere.",
}

# Ingress permissions open to anywhere, in one shape:
#   reported: resource to name; group: identity of the security group it opens;
#   protocol, from, to: as written (ports null when absent); source: the open CIDR.
open_ingress contains {
	"reported": sg,
	"group": sg.address,
	"protocol": object.get(block, "protocol", ""),
	"from": object.get(block, "from_port", null),
	"to": object.get(block, "to_port", null),
	"source": source,
} if {
	some type in ["aws_security_group", "aws_default_security_group"]
	some sg in cdktf.resources(type)
	some block in cdktf.blocks(object.get(sg.values, "ingress", null))
	some source in open_sources(block, "cidr_blocks", "ipv6_cidr_blocks")
}

open_ingress contains {
	"reported": rule,
	"group": cdktf.id_key(rule.values.security_group_id),
	"protocol": object.get(rule.values, "protocol", ""),
	"from": object.get(rule.values, "from_port", null),
	"to": object.get(rule.values, "to_port", null),
	"source": source,
} if {
	some rule in cdktf.resources("aws_security_group_rule")
	rule.values.type == "ingress"
	some source in open_sources(rule.values, "cidr_blocks", "ipv6_cidr_blocks")
}

open_ingress contains {
	"reported": rule,
	"group": cdktf.id_key(rule.values.security_group_id),
	"protocol": object.get(rule.values, "ip_protocol", ""),
	"from": object.get(rule.values, "from_port", null),
	"to": object.get(rule.values, "to_port", null),
	"source": source,
} if {
	some rule in cdktf.resources("aws_vpc_security_group_ingress_rule")
	some source in open_sources(rule.values, "cidr_ipv4", "cidr_ipv6")
}

open_sources(values, v4, v6) := {c |
	some key in [v4, v6]
	some c in cdktf.as_array(object.get(values, key, []))
	cdktf.is_open_cidr(c)
}

# Security groups of internet-facing ALBs (internal and load_balancer_type default to
# false and "application"). aws_alb is the provider's older name for aws_lb.
alb_groups contains cdktf.id_key(group) if {
	some type in ["aws_lb", "aws_alb"]
	some lb in cdktf.resources(type)
	not lb.values.internal == true
	object.get(lb.values, "load_balancer_type", "application") == "application"
	some group in cdktf.as_array(object.get(lb.values, "security_groups", []))
}

# Exactly one web port over TCP, on an internet-facing ALB's group.
allowed(perm) if {
	lower(sprintf("%v", [perm.protocol])) in {"tcp", "6"}
	perm.from == perm.to
	to_number(perm.from) in {80, 443}
	perm.group in alb_groups
}

deny contains cdktf.violation(metadata, perm.reported, msg) if {
	some perm in open_ingress
	not allowed(perm)
	msg := sprintf("allows ingress from %s (protocol %v, ports %v-%v) to security group %s; only 443/80 on an internet-facing ALB's security group may be open", [perm.source, perm.protocol, perm.from, perm.to, perm.group])
}
