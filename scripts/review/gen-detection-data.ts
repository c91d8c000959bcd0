/**
 * Writes policies/data/detection.json: what the detection-path rules (policies/detection/)
 * compare the stacks with, derived from the typed config and the code that declares the
 * floors, so a rule never hard-codes an e-mail address or a list that the code owns.
 *
 *   npx tsx scripts/review/gen-detection-data.ts
 *
 * A Jest test (__tests__/policies/detection-data.test.ts) fails when the file and this
 * output differ, so a change of config or of a floor shows up as a reviewed data change.
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { ORGANIZATION, OrganizationConfig } from "../../modules/config/organization";
import { ORGANIZATION_DETECTION_STACK } from "../../modules/organization/organization-stack";
import { PATIENT_DATA_BUCKETS } from "../../modules/security/audit-names";
import { retentionDays } from "../../modules/security/audit-trail";
import { CIS_MONITORS } from "../../modules/security/cis-alarms";
import { HIPAA_MANAGED_RULES } from "../../modules/security/config-recorder";
import { GUARDDUTY_ALERT_MIN_SEVERITY, GUARDDUTY_FEATURES } from "../../modules/security/threat-detection";
import { POLICY_DATA_DIR } from "../paths";

export const DETECTION_DATA_FILE = join(POLICY_DATA_DIR, "detection.json");

export interface DetectionData {
  readonly detection: {
    readonly why: Readonly<Record<string, string>>;
    readonly environments: Readonly<Record<string, {
      /** Who the security topic may (and must) notify. */
      readonly security_endpoints: readonly { protocol: string; endpoint: string }[];
      /** Who the campaign operations topic may (and must) notify. */
      readonly operations_endpoints: readonly { protocol: string; endpoint: string }[];
      /** `arn:aws:s3:::medicare-<env>-<name>-`: every patient-data bucket's ARN starts with one. */
      readonly phi_bucket_arn_prefixes: readonly string[];
      readonly config_retention_days: number;
    }>>;
    /** The organization's stacks, by full stack name (each in its own account). */
    readonly stacks: Readonly<Record<string, {
      /** Who the stack's security topics may (and must) notify. */
      readonly security_endpoints: readonly { protocol: string; endpoint: string }[];
    }>>;
    readonly cis_monitor_metrics: readonly string[];
    readonly guardduty_features: Readonly<Record<string, readonly string[]>>;
    readonly guardduty_alert_max_severity: number;
    readonly config_managed_rules: readonly string[];
  };
}

/** The longest configuration-item retention AWS Config accepts (seven years). */
const MAX_CONFIG_RETENTION_DAYS = 2557;

export function detectionData(organization: OrganizationConfig | undefined = ORGANIZATION): DetectionData {
  const environments = Object.fromEntries(
    Object.values(ENVIRONMENTS).map((env) => [
      env.name,
      {
        security_endpoints: [{ protocol: "email", endpoint: env.alarmEmail }],
        operations_endpoints: [{ protocol: "email", endpoint: env.campaign.operationsEmail }],
        phi_bucket_arn_prefixes: PATIENT_DATA_BUCKETS.map((name) => `arn:aws:s3:::medicare-${env.name}-${name}-`),
        config_retention_days: Math.min(retentionDays(env.audit.retentionYears), MAX_CONFIG_RETENTION_DAYS),
      },
    ]),
  );
  return {
    detection: {
      why: {
        security_endpoints: "env.alarmEmail (modules/config/environments.ts): the security team's on-call address; CONTROLS.md 'CIS metric filters + alarms'",
        stacks: "organization.securityAlertEmail (modules/config/organization.ts): who hears of the security account's own high-severity findings (organization-detection)",
        operations_endpoints: "env.campaign.operationsEmail: who hears of dead letters, errors, throttles and delivery rates",
        phi_bucket_arn_prefixes: "PATIENT_DATA_BUCKETS (modules/security/audit-names.ts): the trail records every object read and write on them",
        config_retention_days: "env.audit.retentionYears, capped at AWS Config's 2557-day maximum",
        cis_monitor_metrics: "CIS_MONITORS (modules/security/cis-alarms.ts): each needs a filter, an alarm and a subscribed topic",
        guardduty_features: "GUARDDUTY_FEATURES (modules/security/threat-detection.ts), with their additional configurations",
        guardduty_alert_max_severity: "GUARDDUTY_ALERT_MIN_SEVERITY: findings of this severity or more must reach the security topic",
        config_managed_rules: "HIPAA_MANAGED_RULES (modules/security/config-recorder.ts): the floor of AWS Config managed rules",
      },
      environments,
      stacks: organization ? { [ORGANIZATION_DETECTION_STACK]: { security_endpoints: [{ protocol: "email", endpoint: organization.securityAlertEmail }] } } : {},
      cis_monitor_metrics: CIS_MONITORS.map((m) => m.id),
      guardduty_features: GUARDDUTY_FEATURES,
      guardduty_alert_max_severity: GUARDDUTY_ALERT_MIN_SEVERITY,
      config_managed_rules: Object.keys(HIPAA_MANAGED_RULES).sort(),
    },
  };
}

export const renderDetectionData = () => `${JSON.stringify(detectionData(), null, 2)}\n`;

if (require.main === module) {
  writeFileSync(DETECTION_DATA_FILE, renderDetectionData());
  console.log(`wrote ${DETECTION_DATA_FILE}`);
}
