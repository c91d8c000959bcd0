import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AccessanalyzerAnalyzer } from "@cdktf/provider-aws/lib/accessanalyzer-analyzer";
import { ConfigConfigurationAggregator } from "@cdktf/provider-aws/lib/config-configuration-aggregator";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { GuarddutyOrganizationConfiguration } from "@cdktf/provider-aws/lib/guardduty-organization-configuration";
import { GuarddutyOrganizationConfigurationFeature } from "@cdktf/provider-aws/lib/guardduty-organization-configuration-feature";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Inspector2OrganizationConfiguration } from "@cdktf/provider-aws/lib/inspector2-organization-configuration";
import { Macie2Account } from "@cdktf/provider-aws/lib/macie2-account";
import { Macie2OrganizationConfiguration } from "@cdktf/provider-aws/lib/macie2-organization-configuration";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SecurityhubAccount } from "@cdktf/provider-aws/lib/securityhub-account";
import { SecurityhubFindingAggregator } from "@cdktf/provider-aws/lib/securityhub-finding-aggregator";
import { SecurityhubOrganizationConfiguration } from "@cdktf/provider-aws/lib/securityhub-organization-configuration";
import { OrganizationConfig } from "../config/organization";
import { EnvironmentConfig } from "../config/schema";
import { configureStateBackend } from "../core/medicare-stack";
import { FORBIDDEN_ACTIONS } from "../iam/permission-boundary";
import { policyJson, trustPolicyJson } from "../iam/policy-document";
import { securityTopic } from "../security/cis-alarms";
import { KEY_DELETION_WINDOW_DAYS, KEY_ROTATION_PERIOD_DAYS, accountKeyPolicy, publishingServiceStatement } from "../security/keys";
import { GUARDDUTY_FEATURES, HIGH_SEVERITY_FINDINGS } from "../security/threat-detection";
import { ORGANIZATION_DETECTION_STACK, dataRegions, regionAlias, tagOrganizationStack } from "./organization-stack";

/**
 * What Config's organization aggregator needs (what AWS's managed AWSConfigRoleForOrganizations
 * grants), written in the stack so the IAM rules analyse it (IAM-009: no unreviewed managed
 * policies); the aggregator role's policy and boundary allow exactly these.
 */
export const CONFIG_ORGANIZATION_AGGREGATOR_ACTIONS = [
  "organizations:DescribeOrganization",
  "organizations:ListAccounts",
  "organizations:ListAWSServiceAccessForOrganization",
  "organizations:ListDelegatedAdministrators",
] as const;

/** One region of the security account's detection administration. */
export interface SecurityRegion {
  readonly region: string;
  readonly provider: AwsProvider;
  readonly detector: GuarddutyDetector;
  readonly securityHub: SecurityhubAccount;
  /** The security team's topic of the region: the security account's own high-severity findings. */
  readonly alertTopic: SnsTopic;
}

/**
 * `organization-detection` (security account, reached by assuming the deployment role from
 * the pipeline): the delegated administrator's side of detection, in every region that
 * holds data. GuardDuty auto-enables every protection plan of the platform for ALL member
 * accounts (new and existing); Security Hub, Inspector (EC2, ECR, Lambda, Lambda code) and
 * Macie are switched on for every new account; Security Hub aggregates every region's
 * findings into the home region; Config aggregates every account and region; an
 * organization-wide Access Analyzer watches for resources shared outside the organization.
 * The security account's own high-severity GuardDuty and Macie findings go, in each region,
 * to a KMS-encrypted security topic that `securityAlertEmail` subscribes to (a topic per
 * region: EventBridge cannot target a topic in another region, and forwarding to the home
 * region would need a role).
 *
 * Deployed after `organization` (which registers this account as delegated administrator).
 */
export class OrganizationDetectionStack extends TerraformStack {
  readonly regions: readonly SecurityRegion[];
  readonly findingAggregator: SecurityhubFindingAggregator;
  readonly configAggregator: ConfigConfigurationAggregator;
  private readonly org: OrganizationConfig;
  private readonly securityAccountId: string;

