import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "./permission-boundary";
import { PolicyStatement, policyJson } from "./policy-document";
import { UNSCOPED_ACTIONS, onlyUnscopedActions } from "./unscoped-actions";

export interface ServiceRoleProps {
  /** Role name suffix; the full name is `medicare-<env>-<name>`. */
  readonly name: string;
  readonly description: string;
  /** The AWS service that assumes the role, e.g. `vpc-flow-logs.amazonaws.com`. */
  readonly servicePrincipal: string;
  /**
   * ARN pattern of the resources on whose behalf the service may assume the role
   * (`aws:SourceArn`), so the role cannot be used for another account's resources
   * (the confused-deputy problem).
   */
  readonly sourceArnLike: string;
  /** Every role carries the environment's permission boundary. */
  readonly boundary: PermissionBoundary;
  /**
   * What the role may do; each statement names its resources. Resource "*" is accepted
   * only for actions that support no resource-level permissions (UNSCOPED_ACTIONS).
   */
  readonly statements: readonly PolicyStatement[];
}

/**
 * An IAM role for an AWS service: trust limited to one service principal acting for this
 * account's resources, a permission boundary, and one policy that names its resources.
 */
export class ServiceRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    for (const statement of props.statements) {
      if ((statement.resources ?? ["*"]).includes("*") && !onlyUnscopedActions(statement.actions)) {
        const scopable = statement.actions.filter((a) => !UNSCOPED_ACTIONS.has(a));
        throw new Error(
          `${this.node.path}: statement "${statement.sid}" must name its resources, not "*" ` +
            `(${scopable.join(", ")} support resource-level permissions; see modules/iam/unscoped-actions.ts)`,
        );
      }
    }
    this.role = new IamRole(this, "role", {
      name: stack.resourceName(props.name),
      description: props.description,
      permissionsBoundary: props.boundary.arn,
      assumeRolePolicy: policyJson([
        {
          sid: "AssumedOnlyByServiceForThisAccount",
          principals: { Service: props.servicePrincipal },
          actions: ["sts:AssumeRole"],
          conditions: {
            StringEquals: { "aws:SourceAccount": stack.accountId },
            ArnLike: { "aws:SourceArn": props.sourceArnLike },
          },
        },
      ]),
    });
    new IamRolePolicy(this, "policy", {
      name: props.name,
      role: this.role.name,
      policy: policyJson(props.statements),
    });
    props.boundary.permit(props.statements.flatMap((s) => s.actions));
  }

  get arn(): string {
    return this.role.arn;
  }
}
