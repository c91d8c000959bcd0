package rules.network.nacl_attached_test

import data.rules.network.nacl_attached as rule

acl := {"//": {"metadata": {"path": "dev-network/nacls/app"}}, "vpc_id": "${aws_vpc.main.id}"}

test_pass_subnet_ids if {
	doc := {"resource": {"aws_network_acl": {"app": object.union(acl, {"subnet_ids": ["${aws_subnet.app_a.id}"]})}}}
	count(rule.deny) == 0 with input as doc
}

test_pass_network_acl_association if {
	doc := {"resource": {
		"aws_network_acl": {"app": acl},
		"aws_network_acl_association": {"a": {"network_acl_id": "${aws_network_acl.app.id}", "subnet_id": "${aws_subnet.app_a.id}"}},
	}}
	count(rule.deny) == 0 with input as doc
}

test_fail_detached if {
	doc := {"resource": {"aws_network_acl": {"app": object.union(acl, {"subnet_ids": []})}}}
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "NET-005"
	v.resource_path == "dev-network/nacls/app"
}

test_fail_association_of_another_acl if {
	doc := {"resource": {
		"aws_network_acl": {"app": acl},
		"aws_network_acl_association": {"a": {"network_acl_id": "${aws_network_acl.data.id}", "subnet_id": "${aws_subnet.app_a.id}"}},
	}}
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "NET-005"
	v.address == "aws_network_acl.app"
}
