package rules.network.endpoint_policies_test

import data.rules.network.endpoint_policies as rule

this_account := {"Sid": "OnlyPrincipalsOfThisAccount", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111111111111"}}}

patch_repositories := {"Sid": "PatchRepositoriesOwnedByAws", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::al2023-repos-eu-west-2-*/*", "arn:aws:s3:::aws-ssm-eu-west-2/*"]}

endpoint(statements) := {"resource": {"aws_vpc_endpoint": {"s3": {
	"//": {"metadata": {"path": "dev-network/endpoints/s3"}},
	"service_name": "com.amazonaws.eu-west-2.s3",
	"vpc_endpoint_type": "Gateway",
	"policy": json.marshal({"Version": "2012-10-17", "Statement": statements}),
}}}}

fails(doc) if {
	some v in rule.deny with input as doc
	v.rule_id == "NET-011"
	v.resource_path == "dev-network/endpoints/s3"
}

test_pass_account_statement_and_patch_repositories if {
	count(rule.deny) == 0 with input as endpoint([this_account, patch_repositories])
}

test_pass_organization_condition if {
	count(rule.deny) == 0 with input as endpoint([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}])
}

test_fail_no_policy if {
	fails({"resource": {"aws_vpc_endpoint": {"s3": {"//": {"metadata": {"path": "dev-network/endpoints/s3"}}, "service_name": "com.amazonaws.eu-west-2.s3"}}}})
}

test_fail_policy_not_literal if {
	fails({"resource": {"aws_vpc_endpoint": {"s3": {"//": {"metadata": {"path": "dev-network/endpoints/s3"}}, "policy": "${data.aws_iam_policy_document.p.json}"}}}})
}

test_fail_public_principal_without_condition if {
	fails(endpoint([{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]))
}

test_fail_condition_that_names_no_account if {
	fails(endpoint([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": true}}}]))
}

test_fail_account_condition_wildcard if {
	fails(endpoint([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalAccount": "*"}}}]))
}

test_fail_patch_statement_any_action if {
	fails(endpoint([this_account, object.union(patch_repositories, {"Action": "*"})]))
}

test_fail_patch_statement_write if {
	fails(endpoint([this_account, object.union(patch_repositories, {"Action": ["s3:GetObject", "s3:PutObject"]})]))
}

test_fail_patch_statement_any_bucket if {
	fails(endpoint([this_account, object.union(patch_repositories, {"Resource": "arn:aws:s3:::*"})]))
}

test_fail_patch_statement_any_resource if {
	fails(endpoint([this_account, object.union(patch_repositories, {"Resource": "*"})]))
}

interface_endpoint(name, service, private_dns) := {
	"//": {"metadata": {"path": sprintf("dev-network/endpoints/%s", [name])}},
	"service_name": service,
	"vpc_endpoint_type": "Interface",
	"vpc_id": "${aws_vpc.vpc.id}",
	"private_dns_enabled": private_dns,
	"policy": json.marshal({"Version": "2012-10-17", "Statement": [this_account]}),
}

gateway_s3(vpc) := {
	"//": {"metadata": {"path": "dev-network/endpoints/s3"}},
	"service_name": "com.amazonaws.eu-west-2.s3",
	"vpc_endpoint_type": "Gateway",
	"vpc_id": vpc,
	"policy": json.marshal({"Version": "2012-10-17", "Statement": [this_account]}),
}

endpoints(by_name) := {"resource": {"aws_vpc_endpoint": by_name}}

test_pass_private_dns_and_onprem_s3_beside_the_gateway if {
	count(rule.deny) == 0 with input as endpoints({
		"kms": interface_endpoint("kms", "com.amazonaws.eu-west-2.kms", true),
		"s3-onprem": interface_endpoint("s3-onprem", "com.amazonaws.eu-west-2.s3", false),
		"s3": gateway_s3("${aws_vpc.vpc.id}"),
	})
}

private_dns_fails(doc, name) if {
	some v in rule.deny with input as doc
	v.rule_id == "NET-011"
	v.resource_path == sprintf("dev-network/endpoints/%s", [name])
	contains(v.msg, "without private DNS")
}

test_fail_interface_endpoint_without_private_dns if {
	private_dns_fails(endpoints({"kms": interface_endpoint("kms", "com.amazonaws.eu-west-2.kms", false)}), "kms")
}

test_fail_interface_endpoint_private_dns_unset if {
	private_dns_fails(endpoints({"sts": object.remove(interface_endpoint("sts", "com.amazonaws.eu-west-2.sts", true), {"private_dns_enabled"})}), "sts")
}

test_fail_s3_interface_without_private_dns_and_no_gateway_in_its_vpc if {
	private_dns_fails(endpoints({
		"s3-onprem": interface_endpoint("s3-onprem", "com.amazonaws.eu-west-2.s3", false),
		"s3": gateway_s3("${aws_vpc.other.id}"),
	}), "s3-onprem")
}
