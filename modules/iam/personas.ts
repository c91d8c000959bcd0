import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { MedicareStack } from "../core/medicare-stack";
import { AUDIT_TRAIL_BUCKET, CONFIG_HISTORY_BUCKET, trailArn } from "../security/audit-names";
import { DomainKey, requireKeyOf, viaService } from "../security/keys";
import { bucketName } from "../storage/names";
import { HumanBoundary } from "./human-boundary";
import { IAM_PERSONAS, IamPersona, PERSONA_POLICY_PATH, PERSONA_TAG, personaPolicyName } from "./persona-names";
import { PolicyStatement, policyJson } from "./policy-document";
import { UNSCOPED_ACTIONS } from "./unscoped-actions";

export { HUMAN_BOUNDARY_POLICY_NAME, IAM_PERSONAS, PERSONAS, PERSONA_POLICY_PATH, PERSONA_SESSION_DURATION, PERSONA_SESSION_SECONDS, PERSONA_TAG, personaPolicyName } from "./persona-names";
export type { IamPersona, Persona } from "./persona-names";

/** What the persona statements are scoped to. */
interface Scope {
  readonly stack: MedicareStack;
  readonly dataKey: DomainKey;
  readonly logsKey: DomainKey;
  readonly messagingKey: DomainKey;
  /** Boundaries a role created by the security team may carry. */
  readonly roleBoundaryArns: readonly string[];
}

interface PersonaDefinition {
  /** The job, from the source document, that the statements serve. */
  readonly job: string;
  readonly statements: (scope: Scope) => PolicyStatement[];
}

/**
 * Each persona's grants: only what its job description in the source document needs, on
 * this environment's resources (`medicare-<env>-*`) or, where AWS names resources by
 * generated ids, this account's resources tagged with this environment.
 */
