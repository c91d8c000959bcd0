# S3-003: every bucket's policy denies every S3 request made without TLS
# (aws:SecureTransport false), on the bucket and on its objects, to everyone. Default
# bucket access works over plain HTTP; only a Deny in the bucket policy stops it.
package rules.s3.tls_only

import data.lib.cdktf
import data.lib.s3

metadata := {
	"id": "S3-003",
	"title": "Every S3 bucket policy denies requests that do not use TLS",
	"severity": "high",
	"hipaa": ["E", "T"],
	"control": "every bucket: policy denies non-TLS requests (`aws:SecureTransport`)",
	"references": ["nag:S3BucketSSLRequestsOnly"],
	"fix": "Create the bucket with SecureBucket (modules/storage/secure-bucket.ts): its policy starts with a Deny of s3:* to everyone on the bucket and its objects when aws:SecureTransport is false.",
}

deny contains cdktf.violation(metadata, bucket, "no bucket policy denies s3:* to everyone on the bucket and its objects when aws:SecureTransport is false") if {
	some bucket in s3.buckets
	not denies_plain_http(bucket)
}

denies_plain_http(bucket) if {
	some stmt in s3.statements(bucket)
	tls_denial(stmt, bucket)
}

tls_denial(stmt, bucket) if {
	stmt.Effect == "Deny"
	cdktf.principal_is_public(stmt)
	s3.covers_all_s3_actions(stmt)
	s3.covers_bucket(stmt, bucket)
	s3.covers_objects(stmt, bucket)
	only_insecure_transport(stmt.Condition)
}

# The one condition is aws:SecureTransport false: any further condition would narrow the
# denial to some requests only.
only_insecure_transport(condition) if {
	count(condition) == 1
	some operator, by_key in condition
	operator in {"Bool", "BoolIfExists"}
	count(by_key) == 1
	some key, value in by_key
	lower(key) == "aws:securetransport"
	every v in cdktf.as_array(value) {
		v in {false, "false"}
	}
}
