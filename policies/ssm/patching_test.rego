package rules.ssm.patching_test

import data.rules.ssm.patching as rule

base := {
	"aws_ssm_patch_baseline": {"b": {"//": {"metadata": {"path": "dev-edge/patching/baseline"}}, "approval_rule": [{"approve_after_days": 7, "patch_filter": [{"key": "CLASSIFICATION", "values": ["Security"]}]}]}},
	"aws_ssm_patch_group": {"g": {"//": {"metadata": {"path": "dev-edge/patching/patch-group"}}, "baseline_id": "${aws_ssm_patch_baseline.b.id}", "patch_group": "medicare-dev-app"}},
	"aws_ssm_maintenance_window_target": {"t": {"targets": [{"key": "tag:Patch Group", "values": ["medicare-dev-app"]}]}},
	"aws_ssm_maintenance_window_task": {"k": {
		"task_type": "RUN_COMMAND",
		"task_arn": "AWS-RunPatchBaseline",
		"targets": [{"key": "WindowTargetIds", "values": ["${aws_ssm_maintenance_window_target.t.id}"]}],
		"task_invocation_parameters": {"run_command_parameters": {"parameter": [{"name": "Operation", "values": ["Install"]}], "cloudwatch_config": {"cloudwatch_log_group_name": "/medicare/dev/edge/patch-runs", "cloudwatch_output_enabled": true}}},
	}},
}

fails(d, path) if {
	some v in rule.deny with input as {"resource": d}
	v.rule_id == "SSM-001"
	v.resource_path == path
}

test_pass_baseline_group_and_window if {
	count(rule.deny) == 0 with input as {"resource": base}
}

test_fail_slow_or_missing_security_approval if {
	fails(json.patch(base, [{"op": "replace", "path": "/aws_ssm_patch_baseline/b/approval_rule/0/approve_after_days", "value": 8}]), "dev-edge/patching/baseline")
	fails(json.patch(base, [{"op": "replace", "path": "/aws_ssm_patch_baseline/b/approval_rule/0/patch_filter/0/values", "value": ["Bugfix"]}]), "dev-edge/patching/baseline")
}

test_fail_window_scans_only_or_targets_another_group if {
	fails(json.patch(base, [{"op": "replace", "path": "/aws_ssm_maintenance_window_task/k/task_invocation_parameters/run_command_parameters/parameter/0/values", "value": ["Scan"]}]), "dev-edge/patching/patch-group")
	fails(json.patch(base, [{"op": "replace", "path": "/aws_ssm_maintenance_window_target/t/targets/0/values", "value": ["other"]}]), "dev-edge/patching/patch-group")
	fails(json.patch(base, [{"op": "replace", "path": "/aws_ssm_maintenance_window_task/k/task_invocation_parameters/run_command_parameters/cloudwatch_config/cloudwatch_output_enabled", "value": false}]), "dev-edge/patching/patch-group")
}

test_fail_baseline_registered_for_no_patch_group if {
	fails(object.remove(base, ["aws_ssm_patch_group"]), "dev-edge/patching/baseline")
}
