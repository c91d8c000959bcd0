import { Construct } from "constructs";
import { CustomerGateway } from "@cdktf/provider-aws/lib/customer-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpnConnection, VpnConnectionConfig } from "@cdktf/provider-aws/lib/vpn-connection";
import { VpnConnectionRoute } from "@cdktf/provider-aws/lib/vpn-connection-route";
import { VpnGateway } from "@cdktf/provider-aws/lib/vpn-gateway";
import { VpnGatewayRoutePropagation } from "@cdktf/provider-aws/lib/vpn-gateway-route-propagation";
import { OnPremConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { DomainKey } from "../security/keys";

/** The only IPsec proposals either tunnel will negotiate: IKEv2, AES-256, SHA-2, strong DH groups. */
export const VPN_PROPOSALS = {
  ikeVersions: ["ikev2"],
  encryption: ["AES256", "AES256-GCM-16"],
  integrity: ["SHA2-256", "SHA2-384", "SHA2-512"],
  dhGroups: [19, 20, 21],
} as const;

/** Largest ASN the customer gateway's `bgp_asn` accepts. */
const MAX_BGP_ASN = 2147483647;

export interface SiteToSiteVpnProps {
  readonly vpc: Vpc;
  readonly onPrem: OnPremConfig;
  /** Route tables that learn the on-premises routes (app and data tiers). */
  readonly routeTables: readonly RouteTable[];
  readonly logsKey: DomainKey;
}

/**
 * Site-to-site VPN to the on-premises network, for DMS replication and backup delivery.
 * Both tunnels accept only the proposals above; tunnel activity is logged encrypted;
 * pre-shared keys are kept in Secrets Manager rather than in Terraform state.
 */
export class SiteToSiteVpn extends Construct {
  readonly connection: VpnConnection;

  constructor(scope: Construct, id: string, props: SiteToSiteVpnProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const staticRouting = props.onPrem.bgpAsn === undefined;

    // AWS requires an ASN even for static routing; 65000 is the documented placeholder.
    // bgp_asn takes 2-byte and 4-byte ASNs up to 2147483647; larger ones go in bgp_asn_extended.
    const asn = props.onPrem.bgpAsn ?? 65000;
    const customerGateway = new CustomerGateway(this, "customer-gateway", {
      ipAddress: props.onPrem.vpnPeerIp,
      ...(asn <= MAX_BGP_ASN ? { bgpAsn: String(asn) } : { bgpAsnExtended: String(asn) }),
      type: "ipsec.1",
      tags: { Name: stack.resourceName("on-prem") },
    });
    const gateway = new VpnGateway(this, "vpn-gateway", {
      vpcId: props.vpc.id,
      tags: { Name: stack.resourceName("vgw") },
    });
    const tunnelLogs = new EncryptedLogGroup(this, "tunnel-logs", { path: "network/vpn-tunnels", key: props.logsKey });

    // The same proposals and logging for both tunnels: tunnel1* and tunnel2* attributes.
    const tunnel = (n: 1 | 2): Partial<VpnConnectionConfig> => ({
      [`tunnel${n}IkeVersions`]: [...VPN_PROPOSALS.ikeVersions],
      [`tunnel${n}Phase1EncryptionAlgorithms`]: [...VPN_PROPOSALS.encryption],
      [`tunnel${n}Phase1IntegrityAlgorithms`]: [...VPN_PROPOSALS.integrity],
      [`tunnel${n}Phase1DhGroupNumbers`]: [...VPN_PROPOSALS.dhGroups],
      [`tunnel${n}Phase2EncryptionAlgorithms`]: [...VPN_PROPOSALS.encryption],
      [`tunnel${n}Phase2IntegrityAlgorithms`]: [...VPN_PROPOSALS.integrity],
      [`tunnel${n}Phase2DhGroupNumbers`]: [...VPN_PROPOSALS.dhGroups],
      [`tunnel${n}LogOptions`]: {
        cloudwatchLogOptions: { logEnabled: true, logGroupArn: tunnelLogs.arn, logOutputFormat: "json" },
      },
    });
    this.connection = new VpnConnection(this, "connection", {
      customerGatewayId: customerGateway.id,
      vpnGatewayId: gateway.id,
      type: "ipsec.1",
      staticRoutesOnly: staticRouting,
      presharedKeyStorage: "SecretsManager",
      ...tunnel(1),
      ...tunnel(2),
      tags: { Name: stack.resourceName("vpn", "on-prem") },
    });
    if (staticRouting) {
      new VpnConnectionRoute(this, "on-prem-route", {
        vpnConnectionId: this.connection.id,
        destinationCidrBlock: props.onPrem.cidr,
      });
    }
    props.routeTables.forEach((table, i) => {
      new VpnGatewayRoutePropagation(this, `propagation-${i}`, { vpnGatewayId: gateway.id, routeTableId: table.id });
    });
  }
}