  constructor(scope: Construct, org: OrganizationConfig, environments: readonly EnvironmentConfig[]) {
    super(scope, ORGANIZATION_DETECTION_STACK);
    const securityAccountId = org.accounts[org.securityAccount].id;
    this.org = org;
    this.securityAccountId = securityAccountId;
    configureStateBackend(this, org.state);
    tagOrganizationStack(this, org, ORGANIZATION_DETECTION_STACK);

    const assumeRole = [{ roleArn: `arn:aws:iam::${securityAccountId}:role/${org.deploymentRoleName}`, sessionName: "medicare-organization-detection" }];
    const regions = dataRegions(org, environments);
    this.regions = regions.map((region) => {
      const home = region === org.homeRegion;
      const provider = new AwsProvider(this, home ? "aws" : `aws-${region}`, {
        alias: home ? undefined : regionAlias(region),
        region,
        assumeRole,
        allowedAccountIds: [securityAccountId],
      });
      return this.administerRegion(region, provider);
    });
    const home = this.regions.find((r) => r.region === org.homeRegion)!;

    this.findingAggregator = new SecurityhubFindingAggregator(this, "security-hub-aggregator", {
      linkingMode: "SPECIFIED_REGIONS",
      specifiedRegions: regions.filter((r) => r !== org.homeRegion),
      dependsOn: [home.securityHub],
    });

    // The security account has no environment stack, so the one role here brings its own boundary.
    const boundary = new IamPolicy(this, "config-aggregator-boundary", {
      name: `${org.name}-config-aggregator-boundary`,
      description: "Permission boundary of Config's organization aggregator role: read the organization, nothing else",
      policy: policyJson([
        { sid: "ReadTheOrganizationOnly", actions: [...CONFIG_ORGANIZATION_AGGREGATOR_ACTIONS] },
        { sid: "NoEscalationOrAuditTampering", effect: "Deny", actions: ["iam:*", ...FORBIDDEN_ACTIONS] },
      ]),
      tags: { "policy-role": "permission-boundary" },
    });
    const aggregatorRole = new IamRole(this, "config-aggregator-role", {
      name: `${org.name}-config-organization-aggregator`,
      permissionsBoundary: boundary.arn,
      description: "AWS Config reads the organization's accounts to aggregate their configuration",
      assumeRolePolicy: trustPolicyJson([
        {
          sid: "ConfigAggregatesForThisAccountOnly",
          principals: { Service: "config.amazonaws.com" },
          actions: ["sts:AssumeRole"],
          conditions: { StringEquals: { "aws:SourceAccount": securityAccountId } },
        },
      ]),
    });
    // Organization-level reads name no resource (list_awsorganizations.html), hence "*".
    const aggregatorPolicy = new IamRolePolicy(this, "config-aggregator-policy", {
      role: aggregatorRole.name,
      name: "read-the-organization",
      policy: policyJson([{ sid: "ReadTheOrganizationOnly", actions: [...CONFIG_ORGANIZATION_AGGREGATOR_ACTIONS], resources: ["*"] }]),
    });
    this.configAggregator = new ConfigConfigurationAggregator(this, "config-aggregator", {
      name: `${org.name}-organization`,
      organizationAggregationSource: { allRegions: true, roleArn: aggregatorRole.arn },
      dependsOn: [aggregatorPolicy],
    });
  }

