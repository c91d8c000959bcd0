import { ENVIRONMENTS } from "../../modules/config/environments";
import { ORGANIZATION, OrganizationConfig } from "../../modules/config/organization";
import { CONFIG_ORGANIZATION_AGGREGATOR_ACTIONS, OrganizationDetectionStack } from "../../modules/organization/organization-detection-stack";
import { ORGANIZATION_DETECTION_STACK } from "../../modules/organization/organization-stack";
import { GUARDDUTY_ALERT_MIN_SEVERITY, GUARDDUTY_FEATURES, HIGH_SEVERITY_FINDINGS } from "../../modules/security/threat-detection";
import { statementsOf } from "../support/policy";
import { resolveRef } from "../support/refs";
import { regionOf, SynthResource, synthesizeWith } from "../support/synth";

const org = ORGANIZATION as OrganizationConfig;
const environments = Object.values(ENVIRONMENTS);
const app = synthesizeWith((a) => new OrganizationDetectionStack(a, org, environments), "medicare-org-detection-test-");
const doc = app.stacks[ORGANIZATION_DETECTION_STACK];
const all = (type: string) => app.resources(type, ORGANIZATION_DETECTION_STACK);
const securityId = org.accounts[org.securityAccount].id;
/** The region of a resource, from its provider. */
const regionIn = (r: SynthResource) => regionOf(doc, r.values);
const DATA_REGIONS = ["eu-west-1", "eu-west-2"];

