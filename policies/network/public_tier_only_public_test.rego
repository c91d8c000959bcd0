package rules.network.public_tier_only_public_test

import data.rules.network.public_tier_only_public as rule

# A public subnet (public IPs allowed) and an app subnet, each with its tier's route table.
good := {"resource": {
	"aws_internet_gateway": {"igw": {"vpc_id": "${aws_vpc.main.id}"}},
	"aws_subnet": {
		"public_a": {"map_public_ip_on_launch": true, "tags": {"tier": "public"}},
		"app_a": {"map_public_ip_on_launch": false, "tags": {"tier": "app"}},
	},
	"aws_route_table": {
		"public": {"tags": {"tier": "public"}},
		"app": {"tags": {"tier": "app"}},
	},
	"aws_route": {
		"public_internet": {"route_table_id": "${aws_route_table.public.id}", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "${aws_internet_gateway.igw.id}"},
		"app_nat": {"route_table_id": "${aws_route_table.app.id}", "destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": "${aws_nat_gateway.nat.id}"},
	},
	"aws_route_table_association": {
		"public_a": {"route_table_id": "${aws_route_table.public.id}", "subnet_id": "${aws_subnet.public_a.id}"},
		"app_a": {"route_table_id": "${aws_route_table.app.id}", "subnet_id": "${aws_subnet.app_a.id}"},
	},
}}

fails_on(doc, address) if {
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "NET-003"
	v.address == address
}

test_pass_public_tier_routes_to_igw if {
	count(rule.deny) == 0 with input as good
}

test_pass_inline_igw_route_as_object_in_public_table if {
	doc := json.patch(good, [
		{"op": "remove", "path": "/resource/aws_route/public_internet"},
		{"op": "add", "path": "/resource/aws_route_table/public/route", "value": {"cidr_block": "0.0.0.0/0", "gateway_id": "${aws_internet_gateway.igw.id}"}},
	])
	count(rule.deny) == 0 with input as doc
}

test_fail_subnet_without_tier if {
	doc := json.patch(good, [{"op": "remove", "path": "/resource/aws_subnet/app_a/tags/tier"}])
	fails_on(doc, "aws_subnet.app_a")
}

test_fail_app_subnet_maps_public_ips if {
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_subnet/app_a/map_public_ip_on_launch", "value": true}])
	fails_on(doc, "aws_subnet.app_a")
}

test_fail_igw_route_in_app_table if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_route/app_nat/gateway_id", "value": "${aws_internet_gateway.igw.id}"}])
	fails_on(doc, "aws_route.app_nat")
}

test_fail_public_table_associated_with_app_subnet if {
	doc := json.patch(good, [{"op": "replace", "path": "/resource/aws_route_table_association/app_a/route_table_id", "value": "${aws_route_table.public.id}"}])
	fails_on(doc, "aws_route.public_internet")
}

test_fail_inline_igw_route_as_array_in_untagged_table if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_route_table/untagged", "value": {"route": [
		{"cidr_block": "10.0.0.0/8", "transit_gateway_id": "tgw-1"},
		{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0123456789abcdef0"},
	]}}])
	fails_on(doc, "aws_route_table.untagged")
}

test_fail_igw_route_in_main_route_table_by_id if {
	doc := json.patch(good, [{"op": "add", "path": "/resource/aws_route/main", "value": {
		"route_table_id": "${aws_vpc.main.main_route_table_id}",
		"destination_cidr_block": "0.0.0.0/0",
		"gateway_id": "${aws_internet_gateway.igw.id}",
	}}])
	fails_on(doc, "aws_route.main")
}
