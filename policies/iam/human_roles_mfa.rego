# IAM-004: every role a person can assume (its trust names an AWS account or role, or it is
# a persona role) requires MFA on every trust statement: aws:MultiFactorAuthPresent true and
# a bounded aws:MultiFactorAuthAge, no older than the environment's configured maximum
# (identity.mfaMaxAgeSeconds, from policies/data/principal_allowlist.json), so stolen
# long-lived keys alone, or an MFA sign-in from days ago, never open it.
package rules.iam.human_roles_mfa

import data.lib.cdktf
import data.lib.iam
import data.lib.principals

metadata := {
	"id": "IAM-004",
	"title": "Every role people assume requires recent MFA on every trust statement",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "every human persona group requires MFA (`aws:MultiFactorAuthPresent`); roles have permission boundaries",
	"references": ["cfg:MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", "own"],
	"fix": "Give people access through their persona's IAM Identity Center permission set (modules/organization/identity-center.ts), not a role; a role people must assume has Bool aws:MultiFactorAuthPresent = true and NumericLessThan aws:MultiFactorAuthAge = env.identity.mfaMaxAgeSeconds on each trust statement.",
}

deny contains cdktf.violation(metadata, role, sprintf("trust statement %v does not require aws:MultiFactorAuthPresent = true", [object.get(stmt, "Sid", i)])) if {
	some role in cdktf.resources("aws_iam_role")
	iam.human_assumable(role)
	some i, stmt in iam.allows(role.values.assume_role_policy)
	not iam.requires_mfa(stmt)
}

deny contains cdktf.violation(metadata, role, sprintf("trust statement %v does not bound aws:MultiFactorAuthAge (NumericLessThan)", [object.get(stmt, "Sid", i)])) if {
	some role in cdktf.resources("aws_iam_role")
	iam.human_assumable(role)
	some i, stmt in iam.allows(role.values.assume_role_policy)
	not iam.bounds_mfa_age(stmt)
}

deny contains cdktf.violation(metadata, role, sprintf("trust statement %v accepts an MFA sign-in %v seconds old; at most %v (identity.mfaMaxAgeSeconds)", [object.get(stmt, "Sid", i), age, max_age])) if {
	max_age := principals.allowlist.mfa_max_age_seconds
	some role in cdktf.resources("aws_iam_role")
	iam.human_assumable(role)
	some i, stmt in iam.allows(role.values.assume_role_policy)
	some age in iam.condition_values(stmt, {"NumericLessThan", "NumericLessThanEquals"}, "aws:MultiFactorAuthAge")
	to_number(age) > max_age
}
