# IAM-008: a resource policy (bucket, key, topic, queue, log resource policy, ...) that lets
# an AWS service act on the resource limits the service to this account's own resources
# (aws:SourceAccount / aws:SourceArn). Without it any account can point the same service at
# our bucket, key or topic and have it write or decrypt for them (the confused deputy).
# Key policies may scope the service by the encryption context instead, which names the
# resource (kms:EncryptionContext:aws:logs:arn for CloudWatch Logs, as AWS documents), and a
# service's grant statement by kms:GrantIsForAWSResource (grants only for its own resources).
package rules.iam.service_principals_scoped

import data.lib.cdktf
import data.lib.iam

metadata := {
	"id": "IAM-008",
	"title": "Service principals in resource policies are scoped with aws:SourceAccount or aws:SourceArn",
	"severity": "high",
	"hipaa": ["A"],
	"control": "trust policies never allow `*` principals; service principals scoped with `aws:SourceArn`/`SourceAccount` where supported",
	"references": ["ckv:CKV_AWS_60", "ckv:CKV_AWS_61"],
	"fix": "Add a Condition naming this account or the source resource: StringEquals aws:SourceAccount = the account id and/or ArnLike aws:SourceArn = the resource that makes the service call (see SecureBucket's service statements and DOMAINS in modules/security/keys.ts).",
}

positive_operators := {"StringEquals", "StringLike", "ArnEquals", "ArnLike", "StringEqualsIgnoreCase"}

key_policy_types := {"aws_kms_key", "aws_kms_key_policy", "aws_kms_replica_key"}

grant_actions := {"kms:creategrant", "kms:listgrants", "kms:revokegrant"}

# A condition value that names something (not "*" alone).
names_something(values) if {
	some v in values
	is_string(v)
	not v in {"*", "arn:aws:*", "arn:*"}
}

scoped(_, stmt) if names_something(iam.condition_values(stmt, positive_operators, "aws:SourceAccount"))

scoped(_, stmt) if names_something(iam.condition_values(stmt, positive_operators, "aws:SourceArn"))

scoped(_, stmt) if names_something(iam.condition_values(stmt, positive_operators, "aws:SourceOrgID"))

# Key policies: the encryption context names the resource the service encrypts for.
scoped(resource, stmt) if {
	resource.type in key_policy_types
	some operator, by_key in object.get(stmt, "Condition", {})
	operator in positive_operators
	some key, values in by_key
	startswith(lower(key), "kms:encryptioncontext:")
	names_something(cdktf.as_array(values))
}

# Key policies: a statement that only manages grants, for the service's own resources.
scoped(resource, stmt) if {
	resource.type in key_policy_types
	object.get(stmt, "NotAction", null) == null
	every action in cdktf.as_array(object.get(stmt, "Action", [])) {
		lower(action) in grant_actions
	}
	some v in iam.condition_values(stmt, {"Bool"}, "kms:GrantIsForAWSResource")
	v in {true, "true"}
}

deny contains cdktf.violation(metadata, resource, sprintf("statement %v lets %v act without aws:SourceAccount or aws:SourceArn", [object.get(stmt, "Sid", i), services(stmt)])) if {
	some [resource, "resource", document] in iam.documents
	some i, stmt in iam.allows(document)
	iam.has_service_principal(stmt)
	not scoped(resource, stmt)
}

services(stmt) := concat(", ", cdktf.as_array(stmt.Principal.Service))
