import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { BackupVaultPolicy } from "@cdktf/provider-aws/lib/backup-vault-policy";
import { EnvironmentConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { PolicyStatement, policyJson } from "../iam/policy-document";
import { ServiceRole } from "../iam/service-role";
import { DomainKey } from "../security/keys";

/**
 * The tag that puts an EBS volume of the app tier into the backup plan. Whoever launches
 * app-tier instances (the edge issue's launch template) must write it onto the volumes
 * (`tag_specifications { resource_type = "volume" }`), e.g. `tags: appTierVolumeBackupTags(env)`;
 * an untagged volume is not backed up.
 */
export const APP_TIER_BACKUP_TAG_KEY = "backup-plan";

/** The value of APP_TIER_BACKUP_TAG_KEY for the app tier of `env`: `medicare-<env>-app-tier`. */
export function appTierBackupTagValue(env: Pick<EnvironmentConfig, "name">): string {
  return `medicare-${env.name}-app-tier`;
}

/** The tags to write onto app-tier EBS volumes so that the backup plan selects them. */
export function appTierVolumeBackupTags(env: Pick<EnvironmentConfig, "name">): Record<string, string> {
  return { [APP_TIER_BACKUP_TAG_KEY]: appTierBackupTagValue(env) };
}

/** One rule of the backup plan. */
export interface BackupRuleSpec {
  readonly name: string;
  /** AWS Backup cron expression, in UTC. */
  readonly schedule: string;
  /** Days each recovery point (and its copy in the backup region) is kept. */
  readonly retentionDays: number;
}

/**
 * The plan's rules, the same in every environment (retention is a security property, not
 * config). All start at 03:30 UTC (03:30/04:30 UK time) and must start within the hour:
 * after Aurora's automated backup window (23:00-23:45 UTC), the 01:30 London export to
 * on-premises and the Sunday maintenance window (02:00-03:00 UTC, modules/data/aurora.ts),
 * before the working day. Because they share a start time, AWS Backup runs only the rule
 * with the longest retention when they coincide (Sundays, the 1st), so every rule copies to
 * the backup region, not only the daily one.
 *
 * The daily rule keeps 35 days: the longest point-in-time window Aurora itself offers, and
 * the floor the vault locks enforce.
 */
export const BACKUP_RULES: readonly BackupRuleSpec[] = [
  { name: "daily", schedule: "cron(30 3 * * ? *)", retentionDays: 35 },
  { name: "weekly", schedule: "cron(30 3 ? * SUN *)", retentionDays: 90 },
  { name: "monthly", schedule: "cron(30 3 1 * ? *)", retentionDays: 365 },
];

/** Minutes a scheduled job may wait to start, and then to finish, before AWS Backup cancels it. */
export const BACKUP_START_WINDOW_MINUTES = 60;
export const BACKUP_COMPLETION_WINDOW_MINUTES = 360;

/**
 * Days after the vault lock is created during which it can still be changed or removed
 * (3 is the least AWS accepts). After that the lock is in compliance mode for good.
 */
export const VAULT_LOCK_CHANGEABLE_FOR_DAYS = 3;

/** Actions no one may call on a vault (AWS Config BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED). */
export const VAULT_DENIED_ACTIONS = [
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
  "backup:PutBackupVaultAccessPolicy",
] as const;

export interface DataBackupProps {
  /** ARN of the Aurora cluster to back up. */
  readonly auroraClusterArn: string;
  /**
   * Keys that encrypt the protected resources (the data key for Aurora, and the key of the
   * app tier's volumes). Snapshots keep their source's key; the role uses these keys only
   * to snapshot and copy.
   */
  readonly resourceKeys: readonly DomainKey[];
  /**
   * The backup key of the primary region: encrypts the primary vault. (Aurora and EBS
   * snapshots in it stay under their source's key; AWS Backup applies the vault key only to
   * fully managed resource types. Their copies take the copy vault's key.)
   */
  readonly vaultKey: DomainKey;
  /** The backup key of the backup region: encrypts the copy vault and the copied snapshots. */
  readonly copyVaultKey: DomainKey;
  /** The environment's permission boundary, carried by the backup role. */
  readonly boundary: PermissionBoundary;
}

/**
 * AWS Backup for the data tier (the Aurora cluster) and the app tier's EBS volumes (by
 * tag): a locked, KMS-encrypted vault here, a locked copy vault in the backup region, and
 * a plan with daily (35 days), weekly (90) and monthly (365) rules that each copy across
 * regions. Nothing here can be configured weaker: no prop turns off encryption, the locks,
 * the copies or the retention.
 */
export class DataBackup extends Construct {
  readonly vault: BackupVault;
  readonly copyVault: BackupVault;
  readonly plan: BackupPlan;
  readonly role: ServiceRole;

  constructor(scope: Construct, id: string, props: DataBackupProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const { env } = stack;
    checkKey(this, "vaultKey", props.vaultKey, stack.region);
    checkKey(this, "copyVaultKey", props.copyVaultKey, env.backupRegion);
    if (env.backupRegion === stack.region) {
      throw new Error(`${this.node.path}: backupRegion must differ from region (${stack.region}); a copy in the same region is no contingency copy`);
    }
    if (props.resourceKeys.length === 0) {
      throw new Error(`${this.node.path}: resourceKeys must name the keys of the protected resources (at least the data key)`);
    }

    const retentions = BACKUP_RULES.map((r) => r.retentionDays);
    this.vault = lockedVault(this, "vault", {
      name: stack.resourceName("backup"),
      key: props.vaultKey,
      minRetentionDays: Math.min(...retentions),
      maxRetentionDays: Math.max(...retentions),
    });
    this.copyVault = lockedVault(this, "copy-vault", {
      name: stack.resourceName("backup-copy"),
      key: props.copyVaultKey,
      minRetentionDays: Math.min(...retentions),
      maxRetentionDays: Math.max(...retentions),
      provider: stack.backupRegionProvider,
    });

    this.plan = new BackupPlan(this, "plan", {
      name: stack.resourceName("backup"),
      // Snapshot rules only, no enable_continuous_backup: Aurora's own automated backups
      // already give second-level point-in-time recovery (retention set on the cluster), and
      // AWS Backup continuous backup would take over the cluster's backup retention
      // (rds:ModifyDBCluster), fighting the value Terraform manages. Its cross-region copy
      // would be a snapshot anyway.
      rule: BACKUP_RULES.map((rule) => ({
        ruleName: rule.name,
        targetVaultName: this.vault.name,
        schedule: rule.schedule,
        scheduleExpressionTimezone: "Etc/UTC",
        startWindow: BACKUP_START_WINDOW_MINUTES,
        completionWindow: BACKUP_COMPLETION_WINDOW_MINUTES,
        lifecycle: { deleteAfter: rule.retentionDays },
        copyAction: [{ destinationVaultArn: this.copyVault.arn, lifecycle: { deleteAfter: rule.retentionDays } }],
      })),
    });

    this.role = new ServiceRole(this, "role", {
      name: "backup",
      description: "AWS Backup snapshots the Aurora cluster and app-tier volumes, copies them to the backup region and expires them",
      servicePrincipal: "backup.amazonaws.com",
      // Plans and vaults of this account in either region (copies expire in the backup region).
      sourceArnLike: `arn:aws:backup:*:${stack.accountId}:*`,
      boundary: props.boundary,
      statements: backupRoleStatements(stack, {
        auroraClusterArn: props.auroraClusterArn,
        resourceKeys: props.resourceKeys,
        vaultKey: props.vaultKey,
        copyVaultKey: props.copyVaultKey,
        vaultArn: this.vault.arn,
        copyVaultArn: this.copyVault.arn,
      }),
    });

    new BackupSelection(this, "aurora", {
      name: stack.resourceName("aurora"),
      planId: this.plan.id,
      iamRoleArn: this.role.arn,
      resources: [props.auroraClusterArn],
    });
    // Resources AND condition: only EBS volumes of this account and region, and only those
    // tagged for the app tier (a tagged instance is not turned into AMIs, nor any other type).
    new BackupSelection(this, "app-tier-volumes", {
      name: stack.resourceName("app-tier-volumes"),
      planId: this.plan.id,
      iamRoleArn: this.role.arn,
      resources: [`arn:aws:ec2:${stack.region}:${stack.accountId}:volume/*`],
      condition: [
        { stringEquals: [{ key: `aws:ResourceTag/${APP_TIER_BACKUP_TAG_KEY}`, value: appTierBackupTagValue(env) }] },
      ],
    });
  }
}

function checkKey(scope: Construct, prop: string, key: DomainKey, region: string): void {
  if (key.domain !== "backup") {
    throw new Error(`${scope.node.path}: ${prop} must be a backup-domain key, not the ${key.domain} key`);
  }
  if (key.region !== region) {
    throw new Error(`${scope.node.path}: ${prop} lives in ${key.region} but its vault is in ${region}; use the backup key of ${region}`);
  }
}

interface LockedVaultProps {
  readonly name: string;
  readonly key: DomainKey;
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
  /** The backup region's provider; absent for the primary region. */
  readonly provider?: TerraformProvider;
}

/**
 * A vault encrypted with a backup key, locked in compliance mode, whose access policy
 * forbids deleting recovery points by hand or shortening their lives.
 */
function lockedVault(scope: Construct, id: string, props: LockedVaultProps): BackupVault {
  const vault = new BackupVault(scope, id, {
    provider: props.provider,
    name: props.name,
    kmsKeyArn: props.key.arn,
  });
  // Compliance mode (changeable_for_days): once the grace days pass, nobody, not even the
  // account root, can shorten retention, delete a recovery point early, remove the lock or
  // delete the vault while it holds recovery points. That is what HIPAA's contingency plan
  // (164.308(a)(7)) needs from backups, and what ransomware with stolen admin credentials
  // cannot undo. The same in dev: dev proves the prod configuration. The price: after the
  // grace days a dev (or prod) vault cannot be destroyed until its last recovery point
  // expires (up to max retention, a year), so `terraform destroy` of a data stack fails on
  // its vaults, and their recovery points are billed until they expire.
  new BackupVaultLockConfiguration(scope, `${id}-lock`, {
    provider: props.provider,
    backupVaultName: vault.name,
    changeableForDays: VAULT_LOCK_CHANGEABLE_FOR_DAYS,
    minRetentionDays: props.minRetentionDays,
    maxRetentionDays: props.maxRetentionDays,
  });
  // Defense in depth besides the lock: after the lock's minimum, recovery points still
  // expire only by their lifecycle, never by hand. Denying PutBackupVaultAccessPolicy keeps
  // the policy itself from being loosened; to change it, delete the policy (allowed) and
  // apply the new one, two steps CloudTrail records.
  new BackupVaultPolicy(scope, `${id}-policy`, {
    provider: props.provider,
    backupVaultName: vault.name,
    policy: policyJson([
      {
        sid: "NoManualDeletionOrShorterLifecycle",
        effect: "Deny",
        principals: { AWS: "*" },
        actions: [...VAULT_DENIED_ACTIONS],
        resources: ["*"],
      },
    ]),
  });
  return vault;
}

interface BackupRoleTargets {
  readonly auroraClusterArn: string;
  readonly resourceKeys: readonly DomainKey[];
  readonly vaultKey: DomainKey;
  readonly copyVaultKey: DomainKey;
  readonly vaultArn: string;
  readonly copyVaultArn: string;
}

/**
 * What AWS Backup needs to snapshot an Aurora cluster and EBS volumes, copy the snapshots
 * to the backup region and expire them: the Aurora and EBS parts of the managed policy
 * AWSBackupServiceRolePolicyForBackup, with its resources narrowed to this account, these
 * two regions, this cluster, AWS Backup's own snapshots and these keys.
 */
function backupRoleStatements(stack: MedicareStack, t: BackupRoleTargets): PolicyStatement[] {
  const account = stack.accountId;
  const regions = [stack.region, stack.env.backupRegion];
  // AWS Backup names the Aurora snapshots it creates and copies awsbackup:job-... / awsbackup:copyjob-...
  const backupClusterSnapshots = regions.map((r) => `arn:aws:rds:${r}:${account}:cluster-snapshot:awsbackup:*`);
  const ebsSnapshots = regions.map((r) => `arn:aws:ec2:${r}::snapshot/*`);
  const snapshotKeys = uniqueArns([...t.resourceKeys, t.vaultKey, t.copyVaultKey]);
  return [
    {
      sid: "SnapshotTheAuroraCluster",
      actions: ["rds:DescribeDBClusters", "rds:CreateDBClusterSnapshot", "rds:ListTagsForResource"],
      resources: [t.auroraClusterArn, ...backupClusterSnapshots],
    },
    {
      sid: "FindClusterSnapshots",
      actions: ["rds:DescribeDBClusterSnapshots"],
      resources: regions.map((r) => `arn:aws:rds:${r}:${account}:cluster-snapshot:*`),
    },
    {
      sid: "CopyTagAndExpireBackupClusterSnapshots",
      actions: ["rds:CopyDBClusterSnapshot", "rds:AddTagsToResource", "rds:DeleteDBClusterSnapshot"],
      resources: backupClusterSnapshots,
    },
    {
      sid: "SnapshotAppTierVolumes",
      actions: ["ec2:CreateSnapshot"],
      resources: [`arn:aws:ec2:${stack.region}:${account}:volume/*`, `arn:aws:ec2:${stack.region}::snapshot/*`],
    },
    {
      sid: "CopyTagAndExpireVolumeSnapshots",
      actions: ["ec2:CopySnapshot", "ec2:CreateTags", "ec2:DeleteSnapshot"],
      resources: ebsSnapshots,
    },
    {
      sid: "FindTaggedVolumesAndSnapshots",
      actions: ["ec2:DescribeVolumes", "ec2:DescribeSnapshots", "ec2:DescribeTags", "tag:GetResources"],
    },
    {
      sid: "UseTheVaults",
      actions: ["backup:DescribeBackupVault"],
      resources: [t.vaultArn, t.copyVaultArn],
    },
    {
      // Permission-only; acts on the recovery point copied (list_awsbackup.html: recoveryPoint),
      // only this region's, and only into the copy vault. AWS Backup names an Aurora or EBS
      // recovery point by its snapshot's ARN, so those are listed beside Backup's own.
      sid: "CopyOnlyThisRegionsRecoveryPointsIntoTheCopyVault",
      actions: ["backup:CopyFromBackupVault"],
      resources: [
        `arn:aws:backup:${stack.region}:${account}:recovery-point:*`,
        `arn:aws:rds:${stack.region}:${account}:cluster-snapshot:awsbackup:*`,
        `arn:aws:ec2:${stack.region}::snapshot/*`,
      ],
      conditions: { "ForAllValues:ArnEquals": { "backup:CopyTargets": [t.copyVaultArn] } },
    },
    {
      // Permission-only; acts on the receiving vault (list_awsbackup.html: backupVault).
      sid: "ReceiveCopiesOnlyInTheCopyVault",
      actions: ["backup:CopyIntoBackupVault"],
      resources: [t.copyVaultArn],
    },
    {
      sid: "DescribeTheKeys",
      actions: ["kms:DescribeKey"],
      resources: snapshotKeys,
    },
    {
      // RDS and EBS create the grants they need to encrypt the snapshots and copies.
      sid: "GrantsForSnapshotServicesOnly",
      actions: ["kms:CreateGrant"],
      resources: snapshotKeys,
      conditions: { Bool: { "kms:GrantIsForAWSResource": true } },
    },
    {
      // Copying an EBS snapshot re-encrypts it under the copy vault's key.
      sid: "ReEncryptVolumeSnapshotCopies",
      actions: ["kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
      resources: snapshotKeys,
      conditions: {
        StringEquals: { "kms:ViaService": regions.map((r) => `ec2.${r}.amazonaws.com`) },
        "ForAnyValue:StringEquals": { "kms:EncryptionContextKeys": "aws:ebs:id" },
      },
    },
  ];
}

function uniqueArns(keys: readonly DomainKey[]): string[] {
  return [...new Set(keys.map((k) => k.arn))];
}
