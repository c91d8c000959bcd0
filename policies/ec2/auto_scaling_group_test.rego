package rules.ec2.auto_scaling_group_test

import data.rules.ec2.auto_scaling_group as rule

good := {
	"//": {"metadata": {"path": "dev-edge/app-fleet/group"}},
	"launch_template": {"id": "${aws_launch_template.t.id}", "version": "${tostring(aws_launch_template.t.latest_version)}"},
	"health_check_type": "ELB",
	"target_group_arns": ["${aws_lb_target_group.t.arn}"],
}

fails(d) if {
	some v in rule.deny with input as d
	v.rule_id == "EC2-002"
}

test_pass_template_and_elb_checks if {
	count(rule.deny) == 0 with input as {"resource": {"aws_autoscaling_group": {"g": good}}}
}

test_fail_ec2_health_checks if {
	fails({"resource": {"aws_autoscaling_group": {"g": object.union(good, {"health_check_type": "EC2"})}}})
	fails({"resource": {"aws_autoscaling_group": {"g": object.remove(good, ["health_check_type", "target_group_arns"])}}})
}

test_fail_launch_configuration if {
	fails({"resource": {"aws_autoscaling_group": {"g": object.union(object.remove(good, ["launch_template"]), {"launch_configuration": "${aws_launch_configuration.lc.name}"})}, "aws_launch_configuration": {"lc": {}}}})
}
