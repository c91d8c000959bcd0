import { PolicyMutation, atPath, find, member } from "./kit";

/** Mutations of the dev edge stack (modules/edge), by construct path. */
const one = (doc: any, type: string, path: string) => find(doc, type, atPath(path), path).body;
const httpListener = (doc: any) => one(doc, "aws_lb_listener", "alb/http-redirect");
const httpsListener = (doc: any) => one(doc, "aws_lb_listener", "alb/https");
const alb = (doc: any) => one(doc, "aws_lb", "alb/alb");
const albAcl = (doc: any) => one(doc, "aws_wafv2_web_acl", "alb-waf/acl");
const template = (doc: any) => one(doc, "aws_launch_template", "app-fleet/launch-template");
const distribution = (doc: any) => one(doc, "aws_cloudfront_distribution", "forms-cdn/distribution");
const staffPool = (doc: any) => one(doc, "aws_cognito_user_pool", "cognito/staff");
const dlmCopy = (doc: any) => one(doc, "aws_dlm_lifecycle_policy", "snapshots/policy").policy_details.schedule[0].cross_region_copy_rule[0];

export const EDGE_MUTATIONS: readonly PolicyMutation[] = [
  // ALB-001
  {
    ruleId: "ALB-001",
    stack: "edge",
    description: "the HTTP listener forwards to the targets instead of redirecting",
    mutate: (doc) => {
      const target = httpsListener(doc).default_action[0].target_group_arn;
      httpListener(doc).default_action = [{ type: "forward", target_group_arn: target }];
    },
  },
  {
    ruleId: "ALB-001",
    stack: "edge",
    description: "the HTTPS listener uses ELBSecurityPolicy-2016-08 (TLS 1.0)",
    mutate: (doc) => {
      httpsListener(doc).ssl_policy = "ELBSecurityPolicy-2016-08";
    },
  },
  // ALB-002
  {
    ruleId: "ALB-002",
    stack: "edge",
    description: "the ALB keeps invalid header fields",
    mutate: (doc) => {
      alb(doc).drop_invalid_header_fields = false;
    },
  },
  {
    ruleId: "ALB-002",
    stack: "edge",
    description: "desync mitigation relaxed to defensive",
    mutate: (doc) => {
      alb(doc).desync_mitigation_mode = "defensive";
    },
  },
  {
    ruleId: "ALB-002",
    stack: "edge",
    description: "access logs switched off",
    mutate: (doc) => {
      alb(doc).access_logs.enabled = false;
    },
  },
  {
    ruleId: "ALB-002",
    stack: "edge",
    description: "deletion protection off",
    mutate: (doc) => {
      alb(doc).enable_deletion_protection = false;
    },
  },
  // WAF-001
  {
    ruleId: "WAF-001",
    stack: "edge",
    description: "the ALB's web ACL association is removed",
    mutate: (doc) => {
      delete doc.resource.aws_wafv2_web_acl_association;
    },
  },
  {
    ruleId: "WAF-001",
    stack: "edge",
    description: "the CloudFront distribution has no web ACL",
    mutate: (doc) => {
      delete distribution(doc).web_acl_id;
    },
  },
  // WAF-002
  {
    ruleId: "WAF-002",
    stack: "edge",
    description: "the SQL injection group is removed from the ALB's ACL",
    mutate: (doc) => {
      const acl = albAcl(doc);
      acl.rule = acl.rule.filter((r: any) => r.name !== "AWSManagedRulesSQLiRuleSet");
    },
  },
  {
    ruleId: "WAF-002",
    stack: "edge",
    description: "the common rule set is put in count mode",
    mutate: (doc) => {
      member(albAcl(doc).rule as any[], (r) => r.name === "AWSManagedRulesCommonRuleSet", "common rule set").override_action = { count: {} };
    },
  },
  {
    ruleId: "WAF-002",
    stack: "edge",
    description: "the rate-based rule only counts",
    mutate: (doc) => {
      member(albAcl(doc).rule as any[], (r) => r.name === "rate-limit-per-ip", "rate rule").action = { count: {} };
    },
  },
  // WAF-003
  {
    ruleId: "WAF-003",
    stack: "edge",
    description: "the cookie header is no longer redacted in WAF logs",
    mutate: (doc) => {
      const logging = one(doc, "aws_wafv2_web_acl_logging_configuration", "alb-waf/logging");
      logging.redacted_fields = logging.redacted_fields.filter((f: any) => f.single_header?.name !== "cookie");
    },
  },
  {
    ruleId: "WAF-003",
    stack: "edge",
    description: "the CloudFront ACL's logging configuration is removed",
    mutate: (doc) => {
      const name = find(doc, "aws_wafv2_web_acl_logging_configuration", atPath("cdn-waf/logging"), "cdn-waf/logging").name;
      delete doc.resource.aws_wafv2_web_acl_logging_configuration[name];
    },
  },
  // EC2-001
  {
    ruleId: "EC2-001",
    stack: "edge",
    description: "IMDSv1 allowed (http_tokens optional)",
    mutate: (doc) => {
      template(doc).metadata_options.http_tokens = "optional";
    },
  },
  {
    ruleId: "EC2-001",
    stack: "edge",
    description: "metadata hop limit raised to 2",
    mutate: (doc) => {
      template(doc).metadata_options.http_put_response_hop_limit = 2;
    },
  },
  {
    ruleId: "EC2-001",
    stack: "edge",
    description: "instances get a public IP",
    mutate: (doc) => {
      template(doc).network_interfaces[0].associate_public_ip_address = "true";
    },
  },
  {
    ruleId: "EC2-001",
    stack: "edge",
    description: "the root volume is encrypted with the AWS managed key",
    mutate: (doc) => {
      delete template(doc).block_device_mappings[0].ebs.kms_key_id;
    },
  },
  {
    ruleId: "EC2-001",
    stack: "edge",
    description: "detailed monitoring off",
    mutate: (doc) => {
      template(doc).monitoring.enabled = false;
    },
  },
  // EC2-002
  {
    ruleId: "EC2-002",
    stack: "edge",
    description: "the group relies on EC2 status checks only",
    mutate: (doc) => {
      one(doc, "aws_autoscaling_group", "app-fleet/group").health_check_type = "EC2";
    },
  },
  // EC2-003
  {
    ruleId: "EC2-003",
    stack: "edge",
    description: "EBS encryption by default switched off",
    mutate: (doc) => {
      one(doc, "aws_ebs_encryption_by_default", "app-fleet/ebs-encryption-by-default").enabled = false;
    },
  },
  {
    ruleId: "EC2-003",
    stack: "edge",
    description: "the cross-region snapshot copy is unencrypted",
    mutate: (doc) => {
      const copy = dlmCopy(doc);
      copy.encrypted = false;
      delete copy.cmk_arn;
    },
  },
  // SSM-001
  {
    ruleId: "SSM-001",
    stack: "edge",
    description: "security patches approved only after 30 days",
    mutate: (doc) => {
      for (const rule of one(doc, "aws_ssm_patch_baseline", "patching/baseline").approval_rule) rule.approve_after_days = 30;
    },
  },
  {
    ruleId: "SSM-001",
    stack: "edge",
    description: "the maintenance window only scans",
    mutate: (doc) => {
      const task = one(doc, "aws_ssm_maintenance_window_task", "patching/install-patches");
      member(task.task_invocation_parameters.run_command_parameters.parameter as any[], (p) => p.name === "Operation", "Operation").values = ["Scan"];
    },
  },
  // CDN-001
  {
    ruleId: "CDN-001",
    stack: "edge",
    description: "the distribution allows TLS 1.0",
    mutate: (doc) => {
      distribution(doc).viewer_certificate.minimum_protocol_version = "TLSv1";
    },
  },
  {
    ruleId: "CDN-001",
    stack: "edge",
    description: "viewers may use plain HTTP",
    mutate: (doc) => {
      distribution(doc).default_cache_behavior.viewer_protocol_policy = "allow-all";
    },
  },
  // CDN-002
  {
    ruleId: "CDN-002",
    stack: "edge",
    description: "the S3 origin is read without origin access control",
    mutate: (doc) => {
      delete distribution(doc).origin[0].origin_access_control_id;
    },
  },
  {
    ruleId: "CDN-002",
    stack: "edge",
    description: "the response headers policy is detached",
    mutate: (doc) => {
      delete distribution(doc).default_cache_behavior.response_headers_policy_id;
    },
  },
  {
    ruleId: "CDN-002",
    stack: "edge",
    description: "the forms' CSP lets inline styles run again (style-src 'self' 'unsafe-inline')",
    mutate: (doc) => {
      const policy = Object.values<any>(doc.resource.aws_cloudfront_response_headers_policy)[0];
      const csp = policy.security_headers_config.content_security_policy;
      csp.content_security_policy = csp.content_security_policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
    },
  },
  {
    ruleId: "CDN-002",
    stack: "edge",
    description: "the access log delivery is removed",
    mutate: (doc) => {
      delete doc.resource.aws_cloudwatch_log_delivery;
    },
  },
  // COG-001
  {
    ruleId: "COG-001",
    stack: "edge",
    description: "the staff pool's MFA is OPTIONAL",
    mutate: (doc) => {
      staffPool(doc).mfa_configuration = "OPTIONAL";
    },
  },
  {
    ruleId: "COG-001",
    stack: "edge",
    description: "anyone may sign up to the staff pool",
    mutate: (doc) => {
      staffPool(doc).admin_create_user_config.allow_admin_create_user_only = false;
    },
  },
  // COG-002
  {
    ruleId: "COG-002",
    stack: "edge",
    description: "the patient pool's advanced security only audits",
    mutate: (doc) => {
      one(doc, "aws_cognito_user_pool", "cognito/patients").user_pool_add_ons.advanced_security_mode = "AUDIT";
    },
  },
  {
    ruleId: "COG-002",
    stack: "edge",
    description: "the staff password policy drops to 8 characters",
    mutate: (doc) => {
      staffPool(doc).password_policy.minimum_length = 8;
    },
  },
  {
    ruleId: "COG-002",
    stack: "edge",
    description: "the staff client gets a secret and the password flow",
    mutate: (doc) => {
      const client = one(doc, "aws_cognito_user_pool_client", "cognito/staff-web");
      client.explicit_auth_flows = [...client.explicit_auth_flows, "ALLOW_USER_PASSWORD_AUTH"];
    },
  },
  // S3-002: the SSE-S3 exception stays narrow
  {
    ruleId: "S3-002",
    stack: "edge",
    description: "the forms bucket switches to SSE-S3",
    mutate: (doc) => {
      one(doc, "aws_s3_bucket_server_side_encryption_configuration", "forms-cdn/origin/encryption").rule[0].apply_server_side_encryption_by_default = { sse_algorithm: "AES256" };
    },
  },
  // Found by the generated mutations (npm run policy:mutations)
  {
    ruleId: "COG-002",
    stack: "edge",
    description: "the patient pool's optional TOTP MFA is switched OFF",
    mutate: (doc) => {
      one(doc, "aws_cognito_user_pool", "cognito/patients").mfa_configuration = "OFF";
    },
  },
  {
    ruleId: "SSM-001",
    stack: "edge",
    description: "the patch group registration is deleted, so instances fall back to AWS's default baseline",
    mutate: (doc) => {
      const group = find(doc, "aws_ssm_patch_group", atPath("patching/patch-group"), "patching/patch-group");
      delete doc.resource.aws_ssm_patch_group[group.name];
    },
  },

  // IAM-008 on the edge stack
  {
    ruleId: "IAM-008",
    stack: "edge",
    description: "the forms origin bucket lets CloudFront read for any distribution (aws:SourceArn dropped)",
    mutate: (doc) => {
      const policy = find(doc, "aws_s3_bucket_policy", atPath("forms-cdn/origin/policy"), "forms-cdn/origin/policy").body;
      const document = JSON.parse(policy.policy);
      delete member<any>(document.Statement, (s) => s.Sid === "CloudFrontReadsThroughThisDistributionOnly", "CloudFrontReadsThroughThisDistributionOnly").Condition;
      policy.policy = JSON.stringify(document);
    },
  },
];
