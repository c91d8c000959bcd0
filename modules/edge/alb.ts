import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { MedicareStack } from "../core/medicare-stack";
import { TieredVpc } from "../network/vpc";
import { DomainKey, requireKeyOf } from "../security/keys";
import { BucketFoundation, SecureBucket } from "../storage/secure-bucket";
import { WebAcl } from "./waf";

/**
 * TLS 1.3 with TLS 1.2 fallback, forward-secret ciphers only (the ALB's recommended policy).
 * CONTROLS.md, alb row: TLS 1.2+.
 */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06";

/**
 * The account Elastic Load Balancing delivers access logs from, per region (regions opened
 * before August 2022; newer ones use logdelivery.elasticloadbalancing.amazonaws.com). Source:
 * "Enable access logs for your Application Load Balancer", Elastic Load Balancing User Guide.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
};


export interface WebLoadBalancerProps {
  readonly network: TieredVpc;
  /** ARN of the validated certificate of the app's host name. */
  readonly certificateArn: string;
  /** The web ACL in front of the load balancer (REGIONAL). */
  readonly webAcl: WebAcl;
  /** The logs key of the primary region: places the access-log bucket (ELB writes it under SSE-S3). */
  readonly logsKey: DomainKey;
  readonly foundation: BucketFoundation;
}

/**
 * The internet-facing Application Load Balancer of the staff web application: HTTPS only
 * (TLS 1.2+, the HTTP listener only redirects), invalid headers dropped, strictest desync
 * mitigation, access logs, deletion protection, a web ACL, and an HTTPS target group.
 */
export class WebLoadBalancer extends Construct {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: WebLoadBalancerProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("logs", props.logsKey, this, "logsKey");
    const deliveryAccount = ELB_LOG_DELIVERY_ACCOUNTS[stack.region];
    if (!deliveryAccount) {
      throw new Error(`${this.node.path}: no Elastic Load Balancing log delivery account is known for ${stack.region}; add it to ELB_LOG_DELIVERY_ACCOUNTS`);
    }
    const prefix = "alb";

    const logs = new SecureBucket(this, "access-logs", {
      name: "alb-logs",
      contents: "load-balancer-logs",
      key: props.logsKey,
      foundation: props.foundation,
      expireAfterDays: stack.env.logRetentionDays,
      policyStatements: (bucket) => [
        {
          sid: "ElbDeliversThisAccountsAccessLogs",
          principals: { AWS: `arn:aws:iam::${deliveryAccount}:root` },
          actions: ["s3:PutObject"],
          resources: [`${bucket.arn}/${prefix}/AWSLogs/${stack.accountId}/*`],
        },
      ],
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: stack.resourceName("alb"),
      description: "Internet-facing load balancer: HTTPS (and HTTP, redirected) in, HTTPS to the app tier out",
      vpcId: props.network.vpc.id,
      tags: { Name: stack.resourceName("alb") },
    });
    for (const [port, why] of [
      [443, "HTTPS from the internet"],
      [80, "HTTP from the internet, only redirected to HTTPS"],
    ] as const) {
      new VpcSecurityGroupIngressRule(this, `ingress-${port}`, {
        securityGroupId: this.securityGroup.id,
        description: why,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
      });
    }
    new VpcSecurityGroupEgressRule(this, "egress-to-app-tier", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS to the targets in the app tier",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.network.layout.tierCidr("app"),
    });

    this.loadBalancer = new Lb(this, "alb", {
      name: stack.resourceName("app"),
      loadBalancerType: "application",
      internal: false,
      subnets: props.network.subnets.public.map((s) => s.id),
      securityGroups: [this.securityGroup.id],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "strictest",
      enableDeletionProtection: true,
      enableHttp2: true,
      accessLogs: { bucket: logs.name, prefix, enabled: true },
      // ELB checks that it may write to the bucket when logging is switched on.
      dependsOn: [logs.policy],
    });

    this.targetGroup = new LbTargetGroup(this, "targets", {
      name: stack.resourceName("app"),
      port: 443,
      protocol: "HTTPS",
      vpcId: props.network.vpc.id,
      targetType: "instance",
      deregistrationDelay: "30",
      healthCheck: {
        enabled: true,
        protocol: "HTTPS",
        path: "/health",
        matcher: "200",
        interval: 15,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });

    new LbListener(this, "https", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: ALB_TLS_POLICY,
      certificateArn: props.certificateArn,
      defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
    });
    new LbListener(this, "http-redirect", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    });
    new Wafv2WebAclAssociation(this, "web-acl", {
      resourceArn: this.loadBalancer.arn,
      webAclArn: props.webAcl.arn,
    });
  }
}
