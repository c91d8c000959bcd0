# IAM-002: a grant (identity policy) uses Resource "*" only for actions that support no
# resource-level permissions, listed with their reason in modules/iam/unscoped-actions.ts
# (exported to policies/data/unscoped_actions.json). Everything else names its resources.
package rules.iam.no_unscoped_resources

import data.lib.cdktf
import data.lib.iam

metadata := {
	"id": "IAM-002",
	"title": "No identity policy grants Resource \"*\" to an action that supports resource-level permissions",
	"severity": "high",
	"hipaa": ["A"],
	"control": "no policy statement with `Action: \"*\"` or `service:*`; no `Resource: \"*\"` on actions that support resource scoping",
	"references": ["nag:IAMPolicyNoStatementsWithFullAccess", "ckv:CKV_AWS_355"],
	"fix": "Name the resources (ARNs or ARN patterns of this environment) in the statement; only actions listed in modules/iam/unscoped-actions.ts may use \"*\".",
}

deny contains cdktf.violation(metadata, r, sprintf("statement %v grants %v on Resource \"*\", but it supports resource-level permissions", [object.get(stmt, "Sid", i), scopable])) if {
	some [r, kind, doc] in iam.documents
	kind == "identity"
	some i, stmt in iam.allows(doc)
	"*" in cdktf.as_array(object.get(stmt, "Resource", []))
	scopable := [a | some a in cdktf.as_array(object.get(stmt, "Action", [])); not iam.unscoped(a); not denied_on_every_resource_with_arn(doc, a)]
	count(scopable) > 0
}

# An action listed in unscoped_beside_deny (sns:Publish: an SMS to a phone number has no ARN)
# may take "*" when the same policy denies it on the listed pattern (every topic and endpoint).
denied_on_every_resource_with_arn(doc, action) if {
	pattern := data.unscoped_beside_deny[action]
	some stmt in cdktf.statements(doc)
	object.get(stmt, "Effect", "") == "Deny"
	action in cdktf.as_array(object.get(stmt, "Action", []))
	pattern in cdktf.as_array(object.get(stmt, "Resource", []))
}

deny contains cdktf.violation(metadata, r, sprintf("statement %v grants on NotResource (every resource but those listed)", [object.get(stmt, "Sid", i)])) if {
	some [r, kind, doc] in iam.documents
	kind == "identity"
	some i, stmt in iam.allows(doc)
	object.get(stmt, "NotResource", null) != null
}
