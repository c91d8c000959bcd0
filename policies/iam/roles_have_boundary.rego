# IAM-005: every role the project creates carries a permission boundary, so a policy that
# grows too broad (by mistake or by an attacker) still cannot exceed the ceiling.
package rules.iam.roles_have_boundary

import data.lib.cdktf

metadata := {
	"id": "IAM-005",
	"title": "Every IAM role has a permission boundary",
	"severity": "high",
	"hipaa": ["A"],
	"control": "every human persona group requires MFA (`aws:MultiFactorAuthPresent`); roles have permission boundaries",
	"references": ["own"],
	"fix": "Create workload roles with ServiceRole (boundary security.workloadBoundary) and give people access through Identity Center permission sets, whose roles carry the human boundary (modules/organization/identity-center.ts).",
}

deny contains cdktf.violation(metadata, role, "has no permissions_boundary") if {
	some role in cdktf.resources("aws_iam_role")
	not cdktf.non_empty_string(object.get(role.values, "permissions_boundary", null))
}
