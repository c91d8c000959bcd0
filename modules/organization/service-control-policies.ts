/**
 * The organization's service control policies (the preventive guardrails of AWS Control
 * Tower and the Landing Zone Accelerator's healthcare configuration, for this platform).
 * Each is a pure function of the organization config, rendered to minified JSON, so Jest,
 * Rego and the size check read exactly what AWS receives.
 */
import { ConditionValues } from "../iam/policy-document";
import { OrganizationConfig } from "../config/organization";

/** AWS counts an SCP's size in characters of the document as sent; we send it minified. */
export const SCP_MAX_CHARACTERS = 5120;
/** Organizations attaches at most five SCPs to one root, OU or account, FullAWSAccess included. */
export const SCP_MAX_PER_TARGET = 5;

/** An SCP statement: Deny only (the FullAWSAccess policy AWS attaches does the allowing). */
export interface ScpStatement {
  readonly sid: string;
  /** Exactly one of actions and notActions. */
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, ConditionValues>>>>;
}

/** Where an SCP is attached: the root reaches every member account; OUs their accounts. */
export type ScpTarget = "root" | "security" | "infrastructure" | "workloads";

export interface ServiceControlPolicy {
  /** Short name; the policy is `<org>-<name>`. */
  readonly name: string;
  /** What it denies and why (the policy's description in Organizations, <= 512 characters). */
  readonly description: string;
  readonly targets: readonly ScpTarget[];
  readonly statements: readonly ScpStatement[];
}

/**
 * Audit and detection services an account admin must not stop or change; each action
 * stops recording, deletes what was recorded, hides findings or leaves central management.
 */
export const PROTECTED_AUDIT_ACTIONS: readonly string[] = [
  "cloudtrail:StopLogging",
  "cloudtrail:DeleteTrail",
  "cloudtrail:UpdateTrail",
  "cloudtrail:PutEventSelectors",
  "config:StopConfigurationRecorder",
  "config:DeleteConfigurationRecorder",
  "config:PutConfigurationRecorder",
  "config:DeleteDeliveryChannel",
  "config:PutDeliveryChannel",
  "config:DeleteRetentionConfiguration",
  "config:PutRetentionConfiguration",
  "config:DeleteConfigRule",
  "config:DeleteConfigurationAggregator",
  "config:DeleteAggregationAuthorization",
  "guardduty:DeleteDetector",
  "guardduty:UpdateDetector",
  "guardduty:DisassociateFromAdministratorAccount",
  "guardduty:DisassociateFromMasterAccount",
  "guardduty:DisassociateMembers",
  "guardduty:DeleteMembers",
  "guardduty:StopMonitoringMembers",
  "guardduty:CreateFilter",
  "guardduty:UpdateFilter",
  "guardduty:UpdateOrganizationConfiguration",
  "guardduty:DeletePublishingDestination",
  "securityhub:DisableSecurityHub",
  "securityhub:DisassociateFromAdministratorAccount",
  "securityhub:DisassociateFromMasterAccount",
  "securityhub:DisassociateMembers",
  "securityhub:DeleteMembers",
  "securityhub:BatchDisableStandards",
  "securityhub:UpdateStandardsControl",
  "securityhub:DeleteFindingAggregator",
  "securityhub:UpdateFindingAggregator",
  "securityhub:UpdateOrganizationConfiguration",
  "inspector2:Disable",
  "inspector2:DisassociateMember",
  "inspector2:UpdateOrganizationConfiguration",
  "macie2:DisableMacie",
  "macie2:UpdateMacieSession",
  "macie2:DisassociateFromAdministratorAccount",
  "macie2:DisassociateFromMasterAccount",
  "macie2:DisassociateMember",
  "macie2:DeleteMember",
  "macie2:UpdateAutomatedDiscoveryConfiguration",
  "macie2:UpdateClassificationJob",
  "macie2:UpdateOrganizationConfiguration",
  "access-analyzer:DeleteAnalyzer",
  "access-analyzer:CreateArchiveRule",
  "access-analyzer:UpdateArchiveRule",
  "access-analyzer:ApplyArchiveRule",
];

/** Changes to a managed policy (the platform's permission boundaries). */
export const PROTECTED_POLICY_ACTIONS: readonly string[] = [
  "iam:CreatePolicyVersion",
  "iam:DeletePolicy",
  "iam:DeletePolicyVersion",
  "iam:SetDefaultPolicyVersion",
];

