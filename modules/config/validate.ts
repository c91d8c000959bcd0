import { validateMessagingSettings } from "../../functions/campaign/messages";
import { SLUG_PATTERN } from "../../functions/forms/definition";
import { PricingError, usageAssumptions } from "../core/pricing";
import { Cidr, cidrContains, cidrsOverlap, isPublicIpv4, parseCidr, parseIpv4 } from "./cidr";
import { EnvironmentConfig } from "./schema";

/** Thrown when a config is invalid; lists every problem with the field to change. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Regions whose AWS-managed DNS Firewall domain lists and AZ names this project knows. */
export const SUPPORTED_REGIONS = ["eu-west-1", "eu-west-2"] as const;

/** Retention values CloudWatch Logs accepts, in days. */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** Audit logs are kept at least a year (CONTROLS.md, logs row). */
export const MIN_LOG_RETENTION_DAYS = 365;

/** CONTROLS.md, rds row: automated backups kept at least a week. */
export const MIN_BACKUP_RETENTION_DAYS = 7;

/** Route 53 Resolver forwarding rules accept at most six target addresses. */
export const MAX_ONPREM_DNS_SERVERS = 6;

/** A fully qualified DNS name of two or more lowercase labels, no trailing dot. */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

const MIN_VPC_PREFIX = 16;
const MAX_VPC_PREFIX = 22;

/** Collects problems for one environment; `at` is the field path used in messages. */
class Problems {
  readonly list: string[] = [];
  add(at: string, message: string): void {
    this.list.push(`${at}: ${message}`);
  }
}

function checkCidr(problems: Problems, at: string, value: unknown, hint: string) {
  const cidr = typeof value === "string" ? parseCidr(value) : undefined;
  if (!cidr) {
    problems.add(at, `${JSON.stringify(value)} is not an IPv4 CIDR with no host bits set (e.g. "10.20.0.0/16"); ${hint}`);
  }
  return cidr;
}

