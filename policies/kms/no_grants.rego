# KMS-005: no KMS grant is written into the configuration. A grant gives a principal use of a
# key outside the key policy that KMS-003/KMS-004 and PRN-001 review, survives until retired,
# and can be re-granted; services that need one create it themselves, for their own
# resources only (kms:GrantIsForAWSResource in the key policy).
package rules.kms.no_grants

import data.lib.cdktf

metadata := {
	"id": "KMS-005",
	"title": "No standing KMS grants: key use is granted only by the reviewed key policy",
	"severity": "high",
	"hipaa": ["A", "E"],
	"control": "KMS grants are not created by configuration; key use is granted by the key policy only (added row, docs/policy-data.md)",
	"references": ["own"],
	"fix": "Grant the use in the key's policy (DOMAINS in modules/security/keys.ts) with kms:ViaService or the encryption context, so it is reviewed with the key; remove the aws_kms_grant.",
}

deny contains cdktf.violation(metadata, grant, sprintf("a standing grant of %v on the key to %v", [object.get(grant.values, "operations", []), object.get(grant.values, "grantee_principal", "?")])) if {
	some grant in cdktf.resources("aws_kms_grant")
}
