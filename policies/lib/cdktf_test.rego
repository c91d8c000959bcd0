package lib.cdktf_test

import data.lib.cdktf

doc := {"resource": {
	"aws_vpc": {"vpc_6776A399": {
		"//": {"metadata": {"path": "dev-network/vpc/vpc", "uniqueId": "vpc_6776A399"}},
		"cidr_block": "10.20.0.0/16",
		"tags": {"tier": "public", "token": 5},
	}},
	"aws_subnet": {"bare": {"vpc_id": "${aws_vpc.vpc_6776A399.id}"}},
}}

meta := {"id": "NET-001", "title": "t", "severity": "high", "hipaa": ["A"], "fix": "f", "control": "c", "references": []}

test_violation_shape if {
	vpc := cdktf.at("aws_vpc.vpc_6776A399") with input as doc
	cdktf.violation(meta, vpc, "broken") == {
		"msg": "NET-001 dev-network/vpc/vpc: broken",
		"rule_id": "NET-001",
		"title": "t",
		"severity": "high",
		"hipaa": ["A"],
		"fix": "f",
		"resource_path": "dev-network/vpc/vpc",
		"address": "aws_vpc.vpc_6776A399",
	}
}

test_resources_use_construct_path_or_address if {
	vpcs := cdktf.resources("aws_vpc") with input as doc
	[vpc] := [v | some v in vpcs]
	vpc.type == "aws_vpc"
	vpc.name == "vpc_6776A399"
	vpc.address == "aws_vpc.vpc_6776A399"
	vpc.path == "dev-network/vpc/vpc"
	vpc.values.cidr_block == "10.20.0.0/16"
	subnets := cdktf.resources("aws_subnet") with input as doc
	{s.path | some s in subnets} == {"aws_subnet.bare"}
}

test_resources_of_absent_type_is_empty if {
	count(cdktf.resources("aws_lb")) == 0 with input as doc
	count(cdktf.resources("aws_lb")) == 0 with input as {"catalog_request": true}
}

test_all_resources if {
	count(cdktf.all_resources) == 2 with input as doc
}

test_target_resolves_references if {
	vpc := cdktf.target("${aws_vpc.vpc_6776A399.id}") with input as doc
	vpc.path == "dev-network/vpc/vpc"
	not cdktf.target("${aws_vpc.other.id}") with input as doc
	not cdktf.target("vpc-0123") with input as doc
}

test_blocks_normalizes_object_array_null if {
	cdktf.blocks({"a": 1}) == [{"a": 1}]
	cdktf.blocks([{"a": 1}, {"a": 2}]) == [{"a": 1}, {"a": 2}]
	cdktf.blocks([]) == []
	cdktf.blocks(null) == []
	cdktf.blocks("${dynamic}") == []
}

test_as_array if {
	cdktf.as_array("s3:GetObject") == ["s3:GetObject"]
	cdktf.as_array(["a", "b"]) == ["a", "b"]
	cdktf.as_array(null) == []
}

test_is_ref if {
	cdktf.is_ref("${aws_vpc.x.id}")
	cdktf.is_ref("${aws_cloudwatch_log_group.g.arn}:*")
	not cdktf.is_ref("vpc-0123")
	not cdktf.is_ref(5)
}

test_ref_address if {
	cdktf.ref_address("${aws_vpc.x.id}") == "aws_vpc.x"
	cdktf.ref_address("${aws_flow_log.flow-log_40A245C3.id}") == "aws_flow_log.flow-log_40A245C3"
	cdktf.ref_address("${aws_cloudwatch_log_group.g.arn}:*") == "aws_cloudwatch_log_group.g"
	cdktf.ref_address("${element(aws_subnet.a.*.id, 0)}") == "aws_subnet.a"
	cdktf.ref_address("${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.o}") == "data.terraform_remote_state.cross-stack-reference-input-dev-security"
	not cdktf.ref_address("vpc-0123")
	cdktf.ref_type("${aws_internet_gateway.igw.id}") == "aws_internet_gateway"
}

test_refers_to if {
	vpc := {"address": "aws_vpc.x"}
	cdktf.refers_to("${aws_vpc.x.id}", vpc)
	not cdktf.refers_to("${aws_vpc.xy.id}", vpc)
	not cdktf.refers_to("vpc-0123", vpc)
	cdktf.any_refers_to(["${aws_vpc.y.id}", "${aws_vpc.x.id}"], vpc)
}

test_id_key if {
	cdktf.id_key("${aws_route_table.rt.id}") == "aws_route_table.rt"
	cdktf.id_key("rtb-0123") == "rtb-0123"
}

