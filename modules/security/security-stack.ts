import { Construct } from "constructs";
import { EnvironmentConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { StorageFoundation } from "../storage/bucket-foundation";
import { BackupRegionKeyRing, KeyRing } from "./keys";

/**
 * `<env>-security`: the keys every other stack encrypts with and the permission boundary
 * every workload role carries. Deployed first; other stacks receive its constructs.
 */
export class SecurityStack extends MedicareStack {
  readonly keys: KeyRing;
  /** Keys in the backup region, for backup copies, replicas and the logs kept there. */
  readonly backupRegionKeys: BackupRegionKeyRing;
  readonly workloadBoundary: PermissionBoundary;
  /** Access-log buckets and what every SecureBucket of the environment relies on. */
  readonly buckets: StorageFoundation;

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
  }
}
