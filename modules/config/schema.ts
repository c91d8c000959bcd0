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
  readonly state: StateBackendConfig;
}

/** Data classification written to the `data-classification` tag of each stack. */
export type DataClassification = "public" | "internal" | "confidential" | "phi";
