# Helpers of the export rules (EXP-001..EXP-003): IAM roles that IAM Roles Anywhere lets
# machines outside AWS assume, and the policies attached to them.
package lib.export

import data.lib.cdktf

roles_anywhere := "rolesanywhere.amazonaws.com"

# An Allow statement of a trust policy that lets IAM Roles Anywhere assume the role.
trusts_roles_anywhere(stmt) if {
	stmt.Effect == "Allow"
	is_object(stmt.Principal)
	some principal in cdktf.as_array(object.get(stmt.Principal, "Service", []))
	principal == roles_anywhere
}

# Every aws_iam_role whose trust policy admits IAM Roles Anywhere.
external_roles contains role if {
	some role in cdktf.resources("aws_iam_role")
	some stmt in cdktf.statements(object.get(role.values, "assume_role_policy", null))
	trusts_roles_anywhere(stmt)
}

# The role a role-policy resource's `role` attribute names: by reference or by literal name.
names_role(value, role) if cdktf.refers_to(value, role)

names_role(value, role) if {
	not cdktf.is_ref(value)
	value == object.get(role.values, "name", null)
}

# The condition values of `key` (case-insensitive) under one of `operators`.
condition_values(stmt, operators, key) := [v |
	some operator, by_key in object.get(stmt, "Condition", {})
	operator in operators
	some k, values in by_key
	lower(k) == lower(key)
	some v in cdktf.as_array(values)
]

# The key has at least one value under those operators, and none is empty or a wildcard.
pinned(stmt, operators, key) if {
	values := condition_values(stmt, operators, key)
	count(values) > 0
	every v in values {
		cdktf.non_empty_string(v)
		not contains(v, "*")
	}
}
