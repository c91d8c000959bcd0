import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { MedicareStack } from "../core/medicare-stack";
import { policyJson } from "./policy-document";
import { ceilingWithinAccount } from "./permission-boundary";
import { HUMAN_BOUNDARY_POLICY_NAME, PERSONA_POLICY_PATH } from "./persona-names";

/** The human boundary's ARN in an account (the literal, for conditions and Deny resources). */
export function humanBoundaryArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:policy${PERSONA_POLICY_PATH}${HUMAN_BOUNDARY_POLICY_NAME}`;
}

/**
 * What no person may do through a persona role, whatever its policy says: switch off or
 * destroy the audit, detection and key material, create long-lived IAM credentials, or
 * lift a permission boundary.
 */
export const HUMAN_FORBIDDEN_ACTIONS: readonly string[] = [
  "cloudtrail:StopLogging",
  "cloudtrail:DeleteTrail",
  "cloudtrail:UpdateTrail",
  "cloudtrail:PutEventSelectors",
  "config:StopConfigurationRecorder",
  "config:DeleteConfigurationRecorder",
  "config:DeleteDeliveryChannel",
  "config:DeleteConfigRule",
  "guardduty:DeleteDetector",
  "guardduty:UpdateDetector",
  "securityhub:DisableSecurityHub",
  "securityhub:BatchDisableStandards",
  "access-analyzer:DeleteAnalyzer",
  "inspector2:Disable",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:PutKeyPolicy",
  "logs:DeleteLogGroup",
  "logs:DeleteRetentionPolicy",
  "logs:PutRetentionPolicy",
  "logs:DisassociateKmsKey",
  "logs:DeleteMetricFilter",
  "cloudwatch:DeleteAlarms",
  "cloudwatch:DisableAlarmActions",
  "ec2:DeleteFlowLogs",
  "rds:DeleteDBCluster",
  "rds:DeleteDBInstance",
  "backup:DeleteBackupVault",
  "backup:DeleteRecoveryPoint",
  "s3:PutBucketObjectLockConfiguration",
  "s3:DeleteBucketPolicy",
  "iam:CreateUser",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:PutUserPolicy",
  "iam:AttachUserPolicy",
  "iam:DeleteRolePermissionsBoundary",
  "organizations:LeaveOrganization",
];

/**
 * The permission boundary of every persona's Identity Center role: the ceiling of what people can do here.
 * Its Allow lists exactly the actions the persona roles are granted (each registers its
 * own through `permit`), in this account only; its Deny forbids audit tampering, new
 * long-lived credentials, changes to the boundaries themselves, and creating or changing a
 * role that does not carry one of the environment's boundaries.
 */
export class HumanBoundary extends Construct {
  readonly policy: IamPolicy;
  private readonly allowed = new Set<string>();
  /** ARNs of the boundaries a role created or changed by a person must carry. */
  private readonly boundaryArns: string[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    this.policy = new IamPolicy(this, "policy", {
      // The same name in every account: the permission sets name it as their boundary.
      name: HUMAN_BOUNDARY_POLICY_NAME,
      path: PERSONA_POLICY_PATH,
      description: "Permission boundary of every mediCARE persona (IAM Identity Center permission sets): the ceiling of what people may do",
      policy: Lazy.stringValue({ produce: () => this.render(stack) }),
      tags: { "policy-role": "permission-boundary" },
    });
    this.boundaryArns.push(humanBoundaryArn(stack.accountId));
  }

  get arn(): string {
    return this.policy.arn;
  }

  /** Raises the ceiling to include `actions`; called by each persona role for what it is granted. */
  permit(actions: readonly string[]): void {
    for (const action of actions) this.allowed.add(action);
  }

  /** Another boundary (by literal policy ARN) that roles created by people may carry. */
  acceptForNewRoles(boundaryPolicyArn: string): void {
    this.boundaryArns.push(boundaryPolicyArn);
  }

  /** The literal ARNs of the boundaries roles changed by people must carry. */
  get roleBoundaryArns(): string[] {
    return [...this.boundaryArns];
  }

  get allowedActions(): string[] {
    return [...this.allowed].sort();
  }

  private render(stack: MedicareStack): string {
    const statements = ceilingWithinAccount("Persona", this.allowedActions, stack.accountId);
    statements.push(
      { sid: "NoAuditTamperingOrLongLivedCredentials", effect: "Deny", actions: HUMAN_FORBIDDEN_ACTIONS },
      {
        sid: "NoChangesToTheBoundaries",
        effect: "Deny",
        actions: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
        resources: [`arn:aws:iam::${stack.accountId}:policy/${stack.resourceName()}-*-boundary`, humanBoundaryArn(stack.accountId)],
      },
      {
        // iam:PermissionsBoundary is in the request context of these actions; a role
        // without one of the environment's boundaries cannot be created or given policies.
        sid: "RolesChangedByPeopleCarryABoundary",
        effect: "Deny",
        actions: ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:AttachRolePolicy"],
        conditions: { StringNotEquals: { "iam:PermissionsBoundary": this.roleBoundaryArns } },
      },
    );
    return policyJson(statements);
  }
}
