package rules.network.resolver_query_logging_test

import data.rules.network.resolver_query_logging as rule

good := {"resource": {
	"aws_vpc": {"main": {"//": {"metadata": {"path": "dev-network/vpc/vpc"}}}},
	"aws_route53_resolver_query_log_config": {"log": {"name": "q", "destination_arn": "${aws_cloudwatch_log_group.queries.arn}"}},
	"aws_route53_resolver_query_log_config_association": {"assoc": {
		"resolver_query_log_config_id": "${aws_route53_resolver_query_log_config.log.id}",
		"resource_id": "${aws_vpc.main.id}",
	}},
}}

fails_on_vpc(doc) if {
	result := rule.deny with input as doc
	some v in result
	v.rule_id == "NET-009"
	v.resource_path == "dev-network/vpc/vpc"
}

test_pass_vpc_queries_logged if {
	count(rule.deny) == 0 with input as good
}

test_fail_no_association if {
	fails_on_vpc(json.patch(good, [{"op": "remove", "path": "/resource/aws_route53_resolver_query_log_config_association"}]))
}

test_fail_association_of_another_vpc if {
	fails_on_vpc(json.patch(good, [{"op": "replace", "path": "/resource/aws_route53_resolver_query_log_config_association/assoc/resource_id", "value": "${aws_vpc.other.id}"}]))
}

test_fail_config_without_destination if {
	fails_on_vpc(json.patch(good, [{"op": "remove", "path": "/resource/aws_route53_resolver_query_log_config/log/destination_arn"}]))
}

test_fail_config_not_declared if {
	fails_on_vpc(json.patch(good, [{"op": "remove", "path": "/resource/aws_route53_resolver_query_log_config"}]))
}
