# IAM-010: no permission boundary lets through the actions that switch off the audit trail,
# create long-lived credentials, lift or rewrite a boundary, or create roles without one.
# A boundary is a ceiling: an action is let through when an Allow statement of the boundary
# covers it and no Deny statement blocks it. A Deny blocks only when it covers the action on
# every resource (the boundaries themselves, for the boundary-tampering actions) and has no
# condition except the two that keep the Deny whole: iam:PermissionsBoundary naming only this
# stack's boundaries (roles created with one stay allowed) and iam:PassedToService naming
# services (passing a role to a named service). Any other condition (an account, a tag, a
# region) opens a way around it.
package rules.iam.boundaries_deny_escalation

import data.lib.cdktf
import data.lib.iam

metadata := {
	"id": "IAM-010",
	"title": "Permission boundaries let through no audit tampering, long-lived credentials or unbounded roles",
	"severity": "critical",
	"hipaa": ["A", "L"],
	"control": "permission boundaries let through no audit tampering, IAM users or keys, boundary changes or roles without a boundary (added row, docs/policy-data.md)",
	"references": ["own"],
	"fix": "Keep the action in the boundary's unconditional Deny (HUMAN_FORBIDDEN_ACTIONS in modules/iam/human-boundary.ts, the workload boundary's Deny in permission-boundary.ts), or out of its Allow statements; never add a condition to those Deny statements.",
}

# The required denials, by why.
audit_tampering := {
	"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors",
	"config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel",
	"guardduty:DeleteDetector", "guardduty:UpdateDetector", "securityhub:DisableSecurityHub",
	"logs:DeleteLogGroup", "logs:DeleteRetentionPolicy", "logs:PutRetentionPolicy", "logs:DisassociateKmsKey",
	"kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation", "kms:PutKeyPolicy",
	"ec2:DeleteFlowLogs", "cloudwatch:DeleteAlarms", "cloudwatch:DisableAlarmActions",
}

long_lived_credentials := {
	"iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
	"iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:AddUserToGroup", "iam:CreateServiceSpecificCredential",
}

# Creating or re-bounding a role: denied unless the role gets one of the boundaries.
unbounded_roles := {"iam:CreateRole", "iam:PutRolePermissionsBoundary"}

# Always denied: a boundary removed, or a boundary policy rewritten or deleted.
boundary_tampering := {"iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy"}

required := audit_tampering | long_lived_credentials | unbounded_roles | boundary_tampering

boundaries := {p | some p in cdktf.resources("aws_iam_policy"); iam.is_boundary(p)}

boundary_arns := {sprintf("arn:aws:iam::%s:policy/%s", [account, p.values.name]) |
	some p in boundaries
	account := data.principal_allowlist[split(object.get(input, ["//", "metadata", "stackName"], ""), "-")[0]].account
}

covers(patterns, action) if {
	some p in cdktf.as_array(patterns)
	is_string(p)
	glob.match(lower(p), [], lower(action))
}

statement_covers(stmt, action) if covers(object.get(stmt, "Action", []), action)

statement_covers(stmt, action) if {
	stmt.NotAction
	not covers(stmt.NotAction, action)
}

# The Deny applies to the resources the action acts on.
on_every_resource(stmt, action) if {
	not action in boundary_tampering
	some r in cdktf.as_array(object.get(stmt, "Resource", []))
	r == "*"
}

on_every_resource(stmt, action) if {
	action in boundary_tampering
	count(boundary_arns) > 0
	every arn in boundary_arns {
		some r in cdktf.as_array(object.get(stmt, "Resource", []))
		glob.match(r, [], arn)
	}
}

keeps_deny_whole(op, key, values, action) if {
	op == "StringNotEquals"
	lower(key) == "iam:permissionsboundary"
	action in unbounded_roles
	count(cdktf.as_array(values)) > 0
	every v in cdktf.as_array(values) {
		v in boundary_arns
	}
}

keeps_deny_whole(op, key, values, action) if {
	op == "StringNotEquals"
	lower(key) == "iam:passedtoservice"
	not action in unbounded_roles
	every v in cdktf.as_array(values) {
		endswith(v, ".amazonaws.com")
	}
}

blocks(stmt, action) if {
	stmt.Effect == "Deny"
	statement_covers(stmt, action)
	on_every_resource(stmt, action)
	every op, by_key in object.get(stmt, "Condition", {}) {
		every key, values in by_key {
			keeps_deny_whole(op, key, values, action)
		}
	}
}

lets_through(doc, action) if {
	some stmt in iam.allows(doc)
	statement_covers(stmt, action)
	not blocked(doc, action)
}

blocked(doc, action) if {
	some stmt in cdktf.statements(doc)
	blocks(stmt, action)
}

deny contains cdktf.violation(metadata, boundary, sprintf("lets through %s: an Allow covers them and no unconditional Deny blocks them", [concat(", ", sort(through))])) if {
	some boundary in boundaries
	through := {a | some a in required; lets_through(boundary.values.policy, a)}
	count(through) > 0
}
