package rules.types.reviewed_test

import data.rules.types.reviewed as rule

catalog := {"aws_vpc": {"rules": ["NET-001"]}, "aws_kms_alias": {"rules": [], "reason": "a name for a key"}}

doc(resources) := {"resource": resources}

vpc := {"aws_vpc": {"vpc": {"//": {"metadata": {"path": "dev-network/vpc/vpc"}}}}}

test_pass_only_catalogued_types if {
	count(rule.deny) == 0 with input as doc(object.union(vpc, {"aws_kms_alias": {"a": {}}})) with data.resource_catalog as catalog
}

# Two different unreviewed types, each resource reported: the class, not one example.
test_fail_every_resource_of_unknown_types if {
	result := rule.deny with input as doc(object.union(vpc, {
		"aws_iam_user": {"u1": {}, "u2": {}},
		"aws_vpc_peering_connection": {"p": {"//": {"metadata": {"path": "dev-network/peer"}}}},
	})) with data.resource_catalog as catalog
	{v.address | some v in result} == {"aws_iam_user.u1", "aws_iam_user.u2", "aws_vpc_peering_connection.p"}
	some v in result
	contains(v.msg, "unreviewed resource type aws_vpc_peering_connection")
}
