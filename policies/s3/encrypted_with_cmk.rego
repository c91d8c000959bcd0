# S3-002: every bucket encrypts new objects by default with SSE-KMS under a customer-managed
# key, so reading an object also needs kms:Decrypt on a key whose policy we write and whose
# use CloudTrail records. SSE-S3 (AES256) and the AWS managed aws/s3 key leave both to AWS.
package rules.s3.encrypted_with_cmk

import data.lib.cdktf
import data.lib.s3

metadata := {
	"id": "S3-002",
	"title": "Every S3 bucket encrypts by default with SSE-KMS under a customer-managed key",
	"severity": "high",
	"hipaa": ["E"],
	"control": "every bucket: SSE-KMS with a customer-managed key",
	"references": ["nag:S3DefaultEncryptionKMS", "ckv:CKV_AWS_145"],
	"fix": "Create the bucket with SecureBucket (modules/storage/secure-bucket.ts) and pass the DomainKey of its data domain and region as `key`; it writes sse_algorithm aws:kms with that key's ARN.",
}

# The one exception, which AWS dictates: a bucket tagged load-balancer-logs receives ELB access
# logs, which ELB delivers only under SSE-S3. It may use AES256 (nothing weaker); whether it
# holds only load balancer logs is checked by ALB-002 (the load balancer names it) and the
# bucket policy (only ELB's log delivery account may write).

# DSSE-KMS is SSE-KMS with a second layer; both use the named KMS key.
kms_algorithms := {"aws:kms", "aws:kms:dsse"}

deny contains cdktf.violation(metadata, bucket, "no aws_s3_bucket_server_side_encryption_configuration applies to this bucket") if {
	some bucket in s3.buckets
	count(s3.attached("aws_s3_bucket_server_side_encryption_configuration", bucket)) == 0
}

deny contains cdktf.violation(metadata, bucket, sprintf("default encryption is %v with kms_master_key_id %v; it must be aws:kms with the ARN of a customer-managed key", [algorithm, key])) if {
	some bucket in s3.buckets
	some config in s3.attached("aws_s3_bucket_server_side_encryption_configuration", bucket)
	some by_default in defaults(config)
	algorithm := object.get(by_default, "sse_algorithm", "absent")
	key := object.get(by_default, "kms_master_key_id", "absent")
	not customer_managed_kms(by_default)
	not sse_s3_for_load_balancer_logs(bucket, by_default)
}

sse_s3_for_load_balancer_logs(bucket, by_default) if {
	s3.contents(bucket) == s3.load_balancer_logs
	by_default.sse_algorithm == "AES256"
	object.get(by_default, "kms_master_key_id", "") == ""
}

deny contains cdktf.violation(metadata, bucket, "the encryption configuration has no rule with apply_server_side_encryption_by_default") if {
	some bucket in s3.buckets
	some config in s3.attached("aws_s3_bucket_server_side_encryption_configuration", bucket)
	count(defaults(config)) == 0
}

defaults(config) := [by_default |
	some rule in cdktf.blocks(object.get(config.values, "rule", null))
	some by_default in cdktf.blocks(object.get(rule, "apply_server_side_encryption_by_default", null))
]

customer_managed_kms(by_default) if {
	by_default.sse_algorithm in kms_algorithms
	cdktf.is_kms_key_ref(object.get(by_default, "kms_master_key_id", null))
}