function checkOneOf<T>(problems: Problems, at: string, value: unknown, allowed: readonly T[]): void {
  if (!allowed.includes(value as T)) {
    problems.add(at, `${JSON.stringify(value)} is not allowed; use one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  }
}

function checkPattern(problems: Problems, at: string, value: unknown, pattern: RegExp, what: string): void {
  if (typeof value !== "string" || !pattern.test(value)) {
    problems.add(at, `${JSON.stringify(value)} is not ${what}`);
  }
}

function validateEnvironment(key: string, env: EnvironmentConfig, problems: Problems): void {
  const at = (field: string) => `environments.${key}.${field}`;

  if (env.name !== key) problems.add(at("name"), `must equal its key "${key}" (stack names derive from it)`);
  checkPattern(problems, at("name"), env.name, /^[a-z][a-z0-9]{1,9}$/, "2-10 lowercase letters or digits, starting with a letter");
  checkPattern(problems, at("accountId"), env.accountId, /^\d{12}$/, "a 12-digit AWS account id");
  checkOneOf(problems, at("region"), env.region, SUPPORTED_REGIONS);
  checkOneOf(problems, at("backupRegion"), env.backupRegion, SUPPORTED_REGIONS);
  if (env.backupRegion === env.region) {
    problems.add(at("backupRegion"), `must differ from region "${env.region}" so backup copies survive a regional outage`);
  }
  checkPattern(problems, at("owner"), env.owner, /^[a-z0-9][a-z0-9-]{1,62}$/, "a lowercase team name (letters, digits, '-')");
  checkPattern(problems, at("alarmEmail"), env.alarmEmail, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, "an email address");
  if (!CLOUDWATCH_RETENTION_DAYS.includes(env.logRetentionDays as (typeof CLOUDWATCH_RETENTION_DAYS)[number])) {
    problems.add(at("logRetentionDays"), `${env.logRetentionDays} is not a CloudWatch Logs retention value; use one of ${CLOUDWATCH_RETENTION_DAYS.filter((d) => d >= MIN_LOG_RETENTION_DAYS).join(", ")}`);
  } else if (env.logRetentionDays < MIN_LOG_RETENTION_DAYS) {
    problems.add(at("logRetentionDays"), `${env.logRetentionDays} is below the ${MIN_LOG_RETENTION_DAYS}-day minimum for audit logs; raise it`);
  }

  const vpc = checkCidr(problems, at("network.vpcCidr"), env.network?.vpcCidr, "set the VPC range");
  if (vpc && (vpc.prefix < MIN_VPC_PREFIX || vpc.prefix > MAX_VPC_PREFIX)) {
    problems.add(at("network.vpcCidr"), `/${vpc.prefix} is outside /${MIN_VPC_PREFIX}../${MAX_VPC_PREFIX}; AWS allows /16 at most and each of 3 tiers x 3 AZs needs a subnet`);
  }
  if (!Number.isInteger(env.network?.azCount) || env.network.azCount < 2 || env.network.azCount > 3) {
    problems.add(at("network.azCount"), `${JSON.stringify(env.network?.azCount)} must be 2 or 3 (Multi-AZ needs 2; ${env.region} has 3)`);
  }
  checkOneOf(problems, at("network.natGateways"), env.network?.natGateways, ["perAz", "single"]);

  const onPrem = checkCidr(problems, at("onPrem.cidr"), env.onPrem?.cidr, "set the on-premises network range");
  if (vpc && onPrem && cidrsOverlap(vpc, onPrem)) {
    problems.add(at("onPrem.cidr"), `${env.onPrem.cidr} overlaps network.vpcCidr ${env.network.vpcCidr}; VPN routing needs disjoint ranges`);
  }
  const peer = typeof env.onPrem?.vpnPeerIp === "string" ? parseIpv4(env.onPrem.vpnPeerIp) : undefined;
  if (peer === undefined) {
    problems.add(at("onPrem.vpnPeerIp"), `${JSON.stringify(env.onPrem?.vpnPeerIp)} is not an IPv4 address; set the public IP of the on-premises VPN device`);
  } else if (!isPublicIpv4(peer)) {
    problems.add(at("onPrem.vpnPeerIp"), `${env.onPrem.vpnPeerIp} is not a public address; a customer gateway needs the device's internet-facing IP`);
  }
  const asn = env.onPrem?.bgpAsn;
  if (asn !== undefined && !(Number.isInteger(asn) && asn >= 1 && asn <= 4294967294 && asn !== 7224 && asn !== 9059)) {
    problems.add(at("onPrem.bgpAsn"), `${asn} is not a usable BGP ASN (1..4294967294, not AWS's 7224/9059); omit it for static routing`);
  }
  const port = env.onPrem?.databasePort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.add(at("onPrem.databasePort"), `${JSON.stringify(port)} is not a TCP port (1..65535)`);
  }

  const pem = env.onPrem?.certificateAuthorityPem;
  if (typeof pem === "string" && /PRIVATE KEY/.test(pem)) {
    problems.add(at("onPrem.certificateAuthorityPem"), "contains a private key; remove it and give only the CA's public certificate (and rotate that key: it has been copied)");
  } else if (typeof pem !== "string" || !/^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/.test(pem)) {
    problems.add(at("onPrem.certificateAuthorityPem"), "is not one PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----); paste the on-premises CA's public certificate");
  }

  validateOnPremDns(env, onPrem, problems, at);
  validateData(env, problems, at);
  validateAuditAndIdentity(env, problems, at);
  validateEdge(env, problems, at);
  validateCampaign(env, problems, at);

  const state = env.state;
  if (!state || (state.kind !== "local" && state.kind !== "s3")) {
    problems.add(at("state.kind"), `${JSON.stringify((state as { kind?: unknown } | undefined)?.kind)} is not allowed; use "local" or "s3"`);
  } else if (state.kind === "s3") {
    checkPattern(problems, at("state.bucket"), state.bucket, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name");
    checkOneOf(problems, at("state.region"), state.region, SUPPORTED_REGIONS);
    checkPattern(problems, at("state.kmsKeyArn"), state.kmsKeyArn, /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f-]{36})$/, "a KMS key ARN (state is always encrypted with a customer-managed key)");
    const lock = state.lock ?? "lockfile";
    if (lock !== "lockfile") {
      checkPattern(problems, at("state.lock.dynamodbTable"), lock?.dynamodbTable, /^[A-Za-z0-9_.-]{3,255}$/, "a DynamoDB table name");
    }
  }
}

