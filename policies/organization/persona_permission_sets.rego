# ORG-007: each persona reaches AWS through its own IAM Identity Center permission set, and no
# two personas share a principal. In the organization stack: every permission set names one
# persona (tag `persona`), no two name the same; each session lasts at most an hour; each
# carries exactly its persona's customer-managed policy (`medicare-persona-<persona>`, which
# every environment's security stack builds from the same definitions) and the human
# boundary, and nothing that would grant the same in every account (an inline policy, an
# AWS-managed policy); and every account assignment is to a group, each group to one
# persona's permission set only. In every stack: no two roles of different personas trust
# the same principal (an account's root covers each principal of that account), so the one
# shared identity principal cannot come back.
package rules.organization.persona_permission_sets

import data.lib.cdktf
import data.lib.iam

metadata := {
	"id": "ORG-007",
	"title": "Each persona is a distinct Identity Center permission set with a one-hour session, its own policy and the human boundary; no two personas share a principal",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "IAM Identity Center permission sets for the six personas, one-hour sessions, assigned per account to groups, replacing the one shared trusted principal (added row, docs/policy-data.md)",
	"references": ["cfg:IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", "own"],
	"fix": "Keep IdentityCenter (modules/organization/identity-center.ts): one permission set per persona from organization.identityCenter, PT1H, its medicare-persona-<persona> policy and medicare-human-boundary by reference, assigned to the persona's own group; give people access through permission sets, not roles that trust an identity principal.",
}

# HUMAN_BOUNDARY_POLICY_NAME and personaPolicyName in modules/iam/persona-names.ts.
human_boundary := "medicare-human-boundary"

persona_policy(persona) := sprintf("medicare-persona-%s", [persona])

permission_sets := cdktf.resources("aws_ssoadmin_permission_set")

persona_of(set) := cdktf.tag(set.values, "persona")

# Attachments, assignments and inline policies of a permission set (by reference).
of_set(type, set) := {r | some r in cdktf.resources(type); cdktf.refers_to(object.get(r.values, "permission_set_arn", null), set)}

deny contains cdktf.violation(metadata, set, "has no persona tag: each permission set serves one persona (modules/iam/persona-names.ts)") if {
	some set in permission_sets
	not cdktf.non_empty_string(persona_of(set))
}

deny contains cdktf.violation(metadata, set, sprintf("is one of %d permission sets of persona %s: each persona is one permission set", [count(sets), persona])) if {
	some set in permission_sets
	persona := persona_of(set)
	sets := {s.address | some s in permission_sets; persona_of(s) == persona}
	count(sets) > 1
}

# ISO-8601 duration in minutes: PT1H, PT30M, PT1H30M, P1D...; anything else is unbounded here.
minutes(d) := m if {
	parts := regex.find_all_string_submatch_n(`^PT(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?$`, d, 1)[0]
	m := (to_number(object.get({"": 0}, parts[1], parts[1])) * 60 + to_number(object.get({"": 0}, parts[2], parts[2]))) + (to_number(object.get({"": 0}, parts[3], parts[3])) / 60)
}

deny contains cdktf.violation(metadata, set, sprintf("session_duration %v: a persona session lasts at most PT1H", [d])) if {
	some set in permission_sets
	d := object.get(set.values, "session_duration", "PT1H")
	not at_most_an_hour(d)
}

at_most_an_hour(d) if {
	is_string(d)
	regex.match(`^PT(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+S)?$`, d)
	minutes(d) <= 60
}

deny contains cdktf.violation(metadata, set, sprintf("carries no customer-managed policy %s: the persona's grants in each account come from that policy", [persona_policy(persona)])) if {
	some set in permission_sets
	persona := persona_of(set)
	names := {object.get(a.values, ["customer_managed_policy_reference", 0, "name"], object.get(a.values, ["customer_managed_policy_reference", "name"], "")) |
		some a in of_set("aws_ssoadmin_customer_managed_policy_attachment", set)
	}
	not persona_policy(persona) in names
}

