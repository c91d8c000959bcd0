import { rmSync } from "fs";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { CIS_MONITORS } from "../../modules/security/cis-alarms";
import { GUARDDUTY_FEATURES, INSPECTOR_RESOURCE_TYPES } from "../../modules/security/threat-detection";
import { conditionValues, statementsOf } from "../support/policy";
import { expectRefTo, referencedResource, resolveRef } from "../support/refs";
import { SynthResource, SynthesizedApp, synthesize } from "../support/synth";

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const byPath = (resources: SynthResource[], suffix: string) => {
  const found = resources.filter((r) => r.path.endsWith(suffix));
  expect(found.map((r) => r.path)).toHaveLength(1);
  return found[0];
};

/** Object Lock days written down independently of the code: years x 365.25, rounded up. */
const EXPECTED_LOCK_DAYS: Record<string, number> = { dev: 366, prod: 2192 };

describe.each(Object.keys(ENVIRONMENTS))("%s audit services", (envName) => {
  const env = ENVIRONMENTS[envName];
  const stack = `${envName}-security`;
  const logsKey = () => app.resources("aws_kms_key", stack).find((k) => k.path === `${stack}/keys/logs/key`)!;
  const messagingKey = () => app.resources("aws_kms_key", stack).find((k) => k.path === `${stack}/keys/messaging/key`)!;

  it("has exactly one trail in the whole environment: multi-region, validated, KMS, CloudWatch Logs, logging", () => {
    const trails = Object.keys(app.stacks).filter((s) => s.startsWith(`${envName}-`)).flatMap((s) => app.resources("aws_cloudtrail", s));
    expect(trails).toHaveLength(1);
    const trail = trails[0];
    expect(trail.stack).toBe(stack);
    expect(trail.values).toMatchObject({
      name: `medicare-${envName}-trail`,
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
    });
    expectRefTo(app, stack, trail.values.kms_key_id, logsKey(), "arn");
    const group = byPath(app.resources("aws_cloudwatch_log_group", stack), "audit-trail/log-group/group");
    expect(trail.values.cloud_watch_logs_group_arn).toBe(`\${aws_cloudwatch_log_group.${group.name}.arn}:*`);
    expectRefTo(app, stack, group.values.kms_key_id, logsKey(), "arn");
    expect(group.values.retention_in_days).toBeGreaterThanOrEqual(365);
  });

  it("records every management event and S3 object events on every phi bucket of the environment", () => {
    const trail = app.resources("aws_cloudtrail", stack)[0];
    const selectors: any[] = trail.values.advanced_event_selector;
    const management = selectors.filter((s) => JSON.stringify(s.field_selector) === JSON.stringify([{ equals: ["Management"], field: "eventCategory" }]));
    expect(management).toHaveLength(1);
    const data = selectors.find((s) => s.field_selector.some((f: any) => f.field === "eventCategory" && f.equals?.includes("Data")));
    expect(data.field_selector).toEqual(expect.arrayContaining([{ field: "resources.type", equals: ["AWS::S3::Object"] }]));
    const prefixes: string[] = data.field_selector.find((f: any) => f.field === "resources.ARN").starts_with;
    const phiBuckets = Object.keys(app.stacks)
      .filter((s) => s.startsWith(`${envName}-`))
      .flatMap((s) => app.resources("aws_s3_bucket", s))
      .filter((b) => b.values.tags?.["bucket-contents"] === "phi");
    expect(phiBuckets.length).toBeGreaterThan(0);
    for (const bucket of phiBuckets) {
      expect({ bucket: bucket.values.bucket, covered: prefixes.some((p) => `arn:aws:s3:::${bucket.values.bucket}`.startsWith(p)) }).toEqual({ bucket: bucket.values.bucket, covered: true });
    }
    // Not the audit buckets themselves: CloudTrail's own writes would be logged again.
    expect(prefixes.some((p) => p.includes("audit") || p.includes("access-logs"))).toBe(false);
  });

  it("writes to a versioned audit bucket locked in compliance mode for the configured years, which only this trail may write", () => {
    const trail = app.resources("aws_cloudtrail", stack)[0];
    const bucket = referencedResource(app, stack, trail.values.s3_bucket_name)!;
    expect(bucket.values).toMatchObject({ bucket: `medicare-${envName}-audit-trail-${env.accountId}`, object_lock_enabled: true, tags: { "bucket-contents": "audit" } });
    const lock = byPath(app.resources("aws_s3_bucket_object_lock_configuration", stack), "audit-trail/bucket/object-lock");
    expect(lock.values.rule.default_retention).toEqual({ mode: "COMPLIANCE", days: EXPECTED_LOCK_DAYS[envName] });
    expect(byPath(app.resources("aws_s3_bucket_versioning", stack), "audit-trail/bucket/versioning").values.versioning_configuration.status).toBe("Enabled");
    const policy = statementsOf(byPath(app.resources("aws_s3_bucket_policy", stack), "audit-trail/bucket/policy").values.policy);
    const cloudtrail = policy.filter((s) => s.principals.Service?.includes("cloudtrail.amazonaws.com"));
    expect(cloudtrail).toHaveLength(2);
    for (const s of cloudtrail) {
      expect(conditionValues(s, "aws:SourceArn", ["StringEquals"])).toEqual([`arn:aws:cloudtrail:${env.region}:${env.accountId}:trail/medicare-${envName}-trail`]);
    }
  });

  it("alarms on every CIS monitor to the KMS-encrypted security topic", () => {
    const topic = byPath(app.resources("aws_sns_topic", stack), "security-alarms/topic");
    expectRefTo(app, stack, topic.values.kms_master_key_id, messagingKey(), "arn");
    const group = byPath(app.resources("aws_cloudwatch_log_group", stack), "audit-trail/log-group/group");
    const filters = app.resources("aws_cloudwatch_log_metric_filter", stack);
    const alarms = app.resources("aws_cloudwatch_metric_alarm", stack);
    expect(filters).toHaveLength(CIS_MONITORS.length);
    expect(alarms).toHaveLength(CIS_MONITORS.length);
    for (const filter of filters) {
      expect(resolveRef(app, stack, filter.values.log_group_name)?.name).toBe(group.name);
    }
    for (const alarm of alarms) {
      expect(alarm.values.alarm_actions).toEqual([`\${aws_sns_topic.${topic.name}.arn}`]);
      expect(alarm.values).toMatchObject({ threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold", statistic: "Sum" });
      expect(filters.some((f) => f.values.metric_transformation.name === alarm.values.metric_name && f.values.metric_transformation.namespace === alarm.values.namespace)).toBe(true);
    }
    // The list, by an event each pattern must match.
    const patterns = filters.map((f) => f.values.pattern as string);
    for (const fragment of ["\"Root\"", "UnauthorizedOperation", "MFAUsed", "PutRolePolicy", "StopLogging", "ScheduleKeyDeletion", "DisableKey", "AuthorizeSecurityGroupIngress", "CreateNetworkAclEntry", "CreateRoute", "CreateVpc", "PutBucketPolicy"]) {
      expect({ fragment, found: patterns.some((p) => p.includes(fragment)) }).toEqual({ fragment, found: true });
    }
    const subscription = app.resources("aws_sns_topic_subscription", stack)[0];
    expect(subscription.values).toMatchObject({ protocol: "email", endpoint: env.alarmEmail });
  });

  /** Where a resource of the security stack lives: the primary region, or the backup region through its alias. */
  const regionOf = (r: SynthResource) => (r.values.provider === "aws.backup_region" ? env.backupRegion : r.values.provider === undefined ? env.region : "elsewhere");
  const REGIONS = [env.region, env.backupRegion].sort();
  const inRegion = (type: string, region: string) => app.resources(type, stack).filter((r) => regionOf(r) === region);

  it("records every resource type with AWS Config in the primary and the backup region (global types once), delivers encrypted, and evaluates the HIPAA rules in both", () => {
    const recorders = app.resources("aws_config_configuration_recorder", stack);
    expect(recorders.map(regionOf).sort()).toEqual(REGIONS);
    for (const recorder of recorders) {
      expect(recorder.values.recording_group).toEqual({ all_supported: true, include_global_resource_types: regionOf(recorder) === env.region });
      expect(recorder.values.recording_mode).toEqual({ recording_frequency: "CONTINUOUS" });
    }
    const statuses = app.resources("aws_config_configuration_recorder_status", stack);
    expect(statuses.map(regionOf).sort()).toEqual(REGIONS);
    for (const status of statuses) expect(status.values.is_enabled).toBe(true);
    const channels = app.resources("aws_config_delivery_channel", stack);
    expect(channels.map(regionOf).sort()).toEqual(REGIONS);
    const bucket = referencedResource(app, stack, channels[0].values.s3_bucket_name)!;
    for (const channel of channels) {
      expectRefTo(app, stack, channel.values.s3_kms_key_arn, logsKey(), "arn");
      expect(referencedResource(app, stack, channel.values.s3_bucket_name)!.name).toBe(bucket.name);
    }
    const policy = statementsOf(app.resources("aws_s3_bucket_policy", stack).find((p) => resolveRef(app, stack, p.values.bucket)?.name === bucket.name)!.values.policy);
    expect(policy.find((s) => s.sid === "DenyDeletingLogRecords")).toMatchObject({ effect: "Deny", actions: ["s3:DeleteObject", "s3:DeleteObjectVersion"] });
    for (const region of REGIONS) {
      const rules = inRegion("aws_config_config_rule", region).map((r) => r.values.source.source_identifier);
      expect(rules).toEqual(expect.arrayContaining(["MULTI_REGION_CLOUD_TRAIL_ENABLED", "S3_BUCKET_DEFAULT_LOCK_ENABLED", "IAM_PASSWORD_POLICY", "RDS_STORAGE_ENCRYPTED", "GUARDDUTY_ENABLED_CENTRALIZED"]));
    }
  });

  it("replicates the Config history, which Config cannot deliver to a locked bucket, to a copy in the backup region locked for the audit retention", () => {
    const buckets = app.resources("aws_s3_bucket", stack).filter((b) => b.values.tags["bucket-contents"] === "config-history");
    const source = buckets.find((b) => b.values.provider === undefined)!;
    const replica = buckets.find((b) => b.values.provider === "aws.backup_region")!;
    expect(buckets).toHaveLength(2);
    expect(source.values.object_lock_enabled).toBe(false);
    expect(replica.values.object_lock_enabled).toBe(true);
    const lock = app.resources("aws_s3_bucket_object_lock_configuration", stack).find((l) => referencedResource(app, stack, l.values.bucket)?.name === replica.name)!;
    expect(lock.values.rule.default_retention).toEqual({ mode: "COMPLIANCE", days: EXPECTED_LOCK_DAYS[envName] });
    const replication = app.resources("aws_s3_bucket_replication_configuration", stack).find((r) => referencedResource(app, stack, r.values.bucket)?.name === source.name)!;
    expect(replication.values.rule).toHaveLength(1);
    expect(replication.values.rule[0]).toMatchObject({ status: "Enabled", filter: {}, source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } } });
    expectRefTo(app, stack, replication.values.rule[0].destination.bucket, replica, "arn");
    for (const bucket of buckets) {
      const policy = statementsOf(app.resources("aws_s3_bucket_policy", stack).find((p) => resolveRef(app, stack, p.values.bucket)?.name === bucket.name)!.values.policy);
      expect(policy.find((st) => st.sid === "DenyDeletingLogRecords")).toMatchObject({ effect: "Deny", principals: { AWS: ["*"] }, actions: ["s3:DeleteObject", "s3:DeleteObjectVersion"] });
    }
  });

  it.each(["primary", "backup"])(
    "runs GuardDuty with every applicable feature, Inspector for EC2/ECR/Lambda/code, Security Hub with FSBP and CIS, Access Analyzer in the %s region",
    (which) => {
      const region = which === "primary" ? env.region : env.backupRegion;
      const detector = inRegion("aws_guardduty_detector", region);
      expect(detector.map((d) => [d.values.enable, d.values.finding_publishing_frequency])).toEqual([[true, "FIFTEEN_MINUTES"]]);
      const features = inRegion("aws_guardduty_detector_feature", region);
      expect(features.map((f) => f.values.name).sort()).toEqual(["EBS_MALWARE_PROTECTION", "LAMBDA_NETWORK_LOGS", "RDS_LOGIN_EVENTS", "RUNTIME_MONITORING", "S3_DATA_EVENTS"]);
      expect(Object.keys(GUARDDUTY_FEATURES).length).toBe(features.length);
      for (const f of features) {
        expect(f.values.status).toBe("ENABLED");
        expectRefTo(app, stack, f.values.detector_id, detector[0], "id");
      }
      expect(inRegion("aws_inspector2_enabler", region).map((i) => i.values.resource_types)).toEqual([[...INSPECTOR_RESOURCE_TYPES]]);
      expect([...INSPECTOR_RESOURCE_TYPES].sort()).toEqual(["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"]);
      expect(inRegion("aws_securityhub_account", region)).toHaveLength(1);
      expect(inRegion("aws_securityhub_standards_subscription", region).map((s) => s.values.standards_arn).sort()).toEqual([
        `arn:aws:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`,
        `arn:aws:securityhub:${region}::standards/cis-aws-foundations-benchmark/v/3.0.0`,
      ]);
      expect(inRegion("aws_accessanalyzer_analyzer", region).map((a) => a.values.type)).toEqual(["ACCOUNT"]);
    },
  );

  it.each(["primary", "backup"])("scans every phi bucket of the %s region with Macie daily, every object, and routes high-severity Macie findings like GuardDuty's", (which) => {
    const region = which === "primary" ? env.region : env.backupRegion;
    expect(inRegion("aws_macie2_account", region).map((m) => m.values.status)).toEqual(["ENABLED"]);
    const jobs = inRegion("aws_macie2_classification_job", region);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].values).toMatchObject({ job_type: "SCHEDULED", sampling_percentage: 100, schedule_frequency: { daily_schedule: true } });
    expect(jobs[0].values.s3_job_definition).toEqual({
      bucket_criteria: { includes: { and: [{ tag_criterion: { comparator: "EQ", tag_values: [{ key: "bucket-contents", value: "phi" }] } }] } },
    });
    const [rule] = inRegion("aws_cloudwatch_event_rule", region).filter((r) => r.path.endsWith("macie-high-findings"));
    expect(JSON.parse(rule.values.event_pattern)).toEqual({ source: ["aws.macie"], "detail-type": ["Macie Finding"], detail: { severity: { description: ["High"] } } });
    const targets = app.resources("aws_cloudwatch_event_target", stack).filter((t) => referencedResource(app, stack, t.values.rule)?.name === rule.name);
    expect(targets).toHaveLength(1);
    if (which === "backup") expect(targets[0].values.arn).toBe(`arn:aws:events:${env.region}:${env.accountId}:event-bus/default`);
    else expectRefTo(app, stack, targets[0].values.arn, app.resources("aws_sns_topic", stack).find((t) => t.path.endsWith("security-alarms/topic"))!, "arn");
  });

  it("sends high-severity GuardDuty findings of both regions to the security topic: the backup region's through the primary region's default bus", () => {
    const rules = app.resources("aws_cloudwatch_event_rule", stack).filter((r) => r.path.includes("guardduty-high-findings"));
    expect(rules.map(regionOf).sort()).toEqual(REGIONS);
    for (const rule of rules) expect(JSON.parse(rule.values.event_pattern).detail).toEqual({ severity: [{ numeric: [">=", 7] }] });
    const targets = app.resources("aws_cloudwatch_event_target", stack).filter((t) => t.path.includes("guardduty-high-findings"));
    const primary = targets.find((t) => regionOf(t) === env.region)!;
    expectRefTo(app, stack, primary.values.arn, app.resources("aws_sns_topic", stack).find((t) => t.path.endsWith("security-alarms/topic"))!, "arn");
    const forward = targets.find((t) => regionOf(t) === env.backupRegion)!;
    const primaryBus = `arn:aws:events:${env.region}:${env.accountId}:event-bus/default`;
    expect(forward.values.arn).toBe(primaryBus);
    const role = referencedResource(app, stack, forward.values.role_arn)!;
    const grants = app.resources("aws_iam_role_policy", stack).filter((p) => referencedResource(app, stack, p.values.role)?.name === role.name).flatMap((p) => statementsOf(p.values.policy));
    expect(grants.map((g) => [g.actions, g.resources])).toEqual([[["events:PutEvents"], [primaryBus]]]);
  });
});
