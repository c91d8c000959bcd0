# ALB-001: load balancer listeners speak TLS 1.2+ with an ACM certificate; a plain-HTTP
# listener may only redirect to HTTPS, never forward or answer, so no request or session
# cookie crosses the internet in clear text.
package rules.alb.https_listeners

import data.lib.cdktf

metadata := {
	"id": "ALB-001",
	"title": "Load balancer listeners use HTTPS with a TLS 1.2+ policy and an ACM certificate; HTTP only redirects to HTTPS",
	"severity": "critical",
	"hipaa": ["E", "T"],
	"control": "HTTPS listeners with a TLS 1.2+ policy and an ACM certificate; HTTP only redirects",
	"references": ["nag:ALBHttpToHttpsRedirection", "nag:ELBv2ACMCertificateRequired", "ckv:CKV_AWS_2", "ckv:CKV_AWS_103"],
	"fix": "Create listeners with WebLoadBalancer (modules/edge/alb.ts): HTTPS with ALB_TLS_POLICY and the validated certificate, and an HTTP listener whose only action redirects to HTTPS.",
}

# ELB security policies that allow TLS 1.0 or 1.1 (everything not named TLS13 or FS-1-2 / TLS-1-2).
tls12_policy(p) if {
	is_string(p)
	regex.match(`^ELBSecurityPolicy-(TLS13-1-[23]-.*|TLS-1-2-.*|FS-1-2-.*)$`, p)
	not regex.match(`^ELBSecurityPolicy-TLS13-1-[01]-`, p)
}

listeners := cdktf.resources("aws_lb_listener") | cdktf.resources("aws_alb_listener")

protocol(l) := upper(object.get(l.values, "protocol", "HTTP"))

deny contains cdktf.violation(metadata, l, sprintf("ssl_policy is %v; use a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-Res-2021-06", [object.get(l.values, "ssl_policy", "absent (ELBSecurityPolicy-2016-08, which allows TLS 1.0)")])) if {
	some l in listeners
	protocol(l) == "HTTPS"
	not tls12_policy(object.get(l.values, "ssl_policy", null))
}

deny contains cdktf.violation(metadata, l, "an HTTPS listener has no certificate_arn from ACM") if {
	some l in listeners
	protocol(l) == "HTTPS"
	not acm_certificate(object.get(l.values, "certificate_arn", null))
}

acm_certificate(c) if cdktf.ref_type(c) in {"aws_acm_certificate", "aws_acm_certificate_validation"}

acm_certificate(c) if {
	is_string(c)
	startswith(c, "arn:aws:acm:")
}

deny contains cdktf.violation(metadata, l, sprintf("protocol %v is neither HTTPS nor an HTTP redirect; load balancers here terminate TLS", [protocol(l)])) if {
	some l in listeners
	not protocol(l) in {"HTTPS", "HTTP"}
}

deny contains cdktf.violation(metadata, l, sprintf("the HTTP listener's action %v does not redirect to HTTPS; plain HTTP may only redirect", [action.type])) if {
	some l in listeners
	protocol(l) == "HTTP"
	some action in cdktf.blocks(object.get(l.values, "default_action", null))
	not redirects_to_https(action)
}

deny contains cdktf.violation(metadata, l, "the HTTP listener has no default action; give it a redirect to HTTPS") if {
	some l in listeners
	protocol(l) == "HTTP"
	count(cdktf.blocks(object.get(l.values, "default_action", null))) == 0
}

# Listener rules on an HTTP listener must redirect too.
deny contains cdktf.violation(metadata, rule, "a rule on the HTTP listener does not redirect to HTTPS") if {
	some rule in cdktf.resources("aws_lb_listener_rule")
	some l in listeners
	protocol(l) == "HTTP"
	cdktf.refers_to(object.get(rule.values, "listener_arn", null), l)
	some action in cdktf.blocks(object.get(rule.values, "action", null))
	not redirects_to_https(action)
}

redirects_to_https(action) if {
	action.type == "redirect"
	some r in cdktf.blocks(object.get(action, "redirect", null))
	upper(object.get(r, "protocol", "")) == "HTTPS"
}
