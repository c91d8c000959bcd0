# BND-001: every security-relevant number and enum of the stacks is within the bound that
# policies/data/bounds.json declares for it: retention and lifetime days, key rotation and
# deletion windows, token validity and units, alarm periods and thresholds, WAF rate limits,
# session lengths, TLS versions and policies, protocols, runtimes, DNSSEC status, patch
# approval. Each bound names the control it comes from (CONTROLS.md or docs/policy-data.md),
# so a value just past either side of it fails, on every resource of the type.
package rules.bounds.declared_bounds

import data.lib.bounds
import data.lib.cdktf

metadata := {
	"id": "BND-001",
	"title": "Security-relevant numbers and enums are within their declared bounds",
	"severity": "high",
	"hipaa": ["A", "E", "T", "L", "I", "B", "P"],
	"control": "every security-relevant numeric and enum attribute is within a bound or allowed set from its control (added row, docs/policy-data.md)",
	"references": ["own"],
	"fix": "Set the value within the bound the message gives (the construct's default is within it). A bound that is wrong is changed in policies/data/bounds.json with the control that justifies it, reviewed like code.",
}

# Every (resource, bound) pair of the document: types without a bound cost nothing.
checked contains [resource, bound] if {
	some type, _ in input.resource
	type in bounds.types
	some bound in bounds.declared
	bound.type == type
	some resource in cdktf.resources(type)
}

deny contains cdktf.violation(metadata, resource, sprintf("%s is absent; it is required (%s)", [bound.path, reason(bound)])) if {
	some [resource, bound] in checked
	object.get(bound, "required", false)
	bounds.absent(resource.values, bound)
}

deny contains cdktf.violation(metadata, resource, sprintf("%s = %v %s (%s)", [bound.path, value, problem, reason(bound)])) if {
	some [resource, bound] in checked
	some value in bounds.values(resource.values, bound)
	some problem in problems(value, bound)
}

deny contains cdktf.violation(metadata, resource, sprintf("%s does not include %v (%s)", [bound.path, wanted, reason(bound)])) if {
	some [resource, bound] in checked
	bound.includes
	found := bounds.values(resource.values, bound)
	count(found) > 0
	some wanted in bound.includes
	not wanted in found
}

reason(bound) := sprintf("%s; control: %s", [bound.why, bound.control])

problems(value, bound) := {"is a Terraform expression, not a literal, so its bound cannot be checked"} if cdktf.is_ref(value)

else := {p |
	some p in [
		below(value, bound),
		above(value, bound),
		outside(value, bound),
	]
	p != ""
}

below(value, bound) := sprintf("is below the minimum %v", [bound.min]) if {
	number(value) < bound.min
} else := "is not a number" if {
	bound.min
	not number(value)
} else := ""

above(value, bound) := sprintf("is above the maximum %v", [bound.max]) if {
	number(value) > bound.max
} else := "is not a number" if {
	bound.max
	not number(value)
} else := ""

outside(value, bound) := sprintf("is not one of %v", [bound.allowed]) if {
	bound.allowed
	not value in bound.allowed
} else := ""

number(v) := v if is_number(v)

else := to_number(v) if {
	is_string(v)
	regex.match(`^-?[0-9]+(\.[0-9]+)?$`, v)
}
