import { rmSync } from "fs";
import { cidrContains, parseIpv4 } from "../../modules/config/cidr";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { NetworkModel, cidrOf } from "../support/network";
import { SynthResource, SynthesizedApp, synthesize } from "../support/synth";

/** Written down independently of the config: each environment spreads over 3 AZs. */
const EXPECTED_AZS = { dev: 3, prod: 3 } as const;

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const addresses = (resources: readonly SynthResource[]) => resources.map((r) => r.address).sort();

describe.each(Object.keys(EXPECTED_AZS) as (keyof typeof EXPECTED_AZS)[])("%s-network on-premises DNS forwarding", (envName) => {
  const env = ENVIRONMENTS[envName];
  const { domain, servers } = env.onPrem.dns;
  let net: NetworkModel;
  beforeAll(() => {
    net = new NetworkModel(app, `${envName}-network`);
  });

  const endpoint = (): SynthResource => {
    const endpoints = net.of("aws_route53_resolver_endpoint");
    expect(endpoints).toHaveLength(1);
    return endpoints[0];
  };
  const forwardRules = () => net.of("aws_route53_resolver_rule");

  it("the migration source host is in the forwarded zone", () => {
    expect(env.migration.sourceHost.endsWith(`.${domain}`)).toBe(true);
  });

  it("one outbound endpoint over plain DNS, with an interface in every data subnet, in every AZ", () => {
    const { values } = endpoint();
    expect(values.direction).toBe("OUTBOUND");
    expect(values.protocols).toEqual(["Do53"]);
    const blocks = values.ip_address as { subnet_id: string }[];
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const subnets = blocks.map((b) => net.target(b.subnet_id));
    for (const subnet of subnets) expect(subnet && net.tierOf(subnet)).toBe("data");
    expect(addresses(subnets as SynthResource[])).toEqual(addresses(net.subnetsOf("data")));
    const zones = new Set(subnets.map((s) => s!.values.availability_zone));
    expect(zones.size).toBe(EXPECTED_AZS[envName]);
  });

  it("the endpoint's security group admits nothing and sends only DNS to the configured servers", () => {
    const groupIds = endpoint().values.security_group_ids as string[];
    expect(groupIds).toHaveLength(1);
    const group = net.target(groupIds[0])!;
    expect(group.type).toBe("aws_security_group");
    expect(net.refersTo(group.values.vpc_id, net.vpc, "id")).toBe(true);
    expect(group.values.ingress ?? []).toEqual([]);
    expect(group.values.egress ?? []).toEqual([]);
    const ofGroup = (type: string) => net.of(type).filter((r) => net.refersTo(r.values.security_group_id, group, "id"));
    expect(ofGroup("aws_vpc_security_group_ingress_rule")).toEqual([]);
    expect(ofGroup("aws_security_group_rule")).toEqual([]);

    const egress = ofGroup("aws_vpc_security_group_egress_rule").map(({ values }) => {
      expect(values.cidr_ipv6).toBeUndefined();
      expect(values.prefix_list_id).toBeUndefined();
      expect(values.referenced_security_group_id).toBeUndefined();
      return `${values.ip_protocol} ${values.from_port}-${values.to_port} ${values.cidr_ipv4}`;
    });
    const expected = servers.flatMap((server) => ["tcp", "udp"].map((p) => `${p} 53-53 ${server}/32`));
    expect(egress.sort()).toEqual(expected.sort());
  });

  it("one FORWARD rule sends the on-premises zone through the endpoint to the configured servers on port 53", () => {
    const rules = forwardRules();
    expect(rules).toHaveLength(1);
    const { values } = rules[0];
    expect(values.rule_type).toBe("FORWARD");
    expect(values.domain_name).toBe(domain);
    expect(net.refersTo(values.resolver_endpoint_id, endpoint(), "id")).toBe(true);
    const targets = values.target_ip as { ip: string; port?: number; protocol?: string }[];
    expect(targets.map((t) => t.ip).sort()).toEqual([...servers].sort());
    for (const target of targets) {
      expect(target.port).toBe(53);
      expect(target.protocol ?? "Do53").toBe("Do53");
    }
  });

  it("the rule is associated with the VPC, whose DNS Firewall therefore also screens forwarded queries", () => {
    const associations = net.of("aws_route53_resolver_rule_association");
    expect(associations).toHaveLength(1);
    expect(net.refersTo(associations[0].values.resolver_rule_id, forwardRules()[0], "id")).toBe(true);
    expect(net.refersTo(associations[0].values.vpc_id, net.vpc, "id")).toBe(true);
    const firewall = net.of("aws_route53_resolver_firewall_rule_group_association");
    expect(firewall.filter((a) => net.refersTo(a.values.vpc_id, net.vpc, "id"))).toHaveLength(1);
  });

  it("the data tier NACL lets DNS out to every server (udp and tcp) and UDP replies back", () => {
    const [acl] = net.of("aws_network_acl").filter((a) => a.values.tags?.tier === "data");
    expect(acl).toBeDefined();
    const rules = net
      .of("aws_network_acl_rule")
      .filter((r) => net.refersTo(r.values.network_acl_id, acl, "id") && r.values.rule_action === "allow")
      .map((r) => r.values);
    const admits = (egress: boolean, protocol: string, server: string, port: number) =>
      rules.some(
        (r) =>
          Boolean(r.egress) === egress &&
          r.protocol === protocol &&
          cidrContains(cidrOf(r.cidr_block), parseIpv4(server)!) &&
          r.from_port <= port &&
          port <= r.to_port,
      );
    for (const server of servers) {
      expect({ server, udpOut: admits(true, "udp", server, 53), tcpOut: admits(true, "tcp", server, 53) }).toEqual({
        server,
        udpOut: true,
        tcpOut: true,
      });
      // replies come back to the endpoint's ephemeral source port, anywhere in 1024-65535
      expect({ server, udpReply: admits(false, "udp", server, 1024) && admits(false, "udp", server, 65535) }).toEqual({
        server,
        udpReply: true,
      });
    }
  });
});
