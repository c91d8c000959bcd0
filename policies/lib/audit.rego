# Helpers for the audit rules (AUD-001..AUD-007): which document is the security stack, and
# how the trail, its log group and its bucket relate.
package lib.audit

import data.lib.cdktf

stack_name := object.get(input, ["//", "metadata", "stackName"], "")

# The `<env>-security` stack, which must hold the account's audit and detection services.
is_security_stack if endswith(stack_name, "-security")

trails := cdktf.resources("aws_cloudtrail")

# The trail's CloudWatch log group ("${aws_cloudwatch_log_group.x.arn}:*").
trail_log_group(trail) := group if {
	some group in cdktf.resources("aws_cloudwatch_log_group")
	cdktf.refers_to(object.get(trail.values, "cloud_watch_logs_group_arn", null), group)
}

# The bucket the trail writes to.
trail_bucket(trail) := bucket if {
	some bucket in cdktf.resources("aws_s3_bucket")
	cdktf.refers_to(object.get(trail.values, "s3_bucket_name", null), bucket)
}

# The resources of `type` whose `attribute` refers to `target`.
referring(type, attribute, target) := {r |
	some r in cdktf.resources(type)
	cdktf.refers_to(object.get(r.values, attribute, null), target)
}

# A field selector of an advanced event selector has `field` equal to one of `values`.
selects(selector, field, values) if {
	some fs in cdktf.blocks(object.get(selector, "field_selector", null))
	fs.field == field
	some v in cdktf.as_array(object.get(fs, "equals", []))
	v in values
}

# The trail records S3 object-level (data) events.
records_s3_data_events(trail) if {
	some selector in cdktf.blocks(object.get(trail.values, "advanced_event_selector", null))
	selects(selector, "eventCategory", {"Data"})
	selects(selector, "resources.type", {"AWS::S3::Object"})
}

# The trail records management events (read and write): an advanced selector on the
# Management category with no readOnly filter.
records_all_management_events(trail) if {
	some selector in cdktf.blocks(object.get(trail.values, "advanced_event_selector", null))
	selects(selector, "eventCategory", {"Management"})
	not filters_read_only(selector)
}

filters_read_only(selector) if {
	some fs in cdktf.blocks(object.get(selector, "field_selector", null))
	fs.field == "readOnly"
}
