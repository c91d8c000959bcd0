# EC2-001: every launch template requires IMDSv2 with a hop limit of 1 (SSRF and containers
# cannot reach the role's credentials), gives no public IP, encrypts every EBS volume with a
# customer-managed key, attaches an instance profile and turns on detailed monitoring.
package rules.ec2.launch_template_hardened

import data.lib.cdktf

metadata := {
	"id": "EC2-001",
	"title": "Launch templates require IMDSv2 (hop limit 1), assign no public IP, encrypt EBS with a CMK, attach an instance profile and monitor in detail",
	"severity": "critical",
	"hipaa": ["A", "E", "L"],
	"control": "launch templates: IMDSv2 required, hop limit 1, no public IP, encrypted EBS with a CMK, instance profile, detailed monitoring",
	"references": ["nag:EC2IMDSv2Enabled", "nag:EC2InstanceNoPublicIp", "nag:EC2InstanceProfileAttached", "ckv:CKV_AWS_79", "ckv:CKV_AWS_341", "ckv:CKV_AWS_88", "ckv:CKV_AWS_126"],
	"fix": "Create the launch template with AppFleet (modules/edge/app-fleet.ts), which fixes metadata_options, network_interfaces, block_device_mappings, iam_instance_profile and monitoring.",
}

templates := cdktf.resources("aws_launch_template")

metadata_options(t) := object.union({"http_endpoint": "enabled"}, m) if {
	some m in cdktf.blocks(object.get(t.values, "metadata_options", null))
} else := {"http_endpoint": "enabled"}

deny contains cdktf.violation(metadata, t, sprintf("metadata_options.http_tokens is %v; IMDSv2 must be required", [object.get(metadata_options(t), "http_tokens", "absent (optional: IMDSv1 allowed)")])) if {
	some t in templates
	metadata_options(t).http_endpoint != "disabled"
	object.get(metadata_options(t), "http_tokens", "optional") != "required"
}

deny contains cdktf.violation(metadata, t, sprintf("metadata_options.http_put_response_hop_limit is %v; it must be 1", [object.get(metadata_options(t), "http_put_response_hop_limit", "absent")])) if {
	some t in templates
	metadata_options(t).http_endpoint != "disabled"
	to_number(object.get(metadata_options(t), "http_put_response_hop_limit", 0)) != 1
}

deny contains cdktf.violation(metadata, t, "a network interface has associate_public_ip_address true or unset (the subnet's default applies)") if {
	some t in templates
	some ni in cdktf.blocks(object.get(t.values, "network_interfaces", null))
	not sprintf("%v", [object.get(ni, "associate_public_ip_address", "")]) == "false"
}

deny contains cdktf.violation(metadata, t, "no network_interfaces block with associate_public_ip_address false; the subnet's default would decide") if {
	some t in templates
	count(cdktf.blocks(object.get(t.values, "network_interfaces", null))) == 0
}

deny contains cdktf.violation(metadata, t, sprintf("block device %v is not encrypted with a customer-managed key (encrypted %v, kms_key_id %v)", [object.get(bd, "device_name", "?"), object.get(ebs, "encrypted", "absent"), object.get(ebs, "kms_key_id", "absent")])) if {
	some t in templates
	some bd in cdktf.blocks(object.get(t.values, "block_device_mappings", null))
	some ebs in cdktf.blocks(object.get(bd, "ebs", null))
	not encrypted_with_cmk(ebs)
}

deny contains cdktf.violation(metadata, t, "no block_device_mappings: the root volume's encryption would be the AMI's, not a CMK") if {
	some t in templates
	count(cdktf.blocks(object.get(t.values, "block_device_mappings", null))) == 0
}

encrypted_with_cmk(ebs) if {
	sprintf("%v", [object.get(ebs, "encrypted", "")]) == "true"
	cdktf.is_kms_key_ref(object.get(ebs, "kms_key_id", null))
}

deny contains cdktf.violation(metadata, t, "no iam_instance_profile") if {
	some t in templates
	not instance_profile(t)
}

instance_profile(t) if {
	some p in cdktf.blocks(object.get(t.values, "iam_instance_profile", null))
	some k in ["arn", "name"]
	cdktf.non_empty_string(object.get(p, k, null))
}

deny contains cdktf.violation(metadata, t, "monitoring.enabled is not true (detailed monitoring)") if {
	some t in templates
	not detailed_monitoring(t)
}

detailed_monitoring(t) if {
	some m in cdktf.blocks(object.get(t.values, "monitoring", null))
	m.enabled == true
}
