package rules.network.nacl_no_admin_ingress_test

import data.rules.network.nacl_no_admin_ingress as rule

nacl_rule(fields) := object.union(
	{"network_acl_id": "${aws_network_acl.public.id}", "rule_number": 100, "protocol": "tcp", "rule_action": "allow", "cidr_block": "0.0.0.0/0"},
	fields,
)

# What the public tier really allows: web ports and ephemeral ports split around 3389.
good := {"resource": {
	"aws_network_acl": {"public": {"subnet_ids": ["${aws_subnet.public_a.id}"]}},
	"aws_network_acl_rule": {
		"https": nacl_rule({"from_port": 443, "to_port": 443}),
		"http": nacl_rule({"from_port": 80, "to_port": 80, "egress": false}),
		"ephemeral_low": nacl_rule({"from_port": 1024, "to_port": 3388}),
		"ephemeral_high": nacl_rule({"from_port": 3390, "to_port": 65535}),
		"ssh_from_onprem": nacl_rule({"from_port": 22, "to_port": 22, "cidr_block": "192.168.0.0/16"}),
		"egress_all": nacl_rule({"egress": true, "protocol": "-1", "from_port": 0, "to_port": 0}),
		"deny_all": nacl_rule({"rule_action": "deny", "protocol": "-1", "from_port": 0, "to_port": 0}),
	},
}}

fails_on(doc, address) if {
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "NET-006"
	v.address == address
}

with_rule(name, values) := json.patch(good, [{"op": "add", "path": sprintf("/resource/aws_network_acl_rule/%s", [name]), "value": values}])

test_pass_web_and_split_ephemeral_ports if {
	count(rule.deny) == 0 with input as good
}

test_fail_ssh_inside_a_range if {
	fails_on(with_rule("low", nacl_rule({"from_port": 0, "to_port": 1023})), "aws_network_acl_rule.low")
}

test_fail_rdp_with_string_ports if {
	fails_on(with_rule("rdp", nacl_rule({"from_port": "3000", "to_port": "4000"})), "aws_network_acl_rule.rdp")
}

test_fail_ftp if {
	fails_on(with_rule("ftp", nacl_rule({"from_port": 20, "to_port": 21})), "aws_network_acl_rule.ftp")
}

test_fail_all_ports if {
	fails_on(with_rule("wide", nacl_rule({"from_port": 0, "to_port": 65535})), "aws_network_acl_rule.wide")
}

test_fail_all_protocols_ipv6 if {
	fails_on(with_rule("v6", nacl_rule({"protocol": -1, "cidr_block": null, "ipv6_cidr_block": "::/0", "from_port": 0, "to_port": 0})), "aws_network_acl_rule.v6")
}

test_fail_inline_ingress_as_object if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_network_acl/public/ingress", "value": {
		"rule_no": 50, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0,
	}}])
	fails_on(doc, "aws_network_acl.public")
}

test_fail_default_nacl_inline_ingress_as_array if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_default_network_acl", "value": {"default": {
		"default_network_acl_id": "${aws_vpc.main.default_network_acl_id}",
		"ingress": [
			{"rule_no": 100, "action": "allow", "protocol": "tcp", "cidr_block": "0.0.0.0/0", "from_port": 443, "to_port": 443},
			{"rule_no": 110, "action": "allow", "protocol": "all", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0},
		],
	}}}])
	fails_on(doc, "aws_default_network_acl.default")
}
