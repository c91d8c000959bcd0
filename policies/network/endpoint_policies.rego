# NET-011: every VPC endpoint has a policy that keeps the data perimeter: a statement open
# to every principal ("*") must require the principal or the resource to belong to this
# account or organization (aws:PrincipalAccount, aws:PrincipalOrgID, aws:ResourceAccount,
# aws:ResourceOrgID). The one kind of statement allowed without that condition only reads
# named resources (the S3 gateway endpoint's AWS-owned patch repositories): no wildcard
# action, no write, no Resource "*", so nothing can be copied out through it to a bucket of
# another account. Without a policy AWS applies its default: everything, for everyone.
# An interface endpoint without private DNS is bypassed: SDK calls to the service's public
# name leave through the NAT gateway, outside its policy. The one exception is an S3 interface
# endpoint in a VPC whose S3 gateway endpoint already takes the in-VPC traffic (on-premises
# clients call the interface endpoint by its own name).
package rules.network.endpoint_policies

import data.lib.cdktf
import data.lib.iam

metadata := {
	"id": "NET-011",
	"title": "VPC endpoint policies admit only this account's principals, or read named resources",
	"severity": "high",
	"hipaa": ["A", "T"],
	"control": "trust policies never allow `*` principals; service principals scoped with `aws:SourceArn`/`SourceAccount` where supported (applied to VPC endpoint policies: a `*` principal only with an account or organization condition)",
	"references": ["own"],
	"fix": "Give the endpoint PrivateEndpoints' policy (modules/network/endpoints.ts): Principal * with StringEquals aws:PrincipalAccount = this account; other statements only s3:GetObject-style reads on named ARNs. Interface endpoints keep private_dns_enabled true.",
}

perimeter_keys := {"aws:principalaccount", "aws:principalorgid", "aws:resourceaccount", "aws:resourceorgid"}

positive_operators := {"StringEquals", "StringLike", "StringEqualsIgnoreCase", "ForAnyValue:StringEquals", "ForAnyValue:StringLike"}

# Read-only verbs, the only actions a statement without the perimeter condition may carry.
read_verbs := ["Get", "List", "Describe", "Head"]

account_restricted(stmt) if {
	some operator, by_key in object.get(stmt, "Condition", {})
	operator in positive_operators
	some key, values in by_key
	lower(key) in perimeter_keys
	some v in cdktf.as_array(values)
	is_string(v)
	v != ""
	not contains(v, "*")
}

read_only_action(action) if {
	is_string(action)
	not contains(action, "*")
	parts := split(action, ":")
	count(parts) == 2
	some verb in read_verbs
	startswith(parts[1], verb)
}

named_resource(r) if {
	is_string(r)
	r != "*"
	regex.match(`^arn:aws[a-z-]*:[a-z0-9-]+:[^:]*:[^:]*:.*[^*:]`, r)
	not regex.match(`^arn:aws[a-z-]*:s3:::\*`, r)
}

narrow(stmt) if {
	object.get(stmt, "NotAction", null) == null
	object.get(stmt, "NotResource", null) == null
	actions := cdktf.as_array(object.get(stmt, "Action", []))
	count(actions) > 0
	every a in actions {
		read_only_action(a)
	}
	resources := cdktf.as_array(object.get(stmt, "Resource", []))
	count(resources) > 0
	every r in resources {
		named_resource(r)
	}
}

deny contains cdktf.violation(metadata, endpoint, "has no policy; AWS's default endpoint policy allows every action by every principal on every resource") if {
	some endpoint in cdktf.resources("aws_vpc_endpoint")
	not cdktf.non_empty_string(object.get(endpoint.values, "policy", null))
}

deny contains cdktf.violation(metadata, endpoint, "the policy is not a literal JSON policy document, so it cannot be checked") if {
	some endpoint in cdktf.resources("aws_vpc_endpoint")
	cdktf.non_empty_string(object.get(endpoint.values, "policy", null))
	not cdktf.policy_document(endpoint.values.policy)
}

deny contains cdktf.violation(metadata, endpoint, sprintf("statement %v allows %v without a condition limiting it to this account or organization (aws:PrincipalAccount, aws:PrincipalOrgID, aws:ResourceAccount), and is not a read of named resources", [object.get(stmt, "Sid", i), cdktf.as_array(object.get(stmt, "Action", object.get(stmt, "NotAction", [])))])) if {
	some endpoint in cdktf.resources("aws_vpc_endpoint")
	some i, stmt in iam.allows(object.get(endpoint.values, "policy", ""))
	not account_restricted(stmt)
	not narrow(stmt)
}

gateway_endpoint_for(service, vpc) if {
	some gateway in cdktf.resources("aws_vpc_endpoint")
	object.get(gateway.values, "vpc_endpoint_type", "Gateway") == "Gateway"
	gateway.values.service_name == service
	object.get(gateway.values, "vpc_id", null) == vpc
}

bypass_covered(endpoint) if {
	regex.match(`^com\.amazonaws\.[a-z0-9-]+\.s3$`, endpoint.values.service_name)
	gateway_endpoint_for(endpoint.values.service_name, object.get(endpoint.values, "vpc_id", null))
}

deny contains cdktf.violation(metadata, endpoint, sprintf("is an interface endpoint for %v without private DNS: calls to the service's public name leave through the NAT gateway and never meet this endpoint's policy", [object.get(endpoint.values, "service_name", "?")])) if {
	some endpoint in cdktf.resources("aws_vpc_endpoint")
	endpoint.values.vpc_endpoint_type == "Interface"
	object.get(endpoint.values, "private_dns_enabled", false) != true
	not bypass_covered(endpoint)
}