/** Changes to a role: who may assume it, what it may do, and its boundary. */
export const PROTECTED_ROLE_ACTIONS: readonly string[] = [
  "iam:DeleteRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
];

/**
 * Services that answer from one global endpoint (us-east-1) or are account-wide, with why
 * each is exempt from the region guardrail: denying them outside the allowed regions would
 * deny them everywhere, since their requests carry us-east-1 (or no region).
 */
export const GLOBAL_SERVICE_ACTIONS: Readonly<Record<string, string>> = {
  "iam:*": "IAM is global: roles, policies and boundaries",
  "organizations:*": "Organizations is global (its endpoint is in us-east-1)",
  "sts:*": "STS's global endpoint signs in us-east-1; regional endpoints of allowed regions pass anyway",
  "account:*": "account settings (alternate contacts, regions) are global",
  "route53:*": "Route 53 hosted zones and DNSSEC are global",
  "route53domains:*": "domain registration answers only in us-east-1",
  "cloudfront:*": "CloudFront distributions are global",
  "globalaccelerator:*": "Global Accelerator's API is in us-west-2",
  "shield:*": "Shield Advanced subscriptions are global",
  "waf:*": "WAF Classic's global (CloudFront) API",
  "health:*": "AWS Health's global endpoint",
  "support:*": "AWS Support answers in us-east-1",
  "trustedadvisor:*": "Trusted Advisor is global",
  "budgets:*": "Budgets are global",
  "ce:*": "Cost Explorer is global",
  "cur:*": "Cost and Usage Reports answer in us-east-1",
  "aws-portal:*": "billing console permissions are global",
  "sso:*": "IAM Identity Center's console calls cross regions",
  "s3:GetAccountPublicAccessBlock": "account-level S3 settings answer from us-east-1",
  "s3:ListAllMyBuckets": "listing buckets answers from us-east-1",
  "kms:ListAliases": "read-only key listing the console makes from every region",
};

const principalArnIs = (roleName: string) => `arn:aws:iam::*:role/${roleName}`;

/**
 * The SCPs: what each denies, to whom, and where it is attached. No statement has an
 * exception other than the deployment role (for changes Terraform makes) or the break-glass
 * role (for key deletion and key policies); AWS service-linked roles are outside SCPs.
 */