export const PERSONA_DEFINITIONS: Readonly<Record<IamPersona, PersonaDefinition>> = {
  "care-provider": {
    job: "views, uploads and downloads patient records and keeps them up to date",
    statements: ({ stack, dataKey }): PolicyStatement[] => {
      const { region, accountId } = stack;
      const bucket = `arn:aws:s3:::${bucketName(stack, "patient-data")}`;
      return [
        { sid: "ListPatientRecords", actions: ["s3:ListBucket"], resources: [bucket], conditions: { StringLike: { "s3:prefix": ["records/*"] } } },
        { sid: "ReadAndUploadPatientRecords", actions: ["s3:GetObject", "s3:PutObject"], resources: [`${bucket}/records/*`] },
        { sid: "PatientRecordsAreDecryptedAndEncryptedByS3", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [dataKey.arn], conditions: viaService("s3", dataKey) },
        { sid: "ConnectToTheDatabaseAsCareProvider", actions: ["rds-db:connect"], resources: [`arn:aws:rds-db:${region}:${accountId}:dbuser:*/care_provider`] },
      ];
    },
  },
  "it-support": {
    job: "monitors and troubleshoots user activity in CloudWatch and CloudTrail, notifies end users through SNS, looks after the scheduling functions",
    statements: ({ stack, messagingKey }): PolicyStatement[] => {
      const { region, accountId } = stack;
      const prefix = stack.resourceName();
      return [
        {
          sid: "ReadThePlatformsLogs",
          actions: ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults"],
          resources: [`arn:aws:logs:${region}:${accountId}:log-group:/medicare/${stack.env.name}/*`, `arn:aws:logs:${region}:${accountId}:log-group:/aws/lambda/${prefix}-*`],
        },
        { sid: "ReadTheAlarms", actions: ["cloudwatch:DescribeAlarms"], resources: [`arn:aws:cloudwatch:${region}:${accountId}:alarm:${prefix}-*`] },
        { sid: "ReadTheFunctionsConfiguration", actions: ["lambda:GetFunctionConfiguration"], resources: [`arn:aws:lambda:${region}:${accountId}:function:${prefix}-*`] },
        { sid: "NotifyEndUsers", actions: ["sns:Publish"], resources: [`arn:aws:sns:${region}:${accountId}:${prefix}-user-notices`] },
        { sid: "NoticesAreEncryptedBySns", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [messagingKey.arn], conditions: viaService("sns", messagingKey) },
        {
          sid: "RecentEventsMetricsAndFunctionsNameNoResource",
          actions: ["cloudtrail:LookupEvents", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "lambda:ListFunctions"],
        },
      ];
    },
  },
  "database-administrator": {
    job: "manages the Aurora databases, their encryption, backups and the migration",
    statements: ({ stack, dataKey }): PolicyStatement[] => {
      const { region, accountId } = stack;
      const prefix = stack.resourceName();
      const rds = (type: string) => `arn:aws:rds:${region}:${accountId}:${type}:${prefix}-*`;
      return [
        {
          sid: "ManageTheAuroraClusters",
          actions: [
            "rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:ModifyDBCluster", "rds:ModifyDBInstance",
            "rds:RebootDBInstance", "rds:CreateDBClusterSnapshot", "rds:DescribeDBClusterSnapshots",
            "rds:DescribeDBLogFiles", "rds:DownloadDBLogFilePortion", "rds:DescribeDBClusterParameters", "rds:ModifyDBClusterParameterGroup",
          ],
          resources: [rds("cluster"), rds("db"), rds("cluster-snapshot"), rds("cluster-pg")],
        },
        { sid: "ConnectToTheDatabaseAsDba", actions: ["rds-db:connect"], resources: [`arn:aws:rds-db:${region}:${accountId}:dbuser:*/dba`] },
        {
          sid: "RunAndInspectBackups",
          actions: ["backup:StartBackupJob", "backup:DescribeBackupVault", "backup:ListRecoveryPointsByBackupVault"],
          resources: [`arn:aws:backup:${region}:${accountId}:backup-vault:${prefix}-*`],
        },
        {
          sid: "PassTheBackupRoleToAwsBackup",
          actions: ["iam:PassRole"],
          resources: [`arn:aws:iam::${accountId}:role/${prefix}-backup`],
          conditions: { StringEquals: { "iam:PassedToService": "backup.amazonaws.com" } },
        },
        {
          // DMS names tasks by generated ARNs: scoped to this environment's by tag.
          sid: "StartAndStopThisEnvironmentsMigration",
          actions: ["dms:StartReplicationTask", "dms:StopReplicationTask", "dms:DescribeTableStatistics"],
          resources: [`arn:aws:dms:${region}:${accountId}:task:*`],
          conditions: { StringEquals: { "aws:ResourceTag/environment": stack.env.name } },
        },
        {
          sid: "SetTheMigrationCredentials",
          actions: ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue"],
          resources: [`arn:aws:secretsmanager:${region}:${accountId}:secret:${prefix}-dms-*`],
        },
        { sid: "MigrationCredentialsAreEncryptedBySecretsManager", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [dataKey.arn], conditions: viaService("secretsmanager", dataKey) },
      ];
    },
  },
  "security-team": {
    job: "manages roles and policies, key encryption, GuardDuty, CloudTrail for incident response, and S3 security configuration",
    statements: ({ stack, logsKey, roleBoundaryArns }): PolicyStatement[] => {
      const { region, accountId } = stack;
      const prefix = stack.resourceName();
      const auditBuckets = [AUDIT_TRAIL_BUCKET, CONFIG_HISTORY_BUCKET].map((name) => `arn:aws:s3:::${bucketName(stack, name)}`);
      return [
        {
          sid: "ReviewRolesAndPolicies",
          actions: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:GetPolicy", "iam:GetPolicyVersion"],
          resources: [`arn:aws:iam::${accountId}:role/*`, `arn:aws:iam::${accountId}:policy/*`],
        },
        {
          sid: "ManageThisEnvironmentsRolesWithinABoundary",
          actions: ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy"],
          resources: [`arn:aws:iam::${accountId}:role/${prefix}-*`],
          conditions: { StringEquals: { "iam:PermissionsBoundary": roleBoundaryArns } },
        },
        {
          sid: "ReviewKeys",
          actions: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
          resources: [`arn:aws:kms:*:${accountId}:key/*`],
        },
        {
          sid: "TriageGuardDutyFindings",
          actions: ["guardduty:GetDetector", "guardduty:ListFindings", "guardduty:GetFindings", "guardduty:ArchiveFindings"],
          resources: [`arn:aws:guardduty:${region}:${accountId}:detector/*`],
        },
        { sid: "TriageSecurityHubFindings", actions: ["securityhub:GetFindings", "securityhub:BatchUpdateFindings"], resources: [`arn:aws:securityhub:${region}:${accountId}:hub/default`] },
        {
          sid: "ReviewAccessAnalyzerFindings",
          actions: ["access-analyzer:ListFindings", "access-analyzer:GetFinding"],
          resources: [`arn:aws:access-analyzer:${region}:${accountId}:analyzer/${prefix}-access-analyzer`],
        },
        { sid: "CheckTheTrail", actions: ["cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"], resources: [trailArn(stack)] },
        { sid: "ListTheAuditRecords", actions: ["s3:ListBucket"], resources: auditBuckets },
        { sid: "ReadTheAuditRecords", actions: ["s3:GetObject"], resources: auditBuckets.map((b) => `${b}/*`) },
        { sid: "AuditRecordsAreDecryptedByS3", actions: ["kms:Decrypt"], resources: [logsKey.arn], conditions: viaService("s3", logsKey) },
        {
          sid: "ReviewBucketProtection",
          actions: [
            "s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock", "s3:GetEncryptionConfiguration",
            "s3:GetBucketVersioning", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketLogging",
          ],
          resources: [`arn:aws:s3:::${prefix}-*`],
        },
        {
          sid: "InvestigateInEveryLogGroup",
          actions: ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults"],
          resources: [`arn:aws:logs:${region}:${accountId}:log-group:*`],
        },
        {
          sid: "ListsAndRecentEventsNameNoResource",
          actions: ["cloudtrail:LookupEvents", "kms:ListKeys", "kms:ListAliases", "guardduty:ListDetectors", "inspector2:ListFindings", "inspector2:ListCoverage"],
        },
      ];
    },
  },
  "system-administrator": {
    job: "runs the EC2 fleet and its Auto Scaling, the VPC network settings, security groups and NACLs, and Multi-AZ failover",
    statements: ({ stack }): PolicyStatement[] => {
      const { region, accountId } = stack;
      const prefix = stack.resourceName();
      const thisEnvironment = { StringEquals: { "aws:ResourceTag/environment": stack.env.name } };
      return [
        {
          sid: "ScaleAndRefreshTheFleet",
          actions: ["autoscaling:UpdateAutoScalingGroup", "autoscaling:SetDesiredCapacity", "autoscaling:StartInstanceRefresh"],
          resources: [`arn:aws:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/${prefix}-*`],
        },
        {
          sid: "StartAndStopThisEnvironmentsInstances",
          actions: ["ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"],
          resources: [`arn:aws:ec2:${region}:${accountId}:instance/*`],
          conditions: thisEnvironment,
        },
        {
          sid: "ChangeThisEnvironmentsSecurityGroupsAndNacls",
          actions: [
            "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
            "ec2:CreateNetworkAclEntry", "ec2:ReplaceNetworkAclEntry", "ec2:DeleteNetworkAclEntry",
          ],
          resources: [`arn:aws:ec2:${region}:${accountId}:security-group/*`, `arn:aws:ec2:${region}:${accountId}:network-acl/*`],
          conditions: thisEnvironment,
        },
        {
          sid: "OpenSessionsOnThisEnvironmentsInstances",
          actions: ["ssm:StartSession"],
          resources: [`arn:aws:ec2:${region}:${accountId}:instance/*`],
          conditions: { StringEquals: { "ssm:resourceTag/environment": stack.env.name } },
        },
        { sid: "OpenOnlyShellSessions", actions: ["ssm:StartSession"], resources: [`arn:aws:ssm:${region}:${accountId}:document/SSM-SessionManagerRunShell`] },
        {
          sid: "FailOverTheDatabase",
          actions: ["rds:DescribeDBClusters", "rds:FailoverDBCluster"],
          resources: [`arn:aws:rds:${region}:${accountId}:cluster:${prefix}-*`],
        },
        {
          sid: "InspectInstancesNetworkAndScalingNameNoResource",
          actions: [
            "ec2:DescribeInstances", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables",
            "ec2:DescribeSubnets", "ec2:DescribeVpcs", "autoscaling:DescribeAutoScalingGroups",
          ],
        },
      ];
    },
  },
  "super-admin": {
    job: "governs the organization's accounts, assesses compliance and inventory with AWS Config, oversees Secrets Manager",
    statements: ({ stack }): PolicyStatement[] => {
      const { region, accountId } = stack;
      const prefix = stack.resourceName();
      return [
        {
          // Config names rules by generated ids: every rule of this account and region.
          sid: "AssessCompliance",
          actions: ["config:DescribeConfigRules", "config:DescribeComplianceByConfigRule", "config:GetComplianceDetailsByConfigRule", "config:StartConfigRulesEvaluation"],
          resources: [`arn:aws:config:${region}:${accountId}:config-rule/*`],
        },
        {
          sid: "OverseeSecretsWithoutReadingThem",
          actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:RotateSecret"],
          resources: [`arn:aws:secretsmanager:${region}:${accountId}:secret:${prefix}-*`],
        },
        {
          sid: "OrganizationInventoryAndSecretListNameNoResource",
          actions: [
            "organizations:DescribeOrganization", "organizations:ListAccounts",
            "config:ListDiscoveredResources", "config:SelectResourceConfig", "config:GetResourceConfigHistory", "secretsmanager:ListSecrets",
          ],
        },
      ];
    },
  },
};

