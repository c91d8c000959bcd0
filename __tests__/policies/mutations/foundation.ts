import { PolicyMutation, addResource, any, atPath, deleteAll, editStatement, find, localPath, pathEndsWith, policyOf, ref, tagged } from "./kit";

/** Mutations for the network, key, log and tag rules (the foundation issue). */
export const FOUNDATION_MUTATIONS: readonly PolicyMutation[] = [
  // NET-001 flow logs
  {
    ruleId: "NET-001",
    stack: "network",
    description: "flow log records only REJECTed traffic",
    mutate: (doc) => {
      find(doc, "aws_flow_log", atPath("flow-log/flow-log"), "flow-log/flow-log").body.traffic_type = "REJECT";
    },
  },
  {
    ruleId: "NET-001",
    stack: "network",
    description: "VPC flow log removed",
    mutate: (doc) => deleteAll(doc, "aws_flow_log"),
  },

  // NET-002 default security group
  {
    ruleId: "NET-002",
    stack: "network",
    description: "default security group gets AWS's allow-all egress back",
    mutate: (doc) => {
      const sg = find(doc, "aws_default_security_group", any, "of the VPC").body;
      sg.egress = [{ protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"], description: "all out" }];
    },
  },
  {
    ruleId: "NET-002",
    stack: "network",
    description: "default security group adopted without ingress = [] (AWS's rules stay)",
    mutate: (doc) => {
      delete find(doc, "aws_default_security_group", any, "of the VPC").body.ingress;
    },
  },

  // NET-003 only the public tier is public
  {
    ruleId: "NET-003",
    stack: "network",
    description: "an app subnet maps public IPs on launch",
    mutate: (doc) => {
      find(doc, "aws_subnet", tagged("tier", "app"), "tier=app").body.map_public_ip_on_launch = true;
    },
  },
  {
    ruleId: "NET-003",
    stack: "network",
    description: "an app route table's default route goes to the internet gateway instead of NAT",
    mutate: (doc) => {
      const igw = find(doc, "aws_internet_gateway", any, "of the VPC");
      const route = find(doc, "aws_route", pathEndsWith("-internet-via-nat"), "app default route").body;
      delete route.nat_gateway_id;
      route.gateway_id = ref(igw, "id");
    },
  },
  {
    ruleId: "NET-003",
    stack: "network",
    description: "a subnet loses its tier tag",
    mutate: (doc) => {
      delete find(doc, "aws_subnet", tagged("tier", "data"), "tier=data").body.tags.tier;
    },
  },

  // NET-004 data tier has no way out
  {
    ruleId: "NET-004",
    stack: "network",
    description: "the data route table gets a default route through the NAT gateway",
    mutate: (doc) => {
      const table = find(doc, "aws_route_table", tagged("tier", "data"), "tier=data");
      const nat = find(doc, "aws_nat_gateway", any, "of the VPC");
      addResource(doc, "aws_route", "vpc_data-internet-via-nat_MUTATED", {
        "//": { metadata: { path: "dev-network/vpc/data-internet-via-nat" } },
        route_table_id: ref(table, "id"),
        destination_cidr_block: "0.0.0.0/0",
        nat_gateway_id: ref(nat, "id"),
      });
    },
  },
  {
    ruleId: "NET-004",
    stack: "network",
    description: "a data subnet is associated with the public route table",
    mutate: (doc) => {
      const publicTable = find(doc, "aws_route_table", tagged("tier", "public"), "tier=public");
      const dataSubnet = find(doc, "aws_subnet", tagged("tier", "data"), "tier=data");
      const association = find(doc, "aws_route_table_association", (b) => b.subnet_id === ref(dataSubnet, "id"), "of a data subnet");
      association.body.route_table_id = ref(publicTable, "id");
    },
  },

  // NET-005 NACLs attached
  {
    ruleId: "NET-005",
    stack: "network",
    description: "the data-tier NACL is detached from its subnets",
    mutate: (doc) => {
      find(doc, "aws_network_acl", atPath("nacls/data"), "nacls/data").body.subnet_ids = [];
    },
  },

  // NET-006 NACL ingress from the internet
  {
    ruleId: "NET-006",
    stack: "network",
    description: "the public NACL's ephemeral range from the internet is widened over 3389 (1024-65535)",
    mutate: (doc) => {
      const rule = find(
        doc,
        "aws_network_acl_rule",
        (b) => localPath(b).startsWith("nacls/public-ingress") && b.cidr_block === "0.0.0.0/0" && b.to_port === 3388,
        "public ingress 1024-3388",
      ).body;
      rule.to_port = 65535;
    },
  },
  {
    ruleId: "NET-006",
    stack: "network",
    description: "SSH from anywhere is allowed into the app tier NACL",
    mutate: (doc) => {
      const acl = find(doc, "aws_network_acl", atPath("nacls/app"), "nacls/app");
      addResource(doc, "aws_network_acl_rule", "nacls_app-ingress-90_MUTATED", {
        "//": { metadata: { path: "dev-network/nacls/app-ingress-90" } },
        network_acl_id: ref(acl, "id"),
        rule_number: 90,
        egress: false,
        protocol: "tcp",
        rule_action: "allow",
        cidr_block: "0.0.0.0/0",
        from_port: 22,
        to_port: 22,
      });
    },
  },

  // NET-007 security groups
  {
    ruleId: "NET-007",
    stack: "network",
    description: "the interface endpoints' HTTPS rule is opened to 0.0.0.0/0",
    mutate: (doc) => {
      find(doc, "aws_vpc_security_group_ingress_rule", atPath("endpoints/https-from-app"), "endpoints/https-from-app").body.cidr_ipv4 =
        "0.0.0.0/0";
    },
  },
  {
    ruleId: "NET-007",
    stack: "network",
    description: "SSH from ::/0 is added to the interface endpoints' security group",
    mutate: (doc) => {
      const sg = find(doc, "aws_security_group", atPath("endpoints/security-group"), "endpoints/security-group");
      addResource(doc, "aws_security_group_rule", "endpoints_ssh_MUTATED", {
        type: "ingress",
        security_group_id: ref(sg, "id"),
        protocol: "tcp",
        from_port: 22,
        to_port: 22,
        ipv6_cidr_blocks: ["::/0"],
      });
    },
  },

  // NET-008 DNS Firewall
  {
    ruleId: "NET-008",
    stack: "network",
    description: "the AggregateThreatList rule only ALERTs",
    mutate: (doc) => {
      find(doc, "aws_route53_resolver_firewall_rule", (b) => b.name === "block-AWSManagedDomainsAggregateThreatList", "block-AggregateThreatList").body.action =
        "ALERT";
    },
  },
  {
    ruleId: "NET-008",
    stack: "network",
    description: "the GuardDuty threat list rule is removed",
    mutate: (doc) => {
      const rule = find(doc, "aws_route53_resolver_firewall_rule", (b) => b.name === "block-AWSManagedDomainsAmazonGuardDutyThreatList", "block-GuardDuty");
      delete doc.resource.aws_route53_resolver_firewall_rule[rule.name];
    },
  },
  {
    ruleId: "NET-008",
    stack: "network",
    description: "DNS Firewall fails open",
    mutate: (doc) => {
      find(doc, "aws_route53_resolver_firewall_config", any, "of the VPC").body.firewall_fail_open = "ENABLED";
    },
  },
  {
    ruleId: "NET-008",
    stack: "network",
    description: "the DNS Firewall rule group is no longer associated with the VPC",
    mutate: (doc) => deleteAll(doc, "aws_route53_resolver_firewall_rule_group_association"),
  },

  // NET-009 Resolver query logging
  {
    ruleId: "NET-009",
    stack: "network",
    description: "the query log config is no longer associated with the VPC",
    mutate: (doc) => deleteAll(doc, "aws_route53_resolver_query_log_config_association"),
  },

  // NET-010 VPN crypto
  {
    ruleId: "NET-010",
    stack: "network",
    description: "tunnel 2 phase 1 also offers AES128",
    mutate: (doc) => {
      find(doc, "aws_vpn_connection", any, "on-prem").body.tunnel2_phase1_encryption_algorithms.push("AES128");
    },
  },
  {
    ruleId: "NET-010",
    stack: "network",
    description: "tunnel 1 accepts IKEv1",
    mutate: (doc) => {
      find(doc, "aws_vpn_connection", any, "on-prem").body.tunnel1_ike_versions = ["ikev1", "ikev2"];
    },
  },
  {
    ruleId: "NET-010",
    stack: "network",
    description: "tunnel 2 phase 2 DH groups left to the AWS defaults (which include group 2)",
    mutate: (doc) => {
      delete find(doc, "aws_vpn_connection", any, "on-prem").body.tunnel2_phase2_dh_group_numbers;
    },
  },

  // KMS-001..003 keys
  {
    ruleId: "KMS-001",
    stack: "security",
    description: "the logs key stops rotating",
    mutate: (doc) => {
      find(doc, "aws_kms_key", atPath("keys/logs/key"), "keys/logs/key").body.enable_key_rotation = false;
    },
  },
  {
    ruleId: "KMS-002",
    stack: "security",
    description: "the data key's deletion window is cut to 7 days",
    mutate: (doc) => {
      find(doc, "aws_kms_key", atPath("keys/data/key"), "keys/data/key").body.deletion_window_in_days = 7;
    },
  },
  {
    ruleId: "KMS-003",
    stack: "security",
    description: "the messaging key policy lets any principal decrypt, without a condition",
    mutate: (doc) => {
      const key = find(doc, "aws_kms_key", atPath("keys/messaging/key"), "keys/messaging/key").body;
      const policy = policyOf(key);
      policy.Statement.push({ Sid: "AnyoneDecrypts", Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" });
      key.policy = JSON.stringify(policy);
    },
  },
  {
    ruleId: "KMS-003",
    stack: "security",
    description: "a condition is dropped from a data key statement and its principal widened to *",
    mutate: (doc) => {
      const key = find(doc, "aws_kms_key", atPath("keys/data/key"), "keys/data/key").body;
      const policy = policyOf(key);
      const statement = policy.Statement.find((s: any) => s.Sid === "AccountUsesOnlyThroughNamedServices");
      if (!statement) throw new Error("mutation target not found: AccountUsesOnlyThroughNamedServices");
      statement.Principal = "*";
      delete statement.Condition;
      key.policy = JSON.stringify(policy);
    },
  },
  {
    ruleId: "KMS-003",
    stack: "security",
    description: "the backup key loses its explicit policy (AWS default key policy applies)",
    mutate: (doc) => {
      delete find(doc, "aws_kms_key", atPath("keys/backup/key"), "keys/backup/key").body.policy;
    },
  },

  // LOG-001..003 logs and alarms
  {
    ruleId: "LOG-001",
    stack: "network",
    description: "the flow log group drops its KMS key",
    mutate: (doc) => {
      delete find(doc, "aws_cloudwatch_log_group", atPath("flow-log/log-group/group"), "flow-log/log-group/group").body.kms_key_id;
    },
  },
  {
    ruleId: "LOG-001",
    stack: "network",
    description: "the VPN tunnel log group is encrypted with the AWS-managed alias instead of the logs key",
    mutate: (doc) => {
      find(doc, "aws_cloudwatch_log_group", atPath("vpn/tunnel-logs/group"), "vpn/tunnel-logs/group").body.kms_key_id = "alias/aws/logs";
    },
  },
  {
    ruleId: "LOG-002",
    stack: "network",
    description: "the resolver query log group keeps logs for 30 days",
    mutate: (doc) => {
      find(doc, "aws_cloudwatch_log_group", atPath("dns/query-log-group/group"), "dns/query-log-group/group").body.retention_in_days = 30;
    },
  },
  {
    ruleId: "LOG-003",
    stack: "network",
    description: "a NAT gateway error alarm is added that notifies no one",
    mutate: (doc) => {
      const nat = find(doc, "aws_nat_gateway", any, "of the VPC");
      // Tagged like everything in the stack (RequiredTagsAspect would), so only LOG-003 trips.
      const { Name: _name, ...requiredTags } = nat.body.tags;
      addResource(doc, "aws_cloudwatch_metric_alarm", "vpc_nat-errors_MUTATED", {
        "//": { metadata: { path: "dev-network/vpc/nat-errors" } },
        alarm_name: "medicare-dev-nat-port-allocation-errors",
        namespace: "AWS/NATGateway",
        metric_name: "ErrorPortAllocation",
        dimensions: { NatGatewayId: ref(nat, "id") },
        statistic: "Sum",
        period: 300,
        evaluation_periods: 1,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        tags: requiredTags,
      });
    },
  },

  // TAG-001 required tags
  {
    ruleId: "TAG-001",
    stack: "network",
    description: "the VPC loses its data-classification tag",
    mutate: (doc) => {
      delete find(doc, "aws_vpc", atPath("vpc/vpc"), "vpc/vpc").body.tags["data-classification"];
    },
  },
  {
    ruleId: "TAG-001",
    stack: "security",
    description: "the data key's owner tag is blanked",
    mutate: (doc) => {
      find(doc, "aws_kms_key", atPath("keys/data/key"), "keys/data/key").body.tags.owner = "";
    },
  },

  // KMS-004 account principals use keys only through named services
  {
    ruleId: "KMS-004",
    stack: "security",
    description: "the data key's account statement keeps kms:CallerAccount but drops kms:ViaService (direct Decrypt by any role)",
    mutate: (doc) =>
      editStatement(doc, "aws_kms_key", "keys/data/key", "AccountUsesOnlyThroughNamedServices", (s) => {
        delete s.Condition.StringEquals["kms:ViaService"];
      }),
  },
  {
    ruleId: "KMS-004",
    stack: "security",
    description: "the messaging key lets account principals create grants for anything (kms:GrantIsForAWSResource dropped)",
    mutate: (doc) =>
      editStatement(doc, "aws_kms_key", "keys/messaging/key", "NamedServicesGrantForTheirOwnResources", (s) => {
        delete s.Condition.Bool;
      }),
  },
  {
    ruleId: "KMS-004",
    stack: "security",
    description: "the backup key's administration statement also grants kms:Decrypt",
    mutate: (doc) => editStatement(doc, "aws_kms_key", "keys/backup/key", "AccountAdministersThroughIam", (s) => s.Action.push("kms:Decrypt")),
  },

  // NET-011 VPC endpoint policies
  {
    ruleId: "NET-011",
    stack: "network",
    description: "the Secrets Manager endpoint admits principals of any account (aws:PrincipalAccount dropped)",
    mutate: (doc) => editStatement(doc, "aws_vpc_endpoint", "endpoints/secretsmanager", "OnlyPrincipalsOfThisAccount", (s) => delete s.Condition),
  },
  {
    ruleId: "NET-011",
    stack: "network",
    description: "the S3 gateway endpoint's patch-repository statement allows every action",
    mutate: (doc) => editStatement(doc, "aws_vpc_endpoint", "endpoints/s3", "PatchRepositoriesOwnedByAws", (s) => (s.Action = "*")),
  },
  {
    ruleId: "NET-011",
    stack: "network",
    description: "the S3 gateway endpoint's patch-repository statement also allows s3:PutObject (exfiltration to AWS-named buckets)",
    mutate: (doc) => editStatement(doc, "aws_vpc_endpoint", "endpoints/s3", "PatchRepositoriesOwnedByAws", (s) => (s.Action = ["s3:GetObject", "s3:PutObject"])),
  },
  {
    ruleId: "NET-011",
    stack: "network",
    description: "the KMS endpoint loses its policy (AWS default: everything for everyone)",
    mutate: (doc) => {
      delete find(doc, "aws_vpc_endpoint", atPath("endpoints/kms"), "endpoints/kms").body.policy;
    },
  },

  // LOG-004 service log groups declared
  {
    ruleId: "LOG-004",
    stack: "network",
    description: "the Resolver query-log group deleted (the query log config still writes there)",
    mutate: (doc) => {
      const group = find(doc, "aws_cloudwatch_log_group", atPath("dns/query-log-group/group"), "dns/query-log-group/group");
      delete doc.resource.aws_cloudwatch_log_group[group.name];
    },
  },
];
