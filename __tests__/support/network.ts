/**
 * A read-only model of one synthesized network stack: which subnets form which tier,
 * which route tables serve them, and what each route table routes where. Tests assert
 * over it; it asserts nothing itself.
 */
import { Cidr, parseCidr } from "../../modules/config/cidr";
import { Tier, TIERS } from "../../modules/network/subnet-layout";
import { referencedResource, refersTo } from "./refs";
import { SynthResource, SynthesizedApp } from "./synth";

/** One route, from an `aws_route` resource or an inline `route` block of a route table. */
export interface RouteEntry {
  /** Destination CIDR (IPv4 or IPv6) or prefix list id. */
  readonly destination: string | undefined;
  /** The resource the route sends traffic to (IGW, NAT gateway, ...), when it is one of ours. */
  readonly target: SynthResource | undefined;
  /** The raw attributes, for messages and for targets given as literal ids. */
  readonly values: Record<string, any>;
}

const TARGET_ATTRIBUTES = [
  "gateway_id",
  "nat_gateway_id",
  "egress_only_gateway_id",
  "transit_gateway_id",
  "vpc_peering_connection_id",
  "network_interface_id",
  "vpc_endpoint_id",
  "carrier_gateway_id",
  "core_network_arn",
  "local_gateway_id",
];

export class NetworkModel {
  readonly vpcs: SynthResource[];
  readonly subnets: SynthResource[];

  constructor(
    readonly app: SynthesizedApp,
    readonly stack: string,
  ) {
    this.vpcs = this.of("aws_vpc");
    this.subnets = this.of("aws_subnet");
  }

  /** Every resource of `type` in this stack. */
  of(type: string): SynthResource[] {
    return this.app.resources(type, this.stack);
  }

  get vpc(): SynthResource {
    if (this.vpcs.length !== 1) throw new Error(`${this.stack} has ${this.vpcs.length} VPCs`);
    return this.vpcs[0];
  }

  get vpcCidr(): Cidr {
    return cidrOf(this.vpc.values.cidr_block);
  }

  /** The resource a value of a resource of this stack refers to. */
  target(value: unknown): SynthResource | undefined {
    return referencedResource(this.app, this.stack, value);
  }

  refersTo(value: unknown, resource: SynthResource, attribute?: string): boolean {
    return refersTo(this.app, this.stack, value, resource, attribute);
  }

  tierOf(subnet: SynthResource): Tier | undefined {
    const tier = subnet.values.tags?.tier;
    return (TIERS as readonly string[]).includes(tier) ? (tier as Tier) : undefined;
  }

  subnetsOf(tier: Tier): SynthResource[] {
    return this.subnets.filter((s) => this.tierOf(s) === tier);
  }

  /** Route table associations of a subnet. */
  associationsOf(subnet: SynthResource): SynthResource[] {
    return this.of("aws_route_table_association").filter((a) => this.refersTo(a.values.subnet_id, subnet));
  }

  /** The route tables serving the subnets of a tier (through their associations). */
  routeTablesOf(tier: Tier): SynthResource[] {
    const tables = new Map<string, SynthResource>();
    for (const subnet of this.subnetsOf(tier)) {
      for (const association of this.associationsOf(subnet)) {
        const table = this.target(association.values.route_table_id);
        if (table) tables.set(table.address, table);
      }
    }
    return [...tables.values()];
  }

  /** Every route of a route table: separate `aws_route` resources and inline blocks. */
  routesOf(table: SynthResource): RouteEntry[] {
    const separate = this.of("aws_route")
      .filter((r) => this.refersTo(r.values.route_table_id, table))
      .map((r) => {
        const v = r.values;
        return this.entry(v, v.destination_cidr_block ?? v.destination_ipv6_cidr_block ?? v.destination_prefix_list_id);
      });
    const inline = ((table.values.route ?? []) as Record<string, any>[]).map((r) =>
      this.entry(r, r.cidr_block ?? r.ipv6_cidr_block ?? r.destination_prefix_list_id),
    );
    return [...separate, ...inline];
  }

  /** True when a route sends traffic to an internet gateway (by reference or literal igw- id). */
  routesToInternetGateway(route: RouteEntry): boolean {
    return route.target?.type === "aws_internet_gateway" || /^igw-/.test(String(route.values.gateway_id ?? ""));
  }

  /** True when a route sends traffic to a NAT gateway. */
  routesToNat(route: RouteEntry): boolean {
    return (
      route.target?.type === "aws_nat_gateway" ||
      route.values.nat_gateway_id !== undefined ||
      /^nat-/.test(String(route.values.gateway_id ?? ""))
    );
  }

  private entry(values: Record<string, any>, destination: string | undefined): RouteEntry {
    const targetValue = TARGET_ATTRIBUTES.map((a) => values[a]).find((v) => v !== undefined && v !== "");
    return { destination, target: this.target(targetValue), values };
  }
}

/** Parses a CIDR from the synthesized output; throws when it is not a literal CIDR. */
export function cidrOf(text: unknown): Cidr {
  const cidr = typeof text === "string" ? parseCidr(text) : undefined;
  if (!cidr) throw new Error(`${JSON.stringify(text)} is not a literal IPv4 CIDR`);
  return cidr;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && Math.floor(inner.network / 2 ** (32 - outer.prefix)) === outer.network / 2 ** (32 - outer.prefix);
}

/** True when the TCP/UDP port range [from, to] includes `port`. */
export function rangeCovers(from: unknown, to: unknown, port: number): boolean {
  return Number(from) <= port && port <= Number(to);
}
