package rules.network.egress_declared_paths_test

import data.rules.network.egress_declared_paths as rule

paths := {"internet": [{"security_group": "functions/send/security-group", "protocol": "tcp", "ports": [443], "why": "SES"}]}

meta(path) := {"metadata": {"path": sprintf("dev-campaign/%s", [path])}}

rule_of(sg, name, fields) := {name: object.union({"//": meta(sprintf("functions/%s/%s", [sg, name])), "security_group_id": sprintf("${aws_security_group.%s.id}", [sg]), "ip_protocol": "tcp", "from_port": 443, "to_port": 443}, fields)}

stack(rules) := {"resource": {
	"aws_security_group": {
		"send": {"//": meta("functions/send/security-group")},
		"web": {"//": meta("functions/web/security-group")},
	},
	"aws_vpc_security_group_egress_rule": rules,
}}

good := stack(object.union_n([
	rule_of("send", "internet", {"cidr_ipv4": "0.0.0.0/0"}),
	rule_of("web", "database", {"from_port": 3306, "to_port": 3306, "cidr_ipv4": "10.20.128.0/18"}),
	rule_of("web", "endpoints", {"referenced_security_group_id": "${aws_security_group.endpoints.id}"}),
]))

findings(d) := {v.msg | some v in result} if {
	result := rule.deny with input as d with data.egress_paths as paths
}

fails_with(d, text) if {
	some msg in findings(d)
	contains(msg, text)
}

test_pass_declared_internet_path_and_named_peers if {
	count(findings(good)) == 0
}

# The class: an undeclared group to the internet, by 0.0.0.0/0, by halves, by IPv6; the
# declared group on another port.
test_fail_undeclared_internet_egress if {
	fails_with(stack(rule_of("web", "out", {"cidr_ipv4": "0.0.0.0/0"})), "egress to 0.0.0.0/0 on tcp 443-443 from functions/web/security-group is not a declared")
	fails_with(stack(rule_of("web", "half", {"cidr_ipv4": "128.0.0.0/1"})), "egress to 128.0.0.0/1")
	fails_with(stack(rule_of("web", "v6", {"cidr_ipv6": "::/0"})), "egress to ::/0")
	fails_with(stack(rule_of("send", "smtp", {"from_port": 25, "to_port": 25, "cidr_ipv4": "0.0.0.0/0"})), "tcp 25-25 from functions/send/security-group")
}

test_fail_all_protocols_or_port_ranges if {
	fails_with(stack(rule_of("web", "all", {"ip_protocol": "-1", "from_port": null, "to_port": null, "cidr_ipv4": "10.20.0.0/16"})), "opens every protocol")
	fails_with(stack(rule_of("web", "range", {"from_port": 1024, "to_port": 65535, "cidr_ipv4": "10.20.0.0/16"})), "opens ports 1024-65535")
}
