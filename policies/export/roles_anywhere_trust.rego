# EXP-001: a role that machines outside AWS assume through IAM Roles Anywhere trusts one
# trust anchor (aws:SourceArn) and one certificate subject (aws:PrincipalTag/x509Subject/...):
# otherwise any certificate of any anchor in the account, for any host the CA ever
# certified, could take the role.
package rules.export.roles_anywhere_trust

import data.lib.cdktf
import data.lib.export

metadata := {
	"id": "EXP-001",
	"title": "Roles assumed through IAM Roles Anywhere trust one trust anchor and one certificate subject",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "trust policies never allow `*` principals; service principals scoped with `aws:SourceArn`/`SourceAccount` where supported",
	"references": ["own"],
	"fix": "Build the role like DailyExport's puller role (modules/data/export.ts): ArnEquals aws:SourceArn = the trust anchor's ARN and StringEquals aws:PrincipalTag/x509Subject/CN = the client certificate's CN.",
}

deny contains cdktf.violation(metadata, role, "its IAM Roles Anywhere trust names no trust anchor (aws:SourceArn, without wildcards)") if {
	some role in export.external_roles
	some stmt in cdktf.statements(role.values.assume_role_policy)
	export.trusts_roles_anywhere(stmt)
	not export.pinned(stmt, {"ArnEquals", "ArnLike", "StringEquals"}, "aws:SourceArn")
}

deny contains cdktf.violation(metadata, role, "its IAM Roles Anywhere trust names no certificate subject (aws:PrincipalTag/x509Subject/CN, without wildcards)") if {
	some role in export.external_roles
	some stmt in cdktf.statements(role.values.assume_role_policy)
	export.trusts_roles_anywhere(stmt)
	not export.pinned(stmt, {"StringEquals"}, "aws:PrincipalTag/x509Subject/CN")
}
