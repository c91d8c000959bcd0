# The whole suite as one query per checked file: the runner asks conftest for the default
# namespace (main) only, so the helpers of lib.* that every rule calls (all_resources, the
# policy-document parsing, ...) are evaluated once per file and shared by all rules, instead
# of once per rule namespace as `conftest test --all-namespaces` would (7 s -> under 3 s for
# all stacks of all environments). A rule is any package data.rules.<area>.<name> with a
# `deny` set; the catalog's warnings carry each rule's metadata.
package main

deny contains finding if {
	some area, name
	some finding in data.rules[area][name].deny
}

warn contains entry if {
	some entry in data.catalog.warn
}