  private administerRegion(region: string, provider: AwsProvider): SecurityRegion {
    const at = (id: string) => `${id}-${region}`;
    // The security account's own detector runs the same plans it enables for every member.
    const detector = new GuarddutyDetector(this, at("guardduty"), { provider, enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" });
    for (const [name, agents] of Object.entries(GUARDDUTY_FEATURES)) {
      new GuarddutyDetectorFeature(this, at(`guardduty-${name.toLowerCase().replace(/_/g, "-")}`), {
        provider,
        detectorId: detector.id,
        name,
        status: "ENABLED",
        additionalConfiguration: agents.map((agent) => ({ name: agent, status: "ENABLED" })),
      });
    }
    new GuarddutyOrganizationConfiguration(this, at("guardduty-organization"), {
      provider,
      detectorId: detector.id,
      autoEnableOrganizationMembers: "ALL",
    });
    for (const [name, agents] of Object.entries(GUARDDUTY_FEATURES)) {
      new GuarddutyOrganizationConfigurationFeature(this, at(`guardduty-organization-${name.toLowerCase().replace(/_/g, "-")}`), {
        provider,
        detectorId: detector.id,
        name,
        autoEnable: "ALL",
        additionalConfiguration: agents.map((agent) => ({ name: agent, autoEnable: "ALL" })),
      });
    }

    const securityHub = new SecurityhubAccount(this, at("security-hub"), {
      provider,
      enableDefaultStandards: false,
      controlFindingGenerator: "SECURITY_CONTROL",
      autoEnableControls: true,
    });
    new SecurityhubOrganizationConfiguration(this, at("security-hub-organization"), {
      provider,
      autoEnable: true,
      autoEnableStandards: "DEFAULT",
      dependsOn: [securityHub],
    });

    new Inspector2OrganizationConfiguration(this, at("inspector-organization"), {
      provider,
      autoEnable: { ec2: true, ecr: true, lambda: true, lambdaCode: true },
    });

    const macie = new Macie2Account(this, at("macie"), { provider, status: "ENABLED", findingPublishingFrequency: "FIFTEEN_MINUTES" });
    new Macie2OrganizationConfiguration(this, at("macie-organization"), { provider, autoEnable: true, dependsOn: [macie] });

    new AccessanalyzerAnalyzer(this, at("access-analyzer"), { provider, analyzerName: `medicare-organization-${region}`, type: "ORGANIZATION" });
    const alertTopic = this.alertSecurityTeam(region, provider);
    return { region, provider, detector, securityHub, alertTopic };
  }

  /**
   * The security account's own findings reach a person: a topic under a key of the region
   * (EventBridge publishes through it), subscribed by `securityAlertEmail`, and a rule per
   * HIGH_SEVERITY_FINDINGS pattern (the environments' patterns, so the threshold is one).
   */
  private alertSecurityTeam(region: string, provider: AwsProvider): SnsTopic {
    const at = (id: string) => `${id}-${region}`;
    const accountId = this.securityAccountId;
    const rulePrefix = `${this.org.name}-security-account-`;
    const key = new KmsKey(this, at("security-alerts-key"), {
      provider,
      description: `${this.org.name} security account alerts key (${region}): the security team's topic of the organization's own findings`,
      enableKeyRotation: true,
      rotationPeriodInDays: KEY_ROTATION_PERIOD_DAYS,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: accountKeyPolicy(accountId, region, ["sns"], [publishingServiceStatement("events.amazonaws.com", accountId)]),
    });
    new KmsAlias(this, at("security-alerts-key-alias"), { provider, name: `alias/${this.org.name}-security-alerts`, targetKeyId: key.keyId });
    const topic = securityTopic(new Construct(this, at("security-alerts")), {
      provider,
      name: `${this.org.name}-security-account-alerts`,
      displayName: `${this.org.name} security account findings (${region})`,
      kmsKeyArn: key.arn,
      accountId,
      region,
      alarmsPublish: false,
      eventRulePrefix: rulePrefix,
      email: this.org.securityAlertEmail,
    });
    for (const [name, { description, pattern }] of Object.entries(HIGH_SEVERITY_FINDINGS)) {
      const rule = new CloudwatchEventRule(this, at(name), {
        provider,
        name: `${rulePrefix}${name}`,
        description: `${description} of the security account in ${region}, to the security team`,
        eventPattern: JSON.stringify(pattern),
      });
      new CloudwatchEventTarget(this, at(`${name}-to-security-team`), { provider, rule: rule.name, arn: topic.arn });
    }
    return topic;
  }
}
