package rules.iam.service_principals_scoped_test

import data.rules.iam.fixtures_test as fx
import data.rules.iam.service_principals_scoped as rule

statement(principal, condition) := object.union(
	{"Sid": "Service", "Effect": "Allow", "Principal": {"Service": principal}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"},
	condition,
)

bucket_policy(statements) := fx.stack({"aws_s3_bucket_policy": {"p": {
	"//": fx.meta("dev-security/config/bucket/policy"),
	"bucket": "${aws_s3_bucket.b.id}",
	"policy": fx.doc(statements),
}}})

key_policy(statements) := fx.stack({"aws_kms_key": {"k": {
	"//": fx.meta("dev-security/keys/logs/key"),
	"enable_key_rotation": true,
	"policy": fx.doc(statements),
}}})

fails(doc, path) if {
	some v in rule.deny with input as doc
	v.rule_id == "IAM-008"
	v.resource_path == path
}

passes(doc) if count(rule.deny) == 0 with input as doc

test_pass_source_account if {
	passes(bucket_policy([statement("config.amazonaws.com", {"Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}}})]))
}

test_pass_source_arn_reference if {
	passes(bucket_policy([statement("cloudfront.amazonaws.com", {"Condition": {"StringEquals": {"AWS:SourceArn": "${aws_cloudfront_distribution.d.arn}"}}})]))
}

test_pass_deny_statement_without_condition if {
	passes(bucket_policy([{"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:DeleteObject", "Resource": "*"}]))
}

test_pass_key_policy_scoped_by_encryption_context if {
	passes(key_policy([statement("logs.eu-west-2.amazonaws.com", {"Action": "kms:Decrypt", "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-2:111111111111:log-group:*"}}})]))
}

test_pass_key_policy_grant_for_aws_resource if {
	passes(key_policy([statement("dnssec-route53.amazonaws.com", {"Action": "kms:CreateGrant", "Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}})]))
}

test_fail_no_condition if {
	fails(bucket_policy([statement("cloudtrail.amazonaws.com", {})]), "dev-security/config/bucket/policy")
}

test_fail_only_unrelated_condition if {
	fails(bucket_policy([statement("config.amazonaws.com", {"Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}})]), "dev-security/config/bucket/policy")
}

test_fail_source_arn_wildcard if {
	fails(bucket_policy([statement("logging.s3.amazonaws.com", {"Condition": {"ArnLike": {"aws:SourceArn": "*"}}})]), "dev-security/config/bucket/policy")
}

test_fail_negated_source_account if {
	fails(bucket_policy([statement("config.amazonaws.com", {"Condition": {"StringNotEquals": {"aws:SourceAccount": "111111111111"}}})]), "dev-security/config/bucket/policy")
}

test_fail_encryption_context_outside_key_policies if {
	fails(bucket_policy([statement("logs.eu-west-2.amazonaws.com", {"Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-2:111111111111:log-group:*"}}})]), "dev-security/config/bucket/policy")
}

test_fail_grant_condition_on_use_actions if {
	fails(key_policy([statement("dnssec-route53.amazonaws.com", {"Action": ["kms:CreateGrant", "kms:Sign"], "Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}})]), "dev-security/keys/logs/key")
}

test_fail_key_policy_without_condition if {
	fails(key_policy([statement("cloudtrail.amazonaws.com", {"Action": "kms:GenerateDataKey*"})]), "dev-security/keys/logs/key")
}

test_fail_topic_policy if {
	fails(fx.stack({"aws_sns_topic_policy": {"t": {"//": fx.meta("dev-security/security-alarms/topic-policy"), "arn": "${aws_sns_topic.t.arn}", "policy": fx.doc([statement("events.amazonaws.com", {"Action": "sns:Publish"})])}}}), "dev-security/security-alarms/topic-policy")
}
