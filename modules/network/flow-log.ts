import { Construct } from "constructs";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { ServiceRole } from "../iam/service-role";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { DomainKey } from "../security/keys";

export interface VpcFlowLogProps {
  readonly vpc: Vpc;
  readonly logsKey: DomainKey;
  readonly boundary: PermissionBoundary;
}

/** Flow logs of ALL traffic (accepted and rejected) to an encrypted log group. */
export class VpcFlowLog extends Construct {
  readonly logGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: VpcFlowLogProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    this.logGroup = new EncryptedLogGroup(this, "log-group", { path: "network/vpc-flow-logs", key: props.logsKey });
    const delivery = new ServiceRole(this, "delivery-role", {
      name: "vpc-flow-logs",
      description: "VPC Flow Logs delivers to its own log group only",
      servicePrincipal: "vpc-flow-logs.amazonaws.com",
      sourceArnLike: `arn:aws:ec2:${stack.region}:${stack.accountId}:vpc-flow-log/*`,
      boundary: props.boundary,
      statements: [
        {
          sid: "WriteFlowLogStreams",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [`${this.logGroup.arn}:*`],
        },
        {
          sid: "FindItsLogGroup",
          actions: ["logs:DescribeLogGroups"],
          resources: [`${stack.logGroupArnPrefix}*`],
        },
      ],
    });
    new FlowLog(this, "flow-log", {
      vpcId: props.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: delivery.arn,
      // One-minute aggregation: security investigations need fine-grained timing.
      maxAggregationInterval: 60,
      tags: { Name: stack.resourceName("vpc-flow-log") },
    });
  }
}
