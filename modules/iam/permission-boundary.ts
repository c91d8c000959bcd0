import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { MedicareStack } from "../core/medicare-stack";
import { PolicyStatement, policyJson } from "./policy-document";

/**
 * Actions no workload role may ever perform, whatever its own policy says: identity
 * changes (privilege escalation) and switching off or destroying audit and key material.
 */
const FORBIDDEN_ACTIONS = [
  "iam:*",
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

  /** The actions currently within the ceiling, sorted. */
  get allowedActions(): string[] {
    return [...this.allowed].sort();
  }

  private render(accountId: string): string {
    const statements: PolicyStatement[] = [];
    if (this.allowed.size > 0) {
      statements.push({
        sid: "WorkloadActionsInThisAccountOnly",
        actions: this.allowedActions,
        conditions: { StringEquals: { "aws:ResourceAccount": accountId } },
      });
    }
    statements.push({ sid: "NoEscalationOrAuditTampering", effect: "Deny", actions: FORBIDDEN_ACTIONS });
    return policyJson(statements);
  }
}
