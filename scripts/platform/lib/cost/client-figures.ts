/**
 * The estimate beside the client's own figures (../shared/sources/000_*.txt: "approximately
 * GBP 20-30/month" for the base system, "about GBP 3,100" to text ~112,500 patients once and
 * "about GBP 2" to e-mail them), and what the hardening adds: each item with the CONTROLS.md
 * row it serves and, where a smaller clinic could drop or shrink it, what that would cost in
 * protection. Items are matched on the estimate's lines by resource type, so a new resource of
 * a listed type lands in its item and anything else in "the rest".
 */
import { CostLine, EnvironmentEstimate } from "./estimate";

export const CLIENT_FIGURES = {
  source: "../shared/sources/000_d032ff2ec9823d16.txt",
  monthlyGbp: { low: 20, high: 30 },
  fullSmsSendGbp: 3100,
  fullEmailSendGbp: 2,
  patients: 112_500,
  /** The one line the client priced: "A db.t2.small instance ... at GBP 25.73 per month". */
  databaseGbp: 25.73,
} as const;

export interface HardeningItem {
  readonly item: string;
  readonly types: readonly string[];
  /** The CONTROLS.md row(s) it serves, "area | control" as written there; empty when it serves a source requirement, not a control. */
  readonly controls: readonly string[];
  /** What a smaller clinic could do instead, and what it gives up; undefined when a control requires it as built. */
  readonly smallerClinic?: string;
}

