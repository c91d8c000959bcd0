import { Fn } from "cdktf";
import { Construct } from "constructs";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { AutoscalingPolicy } from "@cdktf/provider-aws/lib/autoscaling-policy";
import { EbsDefaultKmsKey } from "@cdktf/provider-aws/lib/ebs-default-kms-key";
import { EbsEncryptionByDefault } from "@cdktf/provider-aws/lib/ebs-encryption-by-default";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { AppFleetConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";
import { appTierVolumeBackupTags } from "../data/backup";
import { PermissionBoundary } from "../iam/permission-boundary";
import { ServiceRole } from "../iam/service-role";
import { SSM_AGENT_UNSCOPED_ACTIONS } from "../iam/unscoped-actions";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { TieredVpc } from "../network/vpc";
import { DomainKey, requireKeyOf } from "../security/keys";

/** The tag Patch Manager finds an instance's patch group by (the key AWS reads). */
export const PATCH_GROUP_TAG = "Patch Group";
/** The tag the DLM snapshot policy selects volumes by. */
export const SNAPSHOT_TAG = "snapshot-policy";

/** Amazon Linux 2023 (SSM agent preinstalled), resolved by EC2 at launch from AWS's public parameter. */
const AMI_PARAMETER = {
  x86_64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
  arm64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
} as const;

/** Graviton instance families (m7g, t4g, c8g...) carry a `g` after the generation digit. */
export function architectureOf(instanceType: string): keyof typeof AMI_PARAMETER {
  return /^[a-z]+\d+[a-z]*g[a-z]*\./.test(instanceType) ? "arm64" : "x86_64";
}

export interface AppFleetProps {
  readonly config: AppFleetConfig;
  readonly network: TieredVpc;
  /** The load balancer's target group and security group (the only source of traffic). */
  readonly targetGroup: LbTargetGroup;
  readonly loadBalancerSecurityGroup: SecurityGroup;
  /** Encrypts the instances' volumes (they may hold patient data in memory and swap) and is the account's EBS default key. */
  readonly dataKey: DomainKey;
  /** Encrypts the Run Command output log group of patching. */
  readonly logsKey: DomainKey;
  readonly boundary: PermissionBoundary;
  /** Value of the `Patch Group` tag the maintenance window targets. */
  readonly patchGroup: string;
  /** Value of the snapshot tag the DLM policy selects. */
  readonly snapshotGroup: string;
}

/**
 * The staff web application's instances: a launch template (IMDSv2 only with hop limit 1,
 * no public IP, root volume encrypted with the data key, detailed monitoring, an SSM-only
 * instance profile) and an Auto Scaling group over the app-tier subnets of every AZ with
 * ELB health checks and CPU target tracking. EBS encryption by default is switched on for
 * the account's region, with the data key, so no volume is ever created unencrypted.
 */
export class AppFleet extends Construct {
  readonly launchTemplate: LaunchTemplate;
  readonly group: AutoscalingGroup;
  readonly securityGroup: SecurityGroup;
  readonly role: ServiceRole;
  /** Run Command output of the patch runs (the instances write it). */
  readonly patchLogs: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: AppFleetProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("data", props.dataKey, this, "dataKey");
    requireKeyOf("logs", props.logsKey, this, "logsKey");
    const name = stack.resourceName("app");

    new EbsEncryptionByDefault(this, "ebs-encryption-by-default", { enabled: true });
    new EbsDefaultKmsKey(this, "ebs-default-key", { keyArn: props.dataKey.arn });

    this.patchLogs = new EncryptedLogGroup(this, "patch-logs", { path: "edge/patch-runs", key: props.logsKey });

    const instanceArn = `arn:aws:ec2:${stack.region}:${stack.accountId}:instance/*`;
    this.role = new ServiceRole(this, "role", {
      name: "app-instance",
      description: "App fleet instances: the SSM agent (Patch Manager, Session Manager) and patch logs, nothing else",
      servicePrincipal: "ec2.amazonaws.com",
      boundary: props.boundary,
      statements: [
        {
          sid: "SsmAgentReportsAndRunsAssociations",
          actions: [
            "ssm:UpdateInstanceInformation",
            "ssm:ListInstanceAssociations",
            "ssm:DescribeAssociation",
            "ssm:UpdateInstanceAssociationStatus",
            "ssm:PutInventory",
            "ssm:PutComplianceItems",
          ],
          resources: [instanceArn],
        },
        {
          sid: "SsmAgentReadsAwsDocuments",
          actions: ["ssm:GetDocument", "ssm:DescribeDocument"],
          resources: [`arn:aws:ssm:${stack.region}::document/AWS-*`],
        },
        {
          sid: "SsmAgentChannelsAndPatchSnapshots",
          actions: [...SSM_AGENT_UNSCOPED_ACTIONS],
          resources: ["*"],
        },
        {
          sid: "WritePatchRunOutput",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.patchLogs.arn}:*`],
        },
      ],
    });
    const profile = new IamInstanceProfile(this, "instance-profile", { name, role: this.role.role.name });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name,
      description: "App fleet: HTTPS from the load balancer in; HTTPS out (AWS APIs, patch repositories)",
      vpcId: props.network.vpc.id,
      tags: { Name: name },
    });
    new VpcSecurityGroupIngressRule(this, "https-from-alb", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS from the load balancer",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: props.loadBalancerSecurityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, "https-out", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS to AWS APIs (endpoints) and patch repositories (through NAT)",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });

    const volumeTags = { ...appTierVolumeBackupTags(stack.env), [SNAPSHOT_TAG]: props.snapshotGroup };
    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      name,
      description: "App fleet: IMDSv2 only, no public IP, encrypted volumes, SSM-managed",
      imageId: `resolve:ssm:${AMI_PARAMETER[architectureOf(props.config.instanceType)]}`,
      instanceType: props.config.instanceType,
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: profile.arn },
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        // One hop: a container or proxy on the instance cannot reach the role's credentials.
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      monitoring: { enabled: true },
      networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [this.securityGroup.id], deleteOnTermination: "true" }],
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            encrypted: "true",
            kmsKeyId: props.dataKey.arn,
            volumeType: "gp3",
            volumeSize: props.config.rootVolumeGib,
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: [
        { resourceType: "instance", tags: { Name: name, [PATCH_GROUP_TAG]: props.patchGroup } },
        { resourceType: "volume", tags: volumeTags },
      ],
    });

    this.group = new AutoscalingGroup(this, "group", {
      name,
      minSize: props.config.minSize,
      maxSize: props.config.maxSize,
      desiredCapacity: props.config.desiredCapacity,
      vpcZoneIdentifier: props.network.subnets.app.map((s) => s.id),
      launchTemplate: { id: this.launchTemplate.id, version: Fn.tostring(this.launchTemplate.latestVersion) },
      targetGroupArns: [props.targetGroup.arn],
      healthCheckType: "ELB",
      healthCheckGracePeriod: 300,
      defaultInstanceWarmup: 300,
      capacityRebalance: true,
      enabledMetrics: ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupMinSize", "GroupMaxSize", "GroupTotalInstances"],
      instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50 } },
      tag: [
        { key: "Name", value: name, propagateAtLaunch: true },
        { key: PATCH_GROUP_TAG, value: props.patchGroup, propagateAtLaunch: true },
      ],
    });
    new AutoscalingPolicy(this, "cpu-target-tracking", {
      name: `${name}-cpu`,
      autoscalingGroupName: this.group.name,
      policyType: "TargetTrackingScaling",
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
        targetValue: props.config.targetCpuPercent,
      },
    });
  }
}
