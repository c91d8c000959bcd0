/**
 * The typed environment configuration.
 *
 * A config changes names, counts, sizes and addresses. It has no field that turns
 * encryption, logging, MFA, deletion protection or any other security property off:
 * those live in the constructs, not here.
 */

/** Where Terraform keeps the state of each stack. */
export type StateBackendConfig =
  | {
      /** Local state file beside each synthesized stack. Needs nothing; for development. */
      readonly kind: "local";
    }
  | {
      /** S3 state, always encrypted with a customer-managed key and locked. */
      readonly kind: "s3";
      /** Name of an existing, versioned bucket that holds the state objects. */
      readonly bucket: string;
      /** Region of that bucket. */
      readonly region: string;
      /** ARN of the KMS key that encrypts state objects. */
      readonly kmsKeyArn: string;
      /**
       * How state is locked. `lockfile` uses S3 conditional writes (Terraform >= 1.10,
       * OpenTofu >= 1.10); a DynamoDB table name uses the older table lock.
       * @default "lockfile"
       */
      readonly lock?: "lockfile" | { readonly dynamodbTable: string };
    };

export interface NetworkConfig {
  /** IPv4 CIDR of the VPC, /16 to /22; split into public, app and data tiers. */
  readonly vpcCidr: string;
  /** Availability zones to spread over (2 or 3; eu-west-2 has 3). */
  readonly azCount: number;
  /** One NAT gateway per AZ (resilient) or a single one (cheaper, for dev). */
  readonly natGateways: "perAz" | "single";
}

export interface OnPremConfig {
  /** IPv4 CIDR of the on-premises network reached over the site-to-site VPN. */
  readonly cidr: string;
  /** Public IPv4 address of the on-premises VPN device (customer gateway). */
  readonly vpnPeerIp: string;
  /**
   * BGP ASN of the on-premises device; when absent the VPN uses static routes to `cidr`.
   * @default static routing
   */
  readonly bgpAsn?: number;
  /** TCP port of the on-premises database that DMS replicates from. */
  readonly databasePort: number;
  /**
   * PEM of the on-premises certificate authority. It signed the on-premises database's
   * server certificate (DMS verifies it: SSL verify-full) and the export puller's client
   * certificate (IAM Roles Anywhere trusts it).
   */
  readonly certificateAuthorityPem: string;
  /** The on-premises DNS zone, which the VPC forwards to the on-premises resolvers. */
  readonly dns: OnPremDnsConfig;
}

export interface OnPremDnsConfig {
  /**
   * The zone the on-premises DNS servers answer for, e.g. `medicare.internal`; every name
   * in it (such as migration.sourceHost) resolves inside the VPC through Route 53 Resolver.
   */
  readonly domain: string;
  /** IPv4 addresses of the on-premises DNS servers (1..6), inside `cidr`; queries go to all of them. */
  readonly servers: readonly string[];
}

export interface DatabaseConfig {
  /** Aurora instance class, e.g. `db.r7g.large`. */
  readonly instanceClass: string;
  /** Instances in the cluster: 1 is a writer only; each further one is a reader in the next AZ. */
  readonly instances: number;
  /** Days of automated backups and point-in-time recovery (7..35). */
  readonly backupRetentionDays: number;
  /** Name of the application database (schema) created in the cluster. */
  readonly databaseName: string;
}

export interface MigrationConfig {
  /** Engine of the on-premises database that DMS replicates from. */
  readonly sourceEngine: "mysql" | "mariadb";
  /** DNS name of the on-premises database server; its TLS certificate must name it (verify-full). */
  readonly sourceHost: string;
  /** Database (schema) on the on-premises server that holds the patients. */
  readonly sourceDatabaseName: string;
  /** DMS replication instance class, e.g. `dms.t3.medium`. */
  readonly replicationInstanceClass: string;
  /** Storage of the replication instance, in GiB (cached changes and task logs). */
  readonly replicationStorageGib: number;
  /** A standby replication instance in a second AZ. */
  readonly multiAz: boolean;
}

