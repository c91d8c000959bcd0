# ORG-005: the security account is the delegated administrator of GuardDuty, Security Hub,
# Inspector and Macie in every region the organization stack works in (each region that holds
# data has a provider), and of Config and Access Analyzer through Organizations; one account
# administers all of them, and it is not the management account. A region without its
# administrator is a region whose findings nobody collects.
package rules.organization.delegated_admin

import data.lib.cdktf
import data.lib.organization as org

metadata := {
	"id": "ORG-005",
	"title": "The security account administers GuardDuty, Security Hub, Inspector and Macie in every region that holds data, and Config and Access Analyzer",
	"severity": "high",
	"hipaa": ["L"],
	"control": "Delegated administration of detection to the security account in every data region (ARCHITECTURE.md, organization stack: delegated administration of GuardDuty, Security Hub, Inspector, Macie, Config aggregation and Access Analyzer)",
	"references": ["cfg:GUARDDUTY_ENABLED_CENTRALIZED"],
	"fix": "Keep delegateToSecurityAccount (modules/organization/organization-stack.ts): one admin per service and region provider.",
}

# type -> the attribute naming the administrator account
per_region_admins := {
	"aws_guardduty_organization_admin_account": "admin_account_id",
	"aws_securityhub_organization_admin_account": "admin_account_id",
	"aws_inspector2_delegated_admin_account": "account_id",
	"aws_macie2_organization_admin_account": "admin_account_id",
}

through_organizations := {"config.amazonaws.com", "access-analyzer.amazonaws.com"}

organization := o if some o in cdktf.resources("aws_organizations_organization")

deny contains cdktf.violation(metadata, organization, sprintf("%s is not declared for provider(s) %v: those regions have no delegated administrator", [type, sort(missing)])) if {
	org.is_organization_stack
	some type, _ in per_region_admins
	missing := cdktf.providers_without(type)
	count(missing) > 0
}

deny contains cdktf.violation(metadata, organization, sprintf("no aws_organizations_delegated_administrator for %s", [principal])) if {
	org.is_organization_stack
	some principal in through_organizations
	count([d | some d in cdktf.resources("aws_organizations_delegated_administrator"); d.values.service_principal == principal]) == 0
}

admin_ids contains r.values[attribute] if {
	some type, attribute in per_region_admins
	some r in cdktf.resources(type)
}

admin_ids contains d.values.account_id if {
	some d in cdktf.resources("aws_organizations_delegated_administrator")
	d.values.service_principal in through_organizations
}

deny contains cdktf.violation(metadata, organization, sprintf("the detection services are administered by %d different accounts %v, not one security account", [count(admin_ids), sort(admin_ids)])) if {
	org.is_organization_stack
	count(admin_ids) > 1
}

management_ids contains id if {
	some p in input.provider.aws
	some id in object.get(p, "allowed_account_ids", [])
}

deny contains cdktf.violation(metadata, organization, sprintf("the management account %s administers the detection services; delegate them to the security account", [id])) if {
	org.is_organization_stack
	some id in admin_ids
	id in management_ids
}
