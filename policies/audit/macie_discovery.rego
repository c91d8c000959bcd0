# AUD-008: Macie runs in every region the security stack works in, and a scheduled job there
# scans every object of every bucket tagged bucket-contents = phi (selected by the tag, so a
# new patient-data bucket is covered the day it exists); high-severity Macie findings go to
# the security team (an EventBridge rule with a target).
package rules.audit.macie_discovery

import data.lib.audit
import data.lib.cdktf

metadata := {
	"id": "AUD-008",
	"title": "Macie scans every phi bucket daily in every region, and high-severity findings reach the security team",
	"severity": "high",
	"hipaa": ["L", "A"],
	"control": "Automated sensitive-data discovery on every phi bucket (ARCHITECTURE.md, organization stack: Macie; detection runs in every region that holds data)",
	"references": ["own"],
	"fix": "Keep ThreatDetection (modules/security/threat-detection.ts): Macie2Account, the phi-discovery job and the macie-high-findings rule in each region.",
}

stack_resource(type) := {"path": audit.stack_name, "address": type}

deny contains cdktf.violation(metadata, stack_resource("aws_macie2_account"), sprintf("Macie is not enabled for provider(s) %v", [sort(missing)])) if {
	audit.is_security_stack
	missing := {p | some p in cdktf.providers_or_default} - {cdktf.provider_of(m) | some m in cdktf.resources("aws_macie2_account"); object.get(m.values, "status", "ENABLED") == "ENABLED"}
	count(missing) > 0
}

# Every Macie account of any stack (the environments' and the security account's) is enabled
# and publishes findings every 15 minutes (AWS's default is six hours, late for PHI exposure).
deny contains cdktf.violation(metadata, macie, sprintf("status is %v: Macie is paused, nothing is discovered", [macie.values.status])) if {
	some macie in cdktf.resources("aws_macie2_account")
	object.get(macie.values, "status", "ENABLED") != "ENABLED"
}

deny contains cdktf.violation(metadata, macie, sprintf("finding_publishing_frequency is %v, not FIFTEEN_MINUTES: findings reach the security team hours late", [object.get(macie.values, "finding_publishing_frequency", "absent (six hours)")])) if {
	some macie in cdktf.resources("aws_macie2_account")
	object.get(macie.values, "finding_publishing_frequency", "") != "FIFTEEN_MINUTES"
}

selects_phi_buckets(job) if {
	some definition in cdktf.blocks(object.get(job.values, "s3_job_definition", null))
	some criteria in cdktf.blocks(object.get(definition, "bucket_criteria", null))
	some includes in cdktf.blocks(object.get(criteria, "includes", null))
	some and in cdktf.blocks(object.get(includes, "and", null))
	some tag in cdktf.blocks(object.get(and, "tag_criterion", null))
	tag.comparator == "EQ"
	some value in cdktf.blocks(object.get(tag, "tag_values", null))
	value.key == "bucket-contents"
	value.value == "phi"
	count(cdktf.blocks(object.get(criteria, "excludes", null))) == 0
	count(cdktf.blocks(object.get(definition, "scoping", null))) == 0
}

scans_fully_and_regularly(job) if {
	job.values.job_type == "SCHEDULED"
	object.get(job.values, "sampling_percentage", 100) == 100
	object.get(job.values, "job_status", "RUNNING") == "RUNNING"
	some schedule in cdktf.blocks(object.get(job.values, "schedule_frequency", null))
	schedule.daily_schedule == true
}

covered(provider) if {
	some job in cdktf.resources("aws_macie2_classification_job")
	cdktf.provider_of(job) == provider
	selects_phi_buckets(job)
	scans_fully_and_regularly(job)
}

deny contains cdktf.violation(metadata, stack_resource("aws_macie2_classification_job"), sprintf("no daily, full-sample Macie job over every bucket tagged bucket-contents=phi for provider %s", [provider])) if {
	audit.is_security_stack
	some provider in cdktf.providers_or_default
	not covered(provider)
}

routes_macie_findings(rule) if {
	pattern := json.unmarshal(rule.values.event_pattern)
	"aws.macie" in pattern.source
	"High" in pattern.detail.severity.description
	some target in cdktf.resources("aws_cloudwatch_event_target")
	cdktf.refers_to(target.values.rule, rule)
}

deny contains cdktf.violation(metadata, stack_resource("aws_cloudwatch_event_rule"), sprintf("no EventBridge rule sends high-severity Macie findings on, for provider %s", [provider])) if {
	audit.is_security_stack
	some provider in cdktf.providers_or_default
	count([r | some r in cdktf.resources("aws_cloudwatch_event_rule"); cdktf.provider_of(r) == provider; routes_macie_findings(r)]) == 0
}
