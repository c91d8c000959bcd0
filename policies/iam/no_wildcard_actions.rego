# IAM-001: no Allow statement in any policy document (identity, boundary, resource or trust
# policy) grants "*" or "<service>:*", or uses NotAction (everything but a list). A grant
# names the actions the job needs; a wildcard hands over every future action too. A partial
# wildcard (`s3:Get*`, `ec2:Delete*`) is allowed only as one of the reviewed patterns of
# policies/data/action_wildcards.json (generated from modules/iam/action-wildcards.ts, with
# the actions each matches today).
package rules.iam.no_wildcard_actions

import data.lib.cdktf
import data.lib.iam

metadata := {
	"id": "IAM-001",
	"title": "No policy statement allows \"*\", \"<service>:*\", NotAction or an unreviewed action wildcard",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "no policy statement with `Action: \"*\"` or `service:*`; no `Resource: \"*\"` on actions that support resource scoping",
	"references": ["nag:IAMPolicyNoStatementsWithAdminAccess", "nag:IAMPolicyNoStatementsWithFullAccess", "ckv:CKV_AWS_62", "ckv:CKV_AWS_63"],
	"fix": "Name the actions the principal needs (as PolicyStatement actions in modules/iam/policy-document.ts); Deny statements may use wildcards. A pattern that must stay (a service's documented key-policy statement) goes into ACTION_WILDCARDS (modules/iam/action-wildcards.ts) with why, then `npx tsx scripts/platform/gen-action-wildcards.ts`.",
}

deny contains cdktf.violation(metadata, r, sprintf("%s policy statement %v allows %v", [kind, object.get(stmt, "Sid", i), action])) if {
	some [r, kind, doc] in iam.documents
	some i, stmt in iam.allows(doc)
	some action in cdktf.as_array(object.get(stmt, "Action", []))
	iam.wildcard_action(action)
}

deny contains cdktf.violation(metadata, r, sprintf("%s policy statement %v allows NotAction (every action but those listed)", [kind, object.get(stmt, "Sid", i)])) if {
	some [r, kind, doc] in iam.documents
	some i, stmt in iam.allows(doc)
	object.get(stmt, "NotAction", null) != null
}

deny contains cdktf.violation(metadata, r, sprintf("the %s policy is not a literal JSON policy document, so it cannot be checked", [kind])) if {
	some [r, kind, doc] in iam.documents
	not cdktf.policy_document(doc)
}

deny contains cdktf.violation(metadata, r, sprintf("%s policy statement %v allows %v, an action wildcard that is not one of the reviewed patterns (policies/data/action_wildcards.json): name the actions", [kind, object.get(stmt, "Sid", i), action])) if {
	some [r, kind, doc] in iam.documents
	some i, stmt in iam.allows(doc)
	some action in cdktf.as_array(object.get(stmt, "Action", []))
	is_string(action)
	regex.match(`[*?]`, action)
	not iam.wildcard_action(action)
	not data.action_wildcards[action]
}
