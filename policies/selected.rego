# Chosen rules over many documents in one query, for checks that need only some rules per
# document (the mutation tests: each mutated copy of a stack against the rule it weakens).
# The runner gives conftest the documents with --combine, so the input is a list of
# {"path", "contents"}, and data.selected_rules maps each path to the rule ids to apply.
# Each chosen rule's deny is evaluated with that document as its input, exactly as the suite
# (package main) evaluates it for a file, but without the other rules: a mutation costs
# one rule's evaluation, not the whole suite's. Each finding says which document it is for.
package selected

deny contains object.union(finding, {"checked_file": doc.path}) if {
	some doc in input
	some rule_id in data.selected_rules[doc.path]
	some area, name
	data.rules[area][name].metadata.id == rule_id
	some finding in data.rules[area][name].deny with input as doc.contents
}
