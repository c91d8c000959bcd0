import { Cidr, formatCidr, parseCidr, subnetOf } from "../config/cidr";

/** The subnet tiers, from the edge inwards. */
export const TIERS = ["public", "app", "data"] as const;
export type Tier = (typeof TIERS)[number];

export interface SubnetPlan {
  readonly tier: Tier;
  readonly az: string;
  readonly cidr: string;
}

/**
 * The address plan of a VPC: its range in four equal blocks (public, app, data, one
 * spare), each block in four equal subnets, one per AZ (up to 3, one spare). A /16 VPC
 * gives /18 tier blocks and /20 subnets. Each tier block is a single CIDR, so NACL rules
 * name a whole tier in one line.
 */
export class SubnetLayout {
  readonly vpc: Cidr;
  readonly azs: readonly string[];

  constructor(vpcCidr: string, region: string, azCount: number) {
    const vpc = parseCidr(vpcCidr);
    if (!vpc) throw new Error(`network.vpcCidr ${JSON.stringify(vpcCidr)} is not a CIDR`);
    this.vpc = vpc;
    this.azs = ["a", "b", "c"].slice(0, azCount).map((letter) => `${region}${letter}`);
  }

  get vpcCidr(): string {
    return formatCidr(this.vpc);
  }

  /** The CIDR that covers every subnet of a tier. */
  tierCidr(tier: Tier): string {
    return formatCidr(subnetOf(this.vpc, 2, TIERS.indexOf(tier)));
  }

  subnets(tier: Tier): SubnetPlan[] {
    const block = subnetOf(this.vpc, 2, TIERS.indexOf(tier));
    return this.azs.map((az, i) => ({ tier, az, cidr: formatCidr(subnetOf(block, 2, i)) }));
  }
}
