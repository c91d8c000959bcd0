package lib.audit_test

import data.lib.audit

test_security_stack_by_name if {
	audit.is_security_stack with input as {"//": {"metadata": {"stackName": "prod-security"}}}
	not audit.is_security_stack with input as {"//": {"metadata": {"stackName": "prod-data"}}}
	not audit.is_security_stack with input as {}
}

test_trail_relations if {
	doc := {"resource": {
		"aws_cloudtrail": {"t": {"s3_bucket_name": "${aws_s3_bucket.b.bucket}", "cloud_watch_logs_group_arn": "${aws_cloudwatch_log_group.g.arn}:*"}},
		"aws_s3_bucket": {"b": {"bucket": "x"}},
		"aws_cloudwatch_log_group": {"g": {}},
	}}
	some trail in audit.trails with input as doc
	audit.trail_bucket(trail).address == "aws_s3_bucket.b" with input as doc
	audit.trail_log_group(trail).address == "aws_cloudwatch_log_group.g" with input as doc
}
