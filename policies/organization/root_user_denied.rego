# ORG-002: the root user of every member account is denied everything by an SCP on the root
# (or every top-level OU), so nobody works as root: people come through IAM Identity Center.
package rules.organization.root_user_denied

import data.lib.cdktf
import data.lib.organization as org

metadata := {
	"id": "ORG-002",
	"title": "An SCP denies every action to the root user of every member account",
	"severity": "critical",
	"hipaa": ["A"],
	"control": "Root user of member accounts denied by SCP (ARCHITECTURE.md, organization stack: service control policies)",
	"references": ["cfg:ROOT_ACCOUNT_MFA_ENABLED"],
	"fix": "Keep the deny-root-user SCP (modules/organization/service-control-policies.ts) on the root, unconditional but for aws:PrincipalArn = arn:aws:iam::*:root.",
}

root_principal := "arn:aws:iam::*:root"

denies_root(s) if {
	org.covers(s, "*")
	org.applies_to(s, "*")
	count(s.Condition) == 1
	some operator in {"ArnLike", "ArnEquals", "StringLike", "StringEquals"}
	count(s.Condition[operator]) == 1
	cdktf.as_array(s.Condition[operator]["aws:PrincipalArn"]) == [root_principal]
}

deny contains cdktf.violation(metadata, o, "no SCP binding every member account denies all actions (\"*\") to the root user (aws:PrincipalArn arn:aws:iam::*:root)") if {
	org.is_organization_stack
	some o in cdktf.resources("aws_organizations_organization")
	count([s | some s in org.binding_statements; denies_root(s)]) == 0
}
