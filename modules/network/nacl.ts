import { Construct } from "constructs";
import { NetworkAcl } from "@cdktf/provider-aws/lib/network-acl";
import { NetworkAclRule } from "@cdktf/provider-aws/lib/network-acl-rule";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { MedicareStack } from "../core/medicare-stack";
import { SubnetLayout, Tier, TIERS } from "./subnet-layout";

/** Who is on the other side of a NACL rule. */
export type Peer = Tier | "internet" | "onprem";

export type NaclProtocol = "tcp" | "udp";

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface NaclRuleSpec {
  readonly direction: "ingress" | "egress";
  /**
   * Transport protocol; a NACL rule names one. Only TCP and UDP: no rule admits all
   * protocols or ICMP.
   * @default "tcp"
   */
  readonly protocol?: NaclProtocol;
  readonly ports: PortRange;
  readonly peer: Peer;
  /** Why the rule exists; becomes the reviewer-facing explanation. */
  readonly why: string;
}

const port = (p: number): PortRange => ({ from: p, to: p });

/**
 * Ephemeral ports used for return traffic (NAT gateways and load balancers use
 * 1024-65535). NACLs are stateless, so replies need these. From the internet the range is
 * split around 3389 so no NACL admits RDP from anywhere, even as an ephemeral port.
 */
const EPHEMERAL: PortRange = { from: 1024, to: 65535 };
const EPHEMERAL_FROM_INTERNET: readonly PortRange[] = [
  { from: 1024, to: 3388 },
  { from: 3390, to: 65535 },
];

const HTTPS = port(443);
const MYSQL = port(3306);
const DNS = port(53);

/**
 * The NACL rules of each tier: explicit, TCP unless a rule says UDP, and each with its reason.
 * Everything not listed is denied by the NACL's implicit final rule.
 */