test_is_kms_key_ref_accepts_customer_keys if {
	cdktf.is_kms_key_ref("${aws_kms_key.keys_logs_key_A1A70726.arn}")
	cdktf.is_kms_key_ref("${data.terraform_remote_state.cross-stack-reference-input-dev-security.outputs.cross-stack-output-aws_kms_keykeys_logs_key_A1A70726arn}")
	cdktf.is_kms_key_ref("arn:aws:kms:eu-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	cdktf.is_kms_key_ref("arn:aws:kms:eu-west-2:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab")
}

test_is_kms_key_ref_rejects_others if {
	not cdktf.is_kms_key_ref("alias/aws/logs")
	not cdktf.is_kms_key_ref("arn:aws:kms:eu-west-2:111111111111:alias/aws/logs")
	not cdktf.is_kms_key_ref("${aws_kms_key.k.key_id}")
	not cdktf.is_kms_key_ref("${aws_kms_alias.a.arn}")
	not cdktf.is_kms_key_ref("${data.terraform_remote_state.s.outputs.cross-stack-output-aws_iam_policyboundaryarn}")
	not cdktf.is_kms_key_ref("${data.terraform_remote_state.s.outputs.cross-stack-output-aws_kms_keykeys_logs_keykey_id}")
	not cdktf.is_kms_key_ref("")
	not cdktf.is_kms_key_ref(null)
}

test_statements_normalizes_statement if {
	cdktf.statements(`{"Statement":{"Effect":"Allow","Action":"s3:GetObject"}}`) == [{"Effect": "Allow", "Action": "s3:GetObject"}]
	count(cdktf.statements(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow"},{"Effect":"Deny"}]}`)) == 2
	count(cdktf.statements({"Statement": [{"Effect": "Allow"}]})) == 1
	not cdktf.statements("${data.aws_iam_policy_document.p.json}")
}

test_principal_is_public if {
	cdktf.principal_is_public({"Principal": "*"})
	cdktf.principal_is_public({"Principal": {"AWS": "*"}})
	cdktf.principal_is_public({"Principal": {"AWS": ["arn:aws:iam::111111111111:root", "*"]}})
	cdktf.principal_is_public({"Principal": {"AWS": "arn:aws:iam::*:root"}})
	not cdktf.principal_is_public({"Principal": {"AWS": "arn:aws:iam::111111111111:root"}})
	not cdktf.principal_is_public({"Principal": {"Service": "logs.eu-west-2.amazonaws.com"}})
	not cdktf.principal_is_public({"Effect": "Allow"})
}

test_has_condition if {
	cdktf.has_condition({"Condition": {"StringEquals": {"aws:PrincipalAccount": "111111111111"}}})
	not cdktf.has_condition({"Condition": {}})
	not cdktf.has_condition({})
}

test_port_range_covers if {
	cdktf.port_range_covers(0, 1023, 22)
	cdktf.port_range_covers("3389", "3389", 3389)
	not cdktf.port_range_covers(1024, 3388, 3389)
	not cdktf.port_range_covers(null, null, 22)
}

test_tag if {
	vpc := cdktf.at("aws_vpc.vpc_6776A399") with input as doc
	cdktf.tag(vpc.values, "tier") == "public"
	cdktf.tag(vpc.values, "token") == ""
	cdktf.tag(vpc.values, "absent") == ""
	cdktf.tag({"tags": "${var.tags}"}, "tier") == ""
	cdktf.tag({}, "tier") == ""
}

test_is_open_cidr if {
	cdktf.is_open_cidr("0.0.0.0/0")
	cdktf.is_open_cidr("::/0")
	not cdktf.is_open_cidr("10.0.0.0/8")
}

# "Almost everything": the default route in halves, huge public ranges, short IPv6 prefixes.
test_is_open_cidr_almost_everything if {
	cdktf.is_open_cidr("0.0.0.0/1")
	cdktf.is_open_cidr("128.0.0.0/1")
	cdktf.is_open_cidr("64.0.0.0/2")
	cdktf.is_open_cidr("10.0.0.0/7")
	cdktf.is_open_cidr("2000::/3")
	cdktf.is_open_cidr("::/1")
	not cdktf.is_open_cidr("3.0.0.0/8")
	not cdktf.is_open_cidr("192.168.0.0/20")
	not cdktf.is_open_cidr("2001:db8::/32")
	not cdktf.is_open_cidr("${aws_vpc.x.cidr_block}")
}