/**
 * The on-premises DNS zone and its resolvers, which Route 53 Resolver forwards to over the
 * VPN: resolvers must sit in the on-premises range (the only one routed and admitted), and
 * the DMS source must be in the zone, or nothing in the VPC can resolve it.
 */
function validateOnPremDns(
  env: EnvironmentConfig,
  onPremCidr: Cidr | undefined,
  problems: Problems,
  at: (field: string) => string,
): void {
  const dns = env.onPrem?.dns;
  const domain = dns?.domain;
  const domainValid = typeof domain === "string" && DNS_NAME.test(domain);
  if (!domainValid) {
    problems.add(at("onPrem.dns.domain"), `${JSON.stringify(domain)} is not a DNS zone name; set the on-premises zone as lowercase labels separated by dots, without a trailing dot (e.g. "medicare.internal")`);
  } else if (domain === "amazonaws.com" || domain.endsWith(".amazonaws.com")) {
    problems.add(at("onPrem.dns.domain"), `${domain} is an AWS service zone; forwarding it on-premises would break the VPC endpoints' private DNS. Set the on-premises zone instead`);
  }

  const servers: unknown = dns?.servers;
  if (!Array.isArray(servers) || servers.length === 0) {
    problems.add(at("onPrem.dns.servers"), "lists no DNS server; give 1..6 IPv4 addresses of the on-premises resolvers");
  } else {
    if (servers.length > MAX_ONPREM_DNS_SERVERS) {
      problems.add(at("onPrem.dns.servers"), `lists ${servers.length} servers; a Resolver forwarding rule takes at most ${MAX_ONPREM_DNS_SERVERS}, so remove some`);
    }
    const seen = new Set<number>();
    servers.forEach((server, i) => {
      const address = typeof server === "string" ? parseIpv4(server) : undefined;
      if (address === undefined) {
        problems.add(at(`onPrem.dns.servers[${i}]`), `${JSON.stringify(server)} is not an IPv4 address; give the on-premises resolver's address`);
      } else if (seen.has(address)) {
        problems.add(at(`onPrem.dns.servers[${i}]`), `${server} is listed twice; remove the duplicate`);
      } else if (onPremCidr && !cidrContains(onPremCidr, address)) {
        problems.add(at(`onPrem.dns.servers[${i}]`), `${server} is outside onPrem.cidr ${env.onPrem.cidr}; only that range is routed over the VPN, so give a resolver inside it (or widen onPrem.cidr)`);
      }
      if (address !== undefined) seen.add(address);
    });
  }

  const host = env.migration?.sourceHost;
  // A malformed host or domain is reported on its own field; this compares two valid names.
  if (domainValid && typeof host === "string" && DNS_NAME.test(host) && !host.endsWith(`.${domain}`)) {
    problems.add(at("migration.sourceHost"), `${host} is not in onPrem.dns.domain ${domain}, so nothing in the VPC can resolve it; use the database's name in that zone (or change onPrem.dns.domain)`);
  }
}

