package rules.network.sg_no_open_ingress_test

import data.rules.network.sg_no_open_ingress as rule

web(port) := {"protocol": "tcp", "from_port": port, "to_port": port, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]}

# An internet-facing ALB open on 443 and 80; the app only from the ALB; endpoints from a tier CIDR.
good := {"resource": {
	"aws_lb": {"alb": {"load_balancer_type": "application", "internal": false, "security_groups": ["${aws_security_group.alb.id}"]}},
	"aws_security_group": {
		"alb": {"ingress": [web(443), web(80)]},
		"app": {"ingress": {"protocol": "tcp", "from_port": 443, "to_port": 443, "security_groups": ["${aws_security_group.alb.id}"]}},
	},
	"aws_vpc_security_group_ingress_rule": {"endpoints": {
		"security_group_id": "${aws_security_group.endpoints.id}",
		"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "10.20.64.0/18",
	}},
}}

fails_on(doc, address) if {
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "NET-007"
	v.address == address
}

test_pass_alb_open_on_web_ports if {
	count(rule.deny) == 0 with input as good
}

test_pass_alb_with_defaults_and_standalone_rule if {
	# internal and load_balancer_type absent: internet-facing application LB.
	doc := json.patch(good, [
		{"op": "replace", "path": "/resource/aws_lb/alb", "value": {"security_groups": ["${aws_security_group.alb.id}"]}},
		{"op": "add", "path": "/resource/aws_security_group_rule", "value": {"https": {
			"type": "ingress", "security_group_id": "${aws_security_group.alb.id}",
			"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"],
		}}},
	])
	count(rule.deny) == 0 with input as doc
}

test_fail_open_https_on_a_non_alb_group if {
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_vpc_security_group_ingress_rule/endpoints/cidr_ipv4", "value": "0.0.0.0/0"}])
	fails_on(doc, "aws_vpc_security_group_ingress_rule.endpoints")
}

test_fail_internal_alb if {
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_lb/alb/internal", "value": true}])
	fails_on(doc, "aws_security_group.alb")
}

test_fail_network_load_balancer if {
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_lb/alb/load_balancer_type", "value": "network"}])
	fails_on(doc, "aws_security_group.alb")
}

test_fail_ssh_from_ipv6_anywhere_standalone_rule if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_security_group_rule", "value": {"ssh": {
		"type": "ingress", "security_group_id": "${aws_security_group.app.id}",
		"protocol": "tcp", "from_port": 22, "to_port": 22, "ipv6_cidr_blocks": ["::/0"],
	}}}])
	fails_on(doc, "aws_security_group_rule.ssh")
}

test_fail_port_range_on_alb if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_security_group/alb/ingress/-", "value": {
		"protocol": "tcp", "from_port": 80, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"],
	}}])
	fails_on(doc, "aws_security_group.alb")
}

test_fail_all_traffic_inline_object if {
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_security_group/app/ingress", "value": {
		"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"],
	}}])
	fails_on(doc, "aws_security_group.app")
}

test_fail_all_traffic_vpc_rule_on_alb if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_vpc_security_group_ingress_rule/all", "value": {
		"security_group_id": "${aws_security_group.alb.id}", "ip_protocol": "-1", "cidr_ipv6": "::/0",
	}}])
	fails_on(doc, "aws_vpc_security_group_ingress_rule.all")
}
