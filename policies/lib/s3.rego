# Helpers for the S3 rules (S3-001..S3-006): which resources configure which bucket, and
# what a bucket policy statement says.
#
# A bucket's configuration lives in separate resources (aws_s3_bucket_versioning, _policy,
# ...) whose `bucket` attribute names it: a reference to any attribute of the bucket
# ("${aws_s3_bucket.x.id}", ".bucket", ".arn") or its literal name.
package lib.s3

import data.lib.cdktf

# The tag SecureBucket writes with what the bucket holds (modules/storage/secure-bucket.ts).
contents_tag := "bucket-contents"

known_contents := {"phi", "audit", "config-history", "access-logs", "load-balancer-logs", "operational"}

# Elastic Load Balancing access logs: ELB delivers only to SSE-S3 buckets, so these (and only
# these) are encrypted with AES256 instead of a customer-managed key (SecureBucket).
load_balancer_logs := "load-balancer-logs"

# Contents that must be locked and replicated to the backup region (CONTROLS.md, s3 rows).
locked_contents := {"phi", "audit"}

# AWS Config's history: Config cannot deliver to a locked bucket, so only its replica (in the
# backup region) is locked; the source must still replicate to it.
unlockable_audit := "config-history"

log_delivery_service := "logging.s3.amazonaws.com"

# The provider alias of the environment's backup region (MedicareStack.backupRegionProvider).
backup_region_provider := "aws.backup_region"

buckets := cdktf.resources("aws_s3_bucket")

# What the bucket holds, by its tag; "" when untagged.
contents(bucket) := cdktf.tag(bucket.values, contents_tag)

# ---------------------------------------------------------------------------
# Which resources configure a bucket

# x (another resource's `bucket` attribute) names the bucket: a reference, or its literal name.
names_bucket(x, bucket) if cdktf.refers_to(x, bucket)

names_bucket(x, bucket) if {
	is_string(x)
	not cdktf.is_ref(x)
	x == bucket.values.bucket
}

# The resources of `type` that configure the bucket.
attached(type, bucket) := {r |
	some r in cdktf.resources(type)
	names_bucket(object.get(r.values, "bucket", null), bucket)
}

# x is the bucket's ARN: "${aws_s3_bucket.x.arn}" or "arn:aws:s3:::<name>".
is_arn_of(x, bucket) if x in arns(bucket)

arns(bucket) := {sprintf("${%s.arn}", [bucket.address])} | literal_arn(bucket)

literal_arn(bucket) := {sprintf("arn:aws:s3:::%s", [bucket.values.bucket])} if {
	cdktf.non_empty_string(bucket.values.bucket)
	not cdktf.is_ref(bucket.values.bucket)
} else := set()

# ---------------------------------------------------------------------------
# Bucket policies

# The bucket's policy documents (aws_s3_bucket_policy resources and a legacy inline policy),
# each with the resource a finding names.
policies(bucket) := {[p, p.values.policy] | some p in attached("aws_s3_bucket_policy", bucket)} | inline_policy(bucket)

inline_policy(bucket) := {[bucket, bucket.values.policy]} if {
	cdktf.non_empty_string(object.get(bucket.values, "policy", null))
} else := set()

# Every statement of the bucket's policies.
statements(bucket) := [stmt |
	some [_, policy] in policies(bucket)
	some stmt in cdktf.statements(policy)
]

# The statement's Action includes every S3 action.
covers_all_s3_actions(stmt) if {
	some action in cdktf.as_array(object.get(stmt, "Action", []))
	lower(action) in {"*", "s3:*"}
}

# The statement's Action includes `action` (exactly or by a wildcard such as s3:Put*).
covers_action(stmt, action) if {
	some a in cdktf.as_array(object.get(stmt, "Action", []))
	glob.match(lower(a), [], lower(action))
}

# The statement's Resource covers the bucket itself / all of its objects.
covers_bucket(stmt, bucket) if {
	some r in cdktf.as_array(object.get(stmt, "Resource", []))
	_bucket_resource(r, bucket)
}

_bucket_resource(r, _) if r == "*"

_bucket_resource(r, bucket) if is_arn_of(r, bucket)

covers_objects(stmt, bucket) if {
	some r in cdktf.as_array(object.get(stmt, "Resource", []))
	_object_resource(r, bucket)
}

_object_resource(r, _) if r == "*"

_object_resource(r, bucket) if {
	some arn in arns(bucket)
	r == concat("", [arn, "/*"])
}

# Every principal value of the statement: "*" for Principal "*", else each value of each type.
principal_values(stmt) := {"*"} if {
	stmt.Principal == "*"
} else := {v |
	some values in object.get(stmt, "Principal", {})
	some v in cdktf.as_array(values)
}

# The statement's only principal is the S3 server access log delivery service.
only_log_delivery(stmt) if {
	is_object(stmt.Principal)
	object.keys(stmt.Principal) == {"Service"}
	principal_values(stmt) == {log_delivery_service}
}

# The condition keys that tie a statement to known principals, sources or endpoints: with
# a fixed value, a statement for "*" no longer grants everyone (the same keys make a policy
# non-public for S3 Block Public Access and IAM Access Analyzer).
restricting_keys := {
	"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourcevpce", "aws:sourcevpc",
	"aws:principalaccount", "aws:principalarn", "aws:principalorgid", "aws:principalorgpaths", "aws:userid",
}

# Operators that require the key to be present and to match (not IfExists, not negated).
restricting_operators := {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}

# The statement's Condition ties it to named principals, sources or endpoints.
restricts_principal(stmt) if {
	some operator, by_key in object.get(stmt, "Condition", {})
	lower(operator) in restricting_operators
	some key, value in by_key
	lower(key) in restricting_keys
	values := cdktf.as_array(value)
	count(values) > 0
	every v in values {
		cdktf.non_empty_string(v)
		v != "*"
	}
}