deny contains cdktf.violation(metadata, set, sprintf("carries customer-managed policy %s, which is not its persona's (%s): it would grant another persona's access", [name, persona_policy(persona)])) if {
	some set in permission_sets
	persona := persona_of(set)
	some a in of_set("aws_ssoadmin_customer_managed_policy_attachment", set)
	name := object.get(a.values, ["customer_managed_policy_reference", 0, "name"], object.get(a.values, ["customer_managed_policy_reference", "name"], ""))
	name != persona_policy(persona)
}

boundary_name(b) := object.get(b.values, ["permissions_boundary", 0, "customer_managed_policy_reference", 0, "name"], object.get(b.values, ["permissions_boundary", "customer_managed_policy_reference", "name"], ""))

deny contains cdktf.violation(metadata, set, sprintf("has no permissions boundary %s: the persona's role would have no ceiling", [human_boundary])) if {
	some set in permission_sets
	not human_boundary in {boundary_name(b) | some b in of_set("aws_ssoadmin_permissions_boundary_attachment", set)}
}

# The same grant in every account, outside the per-account definitions and the boundary's review.
shared_grants := {"aws_ssoadmin_managed_policy_attachment": "an AWS-managed policy", "aws_ssoadmin_permission_set_inline_policy": "an inline policy"}

deny contains cdktf.violation(metadata, r, sprintf("gives a permission set %s: it grants the same in every account, outside the persona's own policy", [what])) if {
	some type, what in shared_grants
	some r in cdktf.resources(type)
}

assignments := cdktf.resources("aws_ssoadmin_account_assignment")

deny contains cdktf.violation(metadata, a, sprintf("assigns a permission set to a %v: people get a persona through its group only", [object.get(a.values, "principal_type", "")])) if {
	some a in assignments
	object.get(a.values, "principal_type", "") != "GROUP"
}

# The persona of the permission set an assignment gives ("?" when it names none).
assigned_persona(a) := persona_of(set) if {
	some set in permission_sets
	cdktf.refers_to(object.get(a.values, "permission_set_arn", null), set)
} else := "?"

deny contains cdktf.violation(metadata, a, sprintf("principal %v is given the permission sets of %d personas %v: no two personas share a principal", [principal, count(personas), sort(personas)])) if {
	some a in assignments
	principal := object.get(a.values, "principal_id", "")
	personas := {assigned_persona(b) | some b in assignments; object.get(b.values, "principal_id", "") == principal}
	count(personas) > 1
}

# Roles of people: no two roles of different personas trust overlapping principals.
persona_role_principals contains [persona, role.address, p] if {
	some role in cdktf.resources("aws_iam_role")
	persona := cdktf.tag(role.values, "persona")
	some stmt in iam.allows(role.values.assume_role_policy)
	is_object(stmt.Principal)
	some p in cdktf.as_array(object.get(stmt.Principal, "AWS", []))
}

account_of(p) := p if regex.match(`^[0-9]{12}$`, p)

account_of(p) := split(p, ":")[4] if startswith(p, "arn:")

# An account (its root, or its id) covers every principal of that account; "*" covers all.
overlap(p, q) if p == q

overlap(p, _) if p == "*"

overlap(_, q) if q == "*"

overlap(p, q) if {
	whole_account(p)
	account_of(p) == account_of(q)
}

overlap(p, q) if {
	whole_account(q)
	account_of(p) == account_of(q)
}

whole_account(p) if regex.match(`^([0-9]{12}|arn:aws:iam::[0-9]{12}:root)$`, p)

deny contains cdktf.violation(metadata, cdktf.at(address), sprintf("persona %s trusts %s, which persona %s's role also trusts: no two personas share a principal", [persona, p, other])) if {
	some mine in persona_role_principals
	[persona, address, p] := mine
	some theirs in persona_role_principals
	[other, _, q] := theirs
	other != persona
	overlap(p, q)
}
