# NET-012: a security group sends only where its tier's declared paths say. Egress to the
# internet (0.0.0.0/0, ::/0 or any "almost everything" range) is declared for two groups only,
# each on one protocol and port (policies/data/egress_paths.json: the send worker's SES/SNS
# calls and the web fleet's patch downloads, both through NAT); every other group reaches
# named peers (security groups, endpoints, the on-premises range). And no egress rule opens
# every protocol or a port range: each declared path is one service on one port.
package rules.network.egress_declared_paths

import data.lib.cdktf

metadata := {
	"id": "NET-012",
	"title": "Security-group egress stays within the declared paths: the internet only for the declared groups on their port",
	"severity": "high",
	"hipaa": ["A", "T"],
	"control": "security-group egress follows the declared paths: only the send worker and the web fleet reach the internet, on 443 (added row, docs/policy-data.md)",
	"references": ["ckv:CKV_AWS_382", "own"],
	"fix": "Send to the peer's security group, the VPC endpoint or the on-premises CIDR on the one port the service uses; a new internet path is a design change recorded in policies/data/egress_paths.json with why.",
}

# [reported resource, the security group's construct path (without the stack), protocol, from, to, destination]
egress contains [r, group_path(r.values.security_group_id), lower(sprintf("%v", [object.get(r.values, "ip_protocol", "")])), object.get(r.values, "from_port", null), object.get(r.values, "to_port", null), dest] if {
	some r in cdktf.resources("aws_vpc_security_group_egress_rule")
	some key in ["cidr_ipv4", "cidr_ipv6"]
	dest := object.get(r.values, key, null)
	dest != null
}

egress contains [r, group_path(r.values.security_group_id), lower(sprintf("%v", [object.get(r.values, "protocol", "")])), object.get(r.values, "from_port", null), object.get(r.values, "to_port", null), dest] if {
	some r in cdktf.resources("aws_security_group_rule")
	object.get(r.values, "type", "") == "egress"
	some key in ["cidr_blocks", "ipv6_cidr_blocks"]
	some dest in cdktf.as_array(object.get(r.values, key, []))
}

egress contains [sg, group_path(sprintf("${%s.id}", [sg.address])), lower(sprintf("%v", [object.get(e, "protocol", "")])), object.get(e, "from_port", null), object.get(e, "to_port", null), dest] if {
	some sg in cdktf.resources("aws_security_group")
	some e in cdktf.blocks(object.get(sg.values, "egress", null))
	some key in ["cidr_blocks", "ipv6_cidr_blocks"]
	some dest in cdktf.as_array(object.get(e, key, []))
}

# The construct path of the group a rule belongs to, without the stack name; "" when not in this stack.
group_path(id) := concat("/", array.slice(parts, 1, count(parts))) if {
	sg := cdktf.target(id)
	parts := split(sg.path, "/")
} else := ""

declared(path, protocol, from, to) if {
	some p in data.egress_paths.internet
	p.security_group == path
	p.protocol == protocol
	to_number(from) == to_number(to)
	to_number(from) in p.ports
}

deny contains cdktf.violation(metadata, r, sprintf("egress to %s on %s %v-%v from %s is not a declared internet path (policies/data/egress_paths.json)", [dest, protocol, from, to, label(path)])) if {
	some [r, path, protocol, from, to, dest] in egress
	cdktf.is_open_cidr(dest)
	not declared(path, protocol, from, to)
}

deny contains cdktf.violation(metadata, r, sprintf("egress to %s opens every protocol (ip_protocol %s); name the protocol and port", [dest, protocol])) if {
	some [r, _, protocol, _, _, dest] in egress
	protocol in {"-1", "all"}
}

deny contains cdktf.violation(metadata, r, sprintf("egress to %s opens ports %v-%v; a declared path is one port", [dest, from, to])) if {
	some [r, _, protocol, from, to, dest] in egress
	not protocol in {"-1", "all", "icmp", "icmpv6", "1", "58"}
	to_number(from) != to_number(to)
}

label(path) := path if path != ""

else := "a security group of another stack"