export function tierRules(databasePort: number): Readonly<Record<Tier, readonly NaclRuleSpec[]>> {
  const fromInternetEphemeral = (why: string): NaclRuleSpec[] =>
    EPHEMERAL_FROM_INTERNET.map((ports) => ({ direction: "ingress", ports, peer: "internet", why }));
  return {
    public: [
      { direction: "ingress", ports: HTTPS, peer: "internet", why: "HTTPS to the load balancer" },
      { direction: "ingress", ports: port(80), peer: "internet", why: "HTTP to the load balancer, which only redirects to HTTPS" },
      { direction: "ingress", ports: HTTPS, peer: "app", why: "app tier HTTPS out through the NAT gateway" },
      ...fromInternetEphemeral("replies to NAT and load balancer connections"),
      { direction: "egress", ports: HTTPS, peer: "internet", why: "NAT gateway forwards app tier HTTPS" },
      { direction: "egress", ports: EPHEMERAL, peer: "internet", why: "load balancer replies to clients" },
      { direction: "egress", ports: HTTPS, peer: "app", why: "load balancer to its HTTPS targets" },
      { direction: "egress", ports: EPHEMERAL, peer: "app", why: "NAT gateway replies to app tier" },
    ],
    app: [
      { direction: "ingress", ports: HTTPS, peer: "public", why: "load balancer to its HTTPS targets" },
      { direction: "ingress", ports: HTTPS, peer: "app", why: "interface endpoints of AWS APIs, across AZs" },
      { direction: "ingress", ports: HTTPS, peer: "data", why: "data tier calls AWS APIs through the interface endpoints" },
      ...fromInternetEphemeral("replies to HTTPS calls made through the NAT gateway"),
      { direction: "egress", ports: HTTPS, peer: "internet", why: "HTTPS to AWS APIs and patch repositories through NAT" },
      { direction: "egress", ports: MYSQL, peer: "data", why: "Aurora and RDS Proxy" },
      { direction: "egress", ports: EPHEMERAL, peer: "public", why: "replies to the load balancer" },
      { direction: "egress", ports: EPHEMERAL, peer: "app", why: "interface endpoint replies, across AZs" },
      { direction: "egress", ports: EPHEMERAL, peer: "data", why: "interface endpoint replies to the data tier" },
    ],
    data: [
      { direction: "ingress", ports: MYSQL, peer: "app", why: "Aurora and RDS Proxy from the app tier" },
      { direction: "ingress", ports: MYSQL, peer: "data", why: "RDS Proxy and DMS to Aurora, across AZs" },
      { direction: "ingress", ports: EPHEMERAL, peer: "app", why: "interface endpoint replies" },
      { direction: "ingress", ports: EPHEMERAL, peer: "data", why: "Aurora replies to RDS Proxy and DMS" },
      { direction: "ingress", ports: EPHEMERAL, peer: "onprem", why: "on-premises database replies to DMS" },
      { direction: "ingress", ports: HTTPS, peer: "onprem", why: "on-premises export puller reads the export bucket through the S3 interface endpoint" },
      { direction: "egress", ports: MYSQL, peer: "data", why: "RDS Proxy and DMS to Aurora, across AZs" },
      { direction: "egress", ports: port(databasePort), peer: "onprem", why: "DMS reads the on-premises database over the VPN" },
      { direction: "egress", ports: HTTPS, peer: "app", why: "AWS APIs through the interface endpoints" },
      { direction: "egress", ports: EPHEMERAL, peer: "app", why: "replies to the app tier" },
      { direction: "egress", ports: EPHEMERAL, peer: "data", why: "replies to RDS Proxy and DMS" },
      { direction: "egress", ports: EPHEMERAL, peer: "onprem", why: "S3 interface endpoint replies to the on-premises export puller" },
      // Appended last so the rule numbers of the rules above stay as they are.
      { direction: "egress", protocol: "udp", ports: DNS, peer: "onprem", why: "Resolver outbound endpoint forwards on-premises names to the on-premises DNS servers" },
      { direction: "egress", protocol: "tcp", ports: DNS, peer: "onprem", why: "Resolver outbound endpoint forwards on-premises names to the on-premises DNS servers (large answers over TCP)" },
      // TCP replies from on-premises are already admitted by the ephemeral TCP rule above.
      { direction: "ingress", protocol: "udp", ports: EPHEMERAL, peer: "onprem", why: "on-premises DNS servers reply to the Resolver outbound endpoint" },
    ],
  };
}

export interface TierNaclsProps {
  readonly vpcId: string;
  readonly layout: SubnetLayout;
  readonly subnets: Readonly<Record<Tier, Subnet[]>>;
  readonly onPremCidr: string;
  readonly databasePort: number;
}

/** One NACL per tier, attached to all of that tier's subnets, with the rules above. */
export class TierNacls extends Construct {
  readonly acls: Readonly<Record<Tier, NetworkAcl>>;

  constructor(scope: Construct, id: string, props: TierNaclsProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const peerCidr = (peer: Peer): string =>
      peer === "internet" ? "0.0.0.0/0" : peer === "onprem" ? props.onPremCidr : props.layout.tierCidr(peer);

    const rules = tierRules(props.databasePort);
    const acls = {} as Record<Tier, NetworkAcl>;
    for (const tier of TIERS) {
      const acl = new NetworkAcl(this, tier, {
        vpcId: props.vpcId,
        subnetIds: props.subnets[tier].map((s) => s.id),
        tags: { Name: stack.resourceName("nacl", tier), tier },
      });
      const next = { ingress: 100, egress: 100 };
      for (const rule of rules[tier]) {
        const ruleNumber = next[rule.direction];
        next[rule.direction] += 10;
        new NetworkAclRule(this, `${tier}-${rule.direction}-${ruleNumber}`, {
          networkAclId: acl.id,
          ruleNumber,
          egress: rule.direction === "egress",
          protocol: rule.protocol ?? "tcp",
          ruleAction: "allow",
          cidrBlock: peerCidr(rule.peer),
          fromPort: rule.ports.from,
          toPort: rule.ports.to,
        });
      }
      acls[tier] = acl;
    }
    this.acls = acls;
  }
}
