import { Construct } from "constructs";
import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy";
import { SnapshotConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { ServiceRole } from "../iam/service-role";
import { DomainKey, requireKeyOf } from "../security/keys";
import { SNAPSHOT_TAG } from "./app-fleet";

export interface VolumeSnapshotsProps {
  readonly config: SnapshotConfig;
  /** Value of the snapshot tag on the volumes to snapshot. */
  readonly snapshotGroup: string;
  /** The key the volumes (and so their snapshots) are encrypted with. */
  readonly sourceKey: DomainKey;
  /** The backup key of the backup region: every copy there is encrypted with it. */
  readonly copyKey: DomainKey;
  readonly boundary: PermissionBoundary;
}

/**
 * Daily EBS snapshots of the app fleet's volumes (DLM), kept `retainCount` days here and
 * copied, encrypted under the backup region's backup key, to the backup region. AWS Backup
 * (data stack) also covers these volumes; the snapshots give a faster, volume-level restore.
 */
export class VolumeSnapshots extends Construct {
  readonly policy: DlmLifecyclePolicy;

  constructor(scope: Construct, id: string, props: VolumeSnapshotsProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("backup", props.copyKey, this, "copyKey");
    if (props.copyKey.region !== stack.env.backupRegion) {
      throw new Error(`${this.node.path}: copyKey must be the backup key of ${stack.env.backupRegion}, not of ${props.copyKey.region}`);
    }
    const policyArn = `arn:aws:dlm:${stack.region}:${stack.accountId}:policy/*`;
    const role = new ServiceRole(this, "role", {
      name: "app-snapshots",
      description: "DLM snapshots the app fleet's volumes and copies them, encrypted, to the backup region",
      servicePrincipal: "dlm.amazonaws.com",
      sourceArnLike: policyArn,
      boundary: props.boundary,
      statements: [
        {
          sid: "SnapshotTaggedVolumes",
          actions: ["ec2:CreateSnapshot", "ec2:CreateSnapshots", "ec2:DeleteSnapshot", "ec2:CreateTags", "ec2:CopySnapshot"],
          resources: [
            `arn:aws:ec2:${stack.region}:${stack.accountId}:volume/*`,
            `arn:aws:ec2:${stack.region}:${stack.accountId}:instance/*`,
            `arn:aws:ec2:*::snapshot/*`,
          ],
        },
        {
          sid: "FindVolumesAndSnapshots",
          actions: ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"],
          resources: ["*"],
        },
        {
          sid: "ReadSourceSnapshots",
          actions: ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"],
          resources: [props.sourceKey.arn],
          conditions: { StringEquals: { "kms:ViaService": `ec2.${props.sourceKey.region}.amazonaws.com` } },
        },
        {
          sid: "EncryptCopiesInTheBackupRegion",
          actions: ["kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*", "kms:DescribeKey", "kms:CreateGrant"],
          resources: [props.copyKey.arn],
          conditions: { StringEquals: { "kms:ViaService": `ec2.${props.copyKey.region}.amazonaws.com` } },
        },
      ],
    });
    this.policy = new DlmLifecyclePolicy(this, "policy", {
      description: `mediCARE ${stack.env.name} app fleet daily EBS snapshots`,
      executionRoleArn: role.arn,
      state: "ENABLED",
      policyDetails: {
        policyType: "EBS_SNAPSHOT_MANAGEMENT",
        resourceTypes: ["VOLUME"],
        targetTags: { [SNAPSHOT_TAG]: props.snapshotGroup },
        schedule: [
          {
            name: "daily",
            copyTags: true,
            createRule: { interval: 24, intervalUnit: "HOURS", times: [props.config.dailyAtUtc] },
            retainRule: { count: props.config.retainCount },
            crossRegionCopyRule: [
              {
                target: stack.env.backupRegion,
                encrypted: true,
                cmkArn: props.copyKey.arn,
                copyTags: true,
                retainRule: { interval: props.config.copyRetentionDays, intervalUnit: "DAYS" },
              },
            ],
          },
        ],
      },
      dependsOn: [role.policy],
    });
  }
}
