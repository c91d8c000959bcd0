# ORG-006: the security account (organization-detection) runs detection for the whole
# organization in every region it works in: GuardDuty auto-enables ALL member accounts with
# every protection plan of the platform, Security Hub, Inspector (EC2, ECR, Lambda, Lambda
# code) and Macie auto-enable new accounts, Security Hub aggregates every other region into
# the home region, Config aggregates every account and region, and an organization-wide
# Access Analyzer runs in each region.
package rules.organization.security_account_detection

import data.lib.cdktf

metadata := {
	"id": "ORG-006",
	"title": "The security account auto-enables GuardDuty, Security Hub, Inspector and Macie for every account in every data region, and aggregates findings and configuration",
	"severity": "high",
	"hipaa": ["L"],
	"control": "Organization-wide detection auto-enabled and aggregated in every data region (ARCHITECTURE.md, organization stack: detection runs in every region that holds data)",
	"references": ["cfg:GUARDDUTY_ENABLED_CENTRALIZED", "cfg:SECURITYHUB_ENABLED"],
	"fix": "Keep OrganizationDetectionStack (modules/organization/organization-detection-stack.ts): administerRegion for every region provider, the finding and Config aggregators.",
}

is_security_account_stack if count(cdktf.resources("aws_guardduty_organization_configuration")) + count(cdktf.resources("aws_securityhub_organization_configuration")) > 0

stack := {"path": object.get(input, ["//", "metadata", "stackName"], ""), "address": "organization-detection"}

required_features := {"S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "EBS_MALWARE_PROTECTION", "RUNTIME_MONITORING"}

per_region := {
	"aws_guardduty_detector",
	"aws_securityhub_account",
	"aws_macie2_account",
	"aws_guardduty_organization_configuration",
	"aws_securityhub_organization_configuration",
	"aws_inspector2_organization_configuration",
	"aws_macie2_organization_configuration",
}

deny contains cdktf.violation(metadata, stack, sprintf("no %s for provider(s) %v", [type, sort(missing)])) if {
	is_security_account_stack
	some type in per_region
	missing := cdktf.providers_without(type)
	count(missing) > 0
}

deny contains cdktf.violation(metadata, c, sprintf("auto_enable_organization_members is %v, not ALL (existing and new accounts)", [object.get(c.values, "auto_enable_organization_members", "absent")])) if {
	some c in cdktf.resources("aws_guardduty_organization_configuration")
	object.get(c.values, "auto_enable_organization_members", "") != "ALL"
}

auto_enabled_features(config) := {f.values.name |
	some f in cdktf.resources("aws_guardduty_organization_configuration_feature")
	f.values.detector_id == config.values.detector_id
	f.values.auto_enable == "ALL"
}

deny contains cdktf.violation(metadata, c, sprintf("protection plans not auto-enabled for ALL accounts: %v", [sort(missing)])) if {
	some c in cdktf.resources("aws_guardduty_organization_configuration")
	missing := required_features - auto_enabled_features(c)
	count(missing) > 0
}

deny contains cdktf.violation(metadata, c, "Security Hub does not auto-enable new accounts") if {
	some c in cdktf.resources("aws_securityhub_organization_configuration")
	object.get(c.values, "auto_enable", false) != true
}

deny contains cdktf.violation(metadata, c, sprintf("Inspector does not auto-enable %v for new accounts", [sort(off)])) if {
	some c in cdktf.resources("aws_inspector2_organization_configuration")
	settings := object.union({"ec2": false, "ecr": false, "lambda": false, "lambda_code": false}, object.get(c.values, "auto_enable", {}))
	off := {k | some k, v in settings; v != true}
	count(off) > 0
}

deny contains cdktf.violation(metadata, c, "Macie does not auto-enable new accounts") if {
	some c in cdktf.resources("aws_macie2_organization_configuration")
	object.get(c.values, "auto_enable", false) != true
}

# Regions of the stack other than the default provider's, by their provider configuration.
other_regions := {p.region | some p in input.provider.aws; p.alias}

aggregated_regions(a) := other_regions if a.values.linking_mode == "ALL_REGIONS"

aggregated_regions(a) := {r | some r in object.get(a.values, "specified_regions", [])} if a.values.linking_mode == "SPECIFIED_REGIONS"

deny contains cdktf.violation(metadata, stack, "Security Hub aggregates no region's findings into the home region (no aws_securityhub_finding_aggregator)") if {
	is_security_account_stack
	count(cdktf.resources("aws_securityhub_finding_aggregator")) == 0
}

deny contains cdktf.violation(metadata, a, sprintf("the finding aggregator leaves out %v", [sort(missing)])) if {
	some a in cdktf.resources("aws_securityhub_finding_aggregator")
	missing := other_regions - object.get({"x": aggregated_regions(a)}, "x", set())
	count(missing) > 0
}

organization_wide_config(a) if {
	some source in cdktf.blocks(object.get(a.values, "organization_aggregation_source", null))
	source.all_regions == true
}

deny contains cdktf.violation(metadata, stack, "no Config aggregator over every account and region of the organization") if {
	is_security_account_stack
	count([a | some a in cdktf.resources("aws_config_configuration_aggregator"); organization_wide_config(a)]) == 0
}

deny contains cdktf.violation(metadata, stack, sprintf("no organization-wide Access Analyzer for provider(s) %v", [sort(missing)])) if {
	is_security_account_stack
	with_org_analyzer := {cdktf.provider_of(a) | some a in cdktf.resources("aws_accessanalyzer_analyzer"); a.values.type == "ORGANIZATION"}
	missing := cdktf.aws_providers - with_org_analyzer
	count(missing) > 0
}
