import { Construct } from "constructs";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { ServiceRole } from "../iam/service-role";

export interface DmsAccountRolesProps {
  /** ARN of the pre-created, encrypted `dms-tasks-<replication instance id>` log group. */
  readonly taskLogGroupArn: string;
  readonly boundary: PermissionBoundary;
}

/**
 * The two roles DMS looks up BY NAME in the account: `dms-vpc-role` (it creates the
 * replication instance's network interfaces) and `dms-cloudwatch-logs-role` (it writes task
 * logs). The DMS API still requires both before a replication subnet group or a task with
 * logging can be created (DMS user guide, "Creating the IAM roles to use with AWS DMS").
 *
 * They are account-wide singletons named by AWS: only ONE stack per AWS account may create
 * them. Here that is the data stack of each environment, which works because every
 * environment has its own account (the provider refuses any other); a second DMS stack in
 * the same account must reuse these roles, not create them again.
 *
 * Inline, named statements with the permission boundary instead of the AWS managed
 * policies (AmazonDMSVPCManagementRole, AmazonDMSCloudWatchLogsRole): the managed ones
 * grant network-interface changes on "*" in every region and writes to every `dms-tasks-*`
 * log group; these grant them in this region and account, and for the one task log group.
 * The cost: when AWS extends a managed policy (AmazonDMSVPCManagementRole v4, July 2024,
 * added ec2:DescribeDhcpOptions and ec2:DescribeNetworkInterfaces) this file must follow.
 * Both trust DMS of this account and region only (aws:SourceAccount + aws:SourceArn, which
 * DMS sets from engine 3.4.7 on).
 */
export class DmsAccountRoles extends Construct {
  readonly vpcRole: ServiceRole;
  readonly cloudwatchLogsRole: ServiceRole;

  constructor(scope: Construct, id: string, props: DmsAccountRolesProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const ec2 = `arn:aws:ec2:${stack.region}:${stack.accountId}`;
    const dmsOfThisAccount = `arn:aws:dms:${stack.region}:${stack.accountId}:*`;

    this.vpcRole = new ServiceRole(this, "vpc-role", {
      name: "dms-vpc",
      awsName: "dms-vpc-role",
      description: "DMS creates and removes the network interfaces of replication instances (name required by DMS)",
      servicePrincipal: "dms.amazonaws.com",
      sourceArnLike: dmsOfThisAccount,
      boundary: props.boundary,
      statements: [
        {
          sid: "InspectTheNetwork",
          actions: [
            "ec2:DescribeAvailabilityZones",
            "ec2:DescribeDhcpOptions",
            "ec2:DescribeInternetGateways",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
          ],
        },
        {
          sid: "ManageReplicationInstanceInterfaces",
          actions: ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute"],
          resources: [`${ec2}:network-interface/*`, `${ec2}:subnet/*`, `${ec2}:security-group/*`],
        },
      ],
    });

    const group = props.taskLogGroupArn;
    this.cloudwatchLogsRole = new ServiceRole(this, "cloudwatch-logs-role", {
      name: "dms-cloudwatch-logs",
      awsName: "dms-cloudwatch-logs-role",
      description: "DMS writes replication task logs to their encrypted log group (name required by DMS)",
      servicePrincipal: "dms.amazonaws.com",
      sourceArnLike: dmsOfThisAccount,
      boundary: props.boundary,
      statements: [
        // DMS looks its group up before writing; DescribeLogGroups cannot be scoped.
        { sid: "FindTheTaskLogGroup", actions: ["logs:DescribeLogGroups"] },
        {
          // The group exists already (created encrypted, with retention); creating it again
          // is a no-op. IAM matches a log group by either ARN form; name both.
          sid: "EnsureTheTaskLogGroup",
          actions: ["logs:CreateLogGroup", "logs:DescribeLogStreams"],
          resources: [group, `${group}:*`],
        },
        {
          sid: "WriteTaskLogStreams",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${group}:log-stream:dms-task-*`],
        },
      ],
    });
  }
}
