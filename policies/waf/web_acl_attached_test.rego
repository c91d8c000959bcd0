package rules.waf.web_acl_attached_test

import data.rules.waf.web_acl_attached as rule

base := {
	"aws_lb": {"alb": {"//": {"metadata": {"path": "dev-edge/alb/alb"}}, "load_balancer_type": "application"}},
	"aws_wafv2_web_acl": {"acl": {}},
	"aws_wafv2_web_acl_association": {"a": {"resource_arn": "${aws_lb.alb.arn}", "web_acl_arn": "${aws_wafv2_web_acl.acl.arn}"}},
	"aws_cloudfront_distribution": {"cdn": {"//": {"metadata": {"path": "dev-edge/forms-cdn/distribution"}}, "web_acl_id": "${aws_wafv2_web_acl.acl.arn}"}},
}

fails(d, path) if {
	some v in rule.deny with input as {"resource": d}
	v.rule_id == "WAF-001"
	v.resource_path == path
}

test_pass_alb_and_distribution_behind_acls if {
	count(rule.deny) == 0 with input as {"resource": base}
}

test_pass_internal_alb_needs_none if {
	count(rule.deny) == 0 with input as {"resource": {"aws_lb": {"alb": {"internal": true}}}}
}

test_fail_alb_without_association if {
	fails(object.remove(base, ["aws_wafv2_web_acl_association"]), "dev-edge/alb/alb")
}

test_fail_distribution_without_acl_or_with_classic_waf if {
	fails(json.patch(base, [{"op": "remove", "path": "/aws_cloudfront_distribution/cdn/web_acl_id"}]), "dev-edge/forms-cdn/distribution")
	fails(json.patch(base, [{"op": "replace", "path": "/aws_cloudfront_distribution/cdn/web_acl_id", "value": "${aws_waf_web_acl.classic.id}"}]), "dev-edge/forms-cdn/distribution")
}
