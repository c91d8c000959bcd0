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

export interface IdentityConfig {
  /**
   * Principals allowed to assume the persona roles, always with MFA: the identity account
   * (`arn:aws:iam::<account>:root`) or named roles in it (e.g. an IAM Identity Center
   * permission-set role). Never `*` and never this environment's own account.
   */
  readonly trustedPrincipalArns: readonly string[];
  /** Oldest MFA sign-in, in seconds, with which a persona role may be assumed (300..3600). */
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
}

/** Data classification written to the `data-classification` tag of each stack. */
export type DataClassification = "public" | "internal" | "confidential" | "phi";
