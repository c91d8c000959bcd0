package rules.ec2.ebs_encryption_and_snapshots_test

import data.rules.ec2.ebs_encryption_and_snapshots as rule

copy := {"target": "eu-west-1", "encrypted": true, "cmk_arn": "${data.terraform_remote_state.s.outputs.cross-stack-output-aws_kms_keybackup-region-keys_backup_key_1arn}", "retain_rule": {"interval": 7, "interval_unit": "DAYS"}}

base := {
	"aws_launch_template": {"t": {"//": {"metadata": {"path": "dev-edge/app-fleet/launch-template"}}}},
	"aws_ebs_encryption_by_default": {"e": {"enabled": true}},
	"aws_ebs_default_kms_key": {"k": {"key_arn": "${aws_kms_key.data.arn}"}},
	"aws_dlm_lifecycle_policy": {"p": {"//": {"metadata": {"path": "dev-edge/snapshots/policy"}}, "state": "ENABLED", "policy_details": {"resource_types": ["VOLUME"], "schedule": [{"name": "daily", "cross_region_copy_rule": [copy]}]}}},
}

fails(d) if {
	some v in rule.deny with input as {"resource": d}
	v.rule_id == "EC2-003"
}

test_pass_default_encryption_and_encrypted_copies if {
	count(rule.deny) == 0 with input as {"resource": base}
}

test_pass_no_instances_no_requirement if {
	count(rule.deny) == 0 with input as {"resource": {"aws_s3_bucket": {"b": {}}}}
}

test_fail_default_encryption_off_or_without_cmk if {
	fails(json.patch(base, [{"op": "replace", "path": "/aws_ebs_encryption_by_default/e/enabled", "value": false}]))
	fails(object.remove(base, ["aws_ebs_default_kms_key"]))
}

test_fail_no_snapshot_policy if {
	fails(object.remove(base, ["aws_dlm_lifecycle_policy"]))
}

test_fail_unencrypted_or_missing_copy if {
	fails(json.patch(base, [{"op": "replace", "path": "/aws_dlm_lifecycle_policy/p/policy_details/schedule/0/cross_region_copy_rule/0/encrypted", "value": false}]))
	fails(json.patch(base, [{"op": "remove", "path": "/aws_dlm_lifecycle_policy/p/policy_details/schedule/0/cross_region_copy_rule/0/cmk_arn"}]))
	fails(json.patch(base, [{"op": "remove", "path": "/aws_dlm_lifecycle_policy/p/policy_details/schedule/0/cross_region_copy_rule"}]))
}
