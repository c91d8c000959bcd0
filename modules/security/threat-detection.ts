import { Construct } from "constructs";
import { AccessanalyzerAnalyzer } from "@cdktf/provider-aws/lib/accessanalyzer-analyzer";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import { Inspector2Enabler } from "@cdktf/provider-aws/lib/inspector2-enabler";
import { Macie2Account } from "@cdktf/provider-aws/lib/macie2-account";
import { Macie2ClassificationJob } from "@cdktf/provider-aws/lib/macie2-classification-job";
import { SecurityhubAccount } from "@cdktf/provider-aws/lib/securityhub-account";
import { SecurityhubStandardsSubscription } from "@cdktf/provider-aws/lib/securityhub-standards-subscription";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { TerraformProvider } from "cdktf";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { ServiceRole } from "../iam/service-role";
import { BUCKET_CONTENTS_TAG } from "../storage/secure-bucket";

/**
 * GuardDuty protection plans for what the platform runs: S3 (patient data and exports),
 * Aurora logins, Lambda network activity, malware scans of EC2 volumes, and runtime
 * monitoring of the EC2 fleet with the agent GuardDuty manages. EKS plans are left out: the
 * platform runs no EKS.
 */
export const GUARDDUTY_FEATURES: Readonly<Record<string, readonly string[]>> = {
  S3_DATA_EVENTS: [],
  RDS_LOGIN_EVENTS: [],
  LAMBDA_NETWORK_LOGS: [],
  EBS_MALWARE_PROTECTION: [],
  RUNTIME_MONITORING: ["EC2_AGENT_MANAGEMENT"],
};

/** GuardDuty findings of this severity or more go to the security topic (high and critical). */
export const GUARDDUTY_ALERT_MIN_SEVERITY = 7;

/** Macie looks for sensitive data in every bucket tagged as holding patient data, in each region. */
export const MACIE_DISCOVERED_CONTENTS = "phi";

/** Findings the security team is told about, by EventBridge pattern: high-severity GuardDuty and Macie. */
export const HIGH_SEVERITY_FINDINGS: Readonly<Record<string, { readonly description: string; readonly pattern: object }>> = {
  "guardduty-high-findings": {
    description: `GuardDuty findings of severity ${GUARDDUTY_ALERT_MIN_SEVERITY} or more`,
    pattern: { source: ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], detail: { severity: [{ numeric: [">=", GUARDDUTY_ALERT_MIN_SEVERITY] }] } },
  },
  "macie-high-findings": {
    description: "Macie findings of high severity (sensitive data or a weakened bucket)",
    pattern: { source: ["aws.macie"], "detail-type": ["Macie Finding"], detail: { severity: { description: ["High"] } } },
  },
};

/** Inspector v2 scans EC2 instances, ECR images, Lambda packages and Lambda code. */
export const INSPECTOR_RESOURCE_TYPES = ["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"] as const;

