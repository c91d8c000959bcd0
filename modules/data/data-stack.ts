import { Construct } from "constructs";
import { EnvironmentConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { NetworkStack } from "../network/network-stack";
import { SecurityStack } from "../security/security-stack";
import { AuroraDatabase } from "./aurora";
import { DataBackup } from "./backup";
import { MysqlCredentialRotation } from "./database-secret";
import { DailyExport } from "./export";
import { DatabaseMigration } from "./migration";
import { DatabaseProxy } from "./rds-proxy";
import { OperationsAlarms } from "../monitoring/operations-alarms";

/**
 * `<env>-data`: the patient database and everything that protects, copies or moves it:
 * Aurora MySQL behind RDS Proxy, AWS Backup, the DMS migration from on-premises and the
 * daily export that the on-premises server pulls over the VPN.
 */
export class DataStack extends MedicareStack {
  /** The Aurora MySQL cluster (others admit themselves with `database.allowFrom`). */
  readonly database: AuroraDatabase;
  /** RDS Proxy in front of the cluster, for the campaign Lambdas. */
  readonly proxy: DatabaseProxy;
  /** Rotates the database users' secrets that RDS does not manage (DatabaseCredentialsSecret). */
  readonly credentialRotation: MysqlCredentialRotation;

  constructor(scope: Construct, env: EnvironmentConfig, security: SecurityStack, network: NetworkStack) {
    super(scope, { env, component: "data", dataClassification: "phi" });

    // Aurora
    this.database = new AuroraDatabase(this, "aurora", {
      config: env.database,
      network: network.network,
      dataKey: security.keys.data,
      logsKey: security.keys.logs,
      boundary: security.workloadBoundary,
    });
    // AWS Backup: the cluster and the app tier's tagged volumes, into locked vaults here and
    // in the backup region (modules/data/backup.ts)
    new DataBackup(this, "backup", {
      auroraClusterArn: this.database.cluster.arn,
      resourceKeys: [security.keys.data],
      vaultKey: security.keys.backup,
      copyVaultKey: security.backupRegionKeys.backup,
      boundary: security.workloadBoundary,
    });
    // Rotation of the credential secrets RDS does not manage (the DMS users): one function for
    // the stack in the data subnets (modules/data/database-secret.ts)
    this.credentialRotation = new MysqlCredentialRotation(this, "credential-rotation", {
      keys: security.keys,
      boundary: security.workloadBoundary,
      network: network.network,
      interfaceEndpoints: network.endpoints.securityGroup,
    });
    // It logs in to Aurora as the users it rotates (the DMS target user).
    this.database.allowFrom("mysql-from-credential-rotation", this.credentialRotation.securityGroup.id, "MySQL (TLS) from the credential rotation function");
    // RDS Proxy: one auth entry and secret per function and persona database user, rotated by the same function
    this.proxy = new DatabaseProxy(this, "aurora-proxy", {
      database: this.database,
      network: network.network,
      interfaceEndpoints: network.endpoints.securityGroup,
      dataKey: security.keys.data,
      logsKey: security.keys.logs,
      boundary: security.workloadBoundary,
      rotation: this.credentialRotation,
    });
    // DMS: the live migration from the on-premises database (modules/data/migration.ts), and
    // the daily export that the on-premises server pulls over the VPN (modules/data/export.ts)
    new DatabaseMigration(this, "migration", {
      config: env.migration,
      onPrem: env.onPrem,
      targetSchema: env.database.databaseName,
      network: network.network,
      interfaceEndpoints: network.endpoints.securityGroup,
      database: this.database,
      dataKey: security.keys.data,
      logsKey: security.keys.logs,
      boundary: security.workloadBoundary,
      rotation: this.credentialRotation,
    });
    const dailyExport = new DailyExport(this, "daily-export", {
      config: env.export,
      onPremCertificateAuthorityPem: env.onPrem.certificateAuthorityPem,
      database: this.database,
      onPremS3Endpoint: network.endpoints.onPremS3,
      dataKey: security.keys.data,
      messagingKey: security.keys.messaging,
      foundation: security.buckets,
      boundary: security.workloadBoundary,
    });
    // The rotation function and the failed export starts alarm to the security topic: a secret
    // that stops rotating, or an export that never starts, is a security and backup event.
    new OperationsAlarms(this, "alarms", {
      prefix: "data",
      topicArn: security.securityTopic.arn,
      functions: [this.credentialRotation.function],
      deadLetterQueues: [
        { label: "credential-rotation", queue: this.credentialRotation.function.deadLetterQueue },
        { label: "daily-export", queue: dailyExport.deadLetterQueue },
      ],
      workflows: [],
    });
  }
}
