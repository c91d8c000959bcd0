# PRN-002: a condition in an Allow statement restricts something. A pattern operator whose
# value is only wildcards (StringLike "*", ArnLike "arn:aws:*:*:*:*"), an ...IfExists operator
# on a key that scopes the caller or the source (true whenever the key is absent), or a
# ForAllValues operator (true when the key has no values) makes the condition always true, so
# the statement grants as if it had none; under a `*` principal that is everyone. A Deny
# statement's condition must not be always false for the same reason (StringNotLike "*").
package rules.principals.conditions_not_always_true

import data.lib.cdktf
import data.lib.principals

metadata := {
	"id": "PRN-002",
	"title": "No condition is always true in an Allow (or always false in a Deny)",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "policy conditions restrict: no wildcard-only pattern, no IfExists on caller or source keys, no ForAllValues without a Null check, no always-false Deny condition (added row, docs/policy-data.md)",
	"references": ["ckv:CKV_AWS_70", "own"],
	"fix": "Give the condition the value it is meant to check (this account, the source resource's ARN, the organization), with StringEquals/ArnLike and without IfExists; never a value made only of wildcards.",
}

pattern_operators := {"StringLike", "ArnLike", "ArnEquals", "ForAnyValue:StringLike", "ForAnyValue:ArnLike"}

negated_pattern_operators := {"StringNotLike", "ArnNotLike", "ArnNotEquals", "ForAnyValue:StringNotLike", "ForAllValues:StringNotLike"}

# Keys that say who calls or for which resource: with IfExists they stop restricting when absent.
scoping_keys := {
	"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourceorgid", "aws:sourcevpc", "aws:sourcevpce",
	"aws:principalaccount", "aws:principalarn", "aws:principalorgid", "aws:resourceaccount", "aws:resourceorgid",
	"aws:multifactorauthpresent", "aws:multifactorauthage", "aws:securetransport", "kms:calleraccount", "kms:viaservice",
}

# A value that every string matches: only wildcards, colons and the "arn"/partition words.
matches_everything(v) if {
	is_string(v)
	regex.replace(regex.replace(v, `^arn(:aws[a-z-]*)?`, ""), `[*?:/]`, "") == ""
	contains(v, "*")
}

problems(stmt) := {sprintf("%s %s = %q matches everything", [op, key, v]) |
	some op, by_key in object.get(stmt, "Condition", {})
	op in pattern_operators
	some key, values in by_key
	some v in cdktf.as_array(values)
	matches_everything(v)
} | {sprintf("%s on %s is true whenever the key is absent", [op, key]) |
	some op, by_key in object.get(stmt, "Condition", {})
	endswith(op, "IfExists")
	some key, _ in by_key
	lower(key) in scoping_keys
} | {sprintf("%s on %s is true when the key has no values; add Null %s = false", [op, key, key]) |
	some op, by_key in object.get(stmt, "Condition", {})
	startswith(op, "ForAllValues:")
	some key, _ in by_key
	not requires_values(stmt, key)
}

# Null {key: false}: the request must carry the key, so ForAllValues cannot pass on nothing.
requires_values(stmt, key) if {
	some k, v in object.get(stmt.Condition, "Null", {})
	lower(k) == lower(key)
	v in {false, "false"}
}

deny contains cdktf.violation(metadata, resource, sprintf("%s statement %v%s: %s, so the condition restricts nothing", [key, object.get(stmt, "Sid", i), public_note(stmt), problem])) if {
	some resource in cdktf.all_resources
	some [key, doc] in principals.documents(resource)
	some i, stmt in cdktf.statements(doc)
	object.get(stmt, "Effect", "") == "Allow"
	some problem in problems(stmt)
}

deny contains cdktf.violation(metadata, resource, sprintf("%s Deny statement %v: %s %s = %q matches everything, so the Deny never applies", [key, object.get(stmt, "Sid", i), op, ckey, v])) if {
	some resource in cdktf.all_resources
	some [key, doc] in principals.documents(resource)
	some i, stmt in cdktf.statements(doc)
	object.get(stmt, "Effect", "") == "Deny"
	some op, by_key in object.get(stmt, "Condition", {})
	op in negated_pattern_operators
	some ckey, values in by_key
	some v in cdktf.as_array(values)
	matches_everything(v)
}

public_note(stmt) := " (principal *)" if cdktf.principal_is_public(stmt)

else := ""
