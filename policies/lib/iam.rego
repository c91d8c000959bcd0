# Helpers for the IAM rules (IAM-001..IAM-007): every policy document of a stack, by kind.
#
# - identity: what a principal is granted (role inline policies, managed policies that are
#   not boundaries, group and user policies). Resource "*" matters here.
# - boundary: a permission boundary is a ceiling, not a grant (its Resource "*" grants
#   nothing); its actions are still checked.
# - resource: key, bucket, topic, queue, secret, vault and log resource policies, where
#   Resource "*" means the resource itself; their actions are checked.
# - trust: role trust policies.
# VPC endpoint policies are not here: they are a network perimeter (Action "*" for this
# account's principals), checked by NET-011 (policies/network/endpoint_policies.rego).
package lib.iam

import data.lib.cdktf

# The tag PermissionBoundary and HumanBoundary write on their policies.
boundary_tag := "policy-role"

# The tag every persona role carries (modules/iam/personas.ts).
persona_tag := "persona"

is_boundary(policy) if cdktf.tag(policy.values, boundary_tag) == "permission-boundary"

is_boundary(policy) if {
	some role in cdktf.resources("aws_iam_role")
	cdktf.refers_to(object.get(role.values, "permissions_boundary", null), policy)
}

# [resource, kind, document] for every policy document of the stack.
documents contains [r, "identity", r.values.policy] if {
	some type in {"aws_iam_role_policy", "aws_iam_group_policy", "aws_iam_user_policy"}
	some r in cdktf.resources(type)
}

documents contains [r, "identity", r.values.policy] if {
	some r in cdktf.resources("aws_iam_policy")
	not is_boundary(r)
}

documents contains [r, "boundary", r.values.policy] if {
	some r in cdktf.resources("aws_iam_policy")
	is_boundary(r)
}

documents contains [r, "identity", inline.policy] if {
	some r in cdktf.resources("aws_iam_role")
	some inline in cdktf.blocks(object.get(r.values, "inline_policy", null))
	inline.policy
}

documents contains [r, "trust", r.values.assume_role_policy] if {
	some r in cdktf.resources("aws_iam_role")
}

resource_policy_attributes := {
	"aws_kms_key": "policy",
	"aws_kms_key_policy": "policy",
	"aws_s3_bucket_policy": "policy",
	"aws_sns_topic": "policy",
	"aws_sns_topic_policy": "policy",
	"aws_sqs_queue": "policy",
	"aws_sqs_queue_policy": "policy",
	"aws_secretsmanager_secret_policy": "policy",
	"aws_backup_vault_policy": "policy",
	"aws_cloudwatch_log_resource_policy": "policy_document",
	"aws_ecr_repository_policy": "policy",
}

documents contains [r, "resource", doc] if {
	some type, attribute in resource_policy_attributes
	some r in cdktf.resources(type)
	doc := object.get(r.values, attribute, "")
	doc != ""
}

# Allow statements of a document (an unparsable document has none here; IAM-001 reports it).
allows(doc) := [s | some s in cdktf.statements(doc); s.Effect == "Allow"]

# "*" or "<service>:*": every action, or every action of a service.
wildcard_action(a) if a == "*"

wildcard_action(a) if {
	is_string(a)
	regex.match(`^[A-Za-z0-9-]+:\*$`, a)
}

# Actions that support no resource-level permissions (policies/data/unscoped_actions.json,
# generated from modules/iam/unscoped-actions.ts).
unscoped(action) if action in data.unscoped_actions

# The statement's Principal includes an AWS account or role (a person or workload of some account).
has_aws_principal(stmt) if {
	is_object(stmt.Principal)
	count(cdktf.as_array(object.get(stmt.Principal, "AWS", []))) > 0
}

has_service_principal(stmt) if {
	is_object(stmt.Principal)
	count(cdktf.as_array(object.get(stmt.Principal, "Service", []))) > 0
}

# Condition keys are case-insensitive; operators are not. The values of `key` under `operators`.
condition_values(stmt, operators, key) := [v |
	some operator, by_key in object.get(stmt, "Condition", {})
	operator in operators
	some k, values in by_key
	lower(k) == lower(key)
	some v in cdktf.as_array(values)
]

# MFA is required: aws:MultiFactorAuthPresent is true (Bool) and aws:MultiFactorAuthAge bounded.
requires_mfa(stmt) if {
	some v in condition_values(stmt, {"Bool"}, "aws:MultiFactorAuthPresent")
	v in {true, "true"}
}

bounds_mfa_age(stmt) if {
	some v in condition_values(stmt, {"NumericLessThan", "NumericLessThanEquals"}, "aws:MultiFactorAuthAge")
	to_number(v) > 0
}

# A role people assume: its trust names an AWS principal, or it is a persona role.
human_assumable(role) if {
	some stmt in cdktf.statements(role.values.assume_role_policy)
	stmt.Effect == "Allow"
	has_aws_principal(stmt)
}

human_assumable(role) if cdktf.tag(role.values, persona_tag) != ""