export function serviceControlPolicies(org: OrganizationConfig): ServiceControlPolicy[] {
  const exceptDeployment = { ArnNotLike: { "aws:PrincipalArn": principalArnIs(org.deploymentRoleName) } };
  const exceptBreakGlass = { ArnNotLike: { "aws:PrincipalArn": principalArnIs(org.breakGlassRoleName) } };
  return [
    {
      name: "deny-leaving-organization",
      description: "No member account leaves the organization (and with it the SCPs, the organization trail and central detection).",
      targets: ["root"],
      statements: [{ sid: "DenyLeavingTheOrganization", actions: ["organizations:LeaveOrganization"] }],
    },
    {
      name: "protect-audit-and-detection",
      description:
        "Only the deployment role may stop or change CloudTrail, Config, GuardDuty, Security Hub, Inspector, Macie and Access Analyzer, or the platform's permission boundaries and protected roles.",
      targets: ["root"],
      statements: [
        { sid: "DenyStoppingOrChangingAuditAndDetection", actions: PROTECTED_AUDIT_ACTIONS, conditions: exceptDeployment },
        {
          sid: "DenyChangingThePlatformsBoundaries",
          actions: PROTECTED_POLICY_ACTIONS,
          resources: ["arn:aws:iam::*:policy/medicare-*-boundary"],
          conditions: exceptDeployment,
        },
        {
          sid: "DenyChangingTheDeploymentAndBreakGlassRoles",
          actions: [...PROTECTED_ROLE_ACTIONS, "iam:UpdateRole"],
          resources: [principalArnIs(org.deploymentRoleName), principalArnIs(org.breakGlassRoleName)],
          conditions: exceptDeployment,
        },
        {
          // A role's boundary is its ceiling: removing or replacing it lifts every guardrail of the role.
          sid: "DenyRemovingOrReplacingAnyRolesBoundary",
          actions: ["iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary"],
          conditions: exceptDeployment,
        },
      ],
    },
    {
      name: "deny-root-user",
      description: "The root user of a member account does nothing; people sign in through IAM Identity Center.",
      targets: ["root"],
      statements: [{ sid: "DenyEverythingToTheRootUser", actions: ["*"], conditions: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } }],
    },
    {
      name: "deny-iam-users",
      description: "No IAM users, passwords or access keys: people use IAM Identity Center, workloads use roles.",
      targets: ["root"],
      statements: [
        {
          sid: "DenyIamUsersAndLongLivedKeys",
          actions: ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"],
        },
      ],
    },
    {
      name: "deny-other-regions",
      description: `Nothing is created or run outside ${org.allowedRegions.join(", ")}; global services are exempt (see GLOBAL_SERVICE_ACTIONS).`,
      targets: ["security", "infrastructure", "workloads"],
      statements: [
        {
          sid: "DenyRegionsOutsideTheAllowedList",
          notActions: Object.keys(GLOBAL_SERVICE_ACTIONS),
          conditions: { StringNotEquals: { "aws:RequestedRegion": org.allowedRegions } },
        },
      ],
    },
    {
      name: "protect-s3-public-access-block",
      description: "The account-wide S3 public access block stays on: only the deployment role may set it.",
      targets: ["security", "infrastructure", "workloads"],
      statements: [{ sid: "DenyChangingTheAccountPublicAccessBlock", actions: ["s3:PutAccountPublicAccessBlock"], conditions: exceptDeployment }],
    },
    {
      name: "protect-kms-keys",
      description: "Only the break-glass role may schedule a KMS key's deletion, delete its key material, disable it or change its key policy.",
      targets: ["security", "infrastructure", "workloads"],
      statements: [
        {
          sid: "DenyKeyDeletionAndPolicyChangesButBreakGlass",
          actions: ["kms:ScheduleKeyDeletion", "kms:DeleteImportedKeyMaterial", "kms:DisableKey", "kms:DisableKeyRotation", "kms:PutKeyPolicy"],
          conditions: exceptBreakGlass,
        },
      ],
    },
  ];
}

/** The SCP document as AWS receives it (minified, Deny only, Resource "*" unless named). */
export function scpJson(statements: readonly ScpStatement[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => {
      if ((s.actions === undefined) === (s.notActions === undefined)) throw new Error(`SCP statement ${s.sid}: give exactly one of actions and notActions`);
      return {
        Sid: s.sid,
        Effect: "Deny",
        ...(s.actions ? { Action: s.actions.length === 1 ? s.actions[0] : s.actions } : { NotAction: s.notActions }),
        Resource: s.resources && s.resources.length > 0 ? (s.resources.length === 1 ? s.resources[0] : s.resources) : "*",
        ...(s.conditions ? { Condition: s.conditions } : {}),
      };
    }),
  });
}

/** Throws, naming the policy and what to do, when an SCP is over AWS's size or a target over its count. */
export function checkServiceControlPolicies(policies: readonly ServiceControlPolicy[]): void {
  const problems: string[] = [];
  for (const policy of policies) {
    const size = scpJson(policy.statements).length;
    if (size > SCP_MAX_CHARACTERS) {
      problems.push(`SCP ${policy.name} is ${size} characters minified, over AWS's ${SCP_MAX_CHARACTERS}; split it into two policies or shorten its action lists`);
    }
    if (policy.description.length > 512) problems.push(`SCP ${policy.name}: description is ${policy.description.length} characters, over 512`);
  }
  const perTarget = new Map<ScpTarget, string[]>();
  for (const policy of policies) for (const target of policy.targets) perTarget.set(target, [...(perTarget.get(target) ?? []), policy.name]);
  for (const [target, names] of perTarget) {
    // FullAWSAccess stays attached everywhere (an SCP only filters what it allows).
    if (names.length + 1 > SCP_MAX_PER_TARGET) {
      problems.push(`${target} would carry ${names.length} SCPs (${names.join(", ")}) plus FullAWSAccess, over AWS's ${SCP_MAX_PER_TARGET}; attach some to the OUs instead`);
    }
  }
  if (problems.length > 0) throw new Error(`Service control policies cannot be deployed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}
