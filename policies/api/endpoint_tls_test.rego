package rules.api.endpoint_tls_test

import data.rules.api.endpoint_tls as rule

api := {"name": "public", "disable_execute_api_endpoint": true, "endpoint_configuration": {"types": ["REGIONAL"]}}

domain := {"domain_name": "api.dev.medicare.example", "endpoint_configuration": {"types": ["REGIONAL"]}, "security_policy": "TLS_1_2", "regional_certificate_arn": "${aws_acm_certificate_validation.api.certificate_arn}"}

doc(a, d) := {"resource": {"aws_api_gateway_rest_api": {"public": a}, "aws_api_gateway_domain_name": {"api": d}}}

fails_on(input_doc, address) if {
	some v in rule.deny with input as input_doc
	v.rule_id == "API-001"
	v.address == address
}

test_pass_regional_api_behind_tls12_domain if {
	count(rule.deny) == 0 with input as doc(api, domain)
}

test_pass_private_api_and_tls13_policy if {
	a := object.union(api, {"endpoint_configuration": [{"types": ["PRIVATE"]}]})
	d := object.union(domain, {"security_policy": "SecurityPolicy_TLS13_1_3_2025_09"})
	count(rule.deny) == 0 with input as doc(a, d)
}

test_fail_edge_api if {
	fails_on(doc(object.union(api, {"endpoint_configuration": {"types": ["EDGE"]}}), domain), "aws_api_gateway_rest_api.public")
}

test_fail_no_endpoint_configuration_means_edge if {
	fails_on(doc(object.remove(api, ["endpoint_configuration"]), domain), "aws_api_gateway_rest_api.public")
}

test_fail_execute_api_endpoint_enabled if {
	fails_on(doc(object.union(api, {"disable_execute_api_endpoint": false}), domain), "aws_api_gateway_rest_api.public")
}

test_fail_execute_api_endpoint_default if {
	fails_on(doc(object.remove(api, ["disable_execute_api_endpoint"]), domain), "aws_api_gateway_rest_api.public")
}

test_fail_tls_1_0_domain if {
	fails_on(doc(api, object.union(domain, {"security_policy": "TLS_1_0"})), "aws_api_gateway_domain_name.api")
}

test_fail_default_security_policy if {
	fails_on(doc(api, object.remove(domain, ["security_policy"])), "aws_api_gateway_domain_name.api")
}

test_fail_no_certificate if {
	fails_on(doc(api, object.remove(domain, ["regional_certificate_arn"])), "aws_api_gateway_domain_name.api")
}
