import { Construct } from "constructs";
import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultRouteTable } from "@cdktf/provider-aws/lib/default-route-table";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { MedicareStack } from "../core/medicare-stack";
import { SubnetLayout, Tier, TIERS } from "./subnet-layout";

export interface TieredVpcProps {
  readonly layout: SubnetLayout;
  /** One NAT gateway per AZ, or one for the whole VPC. */
  readonly natGateways: "perAz" | "single";
}

/**
 * A VPC with three subnet tiers and the routes that define them:
 * `public` routes to the internet gateway; `app` reaches the internet only through NAT;
 * `data` has no route out of the VPC except to on-premises (added by the VPN).
 * No subnet assigns public IPs. The default security group, NACL and route table are
 * adopted and emptied so nothing can fall back on them.
 */
export class TieredVpc extends Construct {
  readonly vpc: Vpc;
  readonly layout: SubnetLayout;
  readonly subnets: Readonly<Record<Tier, Subnet[]>>;
  /** Route tables of each tier (public: one; app: one per AZ; data: one). */
  readonly routeTables: Readonly<Record<Tier, RouteTable[]>>;

  constructor(scope: Construct, id: string, props: TieredVpcProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    this.layout = props.layout;

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: this.layout.vpcCidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: stack.resourceName("vpc") },
    });

    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: stack.resourceName("default-sg-unused") },
    });
    new DefaultNetworkAcl(this, "default-network-acl", {
      defaultNetworkAclId: this.vpc.defaultNetworkAclId,
      tags: { Name: stack.resourceName("default-nacl-unused") },
    });
    new DefaultRouteTable(this, "default-route-table", {
      defaultRouteTableId: this.vpc.defaultRouteTableId,
      route: [],
      tags: { Name: stack.resourceName("default-rt-unused") },
    });

    const subnets = {} as Record<Tier, Subnet[]>;
    for (const tier of TIERS) {
      subnets[tier] = this.layout.subnets(tier).map(
        (plan) =>
          new Subnet(this, `${tier}-${plan.az}`, {
            vpcId: this.vpc.id,
            availabilityZone: plan.az,
            cidrBlock: plan.cidr,
            mapPublicIpOnLaunch: false,
            tags: { Name: stack.resourceName(tier, plan.az), tier },
          }),
      );
    }
    this.subnets = subnets;

    const igw = new InternetGateway(this, "igw", {
      vpcId: this.vpc.id,
      tags: { Name: stack.resourceName("igw") },
    });

    const routeTable = (name: string, tier: Tier) =>
      new RouteTable(this, `rt-${name}`, { vpcId: this.vpc.id, tags: { Name: stack.resourceName("rt", name), tier } });

    const publicTable = routeTable("public", "public");
    new Route(this, "public-internet", {
      routeTableId: publicTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });

    const natAzs = props.natGateways === "perAz" ? this.layout.azs : this.layout.azs.slice(0, 1);
    const nats = natAzs.map((az, i) => {
      const eip = new Eip(this, `nat-eip-${az}`, { domain: "vpc", tags: { Name: stack.resourceName("nat", az) } });
      return new NatGateway(this, `nat-${az}`, {
        allocationId: eip.allocationId,
        subnetId: subnets.public[i].id,
        tags: { Name: stack.resourceName("nat", az) },
        dependsOn: [igw],
      });
    });
    const appTables = this.layout.azs.map((az, i) => {
      const table = routeTable(`app-${az}`, "app");
      new Route(this, `app-${az}-internet-via-nat`, {
        routeTableId: table.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: nats[Math.min(i, nats.length - 1)].id,
      });
      return table;
    });
    const dataTable = routeTable("data", "data");

    this.routeTables = { public: [publicTable], app: appTables, data: [dataTable] };
    subnets.public.forEach((subnet, i) => associate(this, subnet, publicTable, `public-${i}`));
    subnets.app.forEach((subnet, i) => associate(this, subnet, appTables[i], `app-${i}`));
    subnets.data.forEach((subnet, i) => associate(this, subnet, dataTable, `data-${i}`));
  }

  /** Route tables of the tiers that reach AWS APIs and on-premises (app, data). */
  get privateRouteTables(): RouteTable[] {
    return [...this.routeTables.app, ...this.routeTables.data];
  }
}

function associate(scope: Construct, subnet: Subnet, table: RouteTable, id: string): void {
  new RouteTableAssociation(scope, `rta-${id}`, { subnetId: subnet.id, routeTableId: table.id });
}
