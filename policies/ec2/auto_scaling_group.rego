# EC2-002: Auto Scaling groups launch from a launch template (so EC2-001 applies) and replace
# instances the load balancer finds unhealthy; launch configurations (no IMDSv2 enforcement,
# deprecated) are not used at all.
package rules.ec2.auto_scaling_group

import data.lib.cdktf

metadata := {
	"id": "EC2-002",
	"title": "Auto Scaling groups use a launch template and ELB health checks; no launch configurations",
	"severity": "high",
	"hipaa": ["L", "A"],
	"control": "Auto Scaling groups use a launch template and ELB health checks; no public-IP launch configs",
	"references": ["nag:AutoScalingGroupELBHealthCheckRequired", "ckv:CKV_AWS_315", "ckv:CKV2_AWS_15"],
	"fix": "Create the group with AppFleet (modules/edge/app-fleet.ts): launch_template from the hardened template, health_check_type ELB and the load balancer's target group.",
}

deny contains cdktf.violation(metadata, g, "the group does not launch from an aws_launch_template of this stack") if {
	some g in cdktf.resources("aws_autoscaling_group")
	not from_launch_template(g)
}

from_launch_template(g) if {
	some lt in cdktf.blocks(object.get(g.values, "launch_template", null))
	cdktf.ref_type(object.get(lt, "id", object.get(lt, "name", null))) == "aws_launch_template"
}

from_launch_template(g) if {
	some policy in cdktf.blocks(object.get(g.values, "mixed_instances_policy", null))
	some spec in cdktf.blocks(object.get(policy, "launch_template", null))
	some lt in cdktf.blocks(object.get(spec, "launch_template_specification", null))
	cdktf.ref_type(object.get(lt, "launch_template_id", null)) == "aws_launch_template"
}

deny contains cdktf.violation(metadata, g, sprintf("health_check_type is %v; it must be ELB so instances failing the load balancer's check are replaced", [object.get(g.values, "health_check_type", "absent (EC2)")])) if {
	some g in cdktf.resources("aws_autoscaling_group")
	object.get(g.values, "health_check_type", "EC2") != "ELB"
}

deny contains cdktf.violation(metadata, g, "the group registers with no target group, so ELB health checks see none of its instances") if {
	some g in cdktf.resources("aws_autoscaling_group")
	count(cdktf.as_array(object.get(g.values, "target_group_arns", []))) == 0
}

deny contains cdktf.violation(metadata, lc, "launch configurations are not allowed; use a launch template") if {
	some lc in cdktf.resources("aws_launch_configuration")
}
