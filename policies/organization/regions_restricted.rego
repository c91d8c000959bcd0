# ORG-003: an SCP binding every member account denies everything outside a fixed list of
# regions (aws:RequestedRegion with StringNotEquals, concrete region names only), exempting
# only global services (NotAction drawn from policies/data/scp_global_services.json). An
# exempted regional service, a wildcard region or a missing SCP lets data leave the regions.
package rules.organization.regions_restricted

import data.lib.cdktf
import data.lib.organization as org

metadata := {
	"id": "ORG-003",
	"title": "An SCP denies every region outside the configured list, exempting only global services",
	"severity": "high",
	"hipaa": ["A", "T"],
	"control": "SCP restricts regions; only global services exempt (ARCHITECTURE.md, organization stack: service control policies that keep the regions fixed)",
	"references": ["own"],
	"fix": "Keep the deny-other-regions SCP (modules/organization/service-control-policies.ts) on every top-level OU; add a service to GLOBAL_SERVICE_ACTIONS only if it has no regional endpoint.",
}

global_actions := {a | some a in data.scp_global_service_actions}

region_statement(s) if {
	count(cdktf.as_array(object.get(s, "NotAction", []))) > 0
	count(s.Condition) == 1
	count(s.Condition.StringNotEquals) == 1
	regions := cdktf.as_array(s.Condition.StringNotEquals["aws:RequestedRegion"])
	count(regions) > 0
	every r in regions {
		regex.match(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`, r)
	}
	org.applies_to(s, "*")
}

exempted_regional(s) := {a | some a in cdktf.as_array(s.NotAction); not a in global_actions}

organization := o if some o in cdktf.resources("aws_organizations_organization")

deny contains cdktf.violation(metadata, organization, "no SCP binding every member account denies requests outside a list of concrete regions (NotAction global services, StringNotEquals aws:RequestedRegion)") if {
	org.is_organization_stack
	count([s | some s in org.binding_statements; region_statement(s)]) == 0
}

deny contains cdktf.violation(metadata, organization, sprintf("the region SCP exempts actions that are not global services: %v", [sort(extra)])) if {
	org.is_organization_stack
	some s in org.binding_statements
	region_statement(s)
	extra := exempted_regional(s)
	count(extra) > 0
}
