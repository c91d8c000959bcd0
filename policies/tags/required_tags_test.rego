package rules.tags.required_tags_test

import data.rules.tags.required_tags as rule

tags := {"Name": "medicare-dev-vpc", "owner": "platform-team", "environment": "dev", "data-classification": "internal", "component": "network"}

types := ["aws_vpc", "aws_subnet"]

doc(vpc_tags) := {"resource": {
	"aws_vpc": {"main": {"//": {"metadata": {"path": "dev-network/vpc/vpc"}}, "tags": vpc_tags}},
	# aws_route has no tags argument: never checked.
	"aws_route": {"r": {"route_table_id": "${aws_route_table.rt.id}"}},
}}

fails(input_doc) if {
	result := rule.deny with input as input_doc with data.taggable_resource_types as types
	some v in result
	v.rule_id == "TAG-001"
	v.address == "aws_vpc.main"
}

test_pass_all_required_tags if {
	count(rule.deny) == 0 with input as doc(tags) with data.taggable_resource_types as types
}

test_pass_tags_from_provider_default_tags if {
	d := object.union(doc({"Name": "x", "component": "network"}), {"provider": {"aws": [{
		"region": "eu-west-2",
		"default_tags": [{"tags": {"owner": "platform-team", "environment": "dev", "data-classification": "internal"}}],
	}]}})
	count(rule.deny) == 0 with input as d with data.taggable_resource_types as types
}

test_pass_untaggable_type_without_tags if {
	count(rule.deny) == 0 with input as doc(tags) with data.taggable_resource_types as ["aws_vpc"]
}

test_fail_missing_component if {
	fails(doc(object.remove(tags, ["component"])))
}

test_fail_empty_owner if {
	fails(doc(object.union(tags, {"owner": " "})))
}

test_fail_no_tags_at_all if {
	fails({"resource": {"aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}}}})
}

test_fail_tags_as_token if {
	fails(doc("${var.tags}"))
}

test_fail_default_tags_of_another_provider_alias if {
	d := object.union(doc({"Name": "x"}), {"provider": {"aws": [{
		"alias": "backup",
		"default_tags": {"tags": {"owner": "o", "environment": "dev", "data-classification": "internal", "component": "network"}},
	}]}})
	fails(d)
}

test_fail_type_list_not_loaded if {
	result := rule.deny with input as doc(tags) with data.taggable_resource_types as []
	some v in result
	v.rule_id == "TAG-001"
	v.address == "data.taggable_resource_types"
}
