import { rmSync } from "fs";
import { cidrsOverlap } from "../../modules/config/cidr";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { EnvironmentConfig } from "../../modules/config/schema";
import { validateEnvironments } from "../../modules/config/validate";
import { MANAGED_THREAT_LIST_IDS, MANAGED_THREAT_LISTS } from "../../modules/network/dns-firewall";
import { INTERFACE_ENDPOINT_SERVICES } from "../../modules/network/endpoints";
import { Tier, TIERS } from "../../modules/network/subnet-layout";
import { VPN_PROPOSALS } from "../../modules/network/vpn";
import { NetworkModel, cidrOf, cidrWithin, rangeCovers } from "../support/network";
import { actionMatches, conditionValues, describeStatement, hasPublicPrincipal, statementsOf } from "../support/policy";
import { resolveRef } from "../support/refs";
import { SynthResource, SynthesizedApp, synthesize } from "../support/synth";

/** What each environment must synthesize, written down independently of the config. */
const EXPECTED = {
  dev: { natGateways: 1, logRetentionDays: 365, staticRouting: true },
  prod: { natGateways: 3, logRetentionDays: 2192, staticRouting: false },
} as const;

/** Ports that must never be reachable from anywhere: SSH, RDP, FTP data and control. */
const ADMIN_PORTS = [22, 3389, 20, 21];
const ANYWHERE = ["0.0.0.0/0", "::/0"];

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const addresses = (resources: readonly SynthResource[]) => resources.map((r) => r.address).sort();

