import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { Wafv2WebAcl, Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclLoggingConfiguration } from "@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration";
import { MedicareStack } from "../core/medicare-stack";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { DomainKey } from "../security/keys";

/**
 * The AWS managed rule groups every web ACL runs, in priority order (CONTROLS.md, waf row:
 * common, known bad inputs, SQL injection, IP reputation; plus Linux/POSIX for the app
 * fleet's Amazon Linux and the anonymous-IP list). None is in count mode.
 */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesAnonymousIpList",
  "AWSManagedRulesCommonRuleSet",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesSQLiRuleSet",
  "AWSManagedRulesLinuxRuleSet",
  "AWSManagedRulesUnixRuleSet",
] as const;

/** Request headers that carry credentials; WAF logs never record them. */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

export interface WebAclProps {
  /** REGIONAL (load balancers, APIs) or CLOUDFRONT (distributions; the ACL must be in us-east-1). */
  readonly scope: "REGIONAL" | "CLOUDFRONT";
  /** Short name, e.g. `alb` or `forms`; the ACL is `medicare-<env>-<name>`. */
  readonly name: string;
  /** Requests per 5 minutes from one IP before the rate-based rule blocks it. */
  readonly rateLimitPer5Minutes: number;
  /** The logs key of the ACL's region (WAF logs go to a log group encrypted with it). */
  readonly logsKey: DomainKey;
  /**
   * Provider of the ACL's region.
   * @default the stack's provider
   */
  readonly provider?: TerraformProvider;
  /**
   * Also keep request paths out of the logs, for entry points whose paths carry secrets
   * (the patient invitation links `/i/{token}`). Headers with credentials are always redacted.
   * @default paths are logged
   */
  readonly redactPaths?: boolean;
}

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

/**
 * A WAFv2 web ACL with the AWS managed rule groups and a per-IP rate limit, logging every
 * request to an encrypted log group (named aws-waf-logs-*, as WAF requires) with the
 * authorization and cookie headers redacted.
 */
export class WebAcl extends Construct {
  readonly acl: Wafv2WebAcl;
  readonly logGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    if (props.scope === "CLOUDFRONT" && props.logsKey.region !== "us-east-1") {
      throw new Error(`${this.node.path}: a CLOUDFRONT web ACL lives in us-east-1; give the us-east-1 logs key and provider, not a key of ${props.logsKey.region}`);
    }
    const name = stack.resourceName(props.name);
    const managed: Wafv2WebAclRule[] = MANAGED_RULE_GROUPS.map((group, i) => ({
      name: group,
      priority: i,
      overrideAction: { none: {} },
      statement: { managed_rule_group_statement: { name: group, vendor_name: "AWS" } },
      visibilityConfig: visibility(`${name}-${group}`),
    }));
    this.acl = new Wafv2WebAcl(this, "acl", {
      provider: props.provider,
      name,
      description: `mediCARE ${stack.env.name} ${props.name}: AWS managed rules and a per-IP rate limit`,
      scope: props.scope,
      defaultAction: { allow: {} },
      rule: [
        {
          // First: a flood is blocked before the managed groups spend capacity on it.
          name: "rate-limit-per-ip",
          priority: 0,
          action: { block: {} },
          statement: { rate_based_statement: { limit: props.rateLimitPer5Minutes, aggregate_key_type: "IP", evaluation_window_sec: 300 } },
          visibilityConfig: visibility(`${name}-rate-limit`),
        },
        ...managed.map((rule) => ({ ...rule, priority: rule.priority + 1 })),
      ],
      visibilityConfig: visibility(name),
    });
    this.logGroup = new EncryptedLogGroup(this, "logs", {
      path: { awsName: `aws-waf-logs-${name}` },
      key: props.logsKey,
      provider: props.provider,
    });
    new Wafv2WebAclLoggingConfiguration(this, "logging", {
      provider: props.provider,
      resourceArn: this.acl.arn,
      logDestinationConfigs: [this.logGroup.arn],
      redactedFields: [
        ...REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })),
        ...(props.redactPaths ? [{ uriPath: {} }] : []),
      ],
    });
  }

  get arn(): string {
    return this.acl.arn;
  }
}