/** Aurora, DMS and export settings: sizes and schedules only, never a switch for a control. */
function validateData(env: EnvironmentConfig, problems: Problems, at: (field: string) => string): void {
  const db = env.database;
  checkPattern(problems, at("database.instanceClass"), db?.instanceClass, /^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class (e.g. \"db.r7g.large\")");
  if (!Number.isInteger(db?.instances) || db.instances < 1 || db.instances > 15) {
    problems.add(at("database.instances"), `${JSON.stringify(db?.instances)} must be 1..15 (1 writer plus readers)`);
  }
  if (!Number.isInteger(db?.backupRetentionDays) || db.backupRetentionDays < MIN_BACKUP_RETENTION_DAYS || db.backupRetentionDays > 35) {
    problems.add(at("database.backupRetentionDays"), `${JSON.stringify(db?.backupRetentionDays)} must be ${MIN_BACKUP_RETENTION_DAYS}..35 days (RDS allows at most 35)`);
  }
  checkPattern(problems, at("database.databaseName"), db?.databaseName, /^[a-z][a-z0-9_]{0,63}$/, "a database name (lowercase letter, then letters, digits, '_')");

  const m = env.migration;
  checkOneOf(problems, at("migration.sourceEngine"), m?.sourceEngine, ["mysql", "mariadb"]);
  checkPattern(problems, at("migration.sourceHost"), m?.sourceHost, DNS_NAME, "a DNS name (verify-full checks the server certificate against it; an IP address cannot be verified)");
  checkPattern(problems, at("migration.sourceDatabaseName"), m?.sourceDatabaseName, /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/, "a MySQL database name");
  checkPattern(problems, at("migration.replicationInstanceClass"), m?.replicationInstanceClass, /^dms\.[a-z0-9]+\.[a-z0-9]+$/, "a DMS instance class (e.g. \"dms.t3.medium\")");
  if (!Number.isInteger(m?.replicationStorageGib) || m.replicationStorageGib < 5 || m.replicationStorageGib > 6144) {
    problems.add(at("migration.replicationStorageGib"), `${JSON.stringify(m?.replicationStorageGib)} must be 5..6144 GiB`);
  }
  if (typeof m?.multiAz !== "boolean") problems.add(at("migration.multiAz"), `${JSON.stringify(m?.multiAz)} must be true or false`);

  const e = env.export;
  checkPattern(problems, at("export.schedule"), e?.schedule, /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/, "an EventBridge Scheduler cron expression with six fields, e.g. \"cron(30 1 * * ? *)\"");
  if (!Number.isInteger(e?.retentionDays) || e.retentionDays < 1 || e.retentionDays > 365) {
    problems.add(at("export.retentionDays"), `${JSON.stringify(e?.retentionDays)} must be 1..365 days`);
  }
  checkPattern(problems, at("export.pullerCommonName"), e?.pullerCommonName, /^[A-Za-z0-9][A-Za-z0-9.-]{2,63}$/, "a certificate common name (letters, digits, '.', '-')");
}

/** CloudTrail retention years (Object Lock): at least a year, at most what S3 Object Lock takes here. */
export const AUDIT_RETENTION_YEARS = { min: 1, max: 10 } as const;

/** How old an MFA sign-in may be when a role people assume is assumed: 5 minutes..1 hour. */
export const MFA_MAX_AGE_SECONDS = { min: 300, max: 3600 } as const;

/** Audit retention and the oldest MFA sign-in a role people assume may accept: amounts only, never a switch. */
function validateAuditAndIdentity(env: EnvironmentConfig, problems: Problems, at: (field: string) => string): void {
  const years = env.audit?.retentionYears;
  if (!Number.isInteger(years) || years < AUDIT_RETENTION_YEARS.min || years > AUDIT_RETENTION_YEARS.max) {
    problems.add(at("audit.retentionYears"), `${JSON.stringify(years)} must be a whole number of years, ${AUDIT_RETENTION_YEARS.min}..${AUDIT_RETENTION_YEARS.max} (the CloudTrail bucket's Object Lock retention)`);
  }
  const age = env.identity?.mfaMaxAgeSeconds;
  if (!Number.isInteger(age) || age < MFA_MAX_AGE_SECONDS.min || age > MFA_MAX_AGE_SECONDS.max) {
    problems.add(at("identity.mfaMaxAgeSeconds"), `${JSON.stringify(age)} must be ${MFA_MAX_AGE_SECONDS.min}..${MFA_MAX_AGE_SECONDS.max} seconds (how old an MFA sign-in may be when a role people assume is assumed)`);
  }
}

/** A whole number in [min, max], else a problem naming the range. */
function checkInteger(problems: Problems, at: string, value: unknown, min: number, max: number, unit: string): boolean {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    problems.add(at, `${JSON.stringify(value)} must be a whole number of ${unit} in ${min}..${max}`);
    return false;
  }
  return true;
}

/**
 * A run may cost up to runBudgetGbp; if that is more than the account's monthly SMS spend limit
 * (at pricing/usage.json's exchange rate), SNS would stop sending half-way through the run.
 */
function checkRunBudgetWithinSmsQuota(problems: Problems, at: (field: string) => string, budgetGbp: number, limitUsd: number): void {
  let gbpPerUsd: number;
  try {
    gbpPerUsd = usageAssumptions().exchangeRate.gbpPerUsd;
  } catch (error) {
    if (!(error instanceof PricingError)) throw error;
    problems.add(at("campaign.runBudgetGbp"), `cannot be checked against the SMS spend limit: ${error.message}`);
    return;
  }
  const budgetUsd = budgetGbp / gbpPerUsd;
  if (budgetUsd > limitUsd) {
    problems.add(
      at("campaign.runBudgetGbp"),
      `${budgetGbp} GBP is USD ${budgetUsd.toFixed(0)} at ${gbpPerUsd} GBP per USD, above campaign.sms.monthlySpendLimitUsd ${limitUsd}: SNS would stop the run half-way; lower the budget or raise the limit (and the account's SMS quota)`,
    );
  }
}

