# TYP-001: default-deny on resource types. Every Terraform resource type a stack contains must
# be in the reviewed catalog (policies/data/resource_catalog.json), which names the rules that
# judge it or, for the few types with no security attribute, says why none is needed. A type
# nobody reviewed (a new construct, an escape hatch, an override) fails until someone adds it
# with its rules, so new kinds of resources cannot arrive unjudged.
package rules.types.reviewed

import data.lib.cdktf

metadata := {
	"id": "TYP-001",
	"title": "Every resource type is in the reviewed catalog with the rules that cover it",
	"severity": "high",
	"hipaa": ["A", "L"],
	"control": "every Terraform resource type the stacks contain is reviewed: the catalog names the rules that cover it, or why none is needed (default deny) (added row, docs/policy-data.md)",
	"references": ["own"],
	"fix": "Add the type to policies/data/resource_catalog.json with the ids of the rules that judge its security attributes (write the rules first if there are none), or with a reason when it has none; see docs/policy-data.md.",
}

deny contains cdktf.violation(metadata, cdktf.resource(type, name, body), sprintf("unreviewed resource type %s: add it to the catalog with its rules (policies/data/resource_catalog.json)", [type])) if {
	some type, by_name in input.resource
	not data.resource_catalog[type]
	some name, body in by_name
}
