import { PolicyStatement } from "./policy-document";

/**
 * What the SSM agent on the app fleet calls with no resource to name (modules/edge/app-fleet.ts;
 * AmazonSSMManagedInstanceCore's actions): Session Manager and Run Command channels have no
 * resource type (list_amazonsessionmanagermessagegatewayservice.html,
 * list_amazonmessagedeliveryservice.html); ListAssociations and
 * GetDeployablePatchSnapshotForInstance (Patch Manager's baseline snapshot) have none either
 * (list_awssystemsmanager.html).
 */
export const SSM_AGENT_UNSCOPED_ACTIONS: readonly string[] = [
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "ec2messages:AcknowledgeMessage",
  "ec2messages:DeleteMessage",
  "ec2messages:FailMessage",
  "ec2messages:GetEndpoint",
  "ec2messages:GetMessages",
  "ec2messages:SendReply",
  "ssm:ListAssociations",
  "ssm:GetDeployablePatchSnapshotForInstance",
];

/**
 * IAM actions that support no resource-level permissions: the Service Authorization
 * Reference lists no resource type for them, so a policy can only grant them on "*".
 * A statement may use Resource "*" only when every action in it is listed here (ServiceRole
 * enforces it, and so does the IAM policy rule); everything else names its resources.
 *
 * Add an action only after checking its row in the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/), and say who needs it.
 */
export const UNSCOPED_ACTIONS: ReadonlySet<string> = new Set([
  // AWS Backup finds EBS volumes by tag and reads their snapshots.
  "ec2:DescribeSnapshots",
  "ec2:DescribeVolumes",
  "ec2:DescribeTags",
  "tag:GetResources",
  // AWS Backup copies recovery points to the backup region (modules/data/backup.ts): both are
  // "[permission only]" with no resource type in the reference (list_awsbackup.html);
  // CopyFromBackupVault is narrowed by its backup:CopyTargets condition instead.
  "backup:CopyFromBackupVault",
  "backup:CopyIntoBackupVault",
  // DMS (dms-vpc-role, modules/data/dms-account-roles.ts) inspects the network of a
  // replication subnet group: EC2 Describe* actions list no resource type.
  "ec2:DescribeAvailabilityZones",
  "ec2:DescribeDhcpOptions",
  "ec2:DescribeInternetGateways",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSubnets",
  "ec2:DescribeVpcs",
  // DMS (dms-cloudwatch-logs-role) finds its task log group; DescribeLogGroups lists the
  // account's groups and has no resource type (list_amazoncloudwatchlogs.html).
  "logs:DescribeLogGroups",
  // EventBridge Scheduler starts the daily Aurora export (modules/data/export.ts):
  // StartExportTask has no resource type, only the dependent iam:PassRole (list_amazonrds.html).
  // The export it starts can only write where the passed export role may write.
  "rds:StartExportTask",
  // Every Lambda function (modules/compute/lambda-function.ts) traces to X-Ray; neither action
  // has a resource type (list_awsx-ray.html). Functions in a VPC also use the
  // ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets listed above for DMS.
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  // The credential rotation function (modules/data/database-secret.ts) draws new passwords;
  // GetRandomPassword touches no secret and has no resource type (list_awssecretsmanager.html).
  "secretsmanager:GetRandomPassword",
  // Persona roles (modules/iam/personas.ts). Each has no resource type in the reference:
  // IT support and the security team read the trail's recent events and query results
  // (list_awscloudtrail.html LookupEvents; list_amazoncloudwatchlogs.html GetQueryResults),
  // metrics (list_amazoncloudwatch.html GetMetricData, ListMetrics) and find functions
  // (list_awslambda.html ListFunctions).
  "cloudtrail:LookupEvents",
  "logs:GetQueryResults",
  "cloudwatch:GetMetricData",
  "cloudwatch:ListMetrics",
  "lambda:ListFunctions",
  // The security team lists keys and detectors, and Inspector findings and coverage
  // (list_awskeymanagementservice.html, list_amazonguardduty.html, list_amazoninspector2.html).
  "kms:ListKeys",
  "kms:ListAliases",
  "guardduty:ListDetectors",
  "inspector2:ListFindings",
  "inspector2:ListCoverage",
  // The system administrator inspects instances, the network and Auto Scaling groups
  // (list_amazonec2.html, list_amazonec2autoscaling.html: Describe* name no resource).
  "ec2:DescribeInstances",
  "ec2:DescribeNetworkAcls",
  "ec2:DescribeRouteTables",
  "autoscaling:DescribeAutoScalingGroups",
  // The super admin reviews the organization, the Config inventory and the secrets' list
  // (list_awsorganizations.html, list_awsconfig.html, list_awssecretsmanager.html).
  "organizations:DescribeOrganization",
  "organizations:ListAccounts",
  "config:ListDiscoveredResources",
  "config:SelectResourceConfig",
  "config:GetResourceConfigHistory",
  "secretsmanager:ListSecrets",
  // The SSM agent on the app fleet (SSM_AGENT_UNSCOPED_ACTIONS above).
  ...SSM_AGENT_UNSCOPED_ACTIONS,
  // The campaign's send worker checks the SNS SMS opt-out list before every SMS
  // (list_amazonsns.html: CheckIfPhoneNumberIsOptedOut has no resource type).
  "sns:CheckIfPhoneNumberIsOptedOut",
  // Step Functions delivers state machine logs through CloudWatch Logs' vended-log API
  // (modules/campaign/state-machines.ts; list_amazoncloudwatchlogs.html: none of these has a
  // resource type; Step Functions' logging documentation grants them on "*").
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  // Step Functions' X-Ray tracing reads the sampling rules (list_awsx-ray.html: no resource type).
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
]);

/**
 * Actions that may take Resource "*" only when the same policy denies them on the given ARN
 * pattern, so the grant reaches only what has no ARN.
 * - sns:Publish: an SMS sent straight to a phone number has no resource in IAM, so only
 *   Resource "*" allows it; a Deny on arn:aws:sns:*:*:* keeps the grant off every topic and
 *   platform endpoint (list_amazonsns.html: Publish acts on the topic resource type).
 */
export const UNSCOPED_BESIDE_DENY: Readonly<Record<string, string>> = {
  "sns:Publish": "arn:aws:sns:*:*:*",
};

/** Actions of a Resource "*" statement that are neither unscoped nor covered by their Deny in `statements`. */
export function scopableActionsOnEverything(statement: PolicyStatement, statements: readonly PolicyStatement[]): string[] {
  if (!(statement.resources ?? ["*"]).includes("*") || statement.effect === "Deny") return [];
  return statement.actions.filter((action) => {
    if (UNSCOPED_ACTIONS.has(action)) return false;
    const pattern = UNSCOPED_BESIDE_DENY[action];
    return !(pattern && statements.some((s) => s.effect === "Deny" && s.actions.includes(action) && (s.resources ?? []).includes(pattern)));
  });
}

/** True when a statement on Resource "*" grants only actions that cannot be scoped. */
export function onlyUnscopedActions(actions: readonly string[]): boolean {
  return actions.length > 0 && actions.every((action) => UNSCOPED_ACTIONS.has(action));
}