describe("the organization-detection stack (security account)", () => {
  it("works in the security account only, by assuming the deployment role, in every region that holds data", () => {
    const providers = doc.provider.aws as any[];
    expect(providers.map((p) => p.region).sort()).toEqual(DATA_REGIONS);
    for (const p of providers) {
      expect(p.allowed_account_ids).toEqual([securityId]);
      expect(p.assume_role).toEqual([expect.objectContaining({ role_arn: `arn:aws:iam::${securityId}:role/${org.deploymentRoleName}` })]);
    }
  });

  it.each([
    "aws_guardduty_detector",
    "aws_guardduty_organization_configuration",
    "aws_securityhub_account",
    "aws_securityhub_organization_configuration",
    "aws_inspector2_organization_configuration",
    "aws_macie2_account",
    "aws_macie2_organization_configuration",
    "aws_accessanalyzer_analyzer",
  ])("declares %s once in every region that holds data", (type) => {
    expect(all(type).map(regionIn).sort()).toEqual(DATA_REGIONS);
  });

  it("GuardDuty enables every member account, old and new, with every protection plan of the platform", () => {
    for (const config of all("aws_guardduty_organization_configuration")) {
      expect(config.values.auto_enable_organization_members).toBe("ALL");
      const features = all("aws_guardduty_organization_configuration_feature").filter((f) => f.values.detector_id === config.values.detector_id);
      expect(features.map((f) => f.values.name).sort()).toEqual(Object.keys(GUARDDUTY_FEATURES).sort());
      for (const f of features) {
        expect(f.values.auto_enable).toBe("ALL");
        expect(f.values.additional_configuration).toEqual(GUARDDUTY_FEATURES[f.values.name].map((name) => ({ name, auto_enable: "ALL" })));
      }
    }
    for (const detector of all("aws_guardduty_detector")) expect(detector.values).toMatchObject({ enable: true, finding_publishing_frequency: "FIFTEEN_MINUTES" });
  });

  it("Security Hub, Inspector (all four scan types) and Macie switch themselves on in every new account", () => {
    for (const c of all("aws_securityhub_organization_configuration")) expect(c.values.auto_enable).toBe(true);
    for (const c of all("aws_inspector2_organization_configuration")) expect(c.values.auto_enable).toEqual({ ec2: true, ecr: true, lambda: true, lambda_code: true });
    for (const c of all("aws_macie2_organization_configuration")) expect(c.values.auto_enable).toBe(true);
    for (const m of all("aws_macie2_account")) expect(m.values.status).toBe("ENABLED");
  });

  it("aggregates the backup region's findings into the home region", () => {
    const [aggregator] = all("aws_securityhub_finding_aggregator");
    expect(regionIn(aggregator)).toBe(org.homeRegion);
    expect(aggregator.values).toMatchObject({ linking_mode: "SPECIFIED_REGIONS", specified_regions: DATA_REGIONS.filter((r) => r !== org.homeRegion) });
  });

  it("aggregates Config over every account and region, through a role only Config of this account assumes", () => {
    const [aggregator] = all("aws_config_configuration_aggregator");
    expect(aggregator.values.organization_aggregation_source).toMatchObject({ all_regions: true });
    const [role] = all("aws_iam_role");
    const [trust] = statementsOf(role.values.assume_role_policy);
    expect(trust.principals).toEqual({ Service: ["config.amazonaws.com"] });
    expect(trust.conditions).toEqual({ StringEquals: { "aws:SourceAccount": [securityId] } });
    // No managed policy (IAM-009): the organization reads are written in the stack, on the role.
    expect(all("aws_iam_role_policy_attachment")).toEqual([]);
    const policies = all("aws_iam_role_policy");
    expect(policies).toHaveLength(1);
    expect(statementsOf(policies[0].values.policy).map((s) => [...s.actions].sort())).toEqual([[...CONFIG_ORGANIZATION_AGGREGATOR_ACTIONS].sort()]);
  });

  /** The resource a reference of this stack names. */
  const referenced = (value: unknown): SynthResource | undefined => {
    const ref = resolveRef(app, ORGANIZATION_DETECTION_STACK, value);
    return ref && all(ref.type).find((r) => r.name === ref.name);
  };

  it("sends the security account's own high-severity findings, in every region, to a topic of that region", () => {
    const rules = all("aws_cloudwatch_event_rule");
    expect(rules.map((r) => `${regionIn(r)} ${r.values.name}`).sort()).toEqual(
      DATA_REGIONS.flatMap((region) => Object.keys(HIGH_SEVERITY_FINDINGS).map((name) => `${region} ${org.name}-security-account-${name}`)).sort(),
    );
    for (const rule of rules) {
      const name = rule.values.name.replace(`${org.name}-security-account-`, "");
      expect(JSON.parse(rule.values.event_pattern)).toEqual(HIGH_SEVERITY_FINDINGS[name].pattern);
      expect(rule.values.state ?? "ENABLED").toBe("ENABLED");
      const targets = all("aws_cloudwatch_event_target").filter((t) => referenced(t.values.rule)?.address === rule.address);
      expect(targets).toHaveLength(1);
      const topic = referenced(targets[0].values.arn);
      expect(topic?.type).toBe("aws_sns_topic");
      expect(regionIn(topic!)).toBe(regionIn(rule));
    }
    const guardduty = rules.filter((r) => JSON.parse(r.values.event_pattern).source[0] === "aws.guardduty");
    for (const rule of guardduty) expect(JSON.parse(rule.values.event_pattern).detail.severity).toEqual([{ numeric: [">=", GUARDDUTY_ALERT_MIN_SEVERITY] }]);
  });

  it("encrypts every alert topic with a rotating key of its region and subscribes the configured address only", () => {
    const topics = all("aws_sns_topic");
    expect(topics.map(regionIn).sort()).toEqual(DATA_REGIONS);
    for (const topic of topics) {
      const key = referenced(topic.values.kms_master_key_id);
      expect(key?.type).toBe("aws_kms_key");
      expect(regionIn(key!)).toBe(regionIn(topic));
      expect(key!.values).toMatchObject({ enable_key_rotation: true, rotation_period_in_days: 365, deletion_window_in_days: 30 });
      const subscriptions = all("aws_sns_topic_subscription").filter((s) => referenced(s.values.topic_arn)?.address === topic.address);
      expect(subscriptions.map((s) => [s.values.protocol, s.values.endpoint])).toEqual([["email", org.securityAlertEmail]]);
    }
    expect(all("aws_sns_topic_subscription")).toHaveLength(topics.length);
  });

  it("lets only the account's own finding rules of the topic's region publish, and only over TLS", () => {
    for (const policy of all("aws_sns_topic_policy")) {
      const topic = referenced(policy.values.arn)!;
      const region = regionIn(topic);
      const statements = statementsOf(policy.values.policy);
      const allows = statements.filter((s) => s.effect !== "Deny");
      expect(allows.map((s) => s.principals)).toEqual([{ Service: ["events.amazonaws.com"] }]);
      expect(allows[0].conditions).toEqual({
        StringEquals: { "aws:SourceAccount": [securityId] },
        ArnLike: { "aws:SourceArn": [`arn:aws:events:${region}:${securityId}:rule/${org.name}-security-account-*`] },
      });
      expect(statements.find((s) => s.effect === "Deny")?.conditions).toEqual({ Bool: { "aws:SecureTransport": ["false"] } });
    }
    expect(all("aws_sns_topic_policy")).toHaveLength(DATA_REGIONS.length);
  });

  it("lets EventBridge of the security account alone use the alert keys directly", () => {
    for (const key of all("aws_kms_key")) {
      const services = statementsOf(key.values.policy).flatMap((s) => s.principals.Service ?? []);
      expect(services).toEqual(["events.amazonaws.com"]);
    }
  });

  it("runs an organization-wide Access Analyzer in every region", () => {
    for (const a of all("aws_accessanalyzer_analyzer")) expect(a.values.type).toBe("ORGANIZATION");
  });
});
