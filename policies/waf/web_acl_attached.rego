# WAF-001: every internet-facing entry point (Application Load Balancer, CloudFront
# distribution, API Gateway stage) is behind a WAFv2 web ACL.
package rules.waf.web_acl_attached

import data.lib.cdktf

metadata := {
	"id": "WAF-001",
	"title": "Every internet-facing ALB, API stage and CloudFront distribution has a WAFv2 web ACL",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "every internet-facing ALB, API and CloudFront distribution has a WAFv2 web ACL with the managed common, known-bad-inputs, SQLi and IP-reputation groups and a rate-based rule",
	"references": ["ckv:CKV2_AWS_28", "ckv:CKV2_AWS_29", "ckv:CKV_AWS_68", "ckv:CKV2_AWS_76"],
	"fix": "Associate a WebAcl (modules/edge/waf.ts): aws_wafv2_web_acl_association for a load balancer or API stage (WebLoadBalancer does), web_acl_id = the CLOUDFRONT ACL's ARN for a distribution (FormsCdn does).",
}

internet_facing_albs contains lb if {
	some type in ["aws_lb", "aws_alb"]
	some lb in cdktf.resources(type)
	object.get(lb.values, "load_balancer_type", "application") == "application"
	not lb.values.internal == true
}

associated(resource) if {
	some a in cdktf.resources("aws_wafv2_web_acl_association")
	cdktf.refers_to(object.get(a.values, "resource_arn", null), resource)
	cdktf.ref_type(object.get(a.values, "web_acl_arn", null)) == "aws_wafv2_web_acl"
}

deny contains cdktf.violation(metadata, lb, "no aws_wafv2_web_acl_association puts a web ACL in front of this internet-facing load balancer") if {
	some lb in internet_facing_albs
	not associated(lb)
}

deny contains cdktf.violation(metadata, stage, "no aws_wafv2_web_acl_association puts a web ACL in front of this API stage") if {
	some stage in cdktf.resources("aws_api_gateway_stage")
	not associated(stage)
}

deny contains cdktf.violation(metadata, d, sprintf("web_acl_id is %v; it must be the ARN of a WAFv2 web ACL (scope CLOUDFRONT)", [object.get(d.values, "web_acl_id", "absent")])) if {
	some d in cdktf.resources("aws_cloudfront_distribution")
	not wafv2_acl_arn(object.get(d.values, "web_acl_id", null))
}

wafv2_acl_arn(x) if regex.match(`^\$\{aws_wafv2_web_acl\.[A-Za-z0-9_-]+\.arn\}$`, x)

wafv2_acl_arn(x) if regex.match(`^arn:aws:wafv2:us-east-1:[0-9]{12}:global/webacl/`, x)