export const HARDENING_ITEMS: readonly HardeningItem[] = [
  {
    item: "NAT gateways (one per AZ in prod) and their addresses",
    types: ["aws_nat_gateway", "aws_eip"],
    controls: [],
    smallerClinic: "one NAT gateway, as dev (network.natGateways \"single\"): the app tier loses internet egress (patches, SES) while that AZ is down",
  },
  {
    item: "Interface VPC endpoints (per service, per AZ)",
    types: ["aws_vpc_endpoint"],
    controls: ["network | data-tier subnets have no route to IGW or NAT"],
    smallerClinic: "endpoints in two AZs instead of three, or only KMS, logs, Secrets Manager, STS and SQS (the rest through NAT): AWS API traffic of the app tier then leaves the VPC",
  },
  {
    item: "Route 53 Resolver outbound endpoint (on-premises DNS)",
    types: ["aws_route53_resolver_endpoint"],
    controls: [],
    smallerClinic: "address the on-premises database and puller by IP instead of forwarding the on-premises zone: no DNS names for on-premises hosts",
  },
  { item: "DNS Firewall (queries inspected)", types: ["aws_route53_resolver_firewall_rule_group_association"], controls: ["network | Route 53 Resolver DNS Firewall associated with every VPC, blocking the AWS managed threat lists"] },
  { item: "Site-to-site VPN (the source's daily backups to the on-premises server)", types: ["aws_vpn_connection"], controls: ["network | VPN tunnels use IKEv2 and only AES-256/SHA-2 proposals"] },
  {
    item: "Aurora instances (the client priced one db.t2.small)",
    types: ["aws_rds_cluster_instance", "aws_rds_cluster"],
    controls: ["rds | instances in >= 2 AZs (writer + reader)", "rds | audit, error, slowquery logs exported; enhanced monitoring; Performance Insights with a CMK"],
    smallerClinic: "a smaller instance class (database.instanceClass); the reader only through a justified, dated exception to the Multi-AZ control",
  },
  {
    item: "RDS Proxy (priced per vCPU of the instances)",
    types: ["aws_db_proxy"],
    controls: ["rds | RDS Proxy requires TLS and IAM auth"],
    smallerClinic: "functions connecting straight to the cluster with IAM auth: a design change (ARCHITECTURE.md asks for the proxy), and connection storms during a send",
  },
  {
    item: "DMS replication instance (live migration)",
    types: ["aws_dms_replication_instance"],
    controls: ["dms | replication instance not public, KMS, multi-AZ in prod, auto minor upgrade; endpoints use SSL (verify-full) and Secrets Manager"],
    smallerClinic: "remove it once the migration has cut over (every clinic can): the ongoing replication from on-premises stops",
  },
  {
    item: "Application load balancer and app fleet (EC2, volumes, detailed monitoring)",
    types: ["aws_lb", "aws_autoscaling_group", "aws_autoscaling_policy"],
    controls: ["alb | HTTPS listeners with a TLS 1.2+ policy and an ACM certificate; HTTP only redirects", "ec2 | launch templates: IMDSv2 required, hop limit 1, no public IP, encrypted EBS with a CMK, instance profile, detailed monitoring"],
    smallerClinic: "one smaller instance (edge.fleet, as dev): no capacity left when an instance or AZ fails",
  },
  {
    item: "WAF web ACLs (load balancer, APIs, CloudFront) and their rules",
    types: ["aws_wafv2_web_acl"],
    controls: ["waf | every internet-facing ALB, API and CloudFront distribution has a WAFv2 web ACL with the managed common, known-bad-inputs, SQLi and IP-reputation groups and a rate-based rule"],
  },
  { item: "GuardDuty and its protection features", types: ["aws_guardduty_detector", "aws_guardduty_detector_feature"], controls: ["audit | GuardDuty detector enabled with its protection features"] },
  {
    item: "AWS Config recorder and the HIPAA conformance-pack rules",
    types: ["aws_config_configuration_recorder", "aws_config_config_rule"],
    controls: ["audit | AWS Config recorder records all resources and has a delivery channel"],
    smallerClinic: "keep the recorder, drop most of the ~70 managed rules (Security Hub's FSBP checks cover many): fewer continuous compliance checks",
  },
  { item: "Security Hub (FSBP and CIS checks)", types: ["aws_securityhub_account", "aws_securityhub_standards_subscription"], controls: ["audit | Security Hub enabled with FSBP and CIS standards"] },
  { item: "Inspector v2 (EC2, Lambda, Lambda code)", types: ["aws_inspector2_enabler"], controls: ["audit | Inspector v2 enabled for EC2, ECR and Lambda"] },
  { item: "CloudTrail data events on patient-data buckets", types: ["aws_cloudtrail"], controls: ["audit | a multi-region CloudTrail with log file validation, KMS and CloudWatch Logs"] },
  { item: "Customer-managed KMS keys (four domains, backup region, us-east-1)", types: ["aws_kms_key"], controls: ["kms | every customer-managed key rotates; deletion window >= 7 days; key policy has no `*` principal without conditions", "s3 | every bucket: SSE-KMS with a customer-managed key"] },
  { item: "Secrets Manager secrets", types: ["aws_secretsmanager_secret"], controls: ["secrets | every secret uses a CMK and has rotation (<= 90 days)"] },
  {
    item: "AWS Backup vaults and cross-region copies",
    types: ["aws_backup_vault", "aws_backup_plan"],
    controls: ["backup | backup vault uses a CMK and has a vault lock; plan has daily rule with >= 35 days retention and a cross-region copy"],
  },
  { item: "EBS snapshots (DLM) and their copies", types: ["aws_dlm_lifecycle_policy"], controls: ["ec2 | EBS encryption by default on in the account; DLM policy with encrypted copies"] },
  { item: "S3 storage, access logs and replication to the backup region", types: ["aws_s3_bucket", "aws_s3_bucket_replication_configuration"], controls: ["s3 | buckets holding PHI, audit logs or exports: Object Lock; replication to the backup region", "s3 | every bucket: versioning; access logging (except the log bucket itself)"] },
  {
    item: "CloudWatch Logs (flow logs ALL, audit and service logs, kept 1-6 years)",
    types: ["aws_cloudwatch_log_group"],
    controls: ["network | every VPC has a flow log capturing ALL traffic", "logs | every CloudWatch log group is KMS-encrypted and has retention >= 365 days"],
    smallerClinic: "365 days of retention (the control's floor) instead of six years: less stored log history",
  },
  { item: "CloudWatch alarms and metric filters", types: ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_log_metric_filter"], controls: ["audit | CIS metric filters + alarms (root use, unauthorized calls, console login without MFA, IAM/CloudTrail/KMS/SG/NACL changes)", "logs | every alarm has an action"] },
  { item: "Cognito Plus tier (advanced security)", types: ["aws_cognito_user_pool"], controls: ["cognito | staff pool MFA `ON` (TOTP), advanced security enforced, admin-only sign-up, strong password policy; patient pool verified email"] },
];

export interface HardeningRow {
  readonly item: string;
  readonly monthlyUsd: number;
  readonly controls: readonly string[];
  readonly smallerClinic?: string;
}

/** The environment's lines grouped into the hardening items, largest first, with the remainder as one row. */
export function hardeningRows(estimate: EnvironmentEstimate): HardeningRow[] {
  const lines: CostLine[] = estimate.stacks.flatMap((s) => s.lines);
  const rows: HardeningRow[] = HARDENING_ITEMS.map((item) => ({
    item: item.item,
    monthlyUsd: lines.filter((l) => item.types.includes(l.type)).reduce((n, l) => n + l.monthlyUsd, 0),
    controls: item.controls,
    smallerClinic: item.smallerClinic,
  }));
  const listed = new Set(HARDENING_ITEMS.flatMap((i) => i.types));
  const rest = lines.filter((l) => !listed.has(l.type)).reduce((n, l) => n + l.monthlyUsd, 0);
  return [...rows.sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.item.localeCompare(b.item)), { item: "The rest (Lambda, API Gateway, SQS, SNS, Step Functions, Route 53 zone, CloudFront, ...)", monthlyUsd: rest, controls: [], smallerClinic: "pay-per-use: follows the campaign's traffic" }];
}
