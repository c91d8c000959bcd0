# SSM-001: instances are patched: every patch baseline approves security updates within 7
# days of release, every patch group has such a baseline, and a maintenance window runs
# AWS-RunPatchBaseline with Operation Install on every patch group, logging its output.
package rules.ssm.patching

import data.lib.cdktf

metadata := {
	"id": "SSM-001",
	"title": "Patch baselines approve security patches within 7 days and a maintenance window installs them on every patch group",
	"severity": "high",
	"hipaa": ["P"],
	"control": "patch baseline approves security patches within 7 days; maintenance window runs it on every patch group",
	"references": ["own"],
	"fix": "Create patching with Patching (modules/edge/patching.ts): SECURITY_PATCH_APPROVAL_DAYS, the patch group of the fleet, and a RUN_COMMAND task AWS-RunPatchBaseline Install with CloudWatch output.",
}

max_days := 7

security_rule(rule) if {
	some f in cdktf.blocks(object.get(rule, "patch_filter", null))
	f.key == "CLASSIFICATION"
	"Security" in cdktf.as_array(f.values)
	to_number(object.get(rule, "approve_after_days", 100)) <= max_days
	object.get(rule, "approve_until_date", "") == ""
}

deny contains cdktf.violation(metadata, b, sprintf("no approval rule approves the Security classification within %d days", [max_days])) if {
	some b in cdktf.resources("aws_ssm_patch_baseline")
	count([r | some r in cdktf.blocks(object.get(b.values, "approval_rule", null)); security_rule(r)]) == 0
}

# Patch group names the instances carry (Patch Group tag) and that a baseline is registered for.
patch_groups := {g.values.patch_group: g | some g in cdktf.resources("aws_ssm_patch_group")}

deny contains cdktf.violation(metadata, g, "the patch group's baseline is not an aws_ssm_patch_baseline of this stack") if {
	some g in cdktf.resources("aws_ssm_patch_group")
	cdktf.ref_type(object.get(g.values, "baseline_id", null)) != "aws_ssm_patch_baseline"
}

deny contains cdktf.violation(metadata, g, sprintf("no maintenance window task installs patches on patch group %v", [name])) if {
	some name, g in patch_groups
	not installed(name)
}

# A RUN_COMMAND task AWS-RunPatchBaseline with Operation Install whose window target selects
# the group by its Patch Group tag, with its output sent to CloudWatch Logs.
installed(name) if {
	some task in cdktf.resources("aws_ssm_maintenance_window_task")
	installs(task)
	some t in cdktf.blocks(object.get(task.values, "targets", null))
	t.key == "WindowTargetIds"
	some target_ref in cdktf.as_array(t.values)
	target := cdktf.target(target_ref)
	some sel in cdktf.blocks(object.get(target.values, "targets", null))
	sel.key in {"tag:Patch Group", "tag:PatchGroup"}
	name in cdktf.as_array(sel.values)
}

installs(task) if {
	task.values.task_type == "RUN_COMMAND"
	task.values.task_arn == "AWS-RunPatchBaseline"
	some p in run_command(task)
	some param in cdktf.blocks(object.get(p, "parameter", null))
	param.name == "Operation"
	cdktf.as_array(param.values) == ["Install"]
	some cw in cdktf.blocks(object.get(p, "cloudwatch_config", null))
	cw.cloudwatch_output_enabled == true
}

run_command(task) := [p |
	some inv in cdktf.blocks(object.get(task.values, "task_invocation_parameters", null))
	some p in cdktf.blocks(object.get(inv, "run_command_parameters", null))
]

# A baseline no patch group is registered for is not used: instances fall back to AWS's
# default baseline, whose approval delay is not ours.
deny contains cdktf.violation(metadata, b, "no aws_ssm_patch_group registers this baseline for a patch group, so instances use AWS's default baseline") if {
	some b in cdktf.resources("aws_ssm_patch_baseline")
	not registered(b)
}

registered(b) if {
	some g in cdktf.resources("aws_ssm_patch_group")
	cdktf.refers_to(object.get(g.values, "baseline_id", null), b)
}
