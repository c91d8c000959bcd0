import { PolicyMutation, addResource, all, atPath, find, member } from "./kit";

const first = (block: any) => (Array.isArray(block) ? block[0] : block);

/** Edits the Content-Security-Policy of the patient site. */
function editCsp(doc: any, edit: (csp: string) => string): void {
  const headers = find(doc, "aws_cloudfront_response_headers_policy", atPath("forms-cdn/security-headers"), "forms-cdn/security-headers").body;
  const csp = first(first(headers.security_headers_config).content_security_policy);
  csp.content_security_policy = edit(csp.content_security_policy);
}

/** Mutations for the network and edge rules: almost-everything CIDRs, egress paths, peering, DNS Firewall order, CSP, app clients, WAF, authorizers, DMARC. */
export const NETWORK_EDGE_MUTATIONS: readonly PolicyMutation[] = [
  {
    ruleId: "NET-007",
    stack: "edge",
    description: "the app fleet accepts HTTPS from the internet in two halves (0.0.0.0/1 and 128.0.0.0/1)",
    mutate: (doc) => {
      const rule = find(doc, "aws_vpc_security_group_ingress_rule", atPath("app-fleet/https-from-alb"), "app-fleet/https-from-alb").body;
      delete rule.referenced_security_group_id;
      rule.cidr_ipv4 = "0.0.0.0/1";
      addResource(doc, "aws_vpc_security_group_ingress_rule", "upper_half", { ...rule, "//": { metadata: { path: "dev-edge/app-fleet/https-from-upper-half" } }, cidr_ipv4: "128.0.0.0/1" });
    },
  },
  {
    ruleId: "NET-012",
    stack: "campaign",
    description: "the web function also reaches the internet on 443",
    mutate: (doc) => {
      const rule = find(doc, "aws_vpc_security_group_egress_rule", atPath("functions/web/egress-1"), "functions/web/egress-1").body;
      delete rule.referenced_security_group_id;
      delete rule.prefix_list_id;
      rule.cidr_ipv4 = "0.0.0.0/0";
    },
  },
  {
    ruleId: "NET-012",
    stack: "campaign",
    description: "the send worker's internet egress widened to every port (IPv6 ::/0)",
    mutate: (doc) => {
      const rule = find(doc, "aws_vpc_security_group_egress_rule", atPath("functions/send/egress-2"), "functions/send/egress-2").body;
      delete rule.cidr_ipv4;
      rule.cidr_ipv6 = "::/0";
      rule.from_port = 0;
      rule.to_port = 65535;
    },
  },
  {
    ruleId: "NET-012",
    stack: "data",
    description: "the migration instance may send anything to the on-premises range (all protocols)",
    mutate: (doc) => {
      const rule = find(doc, "aws_vpc_security_group_egress_rule", atPath("migration/to-onprem-database"), "migration/to-onprem-database").body;
      rule.ip_protocol = "-1";
      delete rule.from_port;
      delete rule.to_port;
    },
  },
  {
    ruleId: "NET-013",
    stack: "network",
    description: "the VPC peered with another VPC of the same account",
    mutate: (doc) => {
      addResource(doc, "aws_vpc_peering_connection", "shared_services", {
        "//": { metadata: { path: "dev-network/vpc/shared-services-peering" } },
        vpc_id: "${aws_vpc.anything.id}",
        peer_vpc_id: "vpc-0123456789abcdef0",
        auto_accept: true,
      });
    },
  },
  {
    ruleId: "NET-014",
    stack: "network",
    description: "an ALLOW rule for a vendor domain list ordered before the threat-list BLOCK rules",
    mutate: (doc) => {
      const block = all(doc, "aws_route53_resolver_firewall_rule")[0].body;
      addResource(doc, "aws_route53_resolver_firewall_rule", "allow_vendor", {
        "//": { metadata: { path: "dev-network/dns-firewall/allow-vendor" } },
        name: "allow-vendor",
        action: "ALLOW",
        priority: 1,
        firewall_rule_group_id: block.firewall_rule_group_id,
        firewall_domain_list_id: "${aws_route53_resolver_firewall_domain_list.vendor.id}",
      });
    },
  },
  {
    ruleId: "CDN-003",
    stack: "edge",
    description: "the patient site's CSP allows inline script",
    mutate: (doc) => editCsp(doc, (csp) => `${csp}; script-src 'self' 'unsafe-inline'`),
  },
  {
    ruleId: "CDN-003",
    stack: "edge",
    description: "the patient site's CSP default-src opened to any HTTPS host",
    mutate: (doc) => editCsp(doc, (csp) => csp.replace("default-src 'none'", "default-src 'self' https:")),
  },
  {
    ruleId: "COG-003",
    stack: "edge",
    description: "the staff app client also returns codes to a developer's localhost",
    mutate: (doc) => {
      find(doc, "aws_cognito_user_pool_client", atPath("cognito/staff-web"), "cognito/staff-web").body.callback_urls.push("http://localhost:3000/auth/callback");
    },
  },
  {
    ruleId: "COG-003",
    stack: "edge",
    description: "the patient app client's logout goes to another domain",
    mutate: (doc) => {
      find(doc, "aws_cognito_user_pool_client", atPath("cognito/patients-web"), "cognito/patients-web").body.logout_urls = ["https://medicare-forms.example.net/"];
    },
  },
  {
    ruleId: "WAF-004",
    stack: "edge",
    description: "an allow rule for the office address ahead of the rate limit and managed groups",
    mutate: (doc) => {
      const acl = find(doc, "aws_wafv2_web_acl", atPath("alb-waf/acl"), "alb-waf/acl").body;
      acl.rule.unshift({
        name: "office",
        priority: 99,
        action: { allow: {} },
        statement: { ip_set_reference_statement: { arn: "${aws_wafv2_ip_set.office.arn}" } },
        visibility_config: { cloudwatch_metrics_enabled: true, metric_name: "office", sampled_requests_enabled: true },
      });
      for (const rule of acl.rule.slice(1)) rule.priority += 100;
    },
  },
  {
    ruleId: "WAF-004",
    stack: "edge",
    description: "the Linux managed group left counting",
    mutate: (doc) => {
      const acl = find(doc, "aws_wafv2_web_acl", atPath("cdn-waf/acl"), "cdn-waf/acl").body;
      member<any>(acl.rule, (r) => r.name === "AWSManagedRulesLinuxRuleSet", "Linux group").override_action = { count: {} };
    },
  },
  {
    ruleId: "WAF-004",
    stack: "campaign",
    description: "the API's rate limit scoped down to one path nobody uses",
    mutate: (doc) => {
      const acl = all(doc, "aws_wafv2_web_acl")[0].body;
      const rate = member<any>(acl.rule, (r) => r.statement?.rate_based_statement, "rate rule");
      rate.statement.rate_based_statement.scope_down_statement = {
        byte_match_statement: { search_string: "/never", field_to_match: { uri_path: {} }, positional_constraint: "STARTS_WITH", text_transformation: [{ priority: 0, type: "NONE" }] },
      };
    },
  },
  {
    ruleId: "API-004",
    stack: "campaign",
    description: "the staff API authorized by the patient pool",
    mutate: (doc) => {
      const authorizer = find(doc, "aws_api_gateway_authorizer", atPath("staff-api/staff-authorizer"), "staff-api/staff-authorizer").body;
      authorizer.provider_arns = authorizer.provider_arns.map((a: string) => a.replace(/cognito_staff_[A-Za-z0-9]+arn/, "cognito_patients_D7DB4C00arn"));
    },
  },
  {
    ruleId: "API-004",
    stack: "campaign",
    description: "the staff API authorized by a Lambda authorizer",
    mutate: (doc) => {
      const authorizer = find(doc, "aws_api_gateway_authorizer", atPath("staff-api/staff-authorizer"), "staff-api/staff-authorizer").body;
      authorizer.type = "REQUEST";
      delete authorizer.provider_arns;
      authorizer.authorizer_uri = "${aws_lambda_function.functions_web_function.invoke_arn}";
    },
  },
  {
    ruleId: "MSG-004",
    stack: "campaign",
    description: "DMARC relaxed to quarantine",
    mutate: (doc) => {
      const record = find(doc, "aws_route53_record", atPath("messaging/dmarc"), "messaging/dmarc").body;
      record.records = record.records.map((r: string) => r.replace("p=reject", "p=quarantine"));
    },
  },
];