describe.each(Object.keys(EXPECTED) as (keyof typeof EXPECTED)[])("%s-network", (envName) => {
  const env = ENVIRONMENTS[envName];
  const expected = EXPECTED[envName];
  let net: NetworkModel;
  beforeAll(() => {
    net = new NetworkModel(app, `${envName}-network`);
  });

  it("is synthesized", () => {
    expect(Object.keys(app.stacks)).toContain(`${envName}-network`);
  });

  describe("VPC and subnets", () => {
    it("has exactly one VPC, with the configured CIDR", () => {
      expect(net.vpcs).toHaveLength(1);
      expect(net.vpc.values.cidr_block).toBe(env.network.vpcCidr);
    });

    it("has 3 tiers x azCount subnets, each tagged with its tier", () => {
      expect(net.subnets).toHaveLength(3 * env.network.azCount);
      for (const subnet of net.subnets) expect(TIERS).toContain(subnet.values.tags?.tier);
      for (const tier of TIERS) {
        const subnets = net.subnetsOf(tier);
        expect(subnets).toHaveLength(env.network.azCount);
        // one subnet of each tier per AZ
        expect(new Set(subnets.map((s) => s.values.availability_zone)).size).toBe(env.network.azCount);
      }
    });

    it("no subnet maps public IPs on launch", () => {
      expect(addresses(net.subnets.filter((s) => s.values.map_public_ip_on_launch !== false))).toEqual([]);
    });

    it("every subnet is in the VPC and inside its CIDR", () => {
      const outside = net.subnets.filter(
        (s) => !net.refersTo(s.values.vpc_id, net.vpc, "id") || !cidrWithin(cidrOf(s.values.cidr_block), net.vpcCidr),
      );
      expect(addresses(outside)).toEqual([]);
    });

    it("no two subnets overlap", () => {
      const cidrs = net.subnets.map((s) => ({ address: s.address, cidr: cidrOf(s.values.cidr_block) }));
      const overlapping = cidrs.flatMap((a, i) =>
        cidrs.slice(i + 1).filter((b) => cidrsOverlap(a.cidr, b.cidr)).map((b) => `${a.address} / ${b.address}`),
      );
      expect(overlapping).toEqual([]);
    });
  });

  describe("routing", () => {
    it(`has ${expected.natGateways} NAT gateway(s), each in a public subnet`, () => {
      const nats = net.of("aws_nat_gateway");
      expect(nats).toHaveLength(expected.natGateways);
      for (const nat of nats) expect(net.tierOf(net.target(nat.values.subnet_id)!)).toBe("public");
    });

    it("every subnet is associated with exactly one route table (none falls back on the main table)", () => {
      expect(addresses(net.subnets.filter((s) => net.associationsOf(s).length !== 1))).toEqual([]);
    });

    it("the public route table routes 0.0.0.0/0 to the internet gateway", () => {
      const tables = net.routeTablesOf("public");
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) {
        const defaults = net.routesOf(table).filter((r) => r.destination === "0.0.0.0/0");
        expect(defaults).toHaveLength(1);
        expect(defaults[0].target?.type).toBe("aws_internet_gateway");
        expect(net.refersTo(defaults[0].target!.values.vpc_id, net.vpc, "id")).toBe(true);
      }
    });

    it.each(["app", "data"] as const)("no route table of a %s subnet routes to the internet gateway", (tier) => {
      const tables = net.routeTablesOf(tier);
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) {
        const toIgw = net.routesOf(table).filter((r) => net.routesToInternetGateway(r));
        expect({ table: table.address, toIgw }).toEqual({ table: table.address, toIgw: [] });
      }
    });

    it("data tier route tables have no route to an IGW, a NAT gateway or 0.0.0.0/0", () => {
      const tables = net.routeTablesOf("data");
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) {
        const outbound = net
          .routesOf(table)
          .filter((r) => net.routesToInternetGateway(r) || net.routesToNat(r) || ANYWHERE.includes(r.destination ?? ""));
        expect({ table: table.address, outbound }).toEqual({ table: table.address, outbound: [] });
      }
    });

    it("no route table is shared between tiers", () => {
      const byTier = TIERS.map((tier) => new Set(net.routeTablesOf(tier).map((t) => t.address)));
      byTier.forEach((a, i) => byTier.slice(i + 1).forEach((b) => expect([...a].filter((t) => b.has(t))).toEqual([])));
    });

    it("each app route table routes 0.0.0.0/0 to a NAT gateway", () => {
      const tables = net.routeTablesOf("app");
      expect(tables).toHaveLength(env.network.azCount);
      for (const table of tables) {
        const defaults = net.routesOf(table).filter((r) => r.destination === "0.0.0.0/0");
        expect(defaults).toHaveLength(1);
        expect(defaults[0].target?.type).toBe("aws_nat_gateway");
      }
    });

    if (env.network.natGateways === "perAz") {
      it("each app subnet leaves through the NAT gateway of its own AZ", () => {
        for (const subnet of net.subnetsOf("app")) {
          const table = net.target(net.associationsOf(subnet)[0].values.route_table_id)!;
          const nat = net.routesOf(table).find((r) => r.destination === "0.0.0.0/0")!.target!;
          const natSubnet = net.target(nat.values.subnet_id)!;
          expect(natSubnet.values.availability_zone).toBe(subnet.values.availability_zone);
        }
      });
    }
  });

  describe("network ACLs", () => {
    const rulesOf = (acl: SynthResource) => [
      ...net.of("aws_network_acl_rule").filter((r) => net.refersTo(r.values.network_acl_id, acl, "id")).map((r) => r.values),
      // inline rules, in the shape of aws_network_acl_rule
      ...((acl.values.ingress ?? []) as any[]).map((r) => ({ ...r, egress: false, rule_action: r.action })),
      ...((acl.values.egress ?? []) as any[]).map((r) => ({ ...r, egress: true, rule_action: r.action })),
    ];

    it("has one NACL per tier, attached to exactly that tier's subnets", () => {
      const acls = net.of("aws_network_acl");
      expect(acls).toHaveLength(TIERS.length);
      for (const tier of TIERS) {
        const mine = acls.filter((a) => a.values.tags?.tier === tier);
        expect(mine).toHaveLength(1);
        const attached = ((mine[0].values.subnet_ids ?? []) as string[]).map((id) => net.target(id)?.address).sort();
        expect(attached).toEqual(addresses(net.subnetsOf(tier)));
      }
    });

    it("every NACL rule belongs to one of the tier NACLs", () => {
      const acls = net.of("aws_network_acl");
      for (const rule of net.of("aws_network_acl_rule")) {
        expect(acls.some((acl) => net.refersTo(rule.values.network_acl_id, acl, "id"))).toBe(true);
      }
    });

    it("every NACL rule is TCP or UDP with explicit ports", () => {
      const rules = net.of("aws_network_acl").flatMap(rulesOf);
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(["tcp", "6", "udp", "17"]).toContain(String(rule.protocol));
        expect(Number.isInteger(rule.from_port) && Number.isInteger(rule.to_port)).toBe(true);
        expect(rule.from_port).toBeGreaterThanOrEqual(1);
        expect(rule.to_port).toBeGreaterThanOrEqual(rule.from_port);
        expect(rule.to_port).toBeLessThanOrEqual(65535);
      }
    });

    it.each(ADMIN_PORTS)("no ingress rule admits port %i from anywhere", (port) => {
      const open = net
        .of("aws_network_acl")
        .flatMap(rulesOf)
        .filter(
          (r) =>
            r.egress === false &&
            r.rule_action === "allow" &&
            (ANYWHERE.includes(r.cidr_block) || ANYWHERE.includes(r.ipv6_cidr_block)) &&
            (["-1", "all"].includes(String(r.protocol)) || rangeCovers(r.from_port, r.to_port, port)),
        );
      expect(open).toEqual([]);
    });
  });

  describe("defaults adopted and closed", () => {
    it("the default security group has no ingress and no egress rules", () => {
      const groups = net.of("aws_default_security_group");
      expect(groups).toHaveLength(1);
      expect(net.refersTo(groups[0].values.vpc_id, net.vpc, "id")).toBe(true);
      expect(groups[0].values.ingress).toEqual([]);
      expect(groups[0].values.egress).toEqual([]);
    });

    it("the default NACL is adopted, with no rules and no subnets", () => {
      const acls = net.of("aws_default_network_acl");
      expect(acls).toHaveLength(1);
      expect(net.refersTo(acls[0].values.default_network_acl_id, net.vpc, "default_network_acl_id")).toBe(true);
      expect(acls[0].values.ingress ?? []).toEqual([]);
      expect(acls[0].values.egress ?? []).toEqual([]);
      expect(acls[0].values.subnet_ids ?? []).toEqual([]);
    });

    it("the default route table is adopted, with no routes", () => {
      const tables = net.of("aws_default_route_table");
      expect(tables).toHaveLength(1);
      expect(net.refersTo(tables[0].values.default_route_table_id, net.vpc, "default_route_table_id")).toBe(true);
      expect(tables[0].values.route).toEqual([]);
    });
  });

  describe("logs", () => {
    it("a flow log captures ALL traffic of the VPC into an encrypted log group", () => {
      const logs = net.of("aws_flow_log");
      expect(logs.filter((l) => net.refersTo(l.values.vpc_id, net.vpc, "id"))).toHaveLength(1);
      for (const log of logs) {
        expect(log.values.traffic_type).toBe("ALL");
        expect(log.values.log_destination_type).toBe("cloud-watch-logs");
        const group = net.target(log.values.log_destination);
        expect(group?.type).toBe("aws_cloudwatch_log_group");
        expect(resolveRef(app, net.stack, group!.values.kms_key_id)?.type).toBe("aws_kms_key");
        expect(net.target(log.values.iam_role_arn)?.type).toBe("aws_iam_role");
      }
    });

    it(`every log group is encrypted with a KMS key and kept ${expected.logRetentionDays} days (>= 365)`, () => {
      const groups = net.of("aws_cloudwatch_log_group");
      expect(groups.length).toBeGreaterThanOrEqual(3); // flow logs, resolver query logs, VPN tunnel logs
      for (const group of groups) {
        expect({ group: group.address, key: resolveRef(app, net.stack, group.values.kms_key_id)?.type }).toEqual({
          group: group.address,
          key: "aws_kms_key",
        });
        expect(group.values.retention_in_days).toBeGreaterThanOrEqual(365);
        expect(group.values.retention_in_days).toBe(expected.logRetentionDays);
      }
    });
  });

  describe("DNS Firewall and query logging", () => {
    it("blocks the four AWS managed threat lists with this region's list ids", () => {
      const rules = net.of("aws_route53_resolver_firewall_rule");
      expect(rules).toHaveLength(MANAGED_THREAT_LISTS.length);
      for (const rule of rules) expect(rule.values.action).toBe("BLOCK");
      const ids = MANAGED_THREAT_LIST_IDS[env.region];
      expect(ids).toBeDefined();
      expect(rules.map((r) => r.values.firewall_domain_list_id).sort()).toEqual(MANAGED_THREAT_LISTS.map((l) => ids[l]).sort());
    });

    it("the rule group is associated with the VPC with mutation protection", () => {
      const groups = net.of("aws_route53_resolver_firewall_rule_group");
      expect(groups).toHaveLength(1);
      for (const rule of net.of("aws_route53_resolver_firewall_rule")) {
        expect(net.refersTo(rule.values.firewall_rule_group_id, groups[0], "id")).toBe(true);
      }
      const associations = net.of("aws_route53_resolver_firewall_rule_group_association");
      expect(associations).toHaveLength(1);
      expect(net.refersTo(associations[0].values.vpc_id, net.vpc, "id")).toBe(true);
      expect(net.refersTo(associations[0].values.firewall_rule_group_id, groups[0], "id")).toBe(true);
      expect(associations[0].values.mutation_protection).toBe("ENABLED");
    });

    it("fails closed", () => {
      const configs = net.of("aws_route53_resolver_firewall_config");
      expect(configs).toHaveLength(1);
      expect(net.refersTo(configs[0].values.resource_id, net.vpc, "id")).toBe(true);
      expect(configs[0].values.firewall_fail_open).toBe("DISABLED");
    });

    it("logs every query of the VPC to an encrypted log group", () => {
      const configs = net.of("aws_route53_resolver_query_log_config");
      expect(configs).toHaveLength(1);
      const destination = net.target(configs[0].values.destination_arn);
      expect(destination?.type).toBe("aws_cloudwatch_log_group");
      expect(destination!.values.kms_key_id).toBeDefined();
      const associations = net.of("aws_route53_resolver_query_log_config_association");
      expect(associations).toHaveLength(1);
      expect(net.refersTo(associations[0].values.resolver_query_log_config_id, configs[0], "id")).toBe(true);
      expect(net.refersTo(associations[0].values.resource_id, net.vpc, "id")).toBe(true);
    });
  });

  describe("site-to-site VPN", () => {
    const connection = () => {
      const connections = net.of("aws_vpn_connection");
      expect(connections).toHaveLength(1);
      return connections[0].values;
    };

    it("VPN_PROPOSALS itself is IKEv2 with AES-256 and SHA-2 only", () => {
      expect(VPN_PROPOSALS.ikeVersions).toEqual(["ikev2"]);
      for (const algorithm of VPN_PROPOSALS.encryption) expect(algorithm).toMatch(/^AES256/);
      for (const algorithm of VPN_PROPOSALS.integrity) expect(algorithm).toMatch(/^SHA2-/);
      for (const group of VPN_PROPOSALS.dhGroups) expect(group).toBeGreaterThanOrEqual(14);
    });

    it.each([1, 2])("tunnel %i negotiates only IKEv2 and the VPN_PROPOSALS", (n) => {
      const vpn = connection();
      expect(vpn[`tunnel${n}_ike_versions`]).toEqual(["ikev2"]);
      for (const phase of [1, 2]) {
        expect(vpn[`tunnel${n}_phase${phase}_encryption_algorithms`]).toEqual([...VPN_PROPOSALS.encryption]);
        expect(vpn[`tunnel${n}_phase${phase}_integrity_algorithms`]).toEqual([...VPN_PROPOSALS.integrity]);
        expect(vpn[`tunnel${n}_phase${phase}_dh_group_numbers`]).toEqual([...VPN_PROPOSALS.dhGroups]);
      }
    });

    it.each([1, 2])("tunnel %i logs to an encrypted log group", (n) => {
      const options = connection()[`tunnel${n}_log_options`]?.cloudwatch_log_options;
      expect(options?.log_enabled).toBe(true);
      const group = net.target(options.log_group_arn);
      expect(group?.type).toBe("aws_cloudwatch_log_group");
      expect(group!.values.kms_key_id).toBeDefined();
    });

    it("keeps the pre-shared keys in Secrets Manager, not in the configuration", () => {
      const vpn = connection();
      expect(vpn.preshared_key_storage).toBe("SecretsManager");
      expect(vpn.tunnel1_preshared_key).toBeUndefined();
      expect(vpn.tunnel2_preshared_key).toBeUndefined();
    });

    it("connects the configured on-premises device", () => {
      const gateways = net.of("aws_customer_gateway");
      expect(gateways).toHaveLength(1);
      expect(gateways[0].values.ip_address).toBe(env.onPrem.vpnPeerIp);
      expect(net.refersTo(connection().customer_gateway_id, gateways[0], "id")).toBe(true);
    });

    if (expected.staticRouting) {
      it("routes statically to the on-premises CIDR (no BGP ASN configured)", () => {
        expect(env.onPrem.bgpAsn).toBeUndefined();
        expect(connection().static_routes_only).toBe(true);
        const routes = net.of("aws_vpn_connection_route");
        expect(routes).toHaveLength(1);
        expect(routes[0].values.destination_cidr_block).toBe(env.onPrem.cidr);
        expect(net.refersTo(routes[0].values.vpn_connection_id, net.of("aws_vpn_connection")[0], "id")).toBe(true);
      });
    } else {
      it("uses BGP and no static route (BGP ASN configured)", () => {
        expect(env.onPrem.bgpAsn).toBeDefined();
        expect(connection().static_routes_only).toBe(false);
        expect(net.of("aws_vpn_connection_route")).toEqual([]);
        expect(net.of("aws_customer_gateway")[0].values.bgp_asn).toBe(String(env.onPrem.bgpAsn));
      });
    }

    it("propagates on-premises routes to every app and data route table, and only those", () => {
      const gateways = net.of("aws_vpn_gateway");
      expect(gateways).toHaveLength(1);
      expect(net.refersTo(gateways[0].values.vpc_id, net.vpc, "id")).toBe(true);
      const propagations = net.of("aws_vpn_gateway_route_propagation");
      for (const p of propagations) expect(net.refersTo(p.values.vpn_gateway_id, gateways[0], "id")).toBe(true);
      const propagated = propagations.map((p) => net.target(p.values.route_table_id)?.address).sort();
      expect(propagated).toEqual(addresses([...net.routeTablesOf("app"), ...net.routeTablesOf("data")]));
    });
  });

  describe("VPC endpoints", () => {
    const endpoints = () => net.of("aws_vpc_endpoint");
    /** The S3 interface endpoint that on-premises reaches over the VPN (for the daily export). */
    const isOnPremS3 = (e: SynthResource) =>
      e.values.vpc_endpoint_type === "Interface" && e.values.service_name === `com.amazonaws.${env.region}.s3`;
    /** The endpoints of the AWS APIs the private tiers call. */
    const interfaceEndpoints = () => endpoints().filter((e) => e.values.vpc_endpoint_type === "Interface" && !isOnPremS3(e));

    /** The statement of the S3 endpoint that lets anyone read the AWS-owned patch repositories. */
    const isAwsPatchRepoStatement = (endpoint: SynthResource, statement: ReturnType<typeof statementsOf>[number]) =>
      endpoint.values.service_name === `com.amazonaws.${env.region}.s3` &&
      statement.effect === "Allow" &&
      statement.actions.length > 0 &&
      statement.actions.every((a) => a === "s3:GetObject") &&
      statement.resources.length > 0 &&
      statement.resources.every((r) => new RegExp(`^arn:aws:s3:::[a-z0-9.*-]*${env.region}[a-z0-9.*-]*/\\*$`).test(r));

    it("an S3 gateway endpoint serves exactly the app route tables", () => {
      const s3 = endpoints().filter((e) => e.values.service_name === `com.amazonaws.${env.region}.s3` && !isOnPremS3(e));
      expect(s3).toHaveLength(1);
      expect(s3[0].values.vpc_endpoint_type).toBe("Gateway");
      const tables = ((s3[0].values.route_table_ids ?? []) as string[]).map((id) => net.target(id)?.address).sort();
      expect(tables).toEqual(addresses(net.routeTablesOf("app")));
    });

    it("one interface endpoint per INTERFACE_ENDPOINT_SERVICES entry, each with private DNS", () => {
      const services = interfaceEndpoints().map((e) => e.values.service_name).sort();
      expect(services).toEqual(INTERFACE_ENDPOINT_SERVICES.map((s) => `com.amazonaws.${env.region}.${s}`).sort());
      for (const endpoint of interfaceEndpoints()) {
        expect(endpoint.values.private_dns_enabled).toBe(true);
        expect(net.refersTo(endpoint.values.vpc_id, net.vpc, "id")).toBe(true);
      }
    });

    it("INTERFACE_ENDPOINT_SERVICES covers what the private tiers cannot reach otherwise", () => {
      // the data tier has no NAT: keys, secrets and credentials only through endpoints;
      // the SSM agent (patching, Session Manager) and CloudWatch agent on app instances
      expect(INTERFACE_ENDPOINT_SERVICES).toEqual(
        expect.arrayContaining(["kms", "secretsmanager", "sts", "logs", "monitoring", "ssm", "ssmmessages", "ec2messages"]),
      );
    });

    it("every endpoint policy admits only principals of this account (except AWS-owned patch repositories on S3)", () => {
      expect(endpoints().length).toBeGreaterThan(0);
      for (const endpoint of endpoints()) {
        expect(typeof endpoint.values.policy).toBe("string");
        const statements = statementsOf(endpoint.values.policy);
        expect(statements.length).toBeGreaterThan(0);
        for (const statement of statements) {
          if (isAwsPatchRepoStatement(endpoint, statement)) continue;
          const where = `${endpoint.address}: ${describeStatement(statement)}`;
          const principalAccount = conditionValues(statement, "aws:PrincipalAccount", ["StringEquals"]);
          expect({ where, principalAccount }).toEqual({ where, principalAccount: [env.accountId] });
        }
      }
    });

    it("the patch-repository exception is only on the S3 endpoint and only for s3:GetObject", () => {
      const exceptions = endpoints().flatMap((e) =>
        statementsOf(e.values.policy).filter((s) => isAwsPatchRepoStatement(e, s) && hasPublicPrincipal(s)),
      );
      expect(exceptions.length).toBeLessThanOrEqual(1);
      for (const statement of exceptions) expect(statement.actions).toEqual(["s3:GetObject"]);
    });

    it("one S3 interface endpoint in the data tier, without private DNS, admits only HTTPS from on-premises", () => {
      const onPrem = endpoints().filter(isOnPremS3);
      expect(onPrem).toHaveLength(1);
      const [endpoint] = onPrem;
      // private DNS would hijack the gateway endpoint's in-VPC S3 traffic
      expect(endpoint.values.private_dns_enabled).toBe(false);
      const subnets = ((endpoint.values.subnet_ids ?? []) as string[]).map((id) => net.target(id)?.address).sort();
      expect(subnets).toEqual(addresses(net.subnetsOf("data")));
      const groups = (endpoint.values.security_group_ids ?? []) as string[];
      expect(groups).toHaveLength(1);
      const group = net.target(groups[0])!;
      expect(group.values.ingress ?? []).toEqual([]);
      const rules = net.of("aws_vpc_security_group_ingress_rule").filter((r) => net.refersTo(r.values.security_group_id, group, "id"));
      expect(rules.map((r) => [r.values.ip_protocol, r.values.from_port, r.values.to_port, r.values.cidr_ipv4])).toEqual([
        ["tcp", 443, 443, env.onPrem.cidr],
      ]);
    });

    it("the interface endpoints' security group admits only HTTPS from the app and data tiers", () => {
      const groupIds = new Set(interfaceEndpoints().flatMap((e) => (e.values.security_group_ids ?? []) as string[]));
      expect(groupIds.size).toBe(1);
      const group = net.target([...groupIds][0]);
      expect(group?.type).toBe("aws_security_group");
      expect(group!.values.ingress ?? []).toEqual([]);
      expect(
        net.of("aws_security_group_rule").filter((r) => r.values.type === "ingress" && net.refersTo(r.values.security_group_id, group!, "id")),
      ).toEqual([]);

      const rules = net.of("aws_vpc_security_group_ingress_rule").filter((r) => net.refersTo(r.values.security_group_id, group!, "id"));
      const tiersAdmitted = new Set<Tier>();
      for (const { values } of rules) {
        expect([values.ip_protocol, values.from_port, values.to_port]).toEqual(["tcp", 443, 443]);
        expect(values.cidr_ipv6).toBeUndefined();
        expect(values.referenced_security_group_id).toBeUndefined();
        expect(values.prefix_list_id).toBeUndefined();
        // The CIDR must be exactly one tier: it covers every subnet of that tier and no other subnet.
        const cidr = cidrOf(values.cidr_ipv4);
        const covered = net.subnets.filter((s) => cidrsOverlap(cidrOf(s.values.cidr_block), cidr));
        const tiers = new Set(covered.map((s) => net.tierOf(s)));
        expect(tiers.size).toBe(1);
        const tier = [...tiers][0]!;
        expect(covered.every((s) => cidrWithin(cidrOf(s.values.cidr_block), cidr))).toBe(true);
        expect(addresses(covered)).toEqual(addresses(net.subnetsOf(tier)));
        tiersAdmitted.add(tier);
      }
      expect([...tiersAdmitted].sort()).toEqual(["app", "data"]);
    });
  });

  describe("IAM roles", () => {
    const roles = () => net.of("aws_iam_role");
    const rolePolicies = (role: SynthResource) =>
      net.of("aws_iam_role_policy").filter((p) => net.refersTo(p.values.role, role, "name") || net.refersTo(p.values.role, role, "id"));

    it("exist (the flow log delivery role at least)", () => {
      expect(roles().length).toBeGreaterThan(0);
    });

    it("every trust policy names one service principal, scoped by aws:SourceAccount and aws:SourceArn", () => {
      for (const role of roles()) {
        const statements = statementsOf(role.values.assume_role_policy);
        expect(statements.length).toBeGreaterThan(0);
        for (const statement of statements.filter((s) => s.effect === "Allow")) {
          expect(Object.keys(statement.principals)).toEqual(["Service"]);
          expect(statement.principals.Service).not.toContain("*");
          expect(statement.actions).toEqual(["sts:AssumeRole"]);
          expect(conditionValues(statement, "aws:SourceAccount", ["StringEquals"])).toEqual([env.accountId]);
          const sourceArns = conditionValues(statement, "aws:SourceArn", ["ArnLike", "ArnEquals", "StringLike", "StringEquals"]);
          expect(sourceArns.length).toBeGreaterThan(0);
          for (const arn of sourceArns) expect(arn).toMatch(new RegExp(`^arn:aws:[a-z0-9-]+:${env.region}:${env.accountId}:.+`));
        }
      }
    });

    it("every role carries this environment's permission boundary from its security stack", () => {
      for (const role of roles()) {
        const boundary = resolveRef(app, net.stack, role.values.permissions_boundary);
        expect({ role: role.address, boundary: boundary && `${boundary.stack}/${boundary.type}.${boundary.attribute}` }).toEqual({
          role: role.address,
          boundary: `${envName}-security/aws_iam_policy.arn`,
        });
      }
    });

    it("every role has a policy, and no role policy statement has Resource \"*\"", () => {
      for (const role of roles()) {
        const policies = rolePolicies(role);
        expect(policies.length).toBeGreaterThan(0);
        for (const policy of policies) {
          for (const statement of statementsOf(policy.values.policy)) {
            expect(statement.resources.length).toBeGreaterThan(0);
            expect({ statement: describeStatement(statement), resources: statement.resources }).not.toEqual(
              expect.objectContaining({ resources: expect.arrayContaining(["*"]) }),
            );
          }
        }
      }
      expect(net.of("aws_iam_role_policy_attachment")).toEqual([]);
    });
  });
});

