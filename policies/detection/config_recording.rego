# DET-004: AWS Config keeps recording and judging: every recorder records every supported type
# (nothing excluded) continuously and is on, exactly one recorder of the account (stack)
# records the global types, a delivery channel names a
# bucket, configuration items are kept as long as the config says, and the managed rules are
# at least the HIPAA set of the code.
package rules.detection.config_recording

import data.lib.cdktf
import data.lib.detection

metadata := {
	"id": "DET-004",
	"title": "AWS Config records everything continuously, delivers, keeps items long enough and evaluates at least the HIPAA managed rules",
	"severity": "high",
	"hipaa": ["L"],
	"control": "AWS Config recorder records all resources and has a delivery channel (detection path: continuous recording, retention from the config, at least the HIPAA managed rules)",
	"references": ["own", "ckv:CKV2_AWS_45", "ckv:CKV2_AWS_48"],
	"fix": "Keep ConfigRecorder (modules/security/config-recorder.ts): CONTINUOUS recording of all supported and global types, the delivery channel, the retention from env.audit.retentionYears and every HIPAA_MANAGED_RULES entry; regenerate policies/data/detection.json if the code's floor changed on purpose.",
}

stack_resource(type) := {"path": detection.stack_name, "address": type}

recorders := cdktf.resources("aws_config_configuration_recorder")

recorder_problems(recorder) := {msg |
	some [msg, weak] in [
		["recording_group does not record all supported types", not_all_supported(recorder)],
		["recording_group excludes resource types", excludes(recorder)],
		["recording_mode is not CONTINUOUS for every type (DAILY recording misses changes between snapshots)", not_continuous(recorder)],
	]
	weak
}

not_all_supported(recorder) := false if {
	some group in cdktf.blocks(object.get(recorder.values, "recording_group", null))
	group.all_supported == true
} else := true

# Global types (IAM users, roles, policies) are the same in every region, so AWS recommends
# recording them in one region only (duplicate configuration items otherwise): a stack is one
# account, and exactly one of its recorders records them. None leaves IAM unrecorded.
records_global(recorder) if {
	some group in cdktf.blocks(object.get(recorder.values, "recording_group", null))
	group.include_global_resource_types == true
}

global_recorders := [r | some r in recorders; records_global(r)]

deny contains cdktf.violation(metadata, stack_resource("aws_config_configuration_recorder"), "no recorder has include_global_resource_types: IAM users, roles and policies are not recorded in any region") if {
	count(recorders) > 0
	count(global_recorders) == 0
}

deny contains cdktf.violation(metadata, recorder, sprintf("records global types like %s: record them in one region of the account only (AWS's recommendation; duplicate configuration items otherwise)", [concat(", ", sort([r.address | some r in global_recorders; r.address != recorder.address]))])) if {
	count(global_recorders) > 1
	some recorder in global_recorders
}

excludes(recorder) := true if {
	some group in cdktf.blocks(object.get(recorder.values, "recording_group", null))
	some exclusion in cdktf.blocks(object.get(group, "exclusion_by_resource_types", null))
	count(cdktf.as_array(object.get(exclusion, "resource_types", []))) > 0
} else := false

not_continuous(recorder) := true if {
	some mode in cdktf.blocks(object.get(recorder.values, "recording_mode", null))
	object.get(mode, "recording_frequency", "CONTINUOUS") != "CONTINUOUS"
} else := true if {
	some mode in cdktf.blocks(object.get(recorder.values, "recording_mode", null))
	some override in cdktf.blocks(object.get(mode, "recording_mode_override", null))
	object.get(override, "recording_frequency", "CONTINUOUS") != "CONTINUOUS"
} else := false

deny contains cdktf.violation(metadata, recorder, concat("; ", sort(problems))) if {
	some recorder in recorders
	problems := recorder_problems(recorder)
	count(problems) > 0
}

deny contains cdktf.violation(metadata, stack_resource(type), sprintf("the security stack declares no %s: %s", [type, why])) if {
	detection.is_security_stack
	some type, why in {
		"aws_config_configuration_recorder": "nothing is recorded",
		"aws_config_configuration_recorder_status": "the recorder is never started",
		"aws_config_delivery_channel": "recorded items go nowhere",
		"aws_config_retention_configuration": "items are kept for AWS's default, not the audit retention",
	}
	count(cdktf.resources(type)) == 0
}

# A recorder is started and delivers only through a status and a delivery channel of its own
# region (Config has one recorder and one channel per account and region).
deny contains cdktf.violation(metadata, recorder, sprintf("no %s in its region: %s", [type, why])) if {
	some recorder in recorders
	some type, why in {
		"aws_config_configuration_recorder_status": "the recorder is never started",
		"aws_config_delivery_channel": "its items go nowhere",
	}
	count([r | some r in cdktf.resources(type); cdktf.provider_of(r) == cdktf.provider_of(recorder)]) == 0
}

deny contains cdktf.violation(metadata, status, "is_enabled is not true: the recorder is stopped") if {
	some status in cdktf.resources("aws_config_configuration_recorder_status")
	object.get(status.values, "is_enabled", false) != true
}

deny contains cdktf.violation(metadata, channel, "s3_bucket_name names no bucket: recorded items are not delivered") if {
	some channel in cdktf.resources("aws_config_delivery_channel")
	not cdktf.non_empty_string(object.get(channel.values, "s3_bucket_name", null))
}

deny contains cdktf.violation(metadata, retention, sprintf("retention_period_in_days %v is below %v (env.audit.retentionYears)", [days, floor])) if {
	some retention in cdktf.resources("aws_config_retention_configuration")
	floor := object.get(detection.expected, "config_retention_days", 2557)
	days := to_number(object.get(retention.values, "retention_period_in_days", 0))
	days < floor
}

# The AWS managed rules evaluated in a region (provider): a recorder's items are judged only
# by the rules of its own region.
evaluated_rules(provider) := {identifier |
	some rule in cdktf.resources("aws_config_config_rule")
	cdktf.provider_of(rule) == provider
	some source in cdktf.blocks(object.get(rule.values, "source", null))
	object.get(source, "owner", "") == "AWS"
	identifier := source.source_identifier
}

deny contains cdktf.violation(metadata, recorder, sprintf("managed rules of the HIPAA set missing in its region: %v", [sort(missing)])) if {
	detection.is_security_stack
	some recorder in recorders
	missing := {r | some r in object.get(detection.settings, "config_managed_rules", [])} - evaluated_rules(cdktf.provider_of(recorder))
	count(missing) > 0
}
