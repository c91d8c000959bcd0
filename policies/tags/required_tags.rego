# TAG-001: every taggable resource says who owns it, which environment it is in, what data
# it holds and which component it belongs to. Incident response, access reviews and cost
# allocation all start from these tags; RequiredTagsAspect (modules/core/tagging.ts) writes them.
#
# "Taggable" is the list data.taggable_resource_types, generated from the provider by
# scripts/platform/gen-taggable-types.ts into policies/data/ and loaded with `-d policies/data`.
package rules.tags.required_tags

import data.lib.cdktf

metadata := {
	"id": "TAG-001",
	"title": "Every taggable resource has the required tags",
	"severity": "low",
	"hipaa": [],
	"control": "every taggable resource has owner, environment, data-classification tags",
	"references": ["own"],
	"fix": "Create the resource inside a MedicareStack, whose RequiredTagsAspect sets owner, environment, data-classification and component; do not pass tags as a token.",
}

required_tags := ["owner", "environment", "data-classification", "component"]

taggable_types := {type | some type in data.taggable_resource_types}

deny contains cdktf.violation(metadata, resource, sprintf("missing or empty required tag(s): %s", [concat(", ", missing)])) if {
	some type, _ in input.resource
	type in taggable_types
	some resource in cdktf.resources(type)
	tags := effective_tags(resource)
	missing := [key | some key in required_tags; not cdktf.non_empty_string(object.get(tags, key, null))]
	count(missing) > 0
}

# Tags the resource ends up with in AWS: the provider's default_tags, then its own tags.
effective_tags(resource) := object.union(default_tags(resource), own_tags(resource))

own_tags(resource) := resource.values.tags if {
	is_object(resource.values.tags)
} else := {}

# default_tags of the aws provider configuration the resource uses: the one whose alias
# matches its `provider` ("aws.<alias>"), or the one without alias.
default_tags(resource) := tags if {
	alias := trim_prefix(trim_prefix(object.get(resource.values, "provider", "aws"), "aws"), ".")
	some provider in cdktf.blocks(object.get(object.get(input, "provider", {}), "aws", null))
	object.get(provider, "alias", "") == alias
	some block in cdktf.blocks(object.get(provider, "default_tags", null))
	tags := block.tags
	is_object(tags)
} else := {}

# Without the type list every resource would pass unseen; say so instead.
deny contains cdktf.violation(metadata, {"path": "policies/data/taggable_resource_types.json", "address": "data.taggable_resource_types"}, "the taggable resource type list is not loaded; run conftest with -d policies/data") if {
	input.resource
	not types_loaded
}

types_loaded if count(data.taggable_resource_types) > 0
