package rules.network.default_sg_closed_test

import data.rules.network.default_sg_closed

vpc := {"//": {"metadata": {"path": "dev-network/vpc/vpc"}}}

closed := {"vpc_id": "${aws_vpc.main.id}", "ingress": [], "egress": []}

doc(default_sg) := {"resource": {"aws_vpc": {"main": vpc}, "aws_default_security_group": {"default": default_sg}}}

fails_on(input_doc, address) if {
	result := default_sg_closed.deny with input as input_doc
	some v in result
	v.rule_id == "NET-002"
	v.address == address
}

test_pass_adopted_and_emptied if {
	count(default_sg_closed.deny) == 0 with input as doc(closed)
}

test_fail_vpc_without_default_sg if {
	fails_on({"resource": {"aws_vpc": {"main": vpc}}}, "aws_vpc.main")
}

test_fail_ingress_left_out if {
	# Leaving ingress out keeps the rules AWS created.
	fails_on(doc(object.remove(closed, ["ingress"])), "aws_vpc.main")
}

test_fail_inline_rule_as_object if {
	sg := object.union(closed, {"egress": {"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}})
	fails_on(doc(sg), "aws_default_security_group.default")
}

test_fail_inline_rule_as_array if {
	sg := object.union(closed, {"ingress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "self": true}]})
	fails_on(doc(sg), "aws_default_security_group.default")
}

test_fail_standalone_rule_on_default_sg if {
	d := json.patch(doc(closed), [{"op": "add", "path": "/resource/aws_security_group_rule", "value": {"r": {
		"type": "ingress",
		"security_group_id": "${aws_default_security_group.default.id}",
		"protocol": "tcp",
		"from_port": 443,
		"to_port": 443,
		"cidr_blocks": ["10.0.0.0/8"],
	}}}])
	fails_on(d, "aws_security_group_rule.r")
}

test_fail_ingress_rule_on_vpc_default_sg_id if {
	d := json.patch(doc(closed), [{"op": "add", "path": "/resource/aws_vpc_security_group_ingress_rule", "value": {"r": {
		"security_group_id": "${aws_vpc.main.default_security_group_id}",
		"ip_protocol": "tcp",
		"from_port": 443,
		"to_port": 443,
		"cidr_ipv4": "10.0.0.0/8",
	}}}])
	fails_on(d, "aws_vpc_security_group_ingress_rule.r")
}
