import { Construct } from "constructs";
import { DmsCertificate } from "@cdktf/provider-aws/lib/dms-certificate";
import { DmsEndpoint } from "@cdktf/provider-aws/lib/dms-endpoint";
import { DmsReplicationInstance } from "@cdktf/provider-aws/lib/dms-replication-instance";
import { DmsReplicationSubnetGroup } from "@cdktf/provider-aws/lib/dms-replication-subnet-group";
import { DmsReplicationTask } from "@cdktf/provider-aws/lib/dms-replication-task";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { MigrationConfig, OnPremConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { ServiceRole } from "../iam/service-role";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { TieredVpc } from "../network/vpc";
import { DomainKey, requireKeyOf } from "../security/keys";
import { AuroraDatabase } from "./aurora";
import { DatabaseCredentialsSecret, MysqlCredentialRotation } from "./database-secret";
import { DmsAccountRoles } from "./dms-account-roles";
import { rdsRootCertificatesPem } from "./dms-certificates";

/** Every DMS endpoint verifies the server's certificate chain AND its host name. */
export const DMS_SSL_MODE = "verify-full";
/** DMS's engine name for an Aurora MySQL target ("aurora-postgresql" would be PostgreSQL). */
export const AURORA_MYSQL_TARGET_ENGINE = "aurora";
/** Weekly maintenance in UTC, Sunday early morning, after Aurora's own window (02:00-03:00). */
const MAINTENANCE_WINDOW = "sun:03:00-sun:04:00";
/** DMS keeps control and validation tables here, out of the application schema. */
export const DMS_CONTROL_SCHEMA = "awsdms_control";
const HTTPS = 443;

/** Log components of the task, all at DEFAULT severity: DEBUG levels can write row values (PHI) to the log. */
const LOGGED_COMPONENTS = ["SOURCE_UNLOAD", "SOURCE_CAPTURE", "TARGET_LOAD", "TARGET_APPLY", "TASK_MANAGER", "VALIDATOR_EXT"];

/**
 * Settings of the replication task (DMS task settings JSON). What matters:
 * - ValidationSettings: every migrated row is compared with its source (ROW_LEVEL), during
 *   full load and CDC; mismatches land in awsdms_control.awsdms_validation_failures_v1.
 * - Logging: task logs go to CloudWatch Logs (group `dms-tasks-<instance id>`).
 * - FullLoadSettings.TargetTablePrepMode DO_NOTHING: the application's migrations own the
 *   target schema; DMS never drops, truncates or creates tables.
 * - TargetMetadata: full LOB mode, so no LOB is ever truncated (limited mode cuts values
 *   above LobMaxSize, which validation would then report as failures); the patient rows are
 *   small, so the slower LOB path costs little. Transactional apply (no batch apply), so
 *   CDC keeps the source's transaction boundaries.
 * - ChangeProcessingDdlHandlingPolicy: source DDL is not replayed onto the managed schema.
 */
export const TASK_SETTINGS = {
  TargetMetadata: {
    TargetSchema: "",
    SupportLobs: true,
    FullLobMode: true,
    LobChunkSize: 64,
    LimitedSizeLobMode: false,
    LobMaxSize: 0,
    InlineLobMaxSize: 0,
    BatchApplyEnabled: false,
  },
  FullLoadSettings: {
    TargetTablePrepMode: "DO_NOTHING",
    CreatePkAfterFullLoad: false,
    StopTaskCachedChangesApplied: false,
    StopTaskCachedChangesNotApplied: false,
    MaxFullLoadSubTasks: 8,
    TransactionConsistencyTimeout: 600,
    CommitRate: 10000,
  },
  Logging: {
    EnableLogging: true,
    LogComponents: LOGGED_COMPONENTS.map((id) => ({ Id: id, Severity: "LOGGER_SEVERITY_DEFAULT" })),
  },
  ValidationSettings: {
    EnableValidation: true,
    ValidationMode: "ROW_LEVEL",
    ThreadCount: 5,
    FailureMaxCount: 10000,
    TableFailureMaxCount: 1000,
    HandleCollationDiff: false,
    RecordFailureDelayLimitInMinutes: 0,
    ValidationOnly: false,
  },
  ControlTablesSettings: {
    ControlSchema: DMS_CONTROL_SCHEMA,
    HistoryTimeslotInMinutes: 5,
  },
  ChangeProcessingDdlHandlingPolicy: {
    HandleSourceTableDropped: false,
    HandleSourceTableTruncated: false,
    HandleSourceTableAltered: false,
  },
} as const;

/**
 * A schema or table name as a DMS object-locator that matches that name only: in table
 * mappings `%` and `_` are wildcards (`_` is any one character), `[_]` a literal underscore.
 */
export function literalLocator(name: string): string {
  if (/[[\]]/.test(name)) throw new Error(`DMS table mappings cannot name ${JSON.stringify(name)} literally: it contains [ or ]`);
  return name.replace(/[%_]/g, (c) => `[${c}]`);
}

/**
 * Table mappings: every table of the one source schema (named literally, no wildcard across
 * schemas), renamed into the application schema on Aurora. MySQL endpoints take no database
 * name (DMS would put every table into that one database); the schema is chosen here instead.
 */
export function tableMappings(sourceSchema: string, targetSchema: string): string {
  const schema = literalLocator(sourceSchema);
  return JSON.stringify({
    rules: [
      {
        "rule-type": "selection",
        "rule-id": "1",
        "rule-name": "every-table-of-the-source-schema",
        "object-locator": { "schema-name": schema, "table-name": "%" },
        "rule-action": "include",
      },
      {
        "rule-type": "transformation",
        "rule-id": "2",
        "rule-name": "into-the-application-schema",
        "rule-target": "schema",
        "object-locator": { "schema-name": schema },
        "rule-action": "rename",
        value: targetSchema,
      },
    ],
  });
}

export interface DatabaseMigrationProps {
  /** Source engine and host, replication instance size, multi-AZ (env.migration). */
  readonly config: MigrationConfig;
  /** The on-premises network: its CIDR, database port and certificate authority (env.onPrem). */
  readonly onPrem: OnPremConfig;
  /** The application schema on Aurora that the source schema is migrated into (env.database.databaseName). */
  readonly targetSchema: string;
  /** The VPC: the replication instance lives in its data subnets. */
  readonly network: TieredVpc;
  /** Security group of the AWS API interface endpoints (Secrets Manager, KMS, CloudWatch Logs). */
  readonly interfaceEndpoints: SecurityGroup;
  /** The target cluster; it admits the replication instance. */
  readonly database: AuroraDatabase;
  /** Encrypts the instance's storage, the endpoints' connection settings and the credential secrets. */
  readonly dataKey: DomainKey;
  /** Encrypts the task log group. */
  readonly logsKey: DomainKey;
  readonly boundary: PermissionBoundary;
  /** The stack's rotation function; it rotates the DMS users' passwords. */
  readonly rotation: MysqlCredentialRotation;
}

/**
 * The live migration of the on-premises patient database to Aurora with AWS DMS: a private
 * replication instance in the data tier (encrypted with the data key, auto-patched,
 * multi-AZ where configured), a source endpoint for the on-premises MySQL/MariaDB over the
 * VPN and a target endpoint for Aurora, both TLS verify-full with a pinned CA and with
 * credentials fetched from Secrets Manager through a role that can read that one secret,
 * and one full-load-and-CDC task with validation and CloudWatch logging. No setting turns
 * TLS, encryption, validation or logging off.
 *
 * The task is created stopped: a DBA starts it (`aws dms start-replication-task
 * --start-replication-task-type start-replication`) after checking the source.
 *
 * Before that, once per environment:
 * - On-premises source (MySQL 5.7+/MariaDB 10.x): binlog_format=ROW, binlog_row_image=FULL,
 *   binary logs kept >= 24 h; its TLS certificate is signed by env.onPrem.certificateAuthorityPem
 *   and names the host written into the secret (verify-full checks both). The host must
 *   resolve from the data tier (a Route 53 Resolver forwarding rule for the on-premises zone).
 *     CREATE USER 'medicare_dms'@'<data-tier CIDR>' IDENTIFIED BY '...' REQUIRE SSL;
 *     GRANT REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'medicare_dms'@'<data-tier CIDR>';
 *     GRANT SELECT ON `<sourceDatabaseName>`.* TO 'medicare_dms'@'<data-tier CIDR>';
 * - Aurora target: a DMS user that can write rows, not change the schema:
 *     CREATE USER 'medicare_dms'@'%' IDENTIFIED BY '...' REQUIRE SSL;
 *     GRANT SELECT, INSERT, UPDATE, DELETE ON `<databaseName>`.* TO 'medicare_dms'@'%';
 *     GRANT ALL PRIVILEGES ON `awsdms_control`.* TO 'medicare_dms'@'%';  -- control and validation tables
 *   Its secret's host is the cluster (writer) endpoint, the name on Aurora's certificate.
 * - Set each secret's first value (runbook in database-secret.ts); the rotation function then
 *   changes both passwords every 30 days.
 *
 * Endpoints that read credentials from Secrets Manager take host and port from the secret:
 * the provider rejects server_name, port, username and password beside secrets_manager_arn.
 * The configured source host is kept as the endpoint's `source-host` tag for reference.
 */
export class DatabaseMigration extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly subnetGroup: DmsReplicationSubnetGroup;
  readonly replicationInstance: DmsReplicationInstance;
  readonly taskLogGroup: EncryptedLogGroup;
  readonly accountRoles: DmsAccountRoles;
  readonly onPremCertificate: DmsCertificate;
  readonly rdsCertificate: DmsCertificate;
  readonly sourceSecret: DatabaseCredentialsSecret;
  readonly targetSecret: DatabaseCredentialsSecret;
  readonly source: DmsEndpoint;
  readonly target: DmsEndpoint;
  readonly task: DmsReplicationTask;

  constructor(scope: Construct, id: string, props: DatabaseMigrationProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const { config, onPrem, network } = props;
    requireKeyOf("data", props.dataKey, this, "dataKey");
    const instanceId = stack.resourceName("dms");

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: instanceId,
      // No ingress: DMS only connects out. Egress only to the two databases and the AWS APIs.
      description: "DMS replication instance: to the on-premises database, Aurora and the AWS API endpoints only",
      vpcId: network.vpc.id,
      tags: { Name: instanceId },
    });
    new VpcSecurityGroupEgressRule(this, "to-onprem-database", {
      securityGroupId: this.securityGroup.id,
      description: "The on-premises database over the VPN",
      ipProtocol: "tcp",
      fromPort: onPrem.databasePort,
      toPort: onPrem.databasePort,
      cidrIpv4: onPrem.cidr,
    });
    new VpcSecurityGroupEgressRule(this, "to-aurora", {
      securityGroupId: this.securityGroup.id,
      description: "MySQL (TLS) to the Aurora cluster",
      ipProtocol: "tcp",
      fromPort: props.database.port,
      toPort: props.database.port,
      referencedSecurityGroupId: props.database.securityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, "to-aws-apis", {
      securityGroupId: this.securityGroup.id,
      description: "Secrets Manager, KMS and CloudWatch Logs through their interface endpoints",
      ipProtocol: "tcp",
      fromPort: HTTPS,
      toPort: HTTPS,
      referencedSecurityGroupId: props.interfaceEndpoints.id,
    });
    props.database.allowFrom("mysql-from-dms", this.securityGroup.id, "MySQL (TLS) from the DMS replication instance");

    // DMS would create the group itself on the first task run, unencrypted and kept forever.
    this.taskLogGroup = new EncryptedLogGroup(this, "task-logs", { path: { awsName: `dms-tasks-${instanceId}` }, key: props.logsKey });
    this.accountRoles = new DmsAccountRoles(this, "account-roles", {
      taskLogGroupArn: this.taskLogGroup.arn,
      boundary: props.boundary,
    });
    const rolesInPlace = [this.accountRoles.vpcRole.policy, this.accountRoles.cloudwatchLogsRole.policy];

    this.subnetGroup = new DmsReplicationSubnetGroup(this, "subnet-group", {
      replicationSubnetGroupId: instanceId,
      replicationSubnetGroupDescription: "Data-tier subnets of the DMS replication instance (no route to the internet)",
      subnetIds: network.subnets.data.map((s) => s.id),
      // DMS checks dms-vpc-role when the group is created.
      dependsOn: rolesInPlace,
    });

    this.replicationInstance = new DmsReplicationInstance(this, "instance", {
      replicationInstanceId: instanceId,
      replicationInstanceClass: config.replicationInstanceClass,
      allocatedStorage: config.replicationStorageGib,
      multiAz: config.multiAz,
      publiclyAccessible: false,
      kmsKeyArn: props.dataKey.arn,
      autoMinorVersionUpgrade: true,
      allowMajorVersionUpgrade: false,
      preferredMaintenanceWindow: MAINTENANCE_WINDOW,
      networkType: "IPV4",
      replicationSubnetGroupId: this.subnetGroup.replicationSubnetGroupId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      tags: { Name: instanceId },
      dependsOn: rolesInPlace,
    });

    this.onPremCertificate = new DmsCertificate(this, "onprem-ca", {
      certificateId: stack.resourceName("onprem-ca"),
      certificatePem: onPrem.certificateAuthorityPem,
    });
    this.rdsCertificate = new DmsCertificate(this, "rds-ca", {
      certificateId: stack.resourceName("rds-ca", stack.region),
      certificatePem: rdsRootCertificatesPem(stack.region),
    });

    this.sourceSecret = new DatabaseCredentialsSecret(this, "source-credentials", {
      name: "dms-source",
      description: `DMS user on the on-premises ${config.sourceEngine} database ${config.sourceHost} (REPLICATION CLIENT, REPLICATION SLAVE, SELECT on ${config.sourceDatabaseName})`,
      key: props.dataKey,
      rotation: props.rotation,
    });
    this.targetSecret = new DatabaseCredentialsSecret(this, "target-credentials", {
      name: "dms-target",
      description: `DMS user on Aurora (SELECT, INSERT, UPDATE, DELETE on ${props.targetSchema}; ${DMS_CONTROL_SCHEMA})`,
      key: props.dataKey,
      rotation: props.rotation,
    });

    this.source = new DmsEndpoint(this, "source", {
      endpointId: stack.resourceName("onprem-source"),
      endpointType: "source",
      engineName: config.sourceEngine,
      sslMode: DMS_SSL_MODE,
      certificateArn: this.onPremCertificate.certificateArn,
      secretsManagerArn: this.sourceSecret.arn,
      secretsManagerAccessRoleArn: this.secretAccessRole("source-secret-role", "dms-source-secret", this.sourceSecret, props).arn,
      kmsKeyArn: props.dataKey.arn,
      tags: { Name: stack.resourceName("onprem-source"), "source-host": config.sourceHost },
    });
    this.target = new DmsEndpoint(this, "target", {
      endpointId: stack.resourceName("aurora-target"),
      endpointType: "target",
      engineName: AURORA_MYSQL_TARGET_ENGINE,
      sslMode: DMS_SSL_MODE,
      certificateArn: this.rdsCertificate.certificateArn,
      secretsManagerArn: this.targetSecret.arn,
      secretsManagerAccessRoleArn: this.secretAccessRole("target-secret-role", "dms-target-secret", this.targetSecret, props).arn,
      kmsKeyArn: props.dataKey.arn,
      tags: { Name: stack.resourceName("aurora-target") },
    });

    this.task = new DmsReplicationTask(this, "task", {
      replicationTaskId: stack.resourceName("patients-full-load-and-cdc"),
      migrationType: "full-load-and-cdc",
      replicationInstanceArn: this.replicationInstance.replicationInstanceArn,
      sourceEndpointArn: this.source.endpointArn,
      targetEndpointArn: this.target.endpointArn,
      tableMappings: tableMappings(config.sourceDatabaseName, props.targetSchema),
      replicationTaskSettings: JSON.stringify(TASK_SETTINGS),
      // A DBA starts it after checking the source (binlog settings, grants, a test connection).
      startReplicationTask: false,
      tags: { Name: stack.resourceName("patients-full-load-and-cdc") },
      dependsOn: [this.taskLogGroup.logGroup, ...rolesInPlace],
    });
  }

  /**
   * The role DMS assumes to read one endpoint's secret: GetSecretValue on that secret, and
   * kms:Decrypt of the data key only through Secrets Manager, for that secret. DMS assumes
   * these roles with its regional principal (dms.<region>.amazonaws.com).
   */
  private secretAccessRole(id: string, name: string, secret: DatabaseCredentialsSecret, props: DatabaseMigrationProps): ServiceRole {
    const stack = MedicareStack.of(this);
    return new ServiceRole(this, id, {
      name,
      description: `DMS reads the credentials in ${secret.node.path}`,
      servicePrincipal: `dms.${stack.region}.amazonaws.com`,
      sourceArnLike: `arn:aws:dms:${stack.region}:${stack.accountId}:*`,
      boundary: props.boundary,
      statements: [
        { sid: "ReadTheEndpointSecret", actions: ["secretsmanager:GetSecretValue"], resources: [secret.arn] },
        {
          sid: "DecryptItThroughSecretsManager",
          actions: ["kms:Decrypt"],
          resources: [props.dataKey.arn],
          conditions: {
            StringEquals: {
              "kms:ViaService": `secretsmanager.${stack.region}.amazonaws.com`,
              "kms:EncryptionContext:SecretARN": secret.arn,
            },
          },
        },
      ],
    });
  }
}
