# WIR-001: a reference that configures or uses a resource owned by one component names that
# component's own resource: a security-group rule its own group, an inline policy its own role,
# a function its own log group, dead-letter queue and security group, a bucket setting its own
# bucket (policies/data/owned_references.json lists each reference with why it is owned).
#
# "Its own" is read from the construct tree: the named resource must be one of the nearest
# resources of its type to the referencing one (fewest steps up and down the construct path),
# and in the same region (unless the entry says why it crosses regions). A reference moved to another component's resource (the export
# bucket's lifecycle on its replica, a function logging into the WAF's group, an egress rule
# on another function's group, a recorder status started on another region's recorder) keeps
# every value-level rule green; this rule catches the move.
package rules.wiring.owned_references

import data.lib.bounds
import data.lib.cdktf

metadata := {
	"id": "WIR-001",
	"title": "Settings, rules and deliveries are wired to their own component's resource",
	"severity": "high",
	"hipaa": ["A", "I", "L"],
	"control": "each owned reference (a rule on a group, a policy on a role, a function's log group, DLQ and security group, a bucket's settings, a log delivery) names its own component's resource, in its region",
	"references": ["own"],
	"fix": "Point the reference back at the resource the construct created for it. A reference that is shared by design is removed from policies/data/owned_references.json with the reason, reviewed like code.",
}

# [resource, entry, referent] for every owned reference of the document that names a resource of it.
wired contains [resource, entry, referent] if {
	some entry in data.owned_references
	some resource in cdktf.resources(entry.type)
	some value in bounds.at_path(resource.values, entry.path)
	some s in cdktf.as_array(value)
	referent := cdktf.target(s)
}

deny contains cdktf.violation(metadata, resource, sprintf("%s names %s (%s), not its own component's %s: %s", [entry.path, referent.address, referent.path, referent.type, concat(", ", sort(nearest(resource, referent.type))), entry.why])) if {
	some [resource, entry, referent] in wired
	steps_between(resource.path, referent.path) > fewest_steps(resource, referent.type)
}

deny contains cdktf.violation(metadata, resource, sprintf("%s names %s in %s, but the resource is in %s: %s", [entry.path, referent.address, cdktf.region_of(referent), cdktf.region_of(resource), entry.why])) if {
	some [resource, entry, referent] in wired
	not entry.cross_region
	cdktf.region_of(resource) != cdktf.region_of(referent)
}

# Steps from one construct path to another through their deepest common scope.
steps_between(a, b) := (count(x) + count(y)) - (2 * common_depth(x, y)) if {
	x := split(a, "/")
	y := split(b, "/")
}

common_depth(x, y) := count([i |
	some i in numbers.range(1, min([count(x), count(y)]))
	array.slice(x, 0, i) == array.slice(y, 0, i)
])

fewest_steps(resource, type) := min({steps_between(resource.path, other.path) | some other in cdktf.resources(type)})

# The addresses of the resources of `type` nearest to `resource` (what it should name).
nearest(resource, type) := [other.address |
	some other in cdktf.resources(type)
	steps_between(resource.path, other.path) == fewest_steps(resource, type)
]
