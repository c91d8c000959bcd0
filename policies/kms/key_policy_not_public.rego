# KMS-003: every key has an explicit key policy, and no policy lets everyone use or manage
# the key without a condition. Without an explicit policy AWS applies its default, which
# delegates everything to IAM; a bare "*" principal opens the key to any AWS account.
package rules.kms.key_policy_not_public

import data.lib.cdktf

metadata := {
	"id": "KMS-003",
	"title": "KMS key policies are explicit and grant nothing to a * principal without conditions",
	"severity": "critical",
	"hipaa": ["E"],
	"control": "every customer-managed key rotates; deletion window >= 7 days; key policy has no `*` principal without conditions",
	"references": ["ckv:CKV_AWS_33", "ckv:CKV2_AWS_64"],
	"fix": "Give the key an explicit policy naming its principals (DomainKey's keyPolicy does), and add a Condition (e.g. kms:CallerAccount, kms:ViaService) to any statement whose principal is *.",
}

deny contains cdktf.violation(metadata, key, "has no policy and no aws_kms_key_policy; AWS would apply its default key policy") if {
	some key in cdktf.resources("aws_kms_key")
	not cdktf.non_empty_string(object.get(key.values, "policy", null))
	not has_policy_resource(key)
}

has_policy_resource(key) if {
	some kp in cdktf.resources("aws_kms_key_policy")
	cdktf.refers_to(kp.values.key_id, key)
}

# The policies to inspect: inline on the key, and aws_kms_key_policy resources.
policies contains [key, key.values.policy] if {
	some key in cdktf.resources("aws_kms_key")
	key.values.policy != ""
}

policies contains [kp, kp.values.policy] if {
	some kp in cdktf.resources("aws_kms_key_policy")
}

deny contains cdktf.violation(metadata, resource, sprintf("statement %v allows a * principal without a Condition", [object.get(stmt, "Sid", i)])) if {
	some [resource, policy] in policies
	some i, stmt in cdktf.statements(policy)
	stmt.Effect == "Allow"
	cdktf.principal_is_public(stmt)
	not cdktf.has_condition(stmt)
}

# A policy that is not a literal JSON document (e.g. a reference to a data source) cannot
# be checked at synth time, so it fails rather than passing unseen.
deny contains cdktf.violation(metadata, resource, "the key policy is not a literal JSON policy document, so it cannot be checked") if {
	some [resource, policy] in policies
	not cdktf.policy_document(policy)
}
