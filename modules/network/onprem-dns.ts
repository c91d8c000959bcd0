import { Construct } from "constructs";
import { Route53ResolverEndpoint } from "@cdktf/provider-aws/lib/route53-resolver-endpoint";
import { Route53ResolverRule } from "@cdktf/provider-aws/lib/route53-resolver-rule";
import { Route53ResolverRuleAssociation } from "@cdktf/provider-aws/lib/route53-resolver-rule-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { OnPremDnsConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";

/** DNS port; the endpoint forwards over UDP and falls back to TCP for large answers. */
const DNS_PORT = 53;
const DNS_PROTOCOLS = ["udp", "tcp"] as const;

export interface OnPremDnsForwardingProps {
  readonly vpc: Vpc;
  /**
   * Subnets of the outbound endpoint's interfaces, one per AZ (the data tier: it is routed
   * to the VPN and its NACL admits DNS to and from on-premises). At least two, in different AZs.
   */
  readonly subnets: readonly Subnet[];
  readonly dns: OnPremDnsConfig;
}

/**
 * Hybrid DNS: names in the on-premises zone (such as the DMS source database, whose TLS
 * certificate verify-full checks against its name) resolve inside the VPC by forwarding to
 * the on-premises DNS servers over the VPN.
 *
 * A Route 53 Resolver outbound endpoint with an interface in each given subnet, a security
 * group that lets it reach only the configured servers on port 53 and admits nothing, and
 * a FORWARD rule for the zone associated with the VPC. The VPC's DNS Firewall and query
 * logging (DnsProtection) still see every query, forwarded ones included.
 */
export class OnPremDnsForwarding extends Construct {
  readonly endpoint: Route53ResolverEndpoint;
  readonly securityGroup: SecurityGroup;
  readonly rule: Route53ResolverRule;

  constructor(scope: Construct, id: string, props: OnPremDnsForwardingProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    if (props.subnets.length < 2) {
      throw new Error(`OnPremDnsForwarding needs subnets in at least two AZs, got ${props.subnets.length}`);
    }
    if (props.dns.servers.length === 0) {
      throw new Error("OnPremDnsForwarding needs at least one on-premises DNS server");
    }

    // No ingress rules: an outbound endpoint only sends queries; replies are return traffic.
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: stack.resourceName("resolver-outbound"),
      description: "Route 53 Resolver outbound endpoint: DNS to the on-premises servers only",
      vpcId: props.vpc.id,
      tags: { Name: stack.resourceName("resolver-outbound") },
    });
    props.dns.servers.forEach((server, i) => {
      for (const protocol of DNS_PROTOCOLS) {
        new VpcSecurityGroupEgressRule(this, `dns-${protocol}-to-server-${i}`, {
          securityGroupId: this.securityGroup.id,
          description: `DNS (${protocol}) to on-premises server ${server}`,
          ipProtocol: protocol,
          fromPort: DNS_PORT,
          toPort: DNS_PORT,
          cidrIpv4: `${server}/32`,
        });
      }
    });

    this.endpoint = new Route53ResolverEndpoint(this, "outbound-endpoint", {
      name: stack.resourceName("resolver-outbound"),
      direction: "OUTBOUND",
      resolverEndpointType: "IPV4",
      protocols: ["Do53"],
      securityGroupIds: [this.securityGroup.id],
      ipAddress: props.subnets.map((subnet) => ({ subnetId: subnet.id })),
      tags: { Name: stack.resourceName("resolver-outbound") },
    });

    const ruleName = stack.resourceName("forward", props.dns.domain.replace(/\./g, "-"));
    this.rule = new Route53ResolverRule(this, "forward-rule", {
      name: ruleName,
      ruleType: "FORWARD",
      domainName: props.dns.domain,
      resolverEndpointId: this.endpoint.id,
      targetIp: props.dns.servers.map((ip) => ({ ip, port: DNS_PORT, protocol: "Do53" })),
      tags: { Name: ruleName },
    });
    new Route53ResolverRuleAssociation(this, "forward-rule-association", {
      name: ruleName,
      resolverRuleId: this.rule.id,
      vpcId: props.vpc.id,
    });
  }
}
