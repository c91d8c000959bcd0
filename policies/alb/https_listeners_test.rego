package rules.alb.https_listeners_test

import data.rules.alb.https_listeners as rule

meta(p) := {"metadata": {"path": p}}

doc(https, http) := {"resource": {"aws_lb_listener": {"https": object.union({"//": meta("dev-edge/alb/https"), "protocol": "HTTPS", "port": 443}, https), "http": object.union({"//": meta("dev-edge/alb/http-redirect"), "protocol": "HTTP", "port": 80}, http)}}}

good_https := {"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "certificate_arn": "${aws_acm_certificate_validation.v.certificate_arn}", "default_action": [{"type": "forward", "target_group_arn": "${aws_lb_target_group.t.arn}"}]}

redirect := {"default_action": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}]}

fails(d, path) if {
	some v in rule.deny with input as d
	v.rule_id == "ALB-001"
	v.resource_path == path
}

test_pass_tls13_and_redirect if {
	count(rule.deny) == 0 with input as doc(good_https, redirect)
}

test_fail_http_forwards if {
	fails(doc(good_https, {"default_action": [{"type": "forward", "target_group_arn": "${aws_lb_target_group.t.arn}"}]}), "dev-edge/alb/http-redirect")
}

test_fail_http_redirects_to_http if {
	fails(doc(good_https, {"default_action": [{"type": "redirect", "redirect": {"protocol": "HTTP", "port": "8080"}}]}), "dev-edge/alb/http-redirect")
}

test_fail_old_or_missing_tls_policy if {
	fails(doc(object.union(good_https, {"ssl_policy": "ELBSecurityPolicy-2016-08"}), redirect), "dev-edge/alb/https")
	fails(doc(object.union(good_https, {"ssl_policy": "ELBSecurityPolicy-TLS13-1-1-2021-06"}), redirect), "dev-edge/alb/https")
	fails(doc(object.remove(good_https, ["ssl_policy"]), redirect), "dev-edge/alb/https")
}

test_fail_https_without_acm_certificate if {
	fails(doc(object.remove(good_https, ["certificate_arn"]), redirect), "dev-edge/alb/https")
	fails(doc(object.union(good_https, {"certificate_arn": "arn:aws:iam::111111111111:server-certificate/old"}), redirect), "dev-edge/alb/https")
}
