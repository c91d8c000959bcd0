# EC2-003: a stack that runs instances switches EBS encryption by default on for its region,
# with a customer-managed default key, and snapshots their volumes with a DLM policy whose
# every cross-region copy is encrypted with a customer-managed key and retained.
package rules.ec2.ebs_encryption_and_snapshots

import data.lib.cdktf

metadata := {
	"id": "EC2-003",
	"title": "EBS encryption by default is on with a CMK where instances run; DLM snapshot policies copy encrypted with a CMK",
	"severity": "high",
	"hipaa": ["E", "B"],
	"control": "EBS encryption by default on in the account; DLM policy with encrypted copies",
	"references": ["ckv:CKV_AWS_106", "ckv:CKV_AWS_253", "ckv:CKV_AWS_254", "ckv:CKV_AWS_255", "ckv:CKV_AWS_256"],
	"fix": "Keep AppFleet's aws_ebs_encryption_by_default and aws_ebs_default_kms_key (modules/edge/app-fleet.ts) and VolumeSnapshots' DLM policy (modules/edge/snapshots.ts), whose cross_region_copy_rule is encrypted with the backup region's backup key.",
}

compute := cdktf.resources("aws_launch_template") | cdktf.resources("aws_autoscaling_group") | cdktf.resources("aws_instance")

deny contains cdktf.violation(metadata, r, "instances run here but no aws_ebs_encryption_by_default is enabled in this stack") if {
	some r in compute
	not encryption_by_default
}

encryption_by_default if {
	some e in cdktf.resources("aws_ebs_encryption_by_default")
	object.get(e.values, "enabled", true) == true
}

deny contains cdktf.violation(metadata, r, "instances run here but no aws_ebs_default_kms_key names a customer-managed key") if {
	some r in compute
	not default_cmk
}

default_cmk if {
	some k in cdktf.resources("aws_ebs_default_kms_key")
	cdktf.is_kms_key_ref(object.get(k.values, "key_arn", null))
}

deny contains cdktf.violation(metadata, r, "instances run here but no DLM lifecycle policy snapshots volumes") if {
	some r in compute
	count([p | some p in cdktf.resources("aws_dlm_lifecycle_policy"); snapshots_volumes(p)]) == 0
}

snapshots_volumes(p) if {
	some d in cdktf.blocks(object.get(p.values, "policy_details", null))
	"VOLUME" in cdktf.as_array(object.get(d, "resource_types", []))
	object.get(p.values, "state", "ENABLED") == "ENABLED"
}

deny contains cdktf.violation(metadata, p, sprintf("schedule %v has no cross-region copy", [object.get(s, "name", "?")])) if {
	some p in cdktf.resources("aws_dlm_lifecycle_policy")
	some s in schedules(p)
	count(cdktf.blocks(object.get(s, "cross_region_copy_rule", null))) == 0
}

deny contains cdktf.violation(metadata, p, sprintf("a cross-region copy to %v is not encrypted with a customer-managed key or keeps nothing (encrypted %v, cmk_arn %v)", [object.get(c, "target", object.get(c, "target_region", "?")), object.get(c, "encrypted", "absent"), object.get(c, "cmk_arn", "absent")])) if {
	some p in cdktf.resources("aws_dlm_lifecycle_policy")
	some s in schedules(p)
	some c in cdktf.blocks(object.get(s, "cross_region_copy_rule", null))
	not encrypted_retained_copy(c)
}

schedules(p) := [s |
	some d in cdktf.blocks(object.get(p.values, "policy_details", null))
	some s in cdktf.blocks(object.get(d, "schedule", null))
]

encrypted_retained_copy(c) if {
	c.encrypted == true
	cdktf.is_kms_key_ref(object.get(c, "cmk_arn", null))
	some r in cdktf.blocks(object.get(c, "retain_rule", null))
	to_number(object.get(r, "interval", 0)) > 0
}
