import { Construct } from "constructs";
import { AccessanalyzerAnalyzer } from "@cdktf/provider-aws/lib/accessanalyzer-analyzer";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { GuarddutyDetector } from "@cdktf/provider-aws/lib/guardduty-detector";
import { GuarddutyDetectorFeature } from "@cdktf/provider-aws/lib/guardduty-detector-feature";
import { Inspector2Enabler } from "@cdktf/provider-aws/lib/inspector2-enabler";
import { SecurityhubAccount } from "@cdktf/provider-aws/lib/securityhub-account";
import { SecurityhubStandardsSubscription } from "@cdktf/provider-aws/lib/securityhub-standards-subscription";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { MedicareStack } from "../core/medicare-stack";

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
  /** The security team's topic: high-severity GuardDuty findings are sent there too. */
  readonly alarmTopic: SnsTopic;
}

/**
 * Threat detection for the account: GuardDuty (every protection plan that applies,
 * findings exported every 15 minutes, high-severity ones to the security topic),
 * Inspector v2, Security Hub with the FSBP and CIS standards, and IAM Access Analyzer.
 */
export class ThreatDetection extends Construct {
  readonly detector: GuarddutyDetector;
  readonly securityHub: SecurityhubAccount;
  readonly analyzer: AccessanalyzerAnalyzer;

  constructor(scope: Construct, id: string, props: ThreatDetectionProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);

    this.detector = new GuarddutyDetector(this, "guardduty", {
      enable: true,
      findingPublishingFrequency: "FIFTEEN_MINUTES",
    });
    for (const [name, agents] of Object.entries(GUARDDUTY_FEATURES)) {
      new GuarddutyDetectorFeature(this, `guardduty-${name.toLowerCase().replace(/_/g, "-")}`, {
        detectorId: this.detector.id,
        name,
        status: "ENABLED",
        additionalConfiguration: agents.map((agent) => ({ name: agent, status: "ENABLED" })),
      });
    }
    const findings = new CloudwatchEventRule(this, "guardduty-high-findings", {
      name: stack.resourceName("guardduty-high-findings"),
      description: `GuardDuty findings of severity ${GUARDDUTY_ALERT_MIN_SEVERITY} or more, to the security team`,
      eventPattern: JSON.stringify({
        source: ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        detail: { severity: [{ numeric: [">=", GUARDDUTY_ALERT_MIN_SEVERITY] }] },
      }),
    });
    new CloudwatchEventTarget(this, "guardduty-high-findings-to-security-team", {
      rule: findings.name,
      arn: props.alarmTopic.arn,
    });

    new Inspector2Enabler(this, "inspector", {
      accountIds: [stack.accountId],
      resourceTypes: [...INSPECTOR_RESOURCE_TYPES],
    });

    this.securityHub = new SecurityhubAccount(this, "security-hub", {
      // The standards are chosen below, not by AWS's defaults.
      enableDefaultStandards: false,
      controlFindingGenerator: "SECURITY_CONTROL",
      autoEnableControls: true,
    });
    for (const [name, arn] of Object.entries(securityHubStandards(stack.region))) {
      new SecurityhubStandardsSubscription(this, `standard-${name}`, {
        standardsArn: arn,
        dependsOn: [this.securityHub],
      });
    }

    this.analyzer = new AccessanalyzerAnalyzer(this, "access-analyzer", {
      analyzerName: stack.resourceName("access-analyzer"),
      type: "ACCOUNT",
    });
  }
}