/** WAF rate-based rules count requests per IP over 5 minutes; AWS accepts 10..2e9, below 100 blocks ordinary use. */
export const MIN_RATE_LIMIT = 100;

/**
 * Edge settings: names, sizes, schedules and lifetimes. Nothing here can weaken TLS, MFA,
 * the WAF, IMDSv2 or encryption; those are fixed in modules/edge.
 */
function validateEdge(env: EnvironmentConfig, problems: Problems, at: (field: string) => string): void {
  const edge = env.edge;
  if (edge === undefined || edge === null || typeof edge !== "object") {
    problems.add(at("edge"), "is missing; give the edge settings (zoneName, appHostname, formsHostname, fleet, rateLimitPer5Minutes, patching, snapshots, cognito)");
    return;
  }
  const zoneValid = typeof edge.zoneName === "string" && DNS_NAME.test(edge.zoneName);
  if (!zoneValid) {
    problems.add(at("edge.zoneName"), `${JSON.stringify(edge.zoneName)} is not a DNS zone name; give lowercase labels separated by dots, without a trailing dot (e.g. "dev.medicare.example")`);
  }
  for (const field of ["appHostname", "formsHostname"] as const) {
    const host = edge[field];
    if (typeof host !== "string" || !DNS_NAME.test(host)) {
      problems.add(at(`edge.${field}`), `${JSON.stringify(host)} is not a host name (lowercase labels separated by dots)`);
    } else if (zoneValid && !host.endsWith(`.${edge.zoneName}`)) {
      problems.add(at(`edge.${field}`), `${host} is not inside edge.zoneName ${edge.zoneName}; its certificate is validated and its alias written in that zone, so use a name under it`);
    }
  }
  if (edge.appHostname === edge.formsHostname) {
    problems.add(at("edge.formsHostname"), `equals edge.appHostname (${edge.appHostname}); the load balancer and CloudFront each need their own name`);
  }

  const fleet = edge.fleet;
  checkPattern(problems, at("edge.fleet.instanceType"), fleet?.instanceType, /^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "an EC2 instance type (e.g. \"t3.small\")");
  const min = checkInteger(problems, at("edge.fleet.minSize"), fleet?.minSize, 1, 20, "instances");
  const desired = checkInteger(problems, at("edge.fleet.desiredCapacity"), fleet?.desiredCapacity, 1, 20, "instances");
  const max = checkInteger(problems, at("edge.fleet.maxSize"), fleet?.maxSize, 1, 20, "instances");
  if (min && desired && max && !(fleet.minSize <= fleet.desiredCapacity && fleet.desiredCapacity <= fleet.maxSize)) {
    problems.add(at("edge.fleet"), `sizes must satisfy minSize <= desiredCapacity <= maxSize (got ${fleet.minSize} <= ${fleet.desiredCapacity} <= ${fleet.maxSize})`);
  }
  checkInteger(problems, at("edge.fleet.targetCpuPercent"), fleet?.targetCpuPercent, 10, 90, "percent");
  checkInteger(problems, at("edge.fleet.rootVolumeGib"), fleet?.rootVolumeGib, 8, 200, "GiB");

  checkInteger(problems, at("edge.rateLimitPer5Minutes"), edge.rateLimitPer5Minutes, MIN_RATE_LIMIT, 2_000_000_000, "requests");

  checkPattern(problems, at("edge.patching.windowSchedule"), edge.patching?.windowSchedule, /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/, "an SSM maintenance window cron expression with six fields, e.g. \"cron(0 2 ? * SUN *)\"");
  checkInteger(problems, at("edge.patching.windowHours"), edge.patching?.windowHours, 2, 24, "hours (the last hour is the cutoff for new tasks)");

  checkPattern(problems, at("edge.snapshots.dailyAtUtc"), edge.snapshots?.dailyAtUtc, /^([01]\d|2[0-3]):[0-5]\d$/, "a time of day as HH:MM (UTC)");
  checkInteger(problems, at("edge.snapshots.retainCount"), edge.snapshots?.retainCount, 1, 1000, "snapshots");
  checkInteger(problems, at("edge.snapshots.copyRetentionDays"), edge.snapshots?.copyRetentionDays, 1, 365, "days");

  const cognito = edge.cognito;
  checkInteger(problems, at("edge.cognito.accessTokenMinutes"), cognito?.accessTokenMinutes, 5, 60, "minutes");
  checkInteger(problems, at("edge.cognito.staffRefreshTokenHours"), cognito?.staffRefreshTokenHours, 1, 24, "hours (staff sign in again at least daily)");
  checkInteger(problems, at("edge.cognito.patientRefreshTokenHours"), cognito?.patientRefreshTokenHours, 1, 720, "hours");
}