export interface ExportConfig {
  /** When the daily export starts: an EventBridge Scheduler cron expression in Europe/London. */
  readonly schedule: string;
  /** Days each daily export is locked (Object Lock, compliance mode) and then kept before expiry. */
  readonly retentionDays: number;
  /** Common name (CN) of the certificate that the on-premises puller presents to IAM Roles Anywhere. */
  readonly pullerCommonName: string;
}

export interface AuditConfig {
  /**
   * Years every CloudTrail log file is kept under Object Lock (compliance mode) in the audit
   * bucket and its replica, then expired (1..10; HIPAA documentation is kept six years).
   */
  readonly retentionYears: number;
}

/**
 * People reach the environment's account through their persona's IAM Identity Center
 * permission set (`ORGANIZATION.identityCenter`, modules/config/organization.ts); no role
 * here trusts another account's principals.
 */
export interface IdentityConfig {
  /** Oldest MFA sign-in, in seconds, any role people assume may accept (300..3600; IAM-004). */
  readonly mfaMaxAgeSeconds: number;
}

export interface EnvironmentConfig {
  /** Short environment name; prefixes every stack (`<env>-<component>`) and resource name. */
  readonly name: string;
  /** The AWS account this environment deploys into (12 digits); the provider refuses any other. */
  readonly accountId: string;
  /** Primary region. */
  readonly region: string;
  /** Region that holds backup copies (AWS Backup copy, replication). */
  readonly backupRegion: string;
  /** Team that owns the environment; written to the `owner` tag. */
  readonly owner: string;
  /** Email address that receives operational and security alarms. */
  readonly alarmEmail: string;
  /** Retention of every CloudWatch log group, in days (>= 365; a CloudWatch-supported value). */
  readonly logRetentionDays: number;
  readonly network: NetworkConfig;
  readonly onPrem: OnPremConfig;
  readonly database: DatabaseConfig;
  readonly migration: MigrationConfig;
  readonly export: ExportConfig;
  readonly audit: AuditConfig;
  readonly identity: IdentityConfig;
  readonly state: StateBackendConfig;
  readonly edge: EdgeConfig;
  readonly campaign: CampaignConfig;
}

export interface EdgeConfig {
  /**
   * The public Route 53 hosted zone the edge stack creates and owns (DNSSEC-signed,
   * query-logged), e.g. `dev.medicare.example`; delegate it from the parent zone.
   */
  readonly zoneName: string;
  /** Host name of the staff and provider web application (the ALB), inside `zoneName`. */
  readonly appHostname: string;
  /** Host name of the booking forms and patient information (CloudFront), inside `zoneName`. */
  readonly formsHostname: string;
  readonly fleet: AppFleetConfig;
  /** Requests per 5 minutes from one IP address before the WAF rate-based rule blocks it (100..2,000,000,000). */
  readonly rateLimitPer5Minutes: number;
  readonly patching: PatchingConfig;
  readonly snapshots: SnapshotConfig;
  readonly cognito: CognitoConfig;
}

export interface AppFleetConfig {
  /** EC2 instance type of the web application, e.g. `t3.small` (a Graviton type, e.g. `t4g.small`, gets the arm64 image). */
  readonly instanceType: string;
  /** Auto Scaling group sizes: 1 <= min <= desired <= max <= 20. */
  readonly minSize: number;
  readonly desiredCapacity: number;
  readonly maxSize: number;
  /** Average CPU utilisation (percent, 10..90) that target tracking keeps the group at. */
  readonly targetCpuPercent: number;
  /** Size of each instance's root volume, in GiB (8..200). */
  readonly rootVolumeGib: number;
}

export interface PatchingConfig {
  /** When the patch maintenance window opens: an SSM cron expression, in Europe/London, e.g. `cron(0 2 ? * SUN *)`. */
  readonly windowSchedule: string;
  /** How long the window stays open, in hours (2..24; no new task starts in the last hour). */
  readonly windowHours: number;
}

