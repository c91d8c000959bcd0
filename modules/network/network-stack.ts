import { Construct } from "constructs";
import { EnvironmentConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { SecurityStack } from "../security/security-stack";
import { DnsProtection } from "./dns-firewall";
import { PrivateEndpoints } from "./endpoints";
import { VpcFlowLog } from "./flow-log";
import { TierNacls } from "./nacl";
import { OnPremDnsForwarding } from "./onprem-dns";
import { SubnetLayout } from "./subnet-layout";
import { SiteToSiteVpn } from "./vpn";
import { TieredVpc } from "./vpc";

/**
 * `<env>-network`: the tiered VPC and everything that watches or guards its traffic:
 * NACLs, flow logs, DNS Firewall and query logs, forwarding of the on-premises DNS zone,
 * private API endpoints, the on-premises VPN.
 */
export class NetworkStack extends MedicareStack {
  readonly network: TieredVpc;
  readonly endpoints: PrivateEndpoints;

  constructor(scope: Construct, env: EnvironmentConfig, security: SecurityStack) {
    super(scope, { env, component: "network", dataClassification: "internal" });
    const layout = new SubnetLayout(env.network.vpcCidr, env.region, env.network.azCount);
    const logsKey = security.keys.logs;

    this.network = new TieredVpc(this, "vpc", { layout, natGateways: env.network.natGateways });
    new TierNacls(this, "nacls", {
      vpcId: this.network.vpc.id,
      layout,
      subnets: this.network.subnets,
      onPremCidr: env.onPrem.cidr,
      databasePort: env.onPrem.databasePort,
    });
    new VpcFlowLog(this, "flow-log", { vpc: this.network.vpc, logsKey, boundary: security.workloadBoundary });
    new DnsProtection(this, "dns", { vpc: this.network.vpc, logsKey });
    // DMS and the rotation Lambda (data tier) reach the on-premises database by its DNS name.
    new OnPremDnsForwarding(this, "onprem-dns", {
      vpc: this.network.vpc,
      subnets: this.network.subnets.data,
      dns: env.onPrem.dns,
    });
    this.endpoints = new PrivateEndpoints(this, "endpoints", {
      network: this.network,
      layout,
      subnets: this.network.subnets.app,
      onPremCidr: env.onPrem.cidr,
    });
    new SiteToSiteVpn(this, "vpn", {
      vpc: this.network.vpc,
      onPrem: env.onPrem,
      routeTables: this.network.privateRouteTables,
      logsKey,
    });
  }
}
