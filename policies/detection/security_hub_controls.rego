# DET-003: Security Hub keeps judging: the account is enabled with its standards subscribed,
# new controls are enabled automatically, and no control of a subscribed standard is switched
# off. A control that must stay off (a service the platform does not run) needs a reviewed,
# expiring entry in policies/exceptions.json for this rule and that resource.
package rules.detection.security_hub_controls

import data.lib.cdktf
import data.lib.detection

metadata := {
	"id": "DET-003",
	"title": "Security Hub: standards subscribed, controls enabled automatically, no control disabled without an exception",
	"severity": "high",
	"hipaa": ["L"],
	"control": "Security Hub enabled with FSBP and CIS standards (detection path: controls enabled automatically, none disabled without an exception)",
	"references": ["own", "cfg:SECURITYHUB_ENABLED"],
	"fix": "Remove the aws_securityhub_standards_control(_association) that disables the control, keep auto_enable_controls true; or, for a control of a service the platform does not run, add an exception with the reason and an expiry.",
}

deny contains cdktf.violation(metadata, {"path": detection.stack_name, "address": "aws_securityhub_standards_subscription"}, "Security Hub has no standards subscription, so no control is evaluated") if {
	detection.is_security_stack
	count(cdktf.resources("aws_securityhub_account")) > 0
	count(cdktf.resources("aws_securityhub_standards_subscription")) == 0
}

deny contains cdktf.violation(metadata, hub, "auto_enable_controls is false: controls AWS adds to the standards stay off") if {
	some hub in cdktf.resources("aws_securityhub_account")
	object.get(hub.values, "auto_enable_controls", true) == false
}

deny contains cdktf.violation(metadata, control, sprintf("control_status %v: the control is not evaluated (%v)", [control.values.control_status, object.get(control.values, "disabled_reason", "no reason given")])) if {
	some control in cdktf.resources("aws_securityhub_standards_control")
	upper(object.get(control.values, "control_status", "ENABLED")) != "ENABLED"
}

deny contains cdktf.violation(metadata, association, sprintf("association_status %v: the control %v is not evaluated", [association.values.association_status, object.get(association.values, "security_control_id", "?")])) if {
	some association in cdktf.resources("aws_securityhub_standards_control_association")
	upper(object.get(association.values, "association_status", "ENABLED")) != "ENABLED"
}

deny contains cdktf.violation(metadata, configuration, "disables Security Hub or controls for the organization's accounts") if {
	some configuration in cdktf.resources("aws_securityhub_configuration_policy")
	some policy in cdktf.blocks(object.get(configuration.values, "configuration_policy", null))
	object.get(policy, "service_enabled", true) == false
}