export interface SnapshotConfig {
  /** Time of day (UTC, `HH:MM`) of the daily EBS snapshot. */
  readonly dailyAtUtc: string;
  /** Daily snapshots kept in the primary region (1..1000). */
  readonly retainCount: number;
  /** Days each encrypted copy is kept in the backup region (1..365). */
  readonly copyRetentionDays: number;
}

export interface CognitoConfig {
  /** Lifetime of access and ID tokens, in minutes (5..60). */
  readonly accessTokenMinutes: number;
  /** Lifetime of refresh tokens for staff, in hours (1..24: staff sign in again each working day). */
  readonly staffRefreshTokenHours: number;
  /** Lifetime of refresh tokens for patients, in hours (1..720). */
  readonly patientRefreshTokenHours: number;
}

/**
 * The flu-vaccination campaign engine (`<env>-campaign`): who the messages come from, how
 * fast they may go, and when the weekly jobs run. Encryption, DLQs, tracing, WAF and the
 * staff sign-in are fixed in modules/campaign, not here.
 */
export interface CampaignConfig {
  /** Host name of the public HTTPS API (patient links, booking, form submission, staff routes), inside `edge.zoneName`. */
  readonly apiHostname: string;
  /**
   * Host name of the staff HTTPS API (form publishing, campaign runs), inside `edge.zoneName`.
   * Its own name: API Gateway maps a domain's root to one API only.
   */
  readonly staffApiHostname: string;
  /** The practice as patients know it: named in every message and page. */
  readonly practice: { readonly name: string; readonly phone: string };
  /** Email: SES identity is `edge.zoneName` (DKIM-signed); messages come from `<fromLocalPart>@<zone>`. */
  readonly email: {
    readonly fromLocalPart: string;
    /** Custom MAIL FROM subdomain label, e.g. `mail` for `mail.<zone>` (SPF alignment for DMARC). */
    readonly mailFromLabel: string;
    /** The account's SES maximum send rate (messages per second) that all send workers share. */
    readonly messagesPerSecond: number;
  };
  readonly sms: {
    /** SNS SMS monthly spend limit in USD (the account's quota must be raised to at least this). */
    readonly monthlySpendLimitUsd: number;
    /** The account's SMS throughput (messages per second) that all send workers share; SNS's default is 20. */
    readonly messagesPerSecond: number;
    /** Alphanumeric sender id (1-11 letters/digits, at least one letter), where the destination country supports one. */
    readonly senderId?: string;
  };
  /**
   * The most one campaign run may cost, in GBP (SMS segments and e-mails at the prices of
   * pricing/<region>.json): the planner works out the run's cost first and refuses to start
   * above it, changing nothing. At the configured exchange rate it must stay within
   * `sms.monthlySpendLimitUsd`, or SNS would stop the run half-way.
   */
  readonly runBudgetGbp: number;
  /** Send workers running at once (the SQS event source's maximum concurrency, 2..50); each gets rate/concurrency. */
  readonly sendConcurrency: number;
  /** When the reminder and the report run: EventBridge Scheduler cron expressions, in Europe/London. */
  readonly schedules: { readonly reminder: string; readonly report: string };
  /** The campaign (database id) the weekly report covers: this season's flu campaign. */
  readonly reportCampaignId: number;
  /** Who is told that a weekly report is ready (no patient data in the message). */
  readonly staffEmail: string;
  /** Who receives the operations alarms (dead letters, errors, throttles, SMS and email delivery). */
  readonly operationsEmail: string;
  /** Slug of the published follow-up form the booking pages lead to, if any. */
  readonly followUpFormSlug?: string;
}

/** Data classification written to the `data-classification` tag of each stack. */
export type DataClassification = "public" | "internal" | "confidential" | "phi";
