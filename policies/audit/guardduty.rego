# AUD-004: GuardDuty is on, exports findings every 15 minutes and runs every protection
# plan that applies to what the platform deploys (S3, Aurora logins, Lambda networking,
# EBS malware scans, runtime monitoring); the security stack must have it in every region it
# works in (the backup region holds the locked copies).
package rules.audit.guardduty

import data.lib.audit
import data.lib.cdktf

metadata := {
	"id": "AUD-004",
	"title": "GuardDuty is enabled with its protection features and publishes findings every 15 minutes",
	"severity": "high",
	"hipaa": ["A", "L"],
	"control": "GuardDuty detector enabled with its protection features",
	"references": ["ckv:CKV_AWS_238", "cfg:GUARDDUTY_ENABLED_CENTRALIZED"],
	"fix": "Keep ThreatDetection (modules/security/threat-detection.ts) in the security stack; GUARDDUTY_FEATURES lists the plans.",
}

required_features := {"S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION", "RUNTIME_MONITORING"}

deny contains cdktf.violation(metadata, {"path": audit.stack_name, "address": "aws_guardduty_detector"}, "the security stack declares no GuardDuty detector") if {
	audit.is_security_stack
	count(cdktf.resources("aws_guardduty_detector")) == 0
}

# Every region the security stack works in (its primary and backup region providers) is watched.
deny contains cdktf.violation(metadata, {"path": audit.stack_name, "address": "aws_guardduty_detector"}, sprintf("no GuardDuty detector for provider(s) %v: that region is not watched", [sort(missing)])) if {
	audit.is_security_stack
	count(cdktf.resources("aws_guardduty_detector")) > 0
	missing := cdktf.providers_without("aws_guardduty_detector")
	count(missing) > 0
}

deny contains cdktf.violation(metadata, detector, "enable is false") if {
	some detector in cdktf.resources("aws_guardduty_detector")
	object.get(detector.values, "enable", true) == false
}

deny contains cdktf.violation(metadata, detector, sprintf("finding_publishing_frequency is %v, not FIFTEEN_MINUTES", [object.get(detector.values, "finding_publishing_frequency", "absent (6 hours)")])) if {
	some detector in cdktf.resources("aws_guardduty_detector")
	object.get(detector.values, "finding_publishing_frequency", "") != "FIFTEEN_MINUTES"
}

enabled_features(detector) := {f.values.name |
	some f in audit.referring("aws_guardduty_detector_feature", "detector_id", detector)
	f.values.status == "ENABLED"
}

deny contains cdktf.violation(metadata, detector, sprintf("protection features not enabled: %v", [sort(missing)])) if {
	some detector in cdktf.resources("aws_guardduty_detector")
	missing := required_features - enabled_features(detector)
	count(missing) > 0
}
