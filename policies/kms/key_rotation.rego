# KMS-001: every customer-managed key rotates its key material automatically, which bounds
# how much data one compromised key version protects.
package rules.kms.key_rotation

import data.lib.cdktf

metadata := {
	"id": "KMS-001",
	"title": "Every customer-managed KMS key has automatic rotation enabled",
	"severity": "high",
	"hipaa": ["E"],
	"control": "every customer-managed key rotates; deletion window >= 7 days; key policy has no `*` principal without conditions",
	"references": ["ckv:CKV_AWS_7"],
	"fix": "Set enableKeyRotation: true on the KmsKey (DomainKey in modules/security/keys.ts does).",
}

deny contains cdktf.violation(metadata, key, "enable_key_rotation is not true") if {
	some key in cdktf.resources("aws_kms_key")
	rotatable(key.values)
	not key.values.enable_key_rotation == true
}

# AWS rotates symmetric encryption keys only; asymmetric and HMAC keys cannot be rotated,
# so the control does not apply to them.
rotatable(values) if object.get(values, "customer_master_key_spec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
