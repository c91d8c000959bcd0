# ORG-001: the organization's preventive guardrails bind every member account: SCPs attached
# to the root (or to every top-level OU) deny leaving the organization, switching off or
# blinding the audit and detection services, changing the platform's permission boundaries,
# IAM users and access keys, changing the account's S3 public access block, and deleting KMS
# keys or changing their policies. Only one named role may be exempt, and only where the
# guardrail allows it (the deployment role for audit, boundaries and the S3 block; the
# break-glass role for keys); a wider condition, a narrower resource or a missing action is
# a weakened guardrail.
package rules.organization.guardrails

import data.lib.cdktf
import data.lib.organization as org

metadata := {
	"id": "ORG-001",
	"title": "Service control policies on every member account keep the audit services, boundaries, keys and account settings out of an account admin's reach",
	"severity": "critical",
	"hipaa": ["A", "L"],
	"control": "SCPs deny leaving the organization, stopping audit and detection, IAM users, S3 public access and key deletion (ARCHITECTURE.md, organization stack: service control policies that keep the audit and detection services on)",
	"references": ["own"],
	"fix": "Keep serviceControlPolicies (modules/organization/service-control-policies.ts) attached by OrganizationStack; exempt only the deployment or break-glass role.",
}

# guardrail -> the actions it must deny, on which resource, and whether one role may be exempt.
guardrails := {
	"leaving the organization": {"actions": {"organizations:LeaveOrganization"}, "resource": "*", "exemption": false},
	"switching off or blinding CloudTrail": {"actions": {"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"}, "resource": "*", "exemption": true},
	"switching off AWS Config": {"actions": {"config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel", "config:PutConfigurationRecorder"}, "resource": "*", "exemption": true},
	"switching off or blinding GuardDuty": {"actions": {"guardduty:DeleteDetector", "guardduty:UpdateDetector", "guardduty:DisassociateFromAdministratorAccount", "guardduty:CreateFilter"}, "resource": "*", "exemption": true},
	"switching off Security Hub": {"actions": {"securityhub:DisableSecurityHub", "securityhub:DisassociateFromAdministratorAccount", "securityhub:BatchDisableStandards"}, "resource": "*", "exemption": true},
	"switching off Inspector": {"actions": {"inspector2:Disable", "inspector2:DisassociateMember"}, "resource": "*", "exemption": true},
	"switching off Macie": {"actions": {"macie2:DisableMacie", "macie2:DisassociateFromAdministratorAccount", "macie2:UpdateAutomatedDiscoveryConfiguration"}, "resource": "*", "exemption": true},
	"deleting or muting Access Analyzer": {"actions": {"access-analyzer:DeleteAnalyzer", "access-analyzer:CreateArchiveRule"}, "resource": "*", "exemption": true},
	"changing the platform's permission boundaries": {"actions": {"iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:SetDefaultPolicyVersion"}, "resource": "arn:aws:iam::*:policy/medicare-*-boundary", "exemption": true},
	"removing a role's permission boundary": {"actions": {"iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary"}, "resource": "*", "exemption": true},
	"IAM users and access keys": {"actions": {"iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"}, "resource": "*", "exemption": false},
	"changing the account's S3 public access block": {"actions": {"s3:PutAccountPublicAccessBlock"}, "resource": "*", "exemption": true},
	"deleting KMS keys or changing their policies": {"actions": {"kms:ScheduleKeyDeletion", "kms:DeleteImportedKeyMaterial", "kms:PutKeyPolicy", "kms:DisableKey"}, "resource": "*", "exemption": true},
}

denied(action, guardrail) if {
	some s in org.binding_statements
	org.covers(s, action)
	org.applies_to(s, guardrail.resource)
	org.denies_everyone(s, guardrail.exemption)
}

organization := {"path": org_resource.path, "address": org_resource.address} if {
	some org_resource in cdktf.resources("aws_organizations_organization")
}

deny contains cdktf.violation(metadata, organization, sprintf("no SCP binding every member account denies %s: %v not denied (or denied with a wider exemption than one named role)", [name, sort(missing)])) if {
	org.is_organization_stack
	some name, guardrail in guardrails
	missing := {a | some a in guardrail.actions; not denied(a, guardrail)}
	count(missing) > 0
}
