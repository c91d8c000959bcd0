# Helpers for the principal rules (PRN-xxx): who a stack's environment may name, from
# policies/data/principal_allowlist.json (generated from the typed config by
# scripts/platform/gen-principal-allowlist.ts), and the accounts, regions and principals that
# a resource or a policy statement names.
package lib.principals

import data.lib.cdktf

stack_name := object.get(input, ["//", "metadata", "stackName"], "")

# Whose allowlist judges the checked stack: the stack's own entry when it has one (the
# organization's stacks live in different accounts: `organization` in the management
# account, `organization-detection` in the security account), else its environment's, the
# prefix of its name (`prod-security` -> `prod`).
environment := stack_name if data.principal_allowlist[stack_name]
else := split(stack_name, "-")[0]

allowlist := data.principal_allowlist[environment]

# An account id may appear on a resource of `type`: the environment's own account anywhere,
# another account only on the types the allowlist names for it.
account_allowed(account, _) if account == allowlist.account

account_allowed(account, type) if type in allowlist.foreign_accounts[account].types

region_allowed(region) if region in allowlist.regions

# Attributes that hold a policy document. Their statements are judged one by one (a Deny
# statement may name any account: it takes access away); the rest of a resource as text.
policy_attributes := {"policy", "assume_role_policy", "policy_document"}

# [attribute, document] for every parsable policy document of a resource.
documents(resource) := {[key, doc] |
	some key in policy_attributes
	doc := cdktf.policy_document(object.get(resource.values, key, null))
} | {["inline_policy", doc] |
	some inline in cdktf.blocks(object.get(resource.values, "inline_policy", null))
	doc := cdktf.policy_document(object.get(inline, "policy", null))
} | {["content", doc] |
	# A service control policy's document is its content: its Deny statements (exemptions
	# for a role name in any member account) take access away like any other Deny.
	resource.type == "aws_organizations_policy"
	doc := cdktf.policy_document(object.get(resource.values, "content", null))
}

# Every resource with its parsed documents, computed once per checked file and shared by the
# principal rules (each document is parsed once, not once per rule).
parsed := [[r, documents(r)] | some r in cdktf.all_resources]

# [resource, attribute, document] for every policy document of the stack.
all_documents := [[r, key, doc] | some [r, docs] in parsed; some [key, doc] in docs]

# The resource without its parsed policy documents, as JSON text.
other_text(resource, docs) := json.marshal(object.remove(resource.values, {"//", "inline_policy"} | {key | some [key, _] in docs}))

# ARNs in a text: [region, account]. The account stops at ":", "/", quotes or spaces; a
# Terraform reference (`${...}`) in that place is not judged here (nothing in the stacks
# builds an account from one; the text scan still sees any literal account beside it).
_arn_pattern := `arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9*?-]*):([^:"\\/\s]*)`

arns(text) := [[m[1], m[2]] | some m in regex.find_all_string_submatch_n(_arn_pattern, text, -1)]

# Twelve-digit runs that stand alone (not part of a longer word or number): account ids,
# whether in an ARN, a principal, a condition value, a name or an attribute.
account_ids(text) := {t |
	some t in regex.find_n(`[0-9A-Za-z]*[0-9]{12}[0-9A-Za-z]*`, text, -1)
	regex.match(`^[0-9]{12}$`, t)
}

# An ARN's account that matches any account: "*", "?", or a pattern of them.
wildcard_account(account) if regex.match(`[*?]`, account)

# Every string a statement names: principals, resources and condition values.
statement_strings(stmt) := fields_strings(stmt, ["Principal", "NotPrincipal", "Resource", "NotResource", "Condition"])

# The strings a statement names in the given fields.
fields_strings(stmt, fields) := [s |
	some field in fields
	walk(object.get(stmt, field, {}), [_, s])
	_scalar(s)
]

_scalar(s) if is_string(s)

_scalar(s) if is_number(s)
