import { Construct } from "constructs";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { Route53ResolverFirewallConfig } from "@cdktf/provider-aws/lib/route53-resolver-firewall-config";
import { Route53ResolverFirewallRule } from "@cdktf/provider-aws/lib/route53-resolver-firewall-rule";
import { Route53ResolverFirewallRuleGroup } from "@cdktf/provider-aws/lib/route53-resolver-firewall-rule-group";
import { Route53ResolverFirewallRuleGroupAssociation } from "@cdktf/provider-aws/lib/route53-resolver-firewall-rule-group-association";
import { Route53ResolverQueryLogConfig } from "@cdktf/provider-aws/lib/route53-resolver-query-log-config";
import { Route53ResolverQueryLogConfigAssociation } from "@cdktf/provider-aws/lib/route53-resolver-query-log-config-association";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { MedicareStack } from "../core/medicare-stack";
import { policyJson } from "../iam/policy-document";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { DomainKey } from "../security/keys";

/** The AWS-managed threat domain lists that DNS Firewall blocks. */
export const MANAGED_THREAT_LISTS = [
  "AWSManagedDomainsMalwareDomainList",
  "AWSManagedDomainsBotnetCommandandControl",
  "AWSManagedDomainsAggregateThreatList",
  "AWSManagedDomainsAmazonGuardDutyThreatList",
] as const;
export type ManagedThreatList = (typeof MANAGED_THREAT_LISTS)[number];

/**
 * Ids of the managed lists per region, as `aws route53resolver list-firewall-domain-lists`
 * reports them. Kept in code (not config, not a data source) so that synth and plan need no
 * AWS API and no config can point a rule at an empty list.
 */
export const MANAGED_THREAT_LIST_IDS: Readonly<Record<string, Readonly<Record<ManagedThreatList, string>>>> = {
  "eu-west-2": {
    AWSManagedDomainsMalwareDomainList: "rslvr-fdl-4fc4edfc63854751",
    AWSManagedDomainsBotnetCommandandControl: "rslvr-fdl-3268f74d91fe418f",
    AWSManagedDomainsAggregateThreatList: "rslvr-fdl-4e96d4ce77f466b",
    AWSManagedDomainsAmazonGuardDutyThreatList: "rslvr-fdl-876a86d96f294739",
  },
  "eu-west-1": {
    AWSManagedDomainsMalwareDomainList: "rslvr-fdl-7aba603e4cc343fd",
    AWSManagedDomainsBotnetCommandandControl: "rslvr-fdl-fad18de921a64bfa",
    AWSManagedDomainsAggregateThreatList: "rslvr-fdl-a88f2f26cc6a4296",
    AWSManagedDomainsAmazonGuardDutyThreatList: "rslvr-fdl-2f416a2435da4ee6",
  },
};

export interface DnsProtectionProps {
  readonly vpc: Vpc;
  readonly logsKey: DomainKey;
}

/**
 * Route 53 Resolver DNS Firewall blocking the managed threat lists (failing closed), and
 * Resolver query logging of every DNS query the VPC makes to an encrypted log group.
 */
export class DnsProtection extends Construct {
  readonly queryLogGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: DnsProtectionProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const listIds = MANAGED_THREAT_LIST_IDS[stack.region];
    if (!listIds) {
      throw new Error(`no DNS Firewall managed list ids are known for ${stack.region}; add them to MANAGED_THREAT_LIST_IDS`);
    }

    const ruleGroup = new Route53ResolverFirewallRuleGroup(this, "rule-group", {
      name: stack.resourceName("dns-firewall"),
    });
    MANAGED_THREAT_LISTS.forEach((list, i) => {
      new Route53ResolverFirewallRule(this, `block-${list}`, {
        name: `block-${list}`,
        firewallRuleGroupId: ruleGroup.id,
        firewallDomainListId: listIds[list],
        priority: 100 + i * 10,
        action: "BLOCK",
        blockResponse: "NODATA",
      });
    });
    new Route53ResolverFirewallRuleGroupAssociation(this, "association", {
      name: stack.resourceName("dns-firewall"),
      firewallRuleGroupId: ruleGroup.id,
      vpcId: props.vpc.id,
      priority: 101,
      mutationProtection: "ENABLED",
    });
    new Route53ResolverFirewallConfig(this, "fail-closed", {
      resourceId: props.vpc.id,
      // When DNS Firewall cannot evaluate a query, refuse it rather than let it through.
      firewallFailOpen: "DISABLED",
    });

    this.queryLogGroup = new EncryptedLogGroup(this, "query-log-group", { path: "network/resolver-query-logs", key: props.logsKey });
    new CloudwatchLogResourcePolicy(this, "query-log-delivery", {
      policyName: stack.resourceName("resolver-query-log-delivery"),
      policyDocument: policyJson([
        {
          sid: "ResolverQueryLogDeliveryForThisAccount",
          principals: { Service: "delivery.logs.amazonaws.com" },
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.queryLogGroup.arn}:*`],
          conditions: {
            StringEquals: { "aws:SourceAccount": stack.accountId },
            ArnLike: { "aws:SourceArn": `arn:aws:route53resolver:${stack.region}:${stack.accountId}:*` },
          },
        },
      ]),
    });
    const queryLog = new Route53ResolverQueryLogConfig(this, "query-log", {
      name: stack.resourceName("resolver-query-log"),
      destinationArn: this.queryLogGroup.arn,
    });
    new Route53ResolverQueryLogConfigAssociation(this, "query-log-association", {
      resolverQueryLogConfigId: queryLog.id,
      resourceId: props.vpc.id,
    });
  }
}
