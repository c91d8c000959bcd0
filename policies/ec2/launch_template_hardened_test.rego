package rules.ec2.launch_template_hardened_test

import data.rules.ec2.launch_template_hardened as rule

good := {
	"//": {"metadata": {"path": "dev-edge/app-fleet/launch-template"}},
	"metadata_options": {"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": 1},
	"network_interfaces": [{"device_index": 0, "associate_public_ip_address": "false"}],
	"block_device_mappings": [{"device_name": "/dev/xvda", "ebs": {"encrypted": "true", "kms_key_id": "${data.terraform_remote_state.s.outputs.cross-stack-output-aws_kms_keykeys_data_key_1arn}"}}],
	"iam_instance_profile": {"arn": "${aws_iam_instance_profile.p.arn}"},
	"monitoring": {"enabled": true},
}

doc(t) := {"resource": {"aws_launch_template": {"t": t}}}

patched(ops) := json.patch(good, ops)

fails(t) if {
	some v in rule.deny with input as doc(t)
	v.rule_id == "EC2-001"
}

test_pass_hardened if {
	count(rule.deny) == 0 with input as doc(good)
}

test_fail_imdsv1 if {
	fails(patched([{"op": "replace", "path": "/metadata_options/http_tokens", "value": "optional"}]))
	fails(patched([{"op": "remove", "path": "/metadata_options"}]))
}

test_fail_hop_limit if {
	fails(patched([{"op": "replace", "path": "/metadata_options/http_put_response_hop_limit", "value": 2}]))
}

test_fail_public_ip if {
	fails(patched([{"op": "replace", "path": "/network_interfaces/0/associate_public_ip_address", "value": "true"}]))
	fails(patched([{"op": "remove", "path": "/network_interfaces"}]))
}

test_fail_volume_without_cmk if {
	fails(patched([{"op": "remove", "path": "/block_device_mappings/0/ebs/kms_key_id"}]))
	fails(patched([{"op": "replace", "path": "/block_device_mappings/0/ebs/encrypted", "value": "false"}]))
}

test_fail_no_profile_or_monitoring if {
	fails(patched([{"op": "remove", "path": "/iam_instance_profile"}]))
	fails(patched([{"op": "replace", "path": "/monitoring/enabled", "value": false}]))
}
