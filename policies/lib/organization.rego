# Helpers for the organization rules (ORG-001..ORG-00x): the SCPs of the organization stack,
# where each is attached, and which of their statements bind every member account.
package lib.organization

import data.lib.cdktf

# The management account's stack: it declares the organization.
is_organization_stack if count(cdktf.resources("aws_organizations_organization")) > 0

scps := {p | some p in cdktf.resources("aws_organizations_policy"); object.get(p.values, "type", "SERVICE_CONTROL_POLICY") == "SERVICE_CONTROL_POLICY"}

# OUs directly under the root: attaching to all of them binds every member account.
top_level_ous := {ou |
	some ou in cdktf.resources("aws_organizations_organizational_unit")
	cdktf.ref_type(object.get(ou.values, "parent_id", "")) == "aws_organizations_organization"
}

attachments(policy) := {a |
	some a in cdktf.resources("aws_organizations_policy_attachment")
	cdktf.refers_to(object.get(a.values, "policy_id", null), policy)
}

attached_to_root(policy) if {
	some a in attachments(policy)
	cdktf.ref_type(object.get(a.values, "target_id", "")) == "aws_organizations_organization"
}

attached_to(policy, ou) if {
	some a in attachments(policy)
	cdktf.refers_to(object.get(a.values, "target_id", null), ou)
}

# The SCP binds every member account: on the root, or on every top-level OU.
binds_every_account(policy) if attached_to_root(policy)

binds_every_account(policy) if {
	count(top_level_ous) > 0
	every ou in top_level_ous {
		attached_to(policy, ou)
	}
}

# Deny statements of the SCPs that bind every member account.
binding_statements contains s if {
	some policy in scps
	binds_every_account(policy)
	some s in cdktf.statements(policy.values.content)
	s.Effect == "Deny"
}

# The statement's Action (or "*"-pattern) covers `action`.
covers(statement, action) if {
	some pattern in cdktf.as_array(object.get(statement, "Action", []))
	glob.match(lower(pattern), [], lower(action))
}

# The statement applies to `resource` (an ARN or pattern): Resource "*" or a pattern covering it.
applies_to(statement, resource) if {
	some pattern in cdktf.as_array(object.get(statement, "Resource", "*"))
	glob.match(pattern, [], resource)
}

# A condition that exempts exactly one named role in every account, and nothing else.
one_role_exemption(condition) if {
	count(condition) == 1
	by_key := condition.ArnNotLike
	count(by_key) == 1
	arns := cdktf.as_array(by_key["aws:PrincipalArn"])
	count(arns) == 1
	regex.match(`^arn:aws:iam::\*:role/[A-Za-z0-9+=,.@_-]+$`, arns[0])
}

# The statement denies unconditionally, or with at most one named role exempt (when allowed).
denies_everyone(statement, exemption_allowed) if not statement.Condition

denies_everyone(statement, exemption_allowed) if {
	exemption_allowed
	one_role_exemption(statement.Condition)
}
