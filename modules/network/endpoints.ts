import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { MedicareStack } from "../core/medicare-stack";
import { policyJson } from "../iam/policy-document";
import { SubnetLayout } from "./subnet-layout";
import { TieredVpc } from "./vpc";

/**
 * The AWS APIs the private tiers call, reached without the internet:
 * - ssm, ssmmessages, ec2messages: Systems Manager agent (Patch Manager, Session Manager) on app instances
 * - logs, monitoring: CloudWatch agent on app instances; alarms' metrics
 * - kms, secretsmanager, sts: campaign Lambdas and DMS (data tier, which has no NAT) fetch keys, secrets, credentials
 * - sqs, sns, states, xray: the campaign Lambdas' queues, SMS, Step Functions and tracing
 */
export const INTERFACE_ENDPOINT_SERVICES = [
  "ssm",
  "ssmmessages",
  "ec2messages",
  "logs",
  "monitoring",
  "kms",
  "secretsmanager",
  "sts",
  "sqs",
  "sns",
  "states",
  "xray",
] as const;

/**
 * S3 buckets owned by AWS that the SSM agent and the Amazon Linux package manager read
 * (anonymously or with the instance role) through the S3 gateway endpoint.
 */
function awsOwnedBucketsForPatching(region: string): string[] {
  return [
    `arn:aws:s3:::al2023-repos-${region}-*/*`,
    `arn:aws:s3:::amazonlinux-2-repos-${region}/*`,
    `arn:aws:s3:::aws-ssm-${region}/*`,
    `arn:aws:s3:::amazon-ssm-${region}/*`,
    `arn:aws:s3:::amazon-ssm-packages-${region}/*`,
    `arn:aws:s3:::${region}-birdwatcher-prod/*`,
    `arn:aws:s3:::aws-ssm-distributor-file-${region}/*`,
    `arn:aws:s3:::aws-ssm-document-attachments-${region}/*`,
    `arn:aws:s3:::patch-baseline-snapshot-${region}/*`,
  ];
}

export interface PrivateEndpointsProps {
  readonly network: TieredVpc;
  readonly layout: SubnetLayout;
  /** Subnets that hold the endpoint interfaces (one per AZ). */
  readonly subnets: readonly Subnet[];
  /** On-premises network, which reaches S3 (the daily export) through its own interface endpoint. */
  readonly onPremCidr: string;
}

/**
 * The S3 gateway endpoint for the app tier and interface endpoints for the APIs above.
 * Endpoint policies form a data perimeter: only this account's principals may use them,
 * so stolen credentials of another account cannot carry data out through them.
 */
export class PrivateEndpoints extends Construct {
  readonly securityGroup: SecurityGroup;
  /**
   * S3 interface endpoint in the data tier for the on-premises export puller: a gateway
   * endpoint only serves traffic that starts inside the VPC, so traffic arriving over the
   * VPN needs an interface endpoint. Bucket and role policies name it (`aws:SourceVpce`),
   * so exported data can be read only along this path.
   */
  readonly onPremS3: VpcEndpoint;
  /** The S3 gateway endpoint of the app tier; security groups admit S3 by its prefix list. */
  readonly s3Gateway: VpcEndpoint;

  constructor(scope: Construct, id: string, props: PrivateEndpointsProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const vpcId = props.network.vpc.id;
    const onlyThisAccount = {
      sid: "OnlyPrincipalsOfThisAccount",
      principals: { AWS: "*" },
      actions: ["*"],
      conditions: { StringEquals: { "aws:PrincipalAccount": stack.accountId } },
    };

    this.s3Gateway = new VpcEndpoint(this, "s3", {
      vpcId,
      serviceName: `com.amazonaws.${stack.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: props.network.routeTables.app.map((t) => t.id),
      policy: policyJson([
        onlyThisAccount,
        {
          sid: "PatchRepositoriesOwnedByAws",
          principals: { AWS: "*" },
          actions: ["s3:GetObject"],
          resources: awsOwnedBucketsForPatching(stack.region),
        },
      ]),
      tags: { Name: stack.resourceName("endpoint", "s3") },
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: stack.resourceName("interface-endpoints"),
      description: "HTTPS to AWS API interface endpoints from the app and data tiers",
      vpcId,
      tags: { Name: stack.resourceName("interface-endpoints") },
    });
    for (const tier of ["app", "data"] as const) {
      new VpcSecurityGroupIngressRule(this, `https-from-${tier}`, {
        securityGroupId: this.securityGroup.id,
        description: `HTTPS from the ${tier} tier`,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: props.layout.tierCidr(tier),
      });
    }

    const onPremSecurityGroup = new SecurityGroup(this, "onprem-s3-security-group", {
      name: stack.resourceName("onprem-s3-endpoint"),
      description: "HTTPS to the S3 interface endpoint from the on-premises network only",
      vpcId,
      tags: { Name: stack.resourceName("onprem-s3-endpoint") },
    });
    new VpcSecurityGroupIngressRule(this, "https-from-onprem", {
      securityGroupId: onPremSecurityGroup.id,
      description: "HTTPS from the on-premises export puller over the VPN",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.onPremCidr,
    });
    this.onPremS3 = new VpcEndpoint(this, "s3-onprem", {
      vpcId,
      serviceName: `com.amazonaws.${stack.region}.s3`,
      vpcEndpointType: "Interface",
      // On-premises clients use the endpoint's own DNS name (bucket.vpce-....s3.<region>.vpce.amazonaws.com);
      // in-VPC clients keep using the gateway endpoint.
      privateDnsEnabled: false,
      subnetIds: props.network.subnets.data.map((s) => s.id),
      securityGroupIds: [onPremSecurityGroup.id],
      policy: policyJson([onlyThisAccount]),
      tags: { Name: stack.resourceName("endpoint", "s3-onprem") },
    });

    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new VpcEndpoint(this, service, {
        vpcId,
        serviceName: `com.amazonaws.${stack.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: props.subnets.map((s) => s.id),
        securityGroupIds: [this.securityGroup.id],
        policy: policyJson([onlyThisAccount]),
        tags: { Name: stack.resourceName("endpoint", service) },
      });
    }
  }
}