/** The SQS event source's maximum concurrency: AWS accepts 2..1000; beyond 50 the database proxy, not the workers, is the limit. */
export const SEND_CONCURRENCY = { min: 2, max: 50 } as const;
/** The slowest per-worker rate the send worker accepts (functions/campaign-send: SMS_PER_SECOND, EMAIL_PER_SECOND). */
const MIN_WORKER_RATE = 0.1;
const SCHEDULER_CRON = /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/;

/**
 * Campaign settings: who messages come from, rates, schedules. The practice name and API host
 * are checked exactly as the functions check them at cold start (every SMS must fit one
 * GSM-7 segment), so a bad value fails the synth rather than the first send.
 */
function validateCampaign(env: EnvironmentConfig, problems: Problems, at: (field: string) => string): void {
  const campaign = env.campaign;
  if (campaign === undefined || campaign === null || typeof campaign !== "object") {
    problems.add(at("campaign"), "is missing; give the campaign settings (apiHostname, practice, email, sms, sendConcurrency, schedules, reportCampaignId, staffEmail, operationsEmail)");
    return;
  }
  const zone = env.edge?.zoneName;
  const taken = [env.edge?.appHostname, env.edge?.formsHostname];
  for (const field of ["apiHostname", "staffApiHostname"] as const) {
    const host = campaign[field];
    if (typeof host !== "string" || !DNS_NAME.test(host)) {
      problems.add(at(`campaign.${field}`), `${JSON.stringify(host)} is not a host name (lowercase labels separated by dots)`);
    } else if (typeof zone === "string" && !host.endsWith(`.${zone}`)) {
      problems.add(at(`campaign.${field}`), `${host} is not inside edge.zoneName ${zone}; its certificate is validated and its alias written in that zone`);
    } else if (taken.includes(host)) {
      problems.add(at(`campaign.${field}`), `${host} is already another host name of the environment; each API needs its own`);
    }
    taken.push(host);
  }
  const practice = campaign.practice;
  if (typeof practice?.name !== "string" || typeof campaign.apiHostname !== "string") {
    problems.add(at("campaign.practice.name"), "is missing; give the practice's name as patients know it");
  } else {
    try {
      validateMessagingSettings(
        { practiceName: practice.name, baseUrl: `https://${campaign.apiHostname}` },
        { practiceName: at("campaign.practice.name"), baseUrl: at("campaign.apiHostname") },
      );
    } catch (error) {
      problems.add(at("campaign.practice"), (error as Error).message);
    }
  }
  checkPattern(problems, at("campaign.practice.phone"), practice?.phone, /^\+?[0-9][0-9 ]{6,18}[0-9]$/, "a telephone number patients can call (digits and spaces, optional leading +)");
  checkPattern(problems, at("campaign.email.fromLocalPart"), campaign.email?.fromLocalPart, /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/, "the part of the sender address before @ (lowercase letters, digits, . _ -)");
  checkPattern(problems, at("campaign.email.mailFromLabel"), campaign.email?.mailFromLabel, /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "one DNS label (e.g. \"mail\"): the MAIL FROM domain is <label>.<zone>");
  const concurrency = checkInteger(problems, at("campaign.sendConcurrency"), campaign.sendConcurrency, SEND_CONCURRENCY.min, SEND_CONCURRENCY.max, "send workers");
  const rates: [string, unknown][] = [
    ["campaign.email.messagesPerSecond", campaign.email?.messagesPerSecond],
    ["campaign.sms.messagesPerSecond", campaign.sms?.messagesPerSecond],
  ];
  for (const [field, rate] of rates) {
    if (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0 || rate > 10_000) {
      problems.add(at(field), `${JSON.stringify(rate)} must be a number of messages per second in (0, 10000]: the account's quota`);
    } else if (concurrency && rate / campaign.sendConcurrency < MIN_WORKER_RATE) {
      problems.add(at(field), `${rate} shared by ${campaign.sendConcurrency} workers is below ${MIN_WORKER_RATE} per worker; lower campaign.sendConcurrency`);
    }
  }
  const spendLimit = checkInteger(problems, at("campaign.sms.monthlySpendLimitUsd"), campaign.sms?.monthlySpendLimitUsd, 1, 1_000_000, "US dollars");
  if (checkInteger(problems, at("campaign.runBudgetGbp"), campaign.runBudgetGbp, 1, 1_000_000, "pounds (GBP) a campaign run may cost") && spendLimit) {
    checkRunBudgetWithinSmsQuota(problems, at, campaign.runBudgetGbp, campaign.sms.monthlySpendLimitUsd);
  }
  const senderId = campaign.sms?.senderId;
  if (senderId !== undefined) checkPattern(problems, at("campaign.sms.senderId"), senderId, /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, "1 to 11 letters and digits with at least one letter (or omit it)");
  for (const job of ["reminder", "report"] as const) {
    checkPattern(problems, at(`campaign.schedules.${job}`), campaign.schedules?.[job], SCHEDULER_CRON, "an EventBridge Scheduler cron expression with six fields, e.g. \"cron(0 10 ? * MON *)\" (Europe/London)");
  }
  checkInteger(problems, at("campaign.reportCampaignId"), campaign.reportCampaignId, 1, Number.MAX_SAFE_INTEGER, "(a campaign's database id)");
  for (const field of ["staffEmail", "operationsEmail"] as const) {
    checkPattern(problems, at(`campaign.${field}`), campaign[field], /^[^\s@]+@[^\s@]+\.[^\s@]+$/, "an email address");
  }
  if (campaign.followUpFormSlug !== undefined) {
    checkPattern(problems, at("campaign.followUpFormSlug"), campaign.followUpFormSlug, SLUG_PATTERN, "a published form's slug (lowercase letters and digits joined by single dashes), or omit it");
  }
}

