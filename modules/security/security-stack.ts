import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { EnvironmentConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { HumanBoundary } from "../iam/human-boundary";
import { AccountPasswordPolicy } from "../iam/password-policy";
import { PermissionBoundary } from "../iam/permission-boundary";
import { PersonaPolicies } from "../iam/personas";
import { StorageFoundation } from "../storage/bucket-foundation";
import { AuditTrail } from "./audit-trail";
import { SecurityAlarms } from "./cis-alarms";
import { ConfigRecorder } from "./config-recorder";
import { BackupRegionKeyRing, KeyRing } from "./keys";
import { ThreatDetection } from "./threat-detection";

/**
 * `<env>-security`: the keys every other stack encrypts with and the permission boundary
 * every workload role carries; the audit trail, AWS Config, threat detection and the CIS
 * alarms; the account password policy and one policy per persona (people reach them
 * through IAM Identity Center, configured in the organization stack). Deployed first;
 * other stacks receive its constructs.
 */
export class SecurityStack extends MedicareStack {
  readonly keys: KeyRing;
  /** Keys in the backup region, for backup copies, replicas and the logs kept there. */
  readonly backupRegionKeys: BackupRegionKeyRing;
  readonly workloadBoundary: PermissionBoundary;
  /** Access-log buckets and what every SecureBucket of the environment relies on. */
  readonly buckets: StorageFoundation;
  readonly auditTrail: AuditTrail;
  readonly securityAlarms: SecurityAlarms;
  readonly config: ConfigRecorder;
  readonly threatDetection: ThreatDetection;
  /** GuardDuty, Inspector, Security Hub and Access Analyzer in the backup region. */
  readonly backupRegionThreatDetection: ThreatDetection;
  /** The ceiling of every persona's Identity Center role. */
  readonly humanBoundary: HumanBoundary;
  /** Each persona's grants here, which its Identity Center permission set refers to by name. */
  readonly personas: PersonaPolicies;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, { env, component: "security", dataClassification: "confidential" });
    this.keys = new KeyRing(this, "keys");
    this.backupRegionKeys = new BackupRegionKeyRing(this, "backup-region-keys", {
      region: env.backupRegion,
      provider: this.backupRegionProvider,
    });
    this.workloadBoundary = new PermissionBoundary(this, "workload-boundary");
    this.buckets = new StorageFoundation(this, "buckets", {
      keys: this.keys,
      backupRegionKeys: this.backupRegionKeys,
      boundary: this.workloadBoundary,
    });
    this.auditTrail = new AuditTrail(this, "audit-trail", {
      logsKey: this.keys.logs,
      foundation: this.buckets,
      boundary: this.workloadBoundary,
    });
    this.securityAlarms = new SecurityAlarms(this, "security-alarms", {
      trailLogGroup: this.auditTrail.logGroup,
      messagingKey: this.keys.messaging,
    });
    const backupRegion = { name: env.backupRegion, provider: this.backupRegionProvider };
    this.config = new ConfigRecorder(this, "config", { logsKey: this.keys.logs, foundation: this.buckets, otherRegions: [backupRegion] });
    this.threatDetection = new ThreatDetection(this, "threat-detection", { alarmTopic: this.securityAlarms.topic });
    // The backup region holds the locked backup copies, the export replica and the audit replicas.
    this.backupRegionThreatDetection = new ThreatDetection(this, "threat-detection-backup-region", {
      alarmTopic: this.securityAlarms.topic,
      region: { ...backupRegion, boundary: this.workloadBoundary },
    });
    new AccountPasswordPolicy(this, "password-policy");
    this.humanBoundary = new HumanBoundary(this, "human-boundary");
    this.humanBoundary.acceptForNewRoles(`arn:aws:iam::${this.accountId}:policy/${this.resourceName("workload-boundary")}`);
    this.personas = new PersonaPolicies(this, "personas", {
      boundary: this.humanBoundary,
      dataKey: this.keys.data,
      logsKey: this.keys.logs,
      messagingKey: this.keys.messaging,
    });
  }

  /** The security team's topic (KMS-encrypted); later stacks point their security alarms at it. */
  get securityTopic(): SnsTopic {
    return this.securityAlarms.topic;
  }
}
