package rules.kms.key_region_and_usage_test

import data.rules.kms.key_region_and_usage as rule

meta(path) := {"metadata": {"path": sprintf("dev-security/%s", [path])}}

good := {
	"provider": {"aws": [{"region": "eu-west-2"}, {"alias": "backup_region", "region": "eu-west-1"}, {"alias": "us_east_1", "region": "us-east-1"}]},
	"resource": {
		"aws_kms_key": {
			"logs": {"//": meta("keys/logs")},
			"backup": {"//": meta("backup-region-keys/backup"), "provider": "aws.backup_region"},
			"dnssec": {"//": meta("zone/dnssec"), "provider": "aws.us_east_1", "key_usage": "SIGN_VERIFY", "customer_master_key_spec": "ECC_NIST_P256"},
		},
		"aws_kms_alias": {"logs": {"//": meta("keys/logs-alias"), "target_key_id": "${aws_kms_key.logs.key_id}"}},
		"aws_cloudwatch_log_group": {"trail": {"//": meta("trail/logs"), "kms_key_id": "${aws_kms_key.logs.arn}"}},
		"aws_s3_bucket": {
			"trail": {"//": meta("trail/bucket")},
			"replica": {"//": meta("trail/replica"), "provider": "aws.backup_region"},
		},
		"aws_s3_bucket_replication_configuration": {"r": {"//": meta("trail/replication"), "bucket": "${aws_s3_bucket.trail.id}", "rule": [{"id": "all", "destination": {
			"bucket": "${aws_s3_bucket.replica.arn}",
			"encryption_configuration": {"replica_kms_key_id": "${aws_kms_key.backup.arn}"},
		}}]}},
		"aws_dlm_lifecycle_policy": {"snapshots": {"//": meta("snapshots"), "policy_details": {"schedule": [{"cross_region_copy_rule": [{"target": "eu-west-1", "cmk_arn": "${aws_kms_key.backup.arn}"}]}]}}},
		"aws_config_delivery_channel": {"backup-region": {"//": meta("config/delivery-channel-eu-west-1"), "provider": "aws.backup_region", "s3_bucket_name": "${aws_s3_bucket.trail.id}", "s3_kms_key_arn": "${aws_kms_key.logs.arn}"}},
		"aws_route53_key_signing_key": {"ksk": {"//": meta("zone/ksk"), "key_management_service_arn": "${aws_kms_key.dnssec.arn}"}},
	},
}

findings(d) := {v.msg | some v in rule.deny with input as d}

fails_with(d, text) if {
	some msg in findings(d)
	contains(msg, text)
}

test_pass_keys_of_their_region_and_usage if {
	count(findings(good)) == 0
}

test_fail_log_group_under_the_backup_region_key if {
	d := json.patch(good, [{"op": "replace", "path": "/resource/aws_cloudwatch_log_group/trail/kms_key_id", "value": "${aws_kms_key.backup.arn}"}])
	fails_with(d, "kms_key_id names aws_kms_key.backup, a key in eu-west-1; the resource needs one in eu-west-2")
}

test_fail_replica_key_of_the_source_region if {
	d := json.patch(good, [{"op": "replace", "path": "/resource/aws_s3_bucket_replication_configuration/r/rule/0/destination/encryption_configuration/replica_kms_key_id", "value": "${aws_kms_key.logs.arn}"}])
	fails_with(d, "a key in eu-west-2; the resource needs one in eu-west-1")
}

test_fail_encrypting_with_the_signing_key if {
	d := json.patch(good, [
		{"op": "replace", "path": "/resource/aws_kms_key/dnssec/provider", "value": "aws"},
		{"op": "replace", "path": "/resource/aws_cloudwatch_log_group/trail/kms_key_id", "value": "${aws_kms_key.dnssec.arn}"},
	])
	fails_with(d, "a SIGN_VERIFY key; encryption needs an ENCRYPT_DECRYPT key")
}

test_fail_signing_with_an_encryption_key_or_outside_us_east_1 if {
	d := json.patch(good, [{"op": "replace", "path": "/resource/aws_route53_key_signing_key/ksk/key_management_service_arn", "value": "${aws_kms_key.logs.arn}"}])
	fails_with(d, "a key-signing key needs a SIGN_VERIFY key")
	fails_with(d, "the resource needs one in us-east-1")
}

test_fail_alias_in_another_region_than_its_key if {
	d := json.patch(good, [{"op": "replace", "path": "/resource/aws_kms_alias/logs/target_key_id", "value": "${aws_kms_key.backup.key_id}"}])
	fails_with(d, "points at aws_kms_key.backup, a key in eu-west-1, but the alias is created in eu-west-2")
}

test_fail_cross_region_copy_under_a_key_of_the_source_region if {
	d := json.patch(good, [{"op": "replace", "path": "/resource/aws_dlm_lifecycle_policy/snapshots/policy_details/schedule/0/cross_region_copy_rule/0/cmk_arn", "value": "${aws_kms_key.logs.arn}"}])
	fails_with(d, "cmk_arn names aws_kms_key.logs, a key in eu-west-2; the resource needs one in eu-west-1")
}

test_fail_config_delivery_under_a_key_of_another_region_than_its_bucket if {
	d := json.patch(good, [{"op": "replace", "path": "/resource/aws_config_delivery_channel/backup-region/s3_kms_key_arn", "value": "${aws_kms_key.backup.arn}"}])
	fails_with(d, "s3_kms_key_arn names aws_kms_key.backup, a key in eu-west-1; the resource needs one in eu-west-2")
}
