import { readFileSync } from "fs";
import { join } from "path";
import { EnvironmentConfig } from "./schema";

/** Placeholder for the on-premises CA (a throwaway self-signed CA); replace with the real one's PEM. */
const PLACEHOLDER_ONPREM_CA = readFileSync(join(__dirname, "certificates", "onprem-ca.placeholder.pem"), "utf8");

/** Placeholder on-premises DNS zone and resolvers; replace with the on-premises DNS servers' addresses. */
const PLACEHOLDER_ONPREM_DNS = { domain: "medicare.internal", servers: ["192.168.0.2", "192.168.0.3"] };

/**
 * Placeholder public zone: medicare.example is reserved (RFC 2606) until mediCARE's registered
 * domain is chosen; replace it and delegate each environment's zone from the parent.
 */
const PLACEHOLDER_DOMAIN = "medicare.example";

/**
 * The environments. Account ids and the VPN peer are placeholders until the accounts are
 * provisioned, and so is the on-premises CA: replace them here (the provider refuses to run against any other account).
 */
export const ENVIRONMENTS: Readonly<Record<string, EnvironmentConfig>> = {
  dev: {
    name: "dev",
    accountId: "111111111111",
    region: "eu-west-2",
    backupRegion: "eu-west-1",
    owner: "platform-team",
    alarmEmail: "platform-alerts@medicare.example",
    logRetentionDays: 365,
    network: { vpcCidr: "10.20.0.0/16", azCount: 3, natGateways: "single" },
    onPrem: {
      cidr: "192.168.0.0/20",
      vpnPeerIp: "203.0.113.10",
      databasePort: 3306,
      certificateAuthorityPem: PLACEHOLDER_ONPREM_CA,
      dns: PLACEHOLDER_ONPREM_DNS,
    },
    database: { instanceClass: "db.t4g.medium", instances: 1, backupRetentionDays: 7, databaseName: "medicare" },
    migration: {
      sourceEngine: "mysql",
      // dev never replicates real patients: its source is the synthetic test copy on-premises.
      sourceHost: "patients-db-test.medicare.internal",
      sourceDatabaseName: "patients_synthetic",
      replicationInstanceClass: "dms.t3.medium",
      replicationStorageGib: 50,
      multiAz: false,
    },
    export: { schedule: "cron(30 1 * * ? *)", retentionDays: 14, pullerCommonName: "medicare-dev-export-puller" },
    audit: { retentionYears: 1 },
    identity: { mfaMaxAgeSeconds: 3600 },
    state: { kind: "local" },
    edge: {
      zoneName: `dev.${PLACEHOLDER_DOMAIN}`,
      appHostname: `app.dev.${PLACEHOLDER_DOMAIN}`,
      formsHostname: `forms.dev.${PLACEHOLDER_DOMAIN}`,
      fleet: { instanceType: "t3.small", minSize: 1, desiredCapacity: 1, maxSize: 2, targetCpuPercent: 60, rootVolumeGib: 20 },
      rateLimitPer5Minutes: 1000,
      patching: { windowSchedule: "cron(0 2 ? * TUE *)", windowHours: 3 },
      snapshots: { dailyAtUtc: "03:00", retainCount: 7, copyRetentionDays: 7 },
      cognito: { accessTokenMinutes: 60, staffRefreshTokenHours: 12, patientRefreshTokenHours: 24 },
    },
    campaign: {
      apiHostname: `api.dev.${PLACEHOLDER_DOMAIN}`,
      staffApiHostname: `staff-api.dev.${PLACEHOLDER_DOMAIN}`,
      practice: { name: "mediCARE Blackpool", phone: "01253 000000" },
      email: { fromLocalPart: "flu-clinic", mailFromLabel: "mail", messagesPerSecond: 14 },
      sms: { monthlySpendLimitUsd: 50, messagesPerSecond: 20, senderId: "mediCARE" },
      runBudgetGbp: 25,
      sendConcurrency: 2,
      schedules: { reminder: "cron(0 10 ? * MON *)", report: "cron(0 7 ? * MON *)" },
      reportCampaignId: 1,
      staffEmail: "clinic-staff@medicare.example",
      operationsEmail: "platform-alerts@medicare.example",
    },
  },
  prod: {
    name: "prod",
    accountId: "222222222222",
    region: "eu-west-2",
    backupRegion: "eu-west-1",
    owner: "platform-team",
    alarmEmail: "security-oncall@medicare.example",
    // Six years: HIPAA's documentation retention period (164.316(b)(2)).
    logRetentionDays: 2192,
    network: { vpcCidr: "10.10.0.0/16", azCount: 3, natGateways: "perAz" },
    onPrem: {
      cidr: "192.168.0.0/20",
      vpnPeerIp: "203.0.113.10",
      bgpAsn: 65010,
      databasePort: 3306,
      certificateAuthorityPem: PLACEHOLDER_ONPREM_CA,
      dns: PLACEHOLDER_ONPREM_DNS,
    },
    database: { instanceClass: "db.r7g.large", instances: 2, backupRetentionDays: 35, databaseName: "medicare" },
    migration: {
      sourceEngine: "mysql",
      sourceHost: "patients-db.medicare.internal",
      sourceDatabaseName: "patients",
      replicationInstanceClass: "dms.r6i.large",
      replicationStorageGib: 100,
      multiAz: true,
    },
    export: { schedule: "cron(30 1 * * ? *)", retentionDays: 35, pullerCommonName: "medicare-prod-export-puller" },
    // Six years: HIPAA's documentation retention period (164.316(b)(2)).
    audit: { retentionYears: 6 },
    identity: { mfaMaxAgeSeconds: 3600 },
    state: { kind: "local" },
    edge: {
      zoneName: `prod.${PLACEHOLDER_DOMAIN}`,
      appHostname: `app.prod.${PLACEHOLDER_DOMAIN}`,
      formsHostname: `forms.prod.${PLACEHOLDER_DOMAIN}`,
      fleet: { instanceType: "m7i.large", minSize: 2, desiredCapacity: 2, maxSize: 6, targetCpuPercent: 50, rootVolumeGib: 30 },
      rateLimitPer5Minutes: 2000,
      // Five days after dev's Tuesday window, so a bad patch shows in dev first.
      patching: { windowSchedule: "cron(0 2 ? * SUN *)", windowHours: 3 },
      snapshots: { dailyAtUtc: "03:00", retainCount: 14, copyRetentionDays: 35 },
      cognito: { accessTokenMinutes: 30, staffRefreshTokenHours: 10, patientRefreshTokenHours: 24 },
    },
    campaign: {
      apiHostname: `api.prod.${PLACEHOLDER_DOMAIN}`,
      staffApiHostname: `staff-api.prod.${PLACEHOLDER_DOMAIN}`,
      practice: { name: "mediCARE Blackpool", phone: "01253 000000" },
      email: { fromLocalPart: "flu-clinic", mailFromLabel: "mail", messagesPerSecond: 14 },
      // A full send to ~112,500 patients is ~USD 5,100 (npm run cost): the quota leaves room for reminders.
      sms: { monthlySpendLimitUsd: 8000, messagesPerSecond: 20, senderId: "mediCARE" },
      runBudgetGbp: 4500,
      sendConcurrency: 4,
      schedules: { reminder: "cron(0 10 ? * MON *)", report: "cron(0 7 ? * MON *)" },
      reportCampaignId: 1,
      staffEmail: "clinic-staff@medicare.example",
      operationsEmail: "platform-alerts@medicare.example",
    },
  },
};