/** Security Hub standards: AWS Foundational Security Best Practices and CIS AWS Foundations. */
export function securityHubStandards(region: string): Record<string, string> {
  return {
    fsbp: `arn:aws:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
    cis: `arn:aws:securityhub:${region}::standards/cis-aws-foundations-benchmark/v/3.0.0`,
  };
}

export interface ThreatDetectionProps {
  /** The security team's topic (in the primary region): high-severity GuardDuty findings are sent there too. */
  readonly alarmTopic: SnsTopic;
  /**
   * Another region of the account to watch (the backup region), with its provider. Its
   * high-severity findings reach the topic through the primary region's default event bus.
   * @default the stack's primary region
   */
  readonly region?: { readonly name: string; readonly provider: TerraformProvider; readonly boundary: PermissionBoundary };
}

/**
 * Threat detection for one region of the account: GuardDuty (every protection plan that
 * applies, findings exported every 15 minutes), Macie (daily sensitive-data discovery on
 * every phi bucket), high-severity findings of both to the security topic, Inspector v2,
 * Security Hub with the FSBP and CIS standards, and IAM Access Analyzer. The
 * security stack has one for the primary region and one for the backup region, which holds
 * the locked backups and replicas; the organization's Security Hub aggregates both.
 */
export class ThreatDetection extends Construct {
  readonly detector: GuarddutyDetector;
  readonly securityHub: SecurityhubAccount;
  readonly analyzer: AccessanalyzerAnalyzer;
  readonly macie: Macie2Account;
  /** Macie's daily discovery job over the region's phi buckets. */
  readonly discoveryJob: Macie2ClassificationJob;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const provider = props.region?.provider;
    const region = props.region?.name ?? stack.region;
    const suffix = props.region ? `-${region}` : "";

    this.detector = new GuarddutyDetector(this, "guardduty", {
      provider,
      enable: true,
      findingPublishingFrequency: "FIFTEEN_MINUTES",
    });
    for (const [name, agents] of Object.entries(GUARDDUTY_FEATURES)) {
      new GuarddutyDetectorFeature(this, `guardduty-${name.toLowerCase().replace(/_/g, "-")}`, {
        provider,
        detectorId: this.detector.id,
        name,
        status: "ENABLED",
        additionalConfiguration: agents.map((agent) => ({ name: agent, status: "ENABLED" })),
      });
    }
    this.macie = new Macie2Account(this, "macie", { provider, status: "ENABLED", findingPublishingFrequency: "FIFTEEN_MINUTES" });
    // A daily scan of every object of every phi bucket of the region, selected by the tag
    // SecureBucket writes: a new patient-data bucket is covered the day it exists.
    this.discoveryJob = new Macie2ClassificationJob(this, "macie-phi-discovery", {
      provider,
      name: stack.resourceName(`phi-discovery${suffix}`),
      description: `Daily sensitive-data discovery over every ${MACIE_DISCOVERED_CONTENTS} bucket of ${region}`,
      jobType: "SCHEDULED",
      scheduleFrequency: { dailySchedule: true },
      samplingPercentage: 100,
      initialRun: true,
      s3JobDefinition: {
        bucketCriteria: {
          includes: {
            and: [{ tagCriterion: { comparator: "EQ", tagValues: [{ key: BUCKET_CONTENTS_TAG, value: MACIE_DISCOVERED_CONTENTS }] } }],
          },
        },
      },
      dependsOn: [this.macie],
    });

    // High-severity findings to the security topic; from the backup region through the
    // primary region's default bus (EventBridge cannot target a topic in another region),
    // where the primary region's rule with the same pattern sends them on.
    const rules = Object.entries(HIGH_SEVERITY_FINDINGS).map(
      ([name, { description, pattern }]) =>
        new CloudwatchEventRule(this, name, {
          provider,
          name: stack.resourceName(name),
          description: `${description} in ${region}, to the security team`,
          eventPattern: JSON.stringify(pattern),
        }),
    );
    if (props.region) {
      const primaryBus = `arn:aws:events:${stack.region}:${stack.accountId}:event-bus/default`;
      const forwarder = new ServiceRole(this, "forward-findings-role", {
        name: `findings-from-${region}`,
        description: `EventBridge in ${region} forwards high-severity findings to ${stack.region}'s default bus`,
        servicePrincipal: "events.amazonaws.com",
        sourceArnLike: `arn:aws:events:${region}:${stack.accountId}:rule/${stack.resourceName("*-high-findings")}`,
        boundary: props.region.boundary,
        statements: [{ sid: "PutFindingsOnThePrimaryRegionsDefaultBus", actions: ["events:PutEvents"], resources: [primaryBus] }],
      });
      for (const rule of rules) {
        new CloudwatchEventTarget(this, `${rule.node.id}-to-primary-region`, { provider, rule: rule.name, arn: primaryBus, roleArn: forwarder.arn });
      }
    } else {
      for (const rule of rules) new CloudwatchEventTarget(this, `${rule.node.id}-to-security-team`, { rule: rule.name, arn: props.alarmTopic.arn });
    }

    new Inspector2Enabler(this, "inspector", {
      provider,
      accountIds: [stack.accountId],
      resourceTypes: [...INSPECTOR_RESOURCE_TYPES],
    });

    this.securityHub = new SecurityhubAccount(this, "security-hub", {
      provider,
      // The standards are chosen below, not by AWS's defaults.
      enableDefaultStandards: false,
      controlFindingGenerator: "SECURITY_CONTROL",
      autoEnableControls: true,
    });
    for (const [name, arn] of Object.entries(securityHubStandards(region))) {
      new SecurityhubStandardsSubscription(this, `standard-${name}`, {
        provider,
        standardsArn: arn,
        dependsOn: [this.securityHub],
      });
    }

    this.analyzer = new AccessanalyzerAnalyzer(this, "access-analyzer", {
      provider,
      analyzerName: stack.resourceName(`access-analyzer${suffix}`),
      type: "ACCOUNT",
    });
  }
}
