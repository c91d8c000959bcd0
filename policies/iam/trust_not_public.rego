# IAM-003: no role trusts "*" (any principal of any account), and a role an AWS service
# assumes is limited to this account's resources (aws:SourceAccount or aws:SourceArn), so
# another account cannot make the service act with it (the confused deputy).
package rules.iam.trust_not_public

import data.lib.cdktf
import data.lib.iam

metadata := {
	"id": "IAM-003",
	"title": "Trust policies never allow a * principal; service principals are scoped to this account's resources",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "trust policies never allow `*` principals; service principals scoped with `aws:SourceArn`/`SourceAccount` where supported",
	"references": ["ckv:CKV_AWS_60", "ckv:CKV_AWS_61"],
	"fix": "Trust named principals only: ServiceRole (modules/iam/service-role.ts) for services, with aws:SourceAccount and aws:SourceArn; people through their persona's Identity Center permission set, not a role trusting an identity principal.",
}

deny contains cdktf.violation(metadata, role, sprintf("trust statement %v allows a * principal", [object.get(stmt, "Sid", i)])) if {
	some role in cdktf.resources("aws_iam_role")
	some i, stmt in iam.allows(role.values.assume_role_policy)
	cdktf.principal_is_public(stmt)
}

deny contains cdktf.violation(metadata, role, sprintf("trust statement %v lets a service assume the role without aws:SourceAccount or aws:SourceArn", [object.get(stmt, "Sid", i)])) if {
	some role in cdktf.resources("aws_iam_role")
	some i, stmt in iam.allows(role.values.assume_role_policy)
	iam.has_service_principal(stmt)
	count(iam.condition_values(stmt, {"StringEquals", "ArnEquals", "ArnLike", "StringLike"}, "aws:SourceAccount")) == 0
	count(iam.condition_values(stmt, {"StringEquals", "ArnEquals", "ArnLike", "StringLike"}, "aws:SourceArn")) == 0
}

deny contains cdktf.violation(metadata, role, "assume_role_policy is not a literal JSON policy document, so it cannot be checked") if {
	some role in cdktf.resources("aws_iam_role")
	not cdktf.policy_document(object.get(role.values, "assume_role_policy", null))
}
