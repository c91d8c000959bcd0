import { rmSync } from "fs";
import { ALB_TLS_POLICY } from "../../modules/edge/alb";
import { CLOUDFRONT_TLS_POLICY } from "../../modules/edge/cdn";
import { MANAGED_RULE_GROUPS } from "../../modules/edge/waf";
import { statementsOf } from "../support/policy";
import { referencedResource, resolveRef } from "../support/refs";
import { SynthResource, SynthesizedApp, synthesize } from "../support/synth";

/** What each environment's edge must look like, written down independently of the config. */
const EXPECTED = {
  dev: { account: "111111111111", backupRegion: "eu-west-1", minInstances: 1 },
  prod: { account: "222222222222", backupRegion: "eu-west-1", minInstances: 2 },
} as const;

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

describe.each(Object.keys(EXPECTED) as (keyof typeof EXPECTED)[])("%s-edge", (envName) => {
  const expected = EXPECTED[envName];
  const stack = `${envName}-edge`;
  const of = (type: string) => app.resources(type, stack);
  const nonEmpty = (type: string) => {
    const found = of(type);
    expect({ type, empty: found.length === 0 }).toEqual({ type, empty: false });
    return found;
  };

  it("ALB listeners: HTTPS with TLS 1.3/1.2 and an ACM certificate; HTTP only redirects", () => {
    for (const listener of nonEmpty("aws_lb_listener")) {
      const v = listener.values;
      if (v.protocol === "HTTPS") {
        expect(v.ssl_policy).toBe(ALB_TLS_POLICY);
        expect(referencedResource(app, stack, v.certificate_arn)?.type).toBe("aws_acm_certificate_validation");
      } else {
        expect(v.protocol).toBe("HTTP");
        expect(v.default_action).toEqual([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }]);
      }
    }
    expect(of("aws_lb_listener").map((l) => l.values.protocol).sort()).toEqual(["HTTP", "HTTPS"]);
  });

  it("every ALB drops invalid headers, is strictest on desync, logs to an SSE-S3 log bucket and is deletion-protected, behind a web ACL", () => {
    for (const lb of nonEmpty("aws_lb")) {
      expect(lb.values).toMatchObject({ internal: false, drop_invalid_header_fields: true, desync_mitigation_mode: "strictest", enable_deletion_protection: true });
      expect(lb.values.access_logs.enabled).toBe(true);
      const bucket = referencedResource(app, stack, lb.values.access_logs.bucket)!;
      expect(bucket.values.tags["bucket-contents"]).toBe("load-balancer-logs");
      const associations = of("aws_wafv2_web_acl_association").filter((a) => resolveRef(app, stack, a.values.resource_arn)?.name === lb.name);
      expect(associations).toHaveLength(1);
      expect(referencedResource(app, stack, associations[0].values.web_acl_arn)?.values.scope).toBe("REGIONAL");
    }
  });

  it("the ALB log bucket is the only SSE-S3 bucket; ELB's log account may write only its prefix", () => {
    const sseS3 = of("aws_s3_bucket_server_side_encryption_configuration").filter(
      (c) => c.values.rule[0].apply_server_side_encryption_by_default.sse_algorithm !== "aws:kms",
    );
    expect(sseS3.map((c) => c.path)).toEqual([`${stack}/alb/access-logs/encryption`]);
    const policy = of("aws_s3_bucket_policy").find((p) => p.path === `${stack}/alb/access-logs/policy`)!;
    const allows = statementsOf(policy.values.policy).filter((s) => s.effect === "Allow");
    expect(allows).toHaveLength(1);
    expect(allows[0].principals).toEqual({ AWS: ["arn:aws:iam::652711504416:root"] });
    expect(allows[0].resources[0]).toMatch(new RegExp(`/alb/AWSLogs/${expected.account}/\\*$`));
    expect(statementsOf(policy.values.policy).map((s) => s.sid)).toEqual(expect.arrayContaining(["DenyRequestsWithoutTls", "DenyUploadsUnderKmsKeys", "DenyDeletingLogRecords"]));
  });

  it("every web ACL runs the managed groups unmodified and a blocking rate rule, and logs redacted to an encrypted aws-waf-logs-* group", () => {
    const acls = nonEmpty("aws_wafv2_web_acl");
    expect(acls.map((a) => a.values.scope).sort()).toEqual(["CLOUDFRONT", "REGIONAL"]);
    for (const acl of acls) {
      const groups = acl.values.rule.filter((r: any) => r.statement.managed_rule_group_statement);
      expect(groups.map((r: any) => r.statement.managed_rule_group_statement.name)).toEqual([...MANAGED_RULE_GROUPS]);
      for (const g of groups) expect(g.override_action).toEqual({ none: {} });
      const rate = acl.values.rule.filter((r: any) => r.statement.rate_based_statement);
      expect(rate).toHaveLength(1);
      expect(rate[0].action).toEqual({ block: {} });
      if (acl.values.scope === "CLOUDFRONT") expect(acl.values.provider).toBe("aws.us_east_1");
      const logging = of("aws_wafv2_web_acl_logging_configuration").filter((l) => resolveRef(app, stack, l.values.resource_arn)?.name === acl.name);
      expect(logging).toHaveLength(1);
      expect(logging[0].values.redacted_fields).toEqual([{ single_header: { name: "authorization" } }, { single_header: { name: "cookie" } }]);
      const group = referencedResource(app, stack, logging[0].values.log_destination_configs[0])!;
      expect(group.values.name).toMatch(/^aws-waf-logs-/);
      expect(referencedResource(app, stack, group.values.kms_key_id)?.type).toBe("aws_kms_key");
      expect(group.values.provider).toBe(acl.values.provider);
    }
  });

  it("every launch template: IMDSv2 only with hop limit 1, no public IP, CMK-encrypted volumes, an instance profile, detailed monitoring", () => {
    for (const t of nonEmpty("aws_launch_template")) {
      expect(t.values.metadata_options).toMatchObject({ http_tokens: "required", http_put_response_hop_limit: 1 });
      expect(t.values.network_interfaces.map((n: any) => n.associate_public_ip_address)).toEqual(["false"]);
      for (const bd of t.values.block_device_mappings) {
        expect(bd.ebs.encrypted).toBe("true");
        expect(referencedResource(app, stack, bd.ebs.kms_key_id)?.path).toBe(`${envName}-security/keys/data/key`);
      }
      expect(referencedResource(app, stack, t.values.iam_instance_profile.arn)?.type).toBe("aws_iam_instance_profile");
      expect(t.values.monitoring).toEqual({ enabled: true });
    }
  });

  it("every Auto Scaling group: launch template, ELB health checks, the app tier of every AZ, target tracking", () => {
    for (const g of nonEmpty("aws_autoscaling_group")) {
      expect(resolveRef(app, stack, g.values.launch_template.id)?.type).toBe("aws_launch_template");
      expect(g.values.health_check_type).toBe("ELB");
      expect(g.values.min_size).toBeGreaterThanOrEqual(expected.minInstances);
      const subnets = g.values.vpc_zone_identifier.map((s: string) => referencedResource(app, stack, s)!) as SynthResource[];
      expect(subnets.map((s) => s.values.tags.tier)).toEqual(["app", "app", "app"]);
      expect(new Set(subnets.map((s) => s.values.availability_zone)).size).toBe(3);
      expect(g.values.tag).toEqual(expect.arrayContaining([{ key: "Patch Group", value: `medicare-${envName}-app`, propagate_at_launch: true }]));
    }
    expect(of("aws_autoscaling_policy").map((p) => p.values.policy_type)).toEqual(["TargetTrackingScaling"]);
    expect(of("aws_launch_configuration")).toEqual([]);
  });

  it("EBS encryption by default with the data key; DLM copies encrypted with the backup region's backup key", () => {
    expect(of("aws_ebs_encryption_by_default").map((e) => e.values.enabled)).toEqual([true]);
    expect(of("aws_ebs_default_kms_key").map((k) => referencedResource(app, stack, k.values.key_arn)?.path)).toEqual([`${envName}-security/keys/data/key`]);
    for (const p of nonEmpty("aws_dlm_lifecycle_policy")) {
      for (const schedule of p.values.policy_details.schedule) {
        expect(schedule.cross_region_copy_rule).toHaveLength(1);
        const copy = schedule.cross_region_copy_rule[0];
        expect(copy).toMatchObject({ target: expected.backupRegion, encrypted: true });
        expect(referencedResource(app, stack, copy.cmk_arn)?.path).toBe(`${envName}-security/backup-region-keys/backup/key`);
      }
    }
  });

  it("Patch Manager: security updates within 7 days, installed on the fleet's patch group with logged output", () => {
    for (const b of nonEmpty("aws_ssm_patch_baseline")) {
      const security = b.values.approval_rule.filter((r: any) => r.patch_filter.some((f: any) => f.key === "CLASSIFICATION" && f.values.includes("Security")));
      expect(security.map((r: any) => r.approve_after_days)).toEqual([7]);
    }
    const [task] = nonEmpty("aws_ssm_maintenance_window_task");
    expect(task.values.task_arn).toBe("AWS-RunPatchBaseline");
    expect(task.values.task_invocation_parameters.run_command_parameters.parameter).toContainEqual({ name: "Operation", values: ["Install"] });
    expect(task.values.task_invocation_parameters.run_command_parameters.cloudwatch_config.cloudwatch_output_enabled).toBe(true);
    const [target] = nonEmpty("aws_ssm_maintenance_window_target");
    expect(target.values.targets).toEqual([{ key: "tag:Patch Group", values: [`medicare-${envName}-app`] }]);
    expect(of("aws_ssm_patch_group").map((g) => g.values.patch_group)).toEqual([`medicare-${envName}-app`]);
  });

  it("every CloudFront distribution: HTTPS only, TLS 1.2_2021, OAC, HSTS + CSP, WAF, logs", () => {
    for (const d of nonEmpty("aws_cloudfront_distribution")) {
      expect(d.values.default_cache_behavior.viewer_protocol_policy).toBe("https-only");
      expect(d.values.viewer_certificate).toMatchObject({ minimum_protocol_version: CLOUDFRONT_TLS_POLICY, ssl_support_method: "sni-only" });
      expect(referencedResource(app, stack, d.values.viewer_certificate.acm_certificate_arn)?.values.provider).toBe("aws.us_east_1");
      expect(referencedResource(app, stack, d.values.web_acl_id)?.values.scope).toBe("CLOUDFRONT");
      for (const o of d.values.origin) {
        expect(referencedResource(app, stack, o.origin_access_control_id)?.values).toMatchObject({ signing_behavior: "always", signing_protocol: "sigv4" });
      }
      const headers = referencedResource(app, stack, d.values.default_cache_behavior.response_headers_policy_id)!;
      expect(headers.values.security_headers_config.strict_transport_security.access_control_max_age_sec).toBeGreaterThanOrEqual(31536000);
      expect(headers.values.security_headers_config.content_security_policy.content_security_policy).toMatch(/default-src 'none'/);
      const sources = of("aws_cloudwatch_log_delivery_source").filter((s) => resolveRef(app, stack, s.values.resource_arn)?.name === d.name);
      expect(sources.map((s) => [s.values.log_type, s.values.provider])).toEqual([["ACCESS_LOGS", "aws.us_east_1"]]);
    }
  });

  it("Cognito: staff MFA ON (TOTP) and admin-only; every pool verified email, strong passwords, advanced security, deletion protection; clients without secrets", () => {
    const pools = nonEmpty("aws_cognito_user_pool");
    expect(pools.map((p) => p.values.tags["user-pool-audience"]).sort()).toEqual(["patients", "staff"]);
    for (const p of pools) {
      expect(p.values).toMatchObject({ deletion_protection: "ACTIVE", user_pool_tier: "PLUS", user_pool_add_ons: { advanced_security_mode: "ENFORCED" } });
      expect(p.values.auto_verified_attributes).toEqual(["email"]);
      expect(p.values.password_policy.minimum_length).toBeGreaterThanOrEqual(14);
      const staff = p.values.tags["user-pool-audience"] === "staff";
      expect(p.values.mfa_configuration).toBe(staff ? "ON" : "OPTIONAL");
      expect(p.values.software_token_mfa_configuration).toEqual({ enabled: true });
      expect(p.values.admin_create_user_config.allow_admin_create_user_only).toBe(staff);
    }
    for (const c of nonEmpty("aws_cognito_user_pool_client")) {
      expect(c.values).toMatchObject({ generate_secret: false, prevent_user_existence_errors: "ENABLED", enable_token_revocation: true });
      expect(c.values.explicit_auth_flows).toEqual(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
      expect(c.values.access_token_validity).toBeLessThanOrEqual(60);
    }
  });

  it("the public zone is DNSSEC-signed with an ECC P-256 key in us-east-1 and query-logged", () => {
    const [key] = of("aws_kms_key").filter((k) => k.values.key_usage === "SIGN_VERIFY");
    expect(key.values).toMatchObject({ customer_master_key_spec: "ECC_NIST_P256", provider: "aws.us_east_1" });
    expect(of("aws_route53_hosted_zone_dnssec").map((d) => d.values.signing_status)).toEqual(["SIGNING"]);
    const [log] = nonEmpty("aws_route53_query_log");
    const group = referencedResource(app, stack, log.values.cloudwatch_log_group_arn)!;
    expect(group.values).toMatchObject({ provider: "aws.us_east_1" });
    expect(referencedResource(app, stack, group.values.kms_key_id)?.values.provider).toBe("aws.us_east_1");
  });
});
