import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "./permission-boundary";
import { PolicyStatement, policyJson, trustPolicyJson } from "./policy-document";
import { scopableActionsOnEverything } from "./unscoped-actions";

export interface ServiceRoleProps {
  /** Role name suffix; the full name is `medicare-<env>-<name>`. */
  readonly name: string;
  /**
   * The exact name AWS looks the role up by (`dms-vpc-role`, `dms-cloudwatch-logs-role`),
   * for the few service roles AWS finds by name; such a role is a singleton of the account.
   * @default `medicare-<env>-<name>`
   */
  readonly awsName?: string;
  readonly description: string;
  /** The AWS service that assumes the role, e.g. `vpc-flow-logs.amazonaws.com`. */
  readonly servicePrincipal: string;
  /**
   * ARN pattern of the resources on whose behalf the service may assume the role
   * (`aws:SourceArn`), so the role cannot be used for another account's resources
   * (the confused-deputy problem). Required, except for the services in
   * SERVICES_WITHOUT_SOURCE_ARN, for which it must be absent (aws:SourceAccount still applies).
   */
  readonly sourceArnLike?: string;
  /** Every role carries the environment's permission boundary. */
  readonly boundary: PermissionBoundary;
  /**
   * What the role may do; each statement names its resources. Resource "*" is accepted
   * only for actions that support no resource-level permissions (UNSCOPED_ACTIONS).
   */
  readonly statements: readonly PolicyStatement[];
}

/**
 * Service principals that assume their role without `aws:SourceArn` in the request context,
 * so a trust condition on it would never match and the role could never be assumed.
 * - lambda.amazonaws.com: Lambda's documentation gives aws:SourceArn a meaning only in a
 *   function's resource policy (who may invoke it), never in the execution role's trust;
 *   AWS's own execution-role trust examples condition on aws:SourceAccount alone. The
 *   remaining guard is iam:PassRole: only principals allowed to pass the role can attach it
 *   to a function, and aws:SourceAccount keeps functions of other accounts out.
 * - ec2.amazonaws.com: EC2 assumes an instance profile's role for an instance that does not
 *   exist until launch; AWS's instance-role trust examples carry no aws:SourceArn. The guards
 *   are iam:PassRole (who may attach the profile) and aws:SourceAccount.
 * - apigateway.amazonaws.com: API Gateway assumes the account's CloudWatch role for log
 *   delivery of every API, and an integration's credentials role for the integration; its
 *   documentation's trust policies for both carry no aws:SourceArn (to confirm on the first
 *   deploy). The guards are iam:PassRole and aws:SourceAccount, and each role grants only
 *   its own log group or its own state machines.
 * Add a service only with a documented reason like the ones above.
 */
export const SERVICES_WITHOUT_SOURCE_ARN: ReadonlySet<string> = new Set(["lambda.amazonaws.com", "ec2.amazonaws.com", "apigateway.amazonaws.com"]);

/**
 * An IAM role for an AWS service: trust limited to one service principal acting for this
 * account's resources, a permission boundary, and one policy that names its resources.
 */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  /** The role's inline policy (resources that need the grants in place can depend on it). */
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const withoutSourceArn = SERVICES_WITHOUT_SOURCE_ARN.has(props.servicePrincipal);
    if (props.sourceArnLike === undefined && !withoutSourceArn) {
      throw new Error(`${this.node.path}: ${props.servicePrincipal} passes aws:SourceArn; give sourceArnLike so only this account's resources can use the role`);
    }
    if (props.sourceArnLike !== undefined && withoutSourceArn) {
      throw new Error(`${this.node.path}: ${props.servicePrincipal} does not pass aws:SourceArn when assuming a role; a sourceArnLike condition would lock it out`);
    }
    for (const statement of props.statements) {
      const scopable = scopableActionsOnEverything(statement, props.statements);
      if (scopable.length > 0) {
        throw new Error(
          `${this.node.path}: statement "${statement.sid}" must name its resources, not "*" ` +
            `(${scopable.join(", ")} support resource-level permissions; see modules/iam/unscoped-actions.ts)`,
        );
      }
    }
    this.role = new IamRole(this, "role", {
      name: props.awsName ?? stack.resourceName(props.name),
      description: props.description,
      permissionsBoundary: props.boundary.arn,
      assumeRolePolicy: trustPolicyJson([
        {
          sid: "AssumedOnlyByServiceForThisAccount",
          principals: { Service: props.servicePrincipal },
          actions: ["sts:AssumeRole"],
          conditions: {
            StringEquals: { "aws:SourceAccount": stack.accountId },
            ...(props.sourceArnLike !== undefined ? { ArnLike: { "aws:SourceArn": props.sourceArnLike } } : {}),
          },
        },
      ]),
    });
    this.policy = new IamRolePolicy(this, "policy", {
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
