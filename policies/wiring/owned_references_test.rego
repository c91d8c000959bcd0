package rules.wiring.owned_references_test

import data.rules.wiring.owned_references as rule

owned := [
	{"type": "aws_s3_bucket_lifecycle_configuration", "path": "bucket", "why": "its own bucket"},
	{"type": "aws_vpc_security_group_egress_rule", "path": "security_group_id", "why": "its own group"},
	{"type": "aws_lambda_function", "path": "logging_config.log_group", "why": "its own log group"},
	{"type": "aws_lambda_function", "path": "vpc_config.security_group_ids", "why": "its own group"},
	{"type": "aws_config_configuration_recorder_status", "path": "name", "why": "its own region's recorder"},
	{"type": "aws_config_delivery_channel", "path": "s3_bucket_name", "why": "the Config bucket", "cross_region": "one bucket for every region"},
]

at(path) := {"metadata": {"path": path}}

regional(path, provider) := {"//": at(path), "provider": provider}

providers := {"aws": [{"region": "eu-west-2"}, {"alias": "backup", "region": "eu-west-1"}]}

# Two components of each kind, every reference to its own: a bucket and its replica (the
# replica nested one scope deeper), two functions with their own groups and log groups, a
# recorder per region.
good := {"provider": providers, "resource": {
	"aws_s3_bucket": {
		"export": {"//": at("dev-data/export/bucket/bucket")},
		"replica": {"//": at("dev-data/export/bucket/replica/bucket")},
		"config": {"//": at("dev-security/config/bucket")},
	},
	"aws_s3_bucket_lifecycle_configuration": {
		"export": {"//": at("dev-data/export/bucket/lifecycle"), "bucket": "${aws_s3_bucket.export.id}"},
		"replica": {"//": at("dev-data/export/bucket/replica/lifecycle"), "bucket": "${aws_s3_bucket.replica.id}"},
	},
	"aws_security_group": {
		"web": {"//": at("dev-campaign/functions/web/security-group")},
		"migrate": {"//": at("dev-campaign/functions/db-migrate/security-group")},
	},
	"aws_vpc_security_group_egress_rule": {
		"web": {"//": at("dev-campaign/functions/web/egress-0"), "security_group_id": "${aws_security_group.web.id}", "referenced_security_group_id": "${aws_security_group.migrate.id}"},
		"migrate": {"//": at("dev-campaign/functions/db-migrate/egress-0"), "security_group_id": "${aws_security_group.migrate.id}"},
	},
	"aws_cloudwatch_log_group": {
		"web": {"//": at("dev-campaign/functions/web/log-group")},
		"migrate": {"//": at("dev-campaign/functions/db-migrate/log-group")},
		"waf": {"//": at("dev-campaign/api-waf/logs/group")},
	},
	"aws_lambda_function": {
		"web": {"//": at("dev-campaign/functions/web/function"), "logging_config": [{"log_group": "${aws_cloudwatch_log_group.web.name}"}], "vpc_config": {"security_group_ids": ["${aws_security_group.web.id}"]}},
		"migrate": {"//": at("dev-campaign/functions/db-migrate/function"), "logging_config": {"log_group": "${aws_cloudwatch_log_group.migrate.name}"}},
	},
	"aws_config_configuration_recorder": {
		"primary": {"//": at("dev-security/config/recorder")},
		"backup": regional("dev-security/config/recorder-eu-west-1", "aws.backup"),
	},
	"aws_config_delivery_channel": {"backup": object.union(regional("dev-security/config/delivery-channel-eu-west-1", "aws.backup"), {"s3_bucket_name": "${aws_s3_bucket.config.bucket}"})},
	"aws_config_configuration_recorder_status": {
		"primary": {"//": at("dev-security/config/recording"), "name": "${aws_config_configuration_recorder.primary.name}"},
		"backup": object.union(regional("dev-security/config/recording-eu-west-1", "aws.backup"), {"name": "${aws_config_configuration_recorder.backup.name}"}),
	},
}}

findings(d) := {v.msg | some v in result} if {
	result := rule.deny with input as d with data.owned_references as owned
}

fails_with(d, text) if {
	some msg in findings(d)
	contains(msg, text)
}

rewired(type, name, attributes) := object.union(good, {"resource": {type: {name: attributes}}})

test_pass_every_reference_names_its_own if {
	count(findings(good)) == 0
}

# A peer reference (the group a rule allows traffic to) is not an owned one: it may cross components.
test_pass_references_not_declared_owned_may_cross if {
	d := rewired("aws_vpc_security_group_egress_rule", "migrate", {"referenced_security_group_id": "${aws_security_group.web.id}"})
	count(findings(d)) == 0
}

# The export bucket's lifecycle moved to the replica: both are in the bucket's scope, but the
# replica is one scope further away.
test_fail_setting_moved_to_a_nested_bucket if {
	d := rewired("aws_s3_bucket_lifecycle_configuration", "export", {"bucket": "${aws_s3_bucket.replica.id}"})
	fails_with(d, "bucket names aws_s3_bucket.replica (dev-data/export/bucket/replica/bucket), not its own component's aws_s3_bucket: aws_s3_bucket.export")
}

test_fail_rule_moved_to_another_components_group if {
	d := rewired("aws_vpc_security_group_egress_rule", "migrate", {"security_group_id": "${aws_security_group.web.id}"})
	fails_with(d, "security_group_id names aws_security_group.web")
}

# Any element of a list, in an object or a list block.
test_fail_function_logging_to_another_group_or_second_security_group if {
	fails_with(rewired("aws_lambda_function", "web", {"logging_config": [{"log_group": "${aws_cloudwatch_log_group.waf.name}"}]}), "logging_config.log_group names aws_cloudwatch_log_group.waf")
	fails_with(rewired("aws_lambda_function", "web", {"vpc_config": {"security_group_ids": ["${aws_security_group.web.id}", "${aws_security_group.migrate.id}"]}}), "vpc_config.security_group_ids names aws_security_group.migrate")
}

# Equally near in the tree, but in another region.
test_fail_reference_to_another_region if {
	d := rewired("aws_config_configuration_recorder_status", "backup", {"name": "${aws_config_configuration_recorder.primary.name}"})
	fails_with(d, "name names aws_config_configuration_recorder.primary in eu-west-2, but the resource is in eu-west-1")
}
