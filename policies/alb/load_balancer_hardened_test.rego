package rules.alb.load_balancer_hardened_test

import data.rules.alb.load_balancer_hardened as rule

good := {
	"//": {"metadata": {"path": "dev-edge/alb/alb"}},
	"load_balancer_type": "application",
	"drop_invalid_header_fields": true,
	"desync_mitigation_mode": "strictest",
	"enable_deletion_protection": true,
	"access_logs": {"bucket": "${aws_s3_bucket.logs.bucket}", "prefix": "alb", "enabled": true},
}

doc(lb, contents) := {"resource": {
	"aws_lb": {"alb": lb},
	"aws_s3_bucket": {"logs": {"bucket": "medicare-dev-alb-logs-111111111111", "tags": {"bucket-contents": contents}}},
}}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "ALB-002"
	v.resource_path == "dev-edge/alb/alb"
}

test_pass_hardened if {
	count(rule.deny) == 0 with input as doc(good, "load-balancer-logs")
}

test_pass_network_load_balancer_is_out_of_scope if {
	count(rule.deny) == 0 with input as doc({"load_balancer_type": "network"}, "load-balancer-logs")
}

test_fail_each_property if {
	fails(doc(object.union(good, {"drop_invalid_header_fields": false}), "load-balancer-logs"))
	fails(doc(object.remove(good, ["desync_mitigation_mode"]), "load-balancer-logs"))
	fails(doc(object.union(good, {"enable_deletion_protection": false}), "load-balancer-logs"))
	fails(doc(object.remove(good, ["access_logs"]), "load-balancer-logs"))
	fails(doc(object.union(good, {"access_logs": {"bucket": "${aws_s3_bucket.logs.bucket}", "enabled": false}}), "load-balancer-logs"))
}

test_fail_logs_to_a_bucket_not_tagged_for_them if {
	fails(doc(good, "operational"))
}
