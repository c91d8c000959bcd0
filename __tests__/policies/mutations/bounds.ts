import { PolicyMutation, any, atPath, find, member } from "./kit";

type Stack = PolicyMutation["stack"];

/** A BND-001 mutation: one value of the real output moved just past its bound (or removed). */
function bound(stack: Stack, description: string, type: string, path: string, edit: (body: any) => void): PolicyMutation {
  return { ruleId: "BND-001", stack, description, mutate: (doc) => edit(find(doc, type, path === "*" ? any : atPath(path), `${type} ${path}`).body) };
}

const first = (block: any) => (Array.isArray(block) ? block[0] : block);

/** Mutations for the declared bounds (BND-001) and lifecycle expiry against retention (S3-007). */
export const BOUND_MUTATIONS: readonly PolicyMutation[] = [
  bound("security", "the data key rotates every 366 days (just past yearly)", "aws_kms_key", "keys/data/key", (b) => (b.rotation_period_in_days = 366)),
  bound("security", "the logs key rotates every 89 days (just under AWS's minimum)", "aws_kms_key", "keys/logs/key", (b) => (b.rotation_period_in_days = 89)),
  bound("security", "the audit trail's log group kept 364 days", "aws_cloudwatch_log_group", "audit-trail/log-group/group", (b) => (b.retention_in_days = 364)),
  bound("security", "the audit trail's log group moved to the Infrequent Access class (no metric filters)", "aws_cloudwatch_log_group", "audit-trail/log-group/group", (b) => (b.log_group_class = "INFREQUENT_ACCESS")),
  bound("security", "the audit bucket's Object Lock in governance mode", "aws_s3_bucket_object_lock_configuration", "audit-trail/bucket/object-lock", (b) => (first(b.rule).default_retention.mode = "GOVERNANCE")),
  bound("data", "the export bucket's Object Lock without default days", "aws_s3_bucket_object_lock_configuration", "daily-export/bucket/object-lock", (b) => {
    delete first(b.rule).default_retention.days;
  }),
  bound("data", "a migration secret deleted without a recovery window", "aws_secretsmanager_secret", "migration/source-credentials/secret", (b) => (b.recovery_window_in_days = 0)),
  bound("data", "a migration secret rotated every 91 days", "aws_secretsmanager_secret_rotation", "migration/target-credentials/rotation", (b) => (first(b.rotation_rules).automatically_after_days = 91)),
  bound("campaign", "the send queue's dead letters kept one minute", "aws_sqs_queue", "send-queue/dead-letter-queue", (b) => (b.message_retention_seconds = 60)),
  bound("security", "AWS Config keeps history 364 days", "aws_config_retention_configuration", "*", (b) => (b.retention_period_in_days = 364)),
  bound("data", "the backup vault lock without changeable_for_days (governance mode)", "aws_backup_vault_lock_configuration", "backup/vault-lock", (b) => {
    delete b.changeable_for_days;
  }),
  bound("data", "the copy vault lock removable for 8 days", "aws_backup_vault_lock_configuration", "backup/copy-vault-lock", (b) => (b.changeable_for_days = 8)),
  bound("data", "the backup vault lock accepts 34-day recovery points", "aws_backup_vault_lock_configuration", "backup/vault-lock", (b) => (b.min_retention_days = 34)),
  bound("data", "the daily backup rule deletes after 34 days", "aws_backup_plan", "backup/plan", (b) => (member<any>(b.rule, (r) => r.rule_name === "daily", "daily rule").lifecycle.delete_after = 34)),
  bound("data", "the weekly rule's cross-region copy deletes after 30 days", "aws_backup_plan", "backup/plan", (b) => (first(member<any>(b.rule, (r) => r.rule_name === "weekly", "weekly rule").copy_action).lifecycle.delete_after = 30)),
  bound("data", "Aurora keeps 6 days of backups", "aws_rds_cluster", "*", (b) => (b.backup_retention_period = 6)),
  bound("data", "Aurora accepts TLS 1.0 and 1.1", "aws_rds_cluster_parameter_group", "aurora/cluster-parameters", (b) => {
    member<any>(b.parameter, (p) => p.name === "tls_version", "tls_version").value = "TLSv1,TLSv1.1,TLSv1.2";
  }),
  bound("edge", "the HTTPS listener on a TLS 1.0 policy", "aws_lb_listener", "alb/https", (b) => (b.ssl_policy = "ELBSecurityPolicy-2016-08")),
  bound("edge", "the ALB reaches its targets over HTTP", "aws_lb_target_group", "alb/targets", (b) => {
    b.protocol = "HTTP";
    first(b.health_check).protocol = "HTTP";
  }),
  bound("edge", "CloudFront redirects HTTP to HTTPS instead of refusing it", "aws_cloudfront_distribution", "forms-cdn/distribution", (b) => (first(b.default_cache_behavior).viewer_protocol_policy = "redirect-to-https")),
  bound("edge", "CloudFront accepts TLS 1.1 (TLSv1.1_2016)", "aws_cloudfront_distribution", "forms-cdn/distribution", (b) => (first(b.viewer_certificate).minimum_protocol_version = "TLSv1.1_2016")),
  bound("campaign", "the public API's custom domain on TLS 1.0", "aws_api_gateway_domain_name", "public-api/domain", (b) => (b.security_policy = "TLS_1_0")),
  bound("edge", "the staff app's access tokens live 61 minutes", "aws_cognito_user_pool_client", "cognito/staff-web", (b) => (b.access_token_validity = 61)),
  bound("edge", "the patient app's refresh token counted in days (24 days instead of hours)", "aws_cognito_user_pool_client", "cognito/patients-web", (b) => {
    first(b.token_validity_units).refresh_token = "days";
  }),
  bound("edge", "the staff app allows the implicit OAuth flow", "aws_cognito_user_pool_client", "cognito/staff-web", (b) => (b.allowed_oauth_flows = ["code", "implicit"])),
  bound("security", "a CIS alarm needs 2 periods to fire", "aws_cloudwatch_metric_alarm", "security-alarms/console-sign-in-without-mfa-alarm", (b) => (b.evaluation_periods = 2)),
  bound("security", "a CIS alarm's threshold raised to 5 events", "aws_cloudwatch_metric_alarm", "security-alarms/iam-policy-changes-alarm", (b) => (b.threshold = 5)),
  bound("security", "a CIS alarm with its actions disabled", "aws_cloudwatch_metric_alarm", "security-alarms/cloudtrail-changes-alarm", (b) => (b.actions_enabled = false)),
  bound("edge", "the ALB's WAF rate limit raised to 2001 per 5 minutes", "aws_wafv2_web_acl", "alb-waf/acl", (b) => {
    member<any>(b.rule, (r) => r.statement?.rate_based_statement, "rate rule").statement.rate_based_statement.limit = 2001;
  }),
  bound("security", "the trail's CloudWatch Logs role's sessions last 12 hours", "aws_iam_role", "audit-trail/cloudwatch-logs-role/role", (b) => (b.max_session_duration = 43200)),
  bound("campaign", "a function on a Node.js runtime past its support (nodejs18.x)", "aws_lambda_function", "functions/send/function", (b) => (b.runtime = "nodejs18.x")),
  bound("edge", "DNSSEC signing turned off", "aws_route53_hosted_zone_dnssec", "*", (b) => (b.signing_status = "NOT_SIGNING")),
  bound("edge", "the key-signing key made inactive", "aws_route53_key_signing_key", "*", (b) => (b.status = "INACTIVE")),
  bound("edge", "security patches approved after 8 days", "aws_ssm_patch_baseline", "*", (b) => {
    member<any>(b.approval_rule, (r) => r.compliance_level === "CRITICAL", "security approval rule").approve_after_days = 8;
  }),
  bound("edge", "the security approval rule approves bug fixes instead of security patches", "aws_ssm_patch_baseline", "*", (b) => {
    const rule = member<any>(b.approval_rule, (r) => r.compliance_level === "CRITICAL", "security approval rule");
    member<any>(rule.patch_filter, (f) => f.key === "CLASSIFICATION", "classification filter").values = ["Bugfix"];
  }),
  bound("edge", "the security approval rule drops Critical severity", "aws_ssm_patch_baseline", "*", (b) => {
    const rule = member<any>(b.approval_rule, (r) => r.compliance_level === "CRITICAL", "security approval rule");
    const severity = member<any>(rule.patch_filter, (f) => f.key === "SEVERITY", "severity filter");
    severity.values = severity.values.filter((v: string) => v !== "Critical");
  }),
  bound("edge", "the patch maintenance window disabled", "aws_ssm_maintenance_window", "*", (b) => (b.enabled = false)),
  bound("edge", "the launch template allows IMDSv1", "aws_launch_template", "*", (b) => (first(b.metadata_options).http_tokens = "optional")),
  bound("campaign", "API stage logs full requests and responses (data trace)", "aws_api_gateway_method_settings", "*", (b) => (first(b.settings).data_trace_enabled = true)),
  bound("campaign", "campaign email may be delivered without TLS", "aws_sesv2_configuration_set", "*", (b) => (first(b.delivery_options).tls_policy = "OPTIONAL")),
  // S3-007 lifecycle expiry against retention
  {
    ruleId: "S3-007",
    stack: "data",
    description: "the export bucket expires noncurrent versions after 1 day, under its 14-day lock",
    mutate: (doc) => {
      const lifecycle = find(doc, "aws_s3_bucket_lifecycle_configuration", atPath("daily-export/bucket/lifecycle"), "daily-export/bucket/lifecycle").body;
      first(member<any>(lifecycle.rule, (r) => r.noncurrent_version_expiration, "noncurrent expiry rule").noncurrent_version_expiration).noncurrent_days = 1;
    },
  },
  {
    ruleId: "S3-007",
    stack: "security",
    description: "the audit trail bucket expires objects after 30 days, under its lock",
    mutate: (doc) => {
      const lifecycle = find(doc, "aws_s3_bucket_lifecycle_configuration", atPath("audit-trail/bucket/lifecycle"), "audit-trail/bucket/lifecycle").body;
      first(member<any>(lifecycle.rule, (r) => r.expiration, "expiry rule").expiration).days = 30;
    },
  },
  {
    ruleId: "S3-007",
    stack: "security",
    description: "the S3 access-log bucket expires logs after 90 days",
    mutate: (doc) => {
      const lifecycle = find(doc, "aws_s3_bucket_lifecycle_configuration", atPath("buckets/access-logs-eu-west-2/lifecycle"), "access-logs lifecycle").body;
      const rule = member<any>(lifecycle.rule, (r) => r.expiration, "expiry rule");
      first(rule.expiration).days = 90;
      first(rule.noncurrent_version_expiration).noncurrent_days = 90;
    },
  },
];
