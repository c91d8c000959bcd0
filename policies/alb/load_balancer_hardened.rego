# ALB-002: every Application Load Balancer drops invalid header fields, uses the strictest
# HTTP desync mitigation (request smuggling), writes access logs to a load-balancer-logs
# bucket and cannot be deleted by accident.
package rules.alb.load_balancer_hardened

import data.lib.cdktf
import data.lib.s3

metadata := {
	"id": "ALB-002",
	"title": "Application Load Balancers drop invalid headers, use strictest desync mitigation, log access and have deletion protection",
	"severity": "high",
	"hipaa": ["L", "B", "T"],
	"control": "drop invalid headers; desync mitigation strictest; access logs; deletion protection",
	"references": ["nag:ALBHttpDropInvalidHeaderEnabled", "nag:ELBLoggingEnabled", "nag:ELBDeletionProtectionEnabled", "ckv:CKV_AWS_131", "ckv:CKV_AWS_328", "ckv:CKV_AWS_91", "ckv:CKV_AWS_150"],
	"fix": "Create the load balancer with WebLoadBalancer (modules/edge/alb.ts), which sets drop_invalid_header_fields, desync_mitigation_mode strictest, deletion protection and access logs to its load-balancer-logs SecureBucket.",
}

albs contains lb if {
	some type in ["aws_lb", "aws_alb"]
	some lb in cdktf.resources(type)
	object.get(lb.values, "load_balancer_type", "application") == "application"
}

deny contains cdktf.violation(metadata, lb, "drop_invalid_header_fields is not true") if {
	some lb in albs
	not lb.values.drop_invalid_header_fields == true
}

deny contains cdktf.violation(metadata, lb, sprintf("desync_mitigation_mode is %v; it must be strictest", [object.get(lb.values, "desync_mitigation_mode", "absent (defensive)")])) if {
	some lb in albs
	object.get(lb.values, "desync_mitigation_mode", "defensive") != "strictest"
}

deny contains cdktf.violation(metadata, lb, "enable_deletion_protection is not true") if {
	some lb in albs
	not lb.values.enable_deletion_protection == true
}

deny contains cdktf.violation(metadata, lb, "access_logs is absent or not enabled") if {
	some lb in albs
	not logs_enabled(lb)
}

deny contains cdktf.violation(metadata, lb, "access_logs names no bucket of this stack tagged load-balancer-logs") if {
	some lb in albs
	logs_enabled(lb)
	not logs_to_log_bucket(lb)
}

logs_enabled(lb) if {
	some logs in cdktf.blocks(object.get(lb.values, "access_logs", null))
	logs.enabled == true
	cdktf.non_empty_string(object.get(logs, "bucket", null))
}

logs_to_log_bucket(lb) if {
	some logs in cdktf.blocks(lb.values.access_logs)
	some bucket in s3.buckets
	s3.names_bucket(logs.bucket, bucket)
	s3.contents(bucket) == s3.load_balancer_logs
}
