import { Construct } from "constructs";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { DatabaseConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { ServiceRole } from "../iam/service-role";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { TieredVpc } from "../network/vpc";
import { DomainKey, requireKeyOf } from "../security/keys";

/**
 * Aurora MySQL 3 (MySQL 8.0 compatible). A pinned starting point only: auto minor version
 * upgrade (always on, for patching) moves the cluster to newer 3.x releases, and Terraform
 * ignores that drift. Not an LTS release on purpose: AWS advises against auto minor
 * upgrades on LTS releases, and patching wins over version stability here.
 */
export const AURORA_MYSQL_VERSION = "8.0.mysql_aurora.3.11.1";
const PARAMETER_GROUP_FAMILY = "aurora-mysql8.0";
const MYSQL_PORT = 3306;
/**
 * The master user. RDS Proxy signs in to Aurora with its managed secret, so it is also the
 * user every function names when it connects through the proxy with an IAM token.
 */
export const MASTER_USERNAME = "medicare_admin";

/** The logs every cluster exports to CloudWatch Logs (each to a pre-created, encrypted group). */
export const AURORA_LOG_EXPORTS = ["audit", "error", "slowquery"] as const;

/**
 * What Advanced Auditing records:
 * - CONNECT: logins, logouts and failed logins, with user and source host;
 * - QUERY_DCL, QUERY_DDL: grants, users and schema changes, with their statement text;
 * - TABLE: which user read or wrote which table, and when, WITHOUT the statement text.
 * Not QUERY / QUERY_DML: their statement text carries the literal values of every insert,
 * update and WHERE clause (names, phone numbers, emails of patients), which would copy PHI
 * into the log groups for their whole retention, and the campaign issues hundreds of
 * thousands of such statements per run. TABLE answers the HIPAA audit question (who
 * touched patient data, when) without the copy.
 */
export const AUDIT_EVENTS = "CONNECT,QUERY_DCL,QUERY_DDL,TABLE";

/** Enhanced Monitoring granularity: fine enough to see a CPU or memory spike of a campaign burst. */
export const MONITORING_INTERVAL_SECONDS = 15;
/** Performance Insights retention: the free tier (Database Insights standard mode). */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7;

/** Automated backups: RDS allows 1..35 days; below 7 is not a recovery plan. */
const MIN_BACKUP_RETENTION_DAYS = 7;
const MAX_BACKUP_RETENTION_DAYS = 35;

/**
 * Windows in UTC, outside UK clinic hours in both GMT and BST: the daily backup snapshot
 * finishes before the 01:30 (London) export starts; maintenance is early on Sunday.
 */
const BACKUP_WINDOW = "23:00-23:45";
const MAINTENANCE_WINDOW = "sun:02:00-sun:03:00";

/** Server certificate authority of the instances (RSA 2048, valid to 2061). */
const CA_CERTIFICATE = "rds-ca-rsa2048-g1";

export interface AuroraDatabaseProps {
  /** Instance class and count, backup retention, database name (env.database). */
  readonly config: DatabaseConfig;
  /** The VPC: the cluster lives in its data subnets and admits the app tier. */
  readonly network: TieredVpc;
  /** Encrypts storage, snapshots, the managed master secret and Performance Insights. */
  readonly dataKey: DomainKey;
  /** Encrypts the exported database logs and the Enhanced Monitoring log group. */
  readonly logsKey: DomainKey;
  /** Permission boundary of the Enhanced Monitoring role. */
  readonly boundary: PermissionBoundary;
}

/**
 * The Aurora MySQL cluster of the environment, in the data tier. Always: storage, secret
 * and Performance Insights encrypted with the data key; TLS required; IAM database
 * authentication; the master password generated and rotated by RDS in Secrets Manager (no
 * password in the configuration); audit, error and slow-query logs exported to encrypted
 * log groups; Enhanced Monitoring; deletion protection, backups, copy of tags to snapshots,
 * a final snapshot; instances spread over the AZs, private, auto-patched.
 */
export class AuroraDatabase extends Construct {
  readonly cluster: RdsCluster;
  readonly instances: readonly RdsClusterInstance[];
  /** The cluster's security group; admits MySQL from the app tier and from allowFrom() peers. */
  readonly securityGroup: SecurityGroup;
  readonly clusterParameterGroup: RdsClusterParameterGroup;
  /** The RDS-managed Secrets Manager secret that holds the master credentials. */
  readonly masterSecretArn: string;
  readonly port = MYSQL_PORT;
  readonly clusterIdentifier: string;

  constructor(scope: Construct, id: string, props: AuroraDatabaseProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const { config, network } = props;
    requireKeyOf("data", props.dataKey, this, "dataKey");
    requireKeyOf("logs", props.logsKey, this, "logsKey");
    const azs = network.layout.azs;
    if (!Number.isInteger(config.instances) || config.instances < 1 || config.instances > 15) {
      throw new Error(`${this.node.path}: database.instances is ${config.instances}; use 1 (writer only) to 15`);
    }
    if (config.instances > 1 && azs.length < 2) {
      throw new Error(`${this.node.path}: ${config.instances} instances need at least 2 AZs to spread over; the VPC has ${azs.length}`);
    }
    const retention = config.backupRetentionDays;
    if (!Number.isInteger(retention) || retention < MIN_BACKUP_RETENTION_DAYS || retention > MAX_BACKUP_RETENTION_DAYS) {
      throw new Error(`${this.node.path}: database.backupRetentionDays is ${retention}; use ${MIN_BACKUP_RETENTION_DAYS}..${MAX_BACKUP_RETENTION_DAYS}`);
    }

    this.clusterIdentifier = stack.resourceName("aurora");
    const dataSubnets = network.subnets.data;

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: this.clusterIdentifier,
      // No egress rules: Terraform removes AWS's default allow-all egress, and Aurora needs
      // none. Replies to admitted connections pass (security groups are stateful), and the
      // cluster calls no other service (no S3 load, Lambda invoke or outbound replication).
      description: "MySQL to the Aurora cluster from the app tier and named security groups only",
      vpcId: network.vpc.id,
      tags: { Name: this.clusterIdentifier },
    });
    new VpcSecurityGroupIngressRule(this, "mysql-from-app-tier", {
      securityGroupId: this.securityGroup.id,
      description: "MySQL (TLS) from the app tier",
      ipProtocol: "tcp",
      fromPort: MYSQL_PORT,
      toPort: MYSQL_PORT,
      cidrIpv4: network.layout.tierCidr("app"),
    });

    const subnetGroup = new DbSubnetGroup(this, "subnet-group", {
      name: this.clusterIdentifier,
      description: "Data-tier subnets of the Aurora cluster (no route to the internet)",
      subnetIds: dataSubnets.map((s) => s.id),
    });

    this.clusterParameterGroup = new RdsClusterParameterGroup(this, "cluster-parameters", {
      name: `${this.clusterIdentifier}-cluster`,
      family: PARAMETER_GROUP_FAMILY,
      description: "TLS required and Advanced Auditing on",
      parameter: [
        // Refuse every connection that is not TLS (error 3159), whatever the client asks for.
        { name: "require_secure_transport", value: "ON" },
        // MySQL 8.0 engines accept TLS 1.2 and 1.3 only; say so rather than rely on defaults.
        { name: "tls_version", value: "TLSv1.2,TLSv1.3", applyMethod: "pending-reboot" },
        { name: "server_audit_logging", value: "1" },
        { name: "server_audit_events", value: AUDIT_EVENTS },
      ],
    });
    const instanceParameters = new DbParameterGroup(this, "instance-parameters", {
      name: `${this.clusterIdentifier}-instance`,
      family: PARAMETER_GROUP_FAMILY,
      description: "Slow-query log written to a file, so the slowquery export has content",
      parameter: [
        { name: "slow_query_log", value: "1" },
        { name: "long_query_time", value: "2" },
        { name: "log_output", value: "FILE" },
      ],
    });

    // RDS would create these groups on first export, unencrypted and kept forever.
    const exportGroups = AURORA_LOG_EXPORTS.map(
      (log) =>
        new EncryptedLogGroup(this, `log-${log}`, {
          path: { awsName: `/aws/rds/cluster/${this.clusterIdentifier}/${log}` },
          key: props.logsKey,
        }),
    );

    this.cluster = new RdsCluster(this, "cluster", {
      clusterIdentifier: this.clusterIdentifier,
      engine: "aurora-mysql",
      engineVersion: AURORA_MYSQL_VERSION,
      databaseName: config.databaseName,
      port: MYSQL_PORT,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      dbClusterParameterGroupName: this.clusterParameterGroup.name,
      storageEncrypted: true,
      kmsKeyId: props.dataKey.arn,
      masterUsername: MASTER_USERNAME,
      // RDS generates the password, keeps it in Secrets Manager under the data key and
      // rotates it (every 7 days by default); it never appears in Terraform or its state.
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.dataKey.arn,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: [...AURORA_LOG_EXPORTS],
      backupRetentionPeriod: retention,
      preferredBackupWindow: BACKUP_WINDOW,
      preferredMaintenanceWindow: MAINTENANCE_WINDOW,
      copyTagsToSnapshot: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${this.clusterIdentifier}-final`,
      // Automated backups outlive an (intended) deletion, for their retention period.
      deleteAutomatedBackups: false,
      tags: { Name: this.clusterIdentifier },
      dependsOn: exportGroups.map((g) => g.logGroup),
      // Auto minor version upgrade moves engine_version; without this Terraform would try to
      // downgrade the cluster to the pinned version on the next apply.
      lifecycle: { ignoreChanges: ["engine_version"] },
    });
    this.masterSecretArn = this.cluster.masterUserSecret.get(0).secretArn;

    const monitoring = this.enhancedMonitoring(props);

    this.instances = Array.from({ length: config.instances }, (_, i) => {
      const ordinal = i + 1;
      return new RdsClusterInstance(this, `instance-${ordinal}`, {
        identifier: `${this.clusterIdentifier}-${ordinal}`,
        clusterIdentifier: this.cluster.id,
        engine: "aurora-mysql",
        instanceClass: config.instanceClass,
        // The writer in the first AZ, each reader in the next: one AZ outage leaves a reader to promote.
        availabilityZone: azs[i % azs.length],
        // The first instance is the writer; readers fail over in order.
        promotionTier: i,
        dbSubnetGroupName: subnetGroup.name,
        dbParameterGroupName: instanceParameters.name,
        caCertIdentifier: CA_CERTIFICATE,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        copyTagsToSnapshot: true,
        monitoringInterval: MONITORING_INTERVAL_SECONDS,
        monitoringRoleArn: monitoring.role.arn,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: props.dataKey.arn,
        performanceInsightsRetentionPeriod: PERFORMANCE_INSIGHTS_RETENTION_DAYS,
        tags: { Name: `${this.clusterIdentifier}-${ordinal}` },
        // The role must carry its policy, and the group exist encrypted, before RDS starts monitoring.
        dependsOn: [monitoring.policy, monitoring.logGroup.logGroup],
      });
    });
  }

  /** The ARN of the cluster, e.g. for a backup selection. */
  get arn(): string {
    return this.cluster.arn;
  }

  /**
   * Admits MySQL to the cluster from another security group (RDS Proxy, DMS, a secret
   * rotation function). `id` names the rule within this construct.
   */
  allowFrom(id: string, sourceSecurityGroupId: string, description: string): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(this, id, {
      securityGroupId: this.securityGroup.id,
      description,
      ipProtocol: "tcp",
      fromPort: MYSQL_PORT,
      toPort: MYSQL_PORT,
      referencedSecurityGroupId: sourceSecurityGroupId,
    });
  }

  /**
   * Enhanced Monitoring writes OS metrics to the log group `RDSOSMetrics` (one per account
   * and region; this stack is the only one that creates it). The role may write streams
   * there and nothing else. Unlike the managed AmazonRDSEnhancedMonitoringRole it gets no
   * logs:PutRetentionPolicy (the group is created with the environment's retention, and the
   * boundary forbids changing it) and no logs:GetLogEvents (it writes, it does not read).
   */
  private enhancedMonitoring(props: AuroraDatabaseProps): { role: ServiceRole; policy: IamRolePolicy; logGroup: EncryptedLogGroup } {
    const stack = MedicareStack.of(this);
    const logGroup = new EncryptedLogGroup(this, "os-metrics", { path: { awsName: "RDSOSMetrics" }, key: props.logsKey });
    const role = new ServiceRole(this, "monitoring-role", {
      name: "aurora-monitoring",
      description: "RDS Enhanced Monitoring writes OS metrics of the Aurora instances to RDSOSMetrics",
      servicePrincipal: "monitoring.rds.amazonaws.com",
      sourceArnLike: `arn:aws:rds:${stack.region}:${stack.accountId}:db:${this.clusterIdentifier}-*`,
      boundary: props.boundary,
      statements: [
        {
          // The agent creates the group when missing; it exists already, so this is a no-op.
          // IAM matches a log group by either ARN form (with or without ":*"); name both.
          sid: "EnsureItsLogGroup",
          actions: ["logs:CreateLogGroup"],
          resources: [logGroup.arn, `${logGroup.arn}:*`],
        },
        {
          sid: "WriteOsMetricStreams",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [`${logGroup.arn}:*`],
        },
      ],
    });
    const policy = role.node.findChild("policy") as IamRolePolicy;
    return { role, policy, logGroup };
  }
}