/**
 * Validates every environment and the relations between them.
 * @throws ConfigError listing every problem, each naming the field to change.
 */
export function validateEnvironments(environments: Readonly<Record<string, EnvironmentConfig>>): void {
  const problems = new Problems();
  const keys = Object.keys(environments);
  if (keys.length === 0) problems.add("environments", "no environment is defined");
  for (const key of keys) validateEnvironment(key, environments[key], problems);

  // Every VPC reaches the same on-premises network, whose router needs one route per VPC.
  for (let i = 0; i < keys.length; i++) {
    for (let j = i + 1; j < keys.length; j++) {
      const a = parseCidr(environments[keys[i]].network?.vpcCidr ?? "");
      const b = parseCidr(environments[keys[j]].network?.vpcCidr ?? "");
      if (a && b && cidrsOverlap(a, b)) {
        problems.add(`environments.${keys[j]}.network.vpcCidr`, `${environments[keys[j]].network.vpcCidr} overlaps environments.${keys[i]}.network.vpcCidr ${environments[keys[i]].network.vpcCidr}; give each environment its own range`);
      }
    }
  }
  if (problems.list.length > 0) throw new ConfigError(problems.list);
}

/**
 * Picks the environments to synthesize from a comma-separated selection.
 * @throws ConfigError naming the unknown environment and the known ones.
 */
export function selectEnvironments(
  environments: Readonly<Record<string, EnvironmentConfig>>,
  selection: string | undefined,
): EnvironmentConfig[] {
  const known = Object.keys(environments);
  if (selection === undefined || selection.trim() === "") return known.map((k) => environments[k]);
  const wanted = selection.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length > 0) {
    throw new ConfigError(unknown.map((u) => `environment ${JSON.stringify(u)} is unknown; choose from ${known.join(", ")}`));
  }
  return wanted.map((w) => environments[w]);
}