describe("a 4-byte BGP ASN (the customer gateway's bgp_asn takes 1..2147483647)", () => {
  const asn = 4200000000; // private 4-byte range, 4200000000..4294967294
  const prod: EnvironmentConfig = { ...ENVIRONMENTS.prod, onPrem: { ...ENVIRONMENTS.prod.onPrem, bgpAsn: asn } };

  it("is valid config and synthesizes as bgp_asn_extended", () => {
    expect(() => validateEnvironments({ ...ENVIRONMENTS, prod })).not.toThrow();
    const synthesized = synthesize([prod]);
    try {
      const [gateway] = synthesized.resources("aws_customer_gateway", "prod-network");
      expect({ bgp_asn: gateway.values.bgp_asn, bgp_asn_extended: gateway.values.bgp_asn_extended }).toEqual({
        bgp_asn: undefined,
        bgp_asn_extended: String(asn),
      });
    } finally {
      rmSync(synthesized.outdir, { recursive: true, force: true });
    }
  });
});

describe("MANAGED_THREAT_LIST_IDS", () => {
  // AWS does not zero-pad these ids: eu-west-2's aggregate list has 15 hex digits, and
  // independent public configurations use that same id.
  it("has a well-formed resolver id (rslvr-fdl- and 15-16 hex digits) for every list in every region", () => {
    const malformed = Object.entries(MANAGED_THREAT_LIST_IDS).flatMap(([region, ids]) =>
      MANAGED_THREAT_LISTS.filter((list) => !/^rslvr-fdl-[0-9a-f]{15,16}$/.test(ids[list] ?? "")).map((list) => `${region} ${list}: ${ids[list]}`),
    );
    expect(malformed).toEqual([]);
  });

  it("has no id twice (each list is a different list)", () => {
    const ids = Object.values(MANAGED_THREAT_LIST_IDS).flatMap((byList) => Object.values(byList));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe.each(Object.keys(EXPECTED))("%s permission boundary", (envName) => {
  /** Every workload role of the environment, in any of its stacks (persona roles carry the human boundary; __tests__/security/iam.test.ts). */
  const envRoles = () =>
    Object.keys(app.stacks)
      .filter((s) => s.startsWith(`${envName}-`))
      .flatMap((s) => app.resources("aws_iam_role", s))
      .filter((r) => !r.values.tags?.persona);

  const boundaryPolicy = (): SynthResource => {
    const roles = envRoles();
    expect(roles.length).toBeGreaterThan(0);
    const refs = new Set(roles.map((r) => JSON.stringify(resolveRef(app, r.stack, r.values.permissions_boundary))));
    expect(refs.size).toBe(1); // one boundary for the whole environment
    const ref = resolveRef(app, roles[0].stack, roles[0].values.permissions_boundary)!;
    const policy = app.resources(ref.type, ref.stack).find((p) => p.name === ref.name);
    expect(policy?.stack).toBe(`${envName}-security`);
    return policy!;
  };

  it("allows every action that any role policy of the environment grants", () => {
    const allowed = statementsOf(boundaryPolicy().values.policy)
      .filter((s) => s.effect === "Allow")
      .flatMap((s) => s.actions);
    const granted = envRoles().flatMap((role) =>
      app
        .resources("aws_iam_role_policy", role.stack)
        .filter((p) => resolveRef(app, p.stack, p.values.role)?.name === role.name)
        .flatMap((p) => statementsOf(p.values.policy).filter((s) => s.effect === "Allow").flatMap((s) => s.actions)),
    );
    expect(granted.length).toBeGreaterThan(0);
    const beyondCeiling = granted.filter((action) => !allowed.some((pattern) => actionMatches(pattern, action)));
    expect(beyondCeiling).toEqual([]);
  });

  it("denies iam:*", () => {
    const denied = statementsOf(boundaryPolicy().values.policy)
      .filter((s) => s.effect === "Deny")
      .flatMap((s) => s.actions);
    expect(denied).toContain("iam:*");
  });
});
