# API-001: REST APIs are reachable only through their custom domain, over TLS 1.2 or newer:
# each API is REGIONAL (or PRIVATE, never edge-optimized, whose CloudFront distribution we
# could not put our WAF and TLS policy on) with the default execute-api endpoint disabled
# (it would bypass the domain's TLS policy and base-path layout), and each custom domain
# has a TLS 1.2+ security policy and a certificate.
package rules.api.endpoint_tls

import data.lib.cdktf

metadata := {
	"id": "API-001",
	"title": "REST APIs are regional, reachable only through a custom domain with a TLS 1.2+ policy and a certificate",
	"severity": "high",
	"hipaa": ["T", "A"],
	"control": "HTTP entry points: TLS, access logging, throttling, WAF",
	"references": ["nag:APIGWSSLEnabled", "own"],
	"fix": "Create the API with HttpsApi (modules/campaign/https-api.ts): endpoint_configuration REGIONAL, disable_execute_api_endpoint true, and a domain name with security_policy TLS_1_2 and an ACM certificate.",
}

endpoint_types(api) := [t |
	some config in cdktf.blocks(object.get(api.values, "endpoint_configuration", null))
	some t in cdktf.as_array(object.get(config, "types", []))
]

deny contains cdktf.violation(metadata, api, sprintf("endpoint_configuration.types is %v; it must be REGIONAL or PRIVATE (absent means EDGE)", [endpoint_types(api)])) if {
	some api in cdktf.resources("aws_api_gateway_rest_api")
	types := endpoint_types(api)
	not regional_or_private(types)
}

regional_or_private(types) if {
	count(types) > 0
	every t in types {
		t in {"REGIONAL", "PRIVATE"}
	}
}

deny contains cdktf.violation(metadata, api, "disable_execute_api_endpoint is not true; the default https://<id>.execute-api endpoint bypasses the custom domain") if {
	some api in cdktf.resources("aws_api_gateway_rest_api")
	api.values.disable_execute_api_endpoint != true
}

deny contains cdktf.violation(metadata, api, "disable_execute_api_endpoint is absent; the default https://<id>.execute-api endpoint bypasses the custom domain") if {
	some api in cdktf.resources("aws_api_gateway_rest_api")
	not "disable_execute_api_endpoint" in object.keys(api.values)
}

deny contains cdktf.violation(metadata, domain, sprintf("security_policy is %v; it must be TLS_1_2 or a SecurityPolicy_TLS13_* policy", [object.get(domain.values, "security_policy", "absent (TLS_1_0)")])) if {
	some domain in cdktf.resources("aws_api_gateway_domain_name")
	not strong_policy(object.get(domain.values, "security_policy", null))
}

strong_policy(p) if p == "TLS_1_2"

strong_policy(p) if {
	is_string(p)
	startswith(p, "SecurityPolicy_TLS13_")
}

deny contains cdktf.violation(metadata, domain, "has neither regional_certificate_arn nor certificate_arn") if {
	some domain in cdktf.resources("aws_api_gateway_domain_name")
	not cdktf.non_empty_string(object.get(domain.values, "regional_certificate_arn", null))
	not cdktf.non_empty_string(object.get(domain.values, "certificate_arn", null))
}
