# KMS-004: a key policy that lets an AWS account or role use the key (encrypt, decrypt,
# generate data keys, sign, create grants) restricts that use to named AWS services
# (kms:ViaService), and grants to grants those services make for their own resources
# (kms:GrantIsForAWSResource). Then a stolen role credential cannot call kms:Decrypt on the
# data key directly; it has to go through RDS, S3, Secrets Manager ... whose own access
# checks and logs apply. Statements that only administer the key (describe, enable, tag,
# schedule deletion ...) need no such condition.
package rules.kms.key_use_via_services

import data.lib.cdktf
import data.lib.iam

metadata := {
	"id": "KMS-004",
	"title": "Account principals use KMS keys only through named AWS services",
	"severity": "high",
	"hipaa": ["E"],
	"control": "every customer-managed key rotates; deletion window >= 7 days; key policy has no `*` principal without conditions (and account principals use a key only through named services, kms:ViaService)",
	"references": ["ckv:CKV2_AWS_64", "own"],
	"fix": "Grant key use to account principals only with StringEquals kms:ViaService = the services of the key's domain (DOMAINS in modules/security/keys.ts) and kms:CallerAccount; add Bool kms:GrantIsForAWSResource = true to kms:CreateGrant.",
}

# The cryptographic operations and grant creation: what "using" a key means.
use_actions := {
	"kms:encrypt", "kms:decrypt", "kms:reencryptfrom", "kms:reencryptto", "kms:generatedatakey",
	"kms:generatedatakeywithoutplaintext", "kms:generatedatakeypair", "kms:generatedatakeypairwithoutplaintext",
	"kms:generatemac", "kms:verifymac", "kms:sign", "kms:verify", "kms:derivesharedsecret", "kms:creategrant",
}

positive_operators := {"StringEquals", "StringLike", "StringEqualsIgnoreCase", "ForAnyValue:StringEquals", "ForAnyValue:StringLike"}

policies contains [key, key.values.policy] if {
	some key in cdktf.resources("aws_kms_key")
	cdktf.non_empty_string(object.get(key.values, "policy", null))
}

policies contains [kp, kp.values.policy] if {
	some kp in cdktf.resources("aws_kms_key_policy")
}

# The use actions a statement allows (Action patterns like kms:ReEncrypt* or kms:* included;
# NotAction allows everything it does not list).
allowed_use(stmt) := {action |
	some action in use_actions
	not action in {lower(a) | some a in cdktf.as_array(stmt.NotAction)}
} if {
	object.get(stmt, "NotAction", null) != null
} else := {action |
	some action in use_actions
	some pattern in cdktf.as_array(object.get(stmt, "Action", []))
	glob.match(lower(pattern), [], action)
}

via_services(stmt) if {
	some v in iam.condition_values(stmt, positive_operators, "kms:ViaService")
	is_string(v)
	endswith(v, ".amazonaws.com")
	not contains(v, "*")
}

grants_for_aws_resources(stmt) if {
	some v in iam.condition_values(stmt, {"Bool"}, "kms:GrantIsForAWSResource")
	v in {true, "true"}
}

deny contains cdktf.violation(metadata, resource, sprintf("statement %v lets an AWS principal %v without a kms:ViaService condition naming the services", [object.get(stmt, "Sid", i), concat(", ", sort(allowed_use(stmt)))])) if {
	some [resource, policy] in policies
	some i, stmt in iam.allows(policy)
	iam.has_aws_principal(stmt)
	count(allowed_use(stmt)) > 0
	not via_services(stmt)
}

deny contains cdktf.violation(metadata, resource, sprintf("statement %v lets an AWS principal create grants without kms:GrantIsForAWSResource", [object.get(stmt, "Sid", i)])) if {
	some [resource, policy] in policies
	some i, stmt in iam.allows(policy)
	iam.has_aws_principal(stmt)
	"kms:creategrant" in allowed_use(stmt)
	not grants_for_aws_resources(stmt)
}
