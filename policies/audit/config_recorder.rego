# AUD-003: AWS Config records every supported resource type, global ones included (in the
# primary region), is switched on, and has a delivery channel; the security stack must have
# one in every region it works in (the backup region too).
package rules.audit.config_recorder

import data.lib.audit
import data.lib.cdktf

metadata := {
	"id": "AUD-003",
	"title": "AWS Config records all resources (global ones included), is enabled and has a delivery channel",
	"severity": "high",
	"hipaa": ["L"],
	"control": "AWS Config recorder records all resources and has a delivery channel",
	"references": ["ckv:CKV2_AWS_45", "ckv:CKV2_AWS_48"],
	"fix": "Keep ConfigRecorder (modules/security/config-recorder.ts) in the security stack.",
}

stack_resource(type) := {"path": audit.stack_name, "address": type}

deny contains cdktf.violation(metadata, stack_resource(type), sprintf("the security stack declares no %s", [type])) if {
	audit.is_security_stack
	some type in ["aws_config_configuration_recorder", "aws_config_delivery_channel", "aws_config_configuration_recorder_status"]
	count(cdktf.resources(type)) == 0
}

deny contains cdktf.violation(metadata, stack_resource("aws_config_configuration_recorder"), sprintf("no Config recorder for provider(s) %v: that region is not recorded", [sort(missing)])) if {
	audit.is_security_stack
	count(cdktf.resources("aws_config_configuration_recorder")) > 0
	missing := cdktf.providers_without("aws_config_configuration_recorder")
	count(missing) > 0
}

deny contains cdktf.violation(metadata, recorder, "recording_group does not record all supported resource types") if {
	some recorder in cdktf.resources("aws_config_configuration_recorder")
	not records_all_supported(recorder)
}

# Global types (IAM) are recorded once, by the primary region's recorder (the default provider).
deny contains cdktf.violation(metadata, recorder, "the primary region's recorder does not record global resource types (IAM)") if {
	some recorder in cdktf.resources("aws_config_configuration_recorder")
	cdktf.provider_of(recorder) == "aws"
	not records_global(recorder)
}

records_all_supported(recorder) if {
	some group in cdktf.blocks(object.get(recorder.values, "recording_group", null))
	group.all_supported == true
}

records_global(recorder) if {
	some group in cdktf.blocks(object.get(recorder.values, "recording_group", null))
	group.include_global_resource_types == true
}

deny contains cdktf.violation(metadata, status, "is_enabled is not true: the recorder is stopped") if {
	some status in cdktf.resources("aws_config_configuration_recorder_status")
	status.values.is_enabled != true
}

deny contains cdktf.violation(metadata, channel, "s3_kms_key_arn is not a customer-managed key ARN") if {
	some channel in cdktf.resources("aws_config_delivery_channel")
	not cdktf.is_kms_key_ref(object.get(channel.values, "s3_kms_key_arn", null))
}
