import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { MedicareStack } from "../core/medicare-stack";
import { PolicyStatement, policyJson } from "./policy-document";
import { UNSCOPED_ACTIONS } from "./unscoped-actions";

/**
 * Actions no workload role may ever perform, whatever its own policy says: identity
 * changes (privilege escalation) and switching off or destroying audit and key material.
 * All of IAM is denied too, apart from passing roles to the services listed with permitPassRoleTo.
 */
/** What no workload role may do: escalate or tamper with the audit trail (denied by every boundary). */
export const FORBIDDEN_ACTIONS = [
  "organizations:*",
  "account:*",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:PutKeyPolicy",
  "logs:DeleteLogGroup",
  "logs:DeleteRetentionPolicy",
  "logs:PutRetentionPolicy",
  "logs:DisassociateKmsKey",
  "ec2:DeleteFlowLogs",
  "cloudtrail:StopLogging",
  "cloudtrail:DeleteTrail",
  "cloudtrail:UpdateTrail",
];

/**
 * The Allow half of a permission boundary: `actions` on this account's resources only, and
 * the actions that name no resource unconditionally. aws:ResourceAccount exists only in
 * requests that name a resource: an action with no resource type (xray:PutTraceSegments,
 * ec2:Describe*) would never match the condition. Sids read `<who>ActionsInThisAccountOnly`.
 */
export function ceilingWithinAccount(who: string, actions: readonly string[], accountId: string): PolicyStatement[] {
  const scoped = actions.filter((action) => !UNSCOPED_ACTIONS.has(action));
  const unscoped = actions.filter((action) => UNSCOPED_ACTIONS.has(action));
  const statements: PolicyStatement[] = [];
  if (scoped.length > 0) {
    statements.push({ sid: `${who}ActionsInThisAccountOnly`, actions: scoped, conditions: { StringEquals: { "aws:ResourceAccount": accountId } } });
  }
  if (unscoped.length > 0) statements.push({ sid: `${who}ActionsThatNameNoResource`, actions: unscoped });
  return statements;
}

/**
 * The permission boundary attached to every role the platform creates for a workload.
 *
 * It is a ceiling, not a grant: its Allow lists exactly the actions that the workload
 * roles of this environment are granted (each role registers its actions through
 * `permit`), limited to resources in this account; its Deny forbids escalation and audit
 * tampering. A role that somehow gains a broader policy still cannot exceed it.
 */
export class PermissionBoundary extends Construct {
  readonly policy: IamPolicy;
  private readonly allowed = new Set<string>();
  private readonly passRoleServices = new Set<string>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    this.policy = new IamPolicy(this, "policy", {
      name: stack.resourceName("workload-boundary"),
      description: "Permission boundary of every mediCARE workload role: the ceiling of what they may do",
      policy: Lazy.stringValue({ produce: () => this.render(stack.accountId) }),
      tags: { "policy-role": "permission-boundary" },
    });
  }

  get arn(): string {
    return this.policy.arn;
  }

  /** Raises the ceiling to include `actions`; called by each role for what it is granted. */
  permit(actions: readonly string[]): void {
    for (const action of actions) this.allowed.add(action);
  }

  /**
   * Lets workload roles pass roles to `service` (e.g. `export.rds.amazonaws.com` for the
   * daily export). iam:PassRole is the one IAM action a workload may need: the deny of
   * `iam:*` then spares it when, and only when, the role is passed to a listed service.
   * Which roles a role may pass is still named by its own policy.
   */
  permitPassRoleTo(service: string): void {
    this.passRoleServices.add(service);
    this.allowed.add("iam:PassRole");
  }

  /** The services roles may be passed to, sorted. */
  get passRoleTargets(): string[] {
    return [...this.passRoleServices].sort();
  }

  /** The actions currently within the ceiling, sorted. */
  get allowedActions(): string[] {
    return [...this.allowed].sort();
  }

  private render(accountId: string): string {
    const statements = ceilingWithinAccount("Workload", this.allowedActions, accountId);
    if (this.passRoleServices.size === 0) {
      statements.push({ sid: "NoEscalationOrAuditTampering", effect: "Deny", actions: ["iam:*", ...FORBIDDEN_ACTIONS] });
      return policyJson(statements);
    }
    statements.push(
      { sid: "NoEscalationOrAuditTampering", effect: "Deny", actions: FORBIDDEN_ACTIONS },
      {
        // iam:PassedToService is in the request context of iam:PassRole only; for every other
        // IAM action it is absent, and StringNotEquals on an absent key matches: denied.
        sid: "NoIamExceptPassingRolesToNamedServices",
        effect: "Deny",
        actions: ["iam:*"],
        conditions: { StringNotEquals: { "iam:PassedToService": this.passRoleTargets } },
      },
    );
    return policyJson(statements);
  }
}