export interface PersonaPoliciesProps {
  readonly boundary: HumanBoundary;
  readonly dataKey: DomainKey;
  readonly logsKey: DomainKey;
  readonly messagingKey: DomainKey;
}

/** True when an action pattern grants everything, or everything of a service. */
export function isWildcardAction(action: string): boolean {
  return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/**
 * Each persona's grants in this account, as one customer-managed policy per persona
 * (`medicare-persona-<persona>`), under the human boundary. People get them through the
 * persona's IAM Identity Center permission set (modules/organization/identity-center.ts),
 * which refers to this policy and to the boundary by name: Identity Center creates the
 * persona's role in this account (`AWSReservedSSO_<permission set>_*`), trusted by its own
 * permission set only, with a one-hour session. No role here trusts people (no shared
 * identity principal), and no IAM users are created.
 */
export class PersonaPolicies extends Construct {
  readonly policies: Readonly<Record<IamPersona, IamPolicy>>;

  constructor(scope: Construct, id: string, props: PersonaPoliciesProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("data", props.dataKey, this, "dataKey");
    requireKeyOf("logs", props.logsKey, this, "logsKey");
    requireKeyOf("messaging", props.messagingKey, this, "messagingKey");
    const context: Scope = { stack, dataKey: props.dataKey, logsKey: props.logsKey, messagingKey: props.messagingKey, roleBoundaryArns: props.boundary.roleBoundaryArns };
    const policies: Partial<Record<IamPersona, IamPolicy>> = {};
    for (const persona of IAM_PERSONAS) {
      const definition = PERSONA_DEFINITIONS[persona];
      const statements = definition.statements(context);
      checkLeastPrivilege(this.node.path, persona, statements);
      policies[persona] = new IamPolicy(this, persona, {
        name: personaPolicyName(persona),
        path: PERSONA_POLICY_PATH,
        description: `mediCARE ${stack.env.name} ${persona}: ${definition.job}`,
        policy: policyJson(statements),
        tags: { [PERSONA_TAG]: persona },
      });
      props.boundary.permit(statements.flatMap((s) => s.actions));
    }
    this.policies = policies as Record<IamPersona, IamPolicy>;
  }
}

/** Throws on a statement that grants a wildcard action, or "*" resources to a scopable action. */
function checkLeastPrivilege(path: string, persona: string, statements: readonly PolicyStatement[]): void {
  for (const statement of statements) {
    const wildcard = statement.actions.filter(isWildcardAction);
    if (wildcard.length > 0) throw new Error(`${path}/${persona}: statement "${statement.sid}" grants ${wildcard.join(", ")}; name the actions`);
    if ((statement.resources ?? ["*"]).includes("*")) {
      const scopable = statement.actions.filter((a) => !UNSCOPED_ACTIONS.has(a));
      if (scopable.length > 0) {
        throw new Error(`${path}/${persona}: statement "${statement.sid}" must name its resources, not "*" (${scopable.join(", ")} support resource-level permissions; see modules/iam/unscoped-actions.ts)`);
      }
    }
  }
}
