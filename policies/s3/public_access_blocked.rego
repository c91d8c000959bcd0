# S3-001: every bucket blocks public access at the bucket level (all four flags) and has
# ACLs disabled (object ownership BucketOwnerEnforced), so neither an ACL nor a policy can
# make patient data public, and every object belongs to the bucket owner.
package rules.s3.public_access_blocked

import data.lib.cdktf
import data.lib.s3

metadata := {
	"id": "S3-001",
	"title": "Every S3 bucket blocks public access (all four flags) and has ACLs disabled",
	"severity": "critical",
	"hipaa": ["A", "T"],
	"control": "every bucket: all four public-access-block flags, ACLs disabled (BucketOwnerEnforced)",
	"references": ["nag:S3BucketLevelPublicAccessProhibited", "ckv:CKV_AWS_53", "ckv:CKV_AWS_54", "ckv:CKV_AWS_55", "ckv:CKV_AWS_56", "ckv:CKV2_AWS_65"],
	"fix": "Create the bucket with SecureBucket (modules/storage/secure-bucket.ts): it adds an aws_s3_bucket_public_access_block with all four flags true and aws_s3_bucket_ownership_controls with BucketOwnerEnforced.",
}

flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

deny contains cdktf.violation(metadata, bucket, "no aws_s3_bucket_public_access_block sets all four flags (block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets) to true") if {
	some bucket in s3.buckets
	not fully_blocked(bucket)
}

fully_blocked(bucket) if {
	some pab in s3.attached("aws_s3_bucket_public_access_block", bucket)
	every flag in flags {
		object.get(pab.values, flag, false) == true
	}
}

deny contains cdktf.violation(metadata, bucket, "ACLs are not disabled: no aws_s3_bucket_ownership_controls with object_ownership BucketOwnerEnforced") if {
	some bucket in s3.buckets
	not owner_enforced(bucket)
}

owner_enforced(bucket) if {
	some controls in s3.attached("aws_s3_bucket_ownership_controls", bucket)
	some rule in cdktf.blocks(object.get(controls.values, "rule", null))
	rule.object_ownership == "BucketOwnerEnforced"
}

# With ACLs disabled there is nothing for an ACL to say; one that is set grants something.
deny contains cdktf.violation(metadata, acl, "an aws_s3_bucket_acl sets an ACL; with ACLs disabled (BucketOwnerEnforced) access is granted only by policies") if {
	some acl in cdktf.resources("aws_s3_bucket_acl")
}

deny contains cdktf.violation(metadata, bucket, sprintf("the bucket sets the legacy acl %v; remove it (ACLs are disabled)", [bucket.values.acl])) if {
	some bucket in s3.buckets
	bucket.values.acl != "private"
}
