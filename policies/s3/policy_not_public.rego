# S3-006: no bucket policy grants anything to everyone. An Allow for "*" (or {"AWS": "*"},
# or any account's root) counts as restricted only when its Condition pins a key that names
# our principals, sources or endpoints (aws:SourceAccount, aws:SourceArn, aws:SourceVpce,
# aws:PrincipalOrgID, ...) to a fixed value; aws:SecureTransport or a time window does not
# narrow who may ask. Allow with NotPrincipal grants everyone not listed.
package rules.s3.policy_not_public

import data.lib.cdktf
import data.lib.s3

metadata := {
	"id": "S3-006",
	"title": "No S3 bucket policy grants access to everyone without a condition naming who",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "no bucket policy grants `Principal: \"*\"` without a restricting condition",
	"references": ["nag:S3BucketPublicReadProhibited", "nag:S3BucketPublicWriteProhibited", "ckv:CKV_AWS_70"],
	"fix": "Name the principal (a role ARN or a service principal) in the statement, or condition it on aws:SourceVpce, aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID with a fixed value.",
}

# Every bucket policy of the document, whichever bucket it names.
policies contains [p, p.values.policy] if {
	some p in cdktf.resources("aws_s3_bucket_policy")
}

policies contains [bucket, bucket.values.policy] if {
	some bucket in s3.buckets
	cdktf.non_empty_string(object.get(bucket.values, "policy", null))
}

deny contains cdktf.violation(metadata, resource, sprintf("statement %v allows everyone (%v) without a condition that names this account, organization, source or endpoint", [object.get(stmt, "Sid", i), stmt.Principal])) if {
	some [resource, policy] in policies
	some i, stmt in cdktf.statements(policy)
	stmt.Effect == "Allow"
	cdktf.principal_is_public(stmt)
	not s3.restricts_principal(stmt)
}

deny contains cdktf.violation(metadata, resource, sprintf("statement %v allows everyone except its NotPrincipal", [object.get(stmt, "Sid", i)])) if {
	some [resource, policy] in policies
	some i, stmt in cdktf.statements(policy)
	stmt.Effect == "Allow"
	stmt.NotPrincipal
}

# A policy that is not literal JSON (e.g. a data source reference) cannot be checked here.
deny contains cdktf.violation(metadata, resource, "the bucket policy is not a literal JSON policy document, so it cannot be checked") if {
	some [resource, policy] in policies
	not cdktf.policy_document(policy)
}
