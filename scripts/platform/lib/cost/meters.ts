/**
 * How each priced resource type turns into charge lines: which unit price of
 * pricing/<region>.json, and how many units a month. Quantities come from the resource's own
 * attributes where they multiply (subnets of an endpoint, instances of a cluster, the Auto
 * Scaling group's desired capacity, rules of a web ACL, ...) and from the usage assumptions of
 * pricing/usage.json where only traffic decides (GB, requests, events): those lines are marked
 * `usage` and the assumption is printed with the estimate.
 */

export interface CostResource {
  readonly environment: string;
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  /** `<stack>/<type>.<name>` */
  readonly address: string;
  readonly region: string;
  readonly values: any;
}

export interface Charge {
  /** Key of the unit price in pricing/<region>.json. */
  readonly price: string;
  /** Units a month, in the price's unit. */
  readonly quantity: number;
  /** How the quantity was counted, e.g. "3 AZs x 730 h". */
  readonly detail: string;
  /** Driven by a usage assumption rather than by what the stacks declare. */
  readonly usage?: boolean;
  /** Priced in another region than the resource's (a cross-region copy). */
  readonly region?: string;
}

export interface MeterContext {
  readonly resource: CostResource;
  readonly hours: number;
  /** The environment's home region (default provider): global services (CloudFront, Route 53) are priced there. */
  readonly homeRegion: string;
  /** An assumption of pricing/usage.json for this environment, by this resource's name where it has byName. */
  usage(key: string): number;
  vcpus(instanceClass: string): number;
  /** Resources of a type in this stack or in the whole environment. */
  resources(type: string, scope: "stack" | "environment"): readonly CostResource[];
}

export type Meter = (ctx: MeterContext) => Charge[];

export class MeterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MeterError";
  }
}

const hourly = (ctx: MeterContext, price: string, count: number, what: string): Charge => ({
  price,
  quantity: count * ctx.hours,
  detail: count === 1 ? `${ctx.hours} h` : `${count} ${what} x ${ctx.hours} h`,
});
const monthly = (price: string, count: number, detail: string): Charge => ({ price, quantity: count, detail });
const usage = (ctx: MeterContext, price: string, key: string, scale = 1, unit = ""): Charge => {
  const value = ctx.usage(key);
  return { price, quantity: value * scale, detail: `${key} = ${value}${unit}`, usage: true };
};

/** Elements of a list attribute; a token (a whole list from another stack) cannot be counted, so it stops the estimate. */
function countOf(ctx: MeterContext, attribute: string, list: unknown): number {
  if (Array.isArray(list)) return list.length;
  throw new MeterError(`${ctx.resource.address}: ${attribute} is ${JSON.stringify(list)}, not a list the estimate can count; teach its meter in scripts/platform/lib/cost/meters.ts`);
}

/** `${aws_launch_template.NAME.id}` -> NAME */
const referencedName = (ref: unknown, type: string): string | undefined => (typeof ref === "string" ? new RegExp(`\\$\\{${type}\\.([^.}]+)\\.`).exec(ref)?.[1] : undefined);

const ec2Fleet = (ctx: MeterContext, group: CostResource): { count: number; instanceType: string; template: CostResource } => {
  const templateName = referencedName(group.values.launch_template?.id ?? group.values.launch_template?.[0]?.id, "aws_launch_template");
  const template = ctx.resources("aws_launch_template", "environment").find((t) => t.stack === group.stack && t.name === templateName);
  if (!template) throw new MeterError(`${group.address}: its launch template ${templateName ?? "(none)"} is not in the stack; the fleet cannot be priced`);
  const count = Number(group.values.desired_capacity ?? group.values.min_size);
  return { count, instanceType: String(template.values.instance_type), template };
};

/** Scheduled invocations a month of an EventBridge Scheduler expression. */
export function invocationsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const minutes = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 }[rate[2] as "minute"] * Number(rate[1]);
    return (30.4 * 1440) / minutes;
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!cron) throw new MeterError(`schedule expression ${JSON.stringify(expression)} is neither rate(...) nor cron(...)`);
  const [, minute, hour, dayOfMonth, , dayOfWeek] = cron;
  const times = (field: string, all: number) => (field === "*" ? all : field.split(",").length);
  const perDay = times(minute, 60) * times(hour, 24);
  const days = dayOfWeek !== "?" && dayOfWeek !== "*" ? dayOfWeek.split(",").length * 4.35 : dayOfMonth === "*" || dayOfMonth === "?" ? 30.4 : dayOfMonth.split(",").length;
  return perDay * days;
}

const GUARDDUTY_FEATURES: Readonly<Record<string, Meter>> = {
  S3_DATA_EVENTS: (ctx) => [usage(ctx, "guardduty-s3-events-million", "guardduty.s3EventsMillion")],
  RDS_LOGIN_EVENTS: (ctx) => {
    const vcpus = ctx.resources("aws_rds_cluster_instance", "environment").reduce((n, i) => n + ctx.vcpus(i.values.instance_class), 0);
    return [monthly("guardduty-rds-vcpu-month", vcpus, `${vcpus} vCPUs of Aurora instances`)];
  },
  LAMBDA_NETWORK_LOGS: (ctx) => [usage(ctx, "guardduty-lambda-gb", "guardduty.lambdaGb")],
  EBS_MALWARE_PROTECTION: (ctx) => [usage(ctx, "guardduty-malware-gb", "guardduty.malwareGb")],
  RUNTIME_MONITORING: (ctx) => {
    const vcpus = ctx.resources("aws_autoscaling_group", "environment").reduce((n, g) => {
      const fleet = ec2Fleet(ctx, g);
      return n + fleet.count * ctx.vcpus(fleet.instanceType);
    }, 0);
    return [monthly("guardduty-runtime-vcpu-month", vcpus, `${vcpus} vCPUs of the app fleet (desired capacity)`)];
  },
};

const functionCount = (ctx: MeterContext) => ctx.resources("aws_lambda_function", "environment").length;

export const METERS: Readonly<Record<string, Meter>> = {
  "nat-gateway": (ctx) => [hourly(ctx, "nat-gateway-hour", 1, ""), usage(ctx, "nat-gateway-gb", "nat.gbPerGateway", 1, " GB")],
  "public-ipv4": (ctx) => [hourly(ctx, "public-ipv4-hour", 1, "")],
  "vpc-endpoint": (ctx) => {
    if (ctx.resource.values.vpc_endpoint_type !== "Interface") return [];
    const azs = countOf(ctx, "subnet_ids", ctx.resource.values.subnet_ids);
    return [hourly(ctx, "interface-endpoint-az-hour", azs, "AZs"), usage(ctx, "interface-endpoint-gb", "endpoints.gbPerInterfaceEndpoint", 1, " GB")];
  },
  "vpn-connection": (ctx) => [
    hourly(ctx, "vpn-connection-hour", 1, ""),
    ...(ctx.resource.values.preshared_key_storage === "SecretsManager" ? [monthly("secret-month", 1, "pre-shared keys kept in Secrets Manager")] : []),
  ],
  "resolver-endpoint": (ctx) => [
    hourly(ctx, "resolver-endpoint-eni-hour", countOf(ctx, "ip_address", ctx.resource.values.ip_address), "IP addresses"),
    usage(ctx, "resolver-queries-million", "resolver.queriesMillion"),
  ],
  "dns-firewall": (ctx) => [usage(ctx, "dns-firewall-queries-million", "dnsFirewall.queriesMillion")],
  "hosted-zone": (ctx) => [monthly("hosted-zone-month", 1, "1 zone"), usage(ctx, "route53-queries-million", "route53.queriesMillion")],
  "aurora-instance": (ctx) => {
    const v = ctx.resource.values;
    const charges = [hourly(ctx, `aurora-instance-hour:${v.instance_class}`, 1, "")];
    // Performance Insights keeps 7 days free; longer retention is priced per vCPU.
    if (v.performance_insights_enabled && Number(v.performance_insights_retention_period ?? 7) > 7) {
      charges.push(monthly("performance-insights-vcpu-month", ctx.vcpus(v.instance_class), `${ctx.vcpus(v.instance_class)} vCPUs, retention ${v.performance_insights_retention_period} days`));
    }
    return charges;
  },
  "aurora-cluster": (ctx) => [
    usage(ctx, "aurora-storage-gb-month", "aurora.storageGb", 1, " GB"),
    usage(ctx, "aurora-io-million", "aurora.ioMillion"),
    usage(ctx, "aurora-backup-gb-month", "aurora.backupBeyondFreeGb", 1, " GB"),
    ...(ctx.resource.values.manage_master_user_password ? [monthly("secret-month", 1, "master password managed by RDS in Secrets Manager")] : []),
  ],
  "rds-proxy": (ctx) => {
    const instances = ctx.resources("aws_rds_cluster_instance", "stack");
    const vcpus = instances.reduce((n, i) => n + ctx.vcpus(i.values.instance_class), 0);
    // RDS Proxy bills at least 2 vCPUs.
    const billed = Math.max(2, vcpus);
    return [{ price: "rds-proxy-vcpu-hour", quantity: billed * ctx.hours, detail: `${billed} vCPUs of ${instances.length} instance(s) x ${ctx.hours} h` }];
  },
  "dms-instance": (ctx) => {
    const v = ctx.resource.values;
    const copies = v.multi_az ? 2 : 1;
    const label = v.multi_az ? "instances (multi-AZ)" : "instance";
    return [
      hourly(ctx, `dms-instance-hour:${v.replication_instance_class}`, copies, label),
      monthly("dms-storage-gb-month", Number(v.allocated_storage ?? 50) * copies, `${v.allocated_storage ?? 50} GB x ${copies}`),
    ];
  },
  "application-load-balancer": (ctx) => {
    if ((ctx.resource.values.load_balancer_type ?? "application") !== "application") throw new MeterError(`${ctx.resource.address}: only application load balancers are priced; add a meter for ${ctx.resource.values.load_balancer_type}`);
    const lcu = ctx.usage("alb.lcu");
    return [hourly(ctx, "alb-hour", 1, ""), { price: "alb-lcu-hour", quantity: lcu * ctx.hours, detail: `alb.lcu = ${lcu} x ${ctx.hours} h`, usage: true }];
  },
  "autoscaling-group": (ctx) => {
    const { count, instanceType, template } = ec2Fleet(ctx, ctx.resource);
    const volumes = (template.values.block_device_mappings ?? []).map((m: any) => Number(m.ebs?.volume_size ?? 0)).reduce((a: number, b: number) => a + b, 0);
    const charges = [hourly(ctx, `ec2-hour:${instanceType}`, count, `${instanceType} (desired capacity)`), monthly("ebs-gp3-gb-month", count * volumes, `${count} x ${volumes} GB root volumes`)];
    if (template.values.monitoring?.enabled ?? template.values.monitoring?.[0]?.enabled) charges.push(monthly("cw-detailed-monitoring-instance-month", count, `${count} instances`));
    return charges;
  },
  "target-tracking-policy": (ctx) => (ctx.resource.values.policy_type === "TargetTrackingScaling" ? [monthly("cw-alarm-month", 2, "the high and low alarms target tracking creates")] : []),
  "kms-key": (ctx) => {
    const asymmetric = /^(ECC|RSA|HMAC)/.test(ctx.resource.values.customer_master_key_spec ?? "SYMMETRIC_DEFAULT");
    return [monthly("kms-key-month", 1, "1 key"), usage(ctx, asymmetric ? "kms-asymmetric-requests-10k" : "kms-requests-10k", "kms.requests10kPerKey")];
  },
  secret: (ctx) => [monthly("secret-month", 1, "1 secret"), usage(ctx, "secrets-api-10k", "secrets.apiCalls10k")],
  "waf-web-acl": (ctx) => {
    const rules = countOf(ctx, "rule", ctx.resource.values.rule ?? []);
    return [monthly("waf-acl-month", 1, "1 web ACL"), monthly("waf-rule-month", rules, `${rules} rules and managed rule groups`), usage(ctx, "waf-requests-million", "waf.requestsMillion")];
  },
  "config-recorder": (ctx) => [usage(ctx, "config-item", "config.itemsPerMonth")],
  "config-rule": (ctx) => [usage(ctx, "config-rule-evaluation", "config.evaluationsPerRule")],
  "guardduty-detector": (ctx) => [usage(ctx, "guardduty-cloudtrail-events-million", "guardduty.cloudTrailEventsMillion"), usage(ctx, "guardduty-flow-dns-gb", "guardduty.flowDnsGb", 1, " GB")],
  "guardduty-feature": (ctx) => {
    const { name, status } = ctx.resource.values;
    if (status !== "ENABLED") return [];
    const meter = GUARDDUTY_FEATURES[name];
    if (!meter) throw new MeterError(`${ctx.resource.address}: no meter for GuardDuty feature ${name}; add it to GUARDDUTY_FEATURES in scripts/platform/lib/cost/meters.ts`);
    return meter(ctx);
  },
  // Macie bills each S3 bucket of the account and region it evaluates, and the GB its discovery jobs inspect.
  "macie-account": (ctx) => {
    const buckets = ctx.resources("aws_s3_bucket", "environment").filter((b) => b.region === ctx.resource.region).length;
    return [monthly("macie-bucket-month", buckets, `${buckets} buckets in ${ctx.resource.region}`)];
  },
  "macie-discovery-job": (ctx) => [usage(ctx, "macie-discovery-gb", "macie.gbInspectedPerMonth", 1, " GB")],
  "securityhub-account": (ctx) => [usage(ctx, "securityhub-finding", "securityhub.findingsIngested")],
  "securityhub-standard": (ctx) => [usage(ctx, "securityhub-check", "securityhub.checksPerStandard")],
  inspector: (ctx) => {
    const charges: Charge[] = [];
    for (const type of ctx.resource.values.resource_types ?? []) {
      if (type === "EC2") {
        const instances = ctx.resources("aws_autoscaling_group", "environment").reduce((n, g) => n + ec2Fleet(ctx, g).count, 0);
        charges.push(monthly("inspector-ec2-instance-month", instances, `${instances} instances (desired capacity)`));
      } else if (type === "LAMBDA") charges.push(monthly("inspector-lambda-function-month", functionCount(ctx), `${functionCount(ctx)} functions`));
      else if (type === "LAMBDA_CODE") charges.push(monthly("inspector-lambda-code-function-month", functionCount(ctx), `${functionCount(ctx)} functions`));
      else if (type !== "ECR") throw new MeterError(`${ctx.resource.address}: no meter for Inspector resource type ${type}`);
      // ECR: the stacks declare no repository, so there is no image to scan.
    }
    return charges;
  },
  cloudtrail: (ctx) => {
    // The first copy of management events is free; data events are priced.
    const selectors = JSON.stringify(ctx.resource.values.advanced_event_selector ?? ctx.resource.values.event_selector ?? []);
    return selectors.includes("Data") || selectors.includes("data_resource") ? [usage(ctx, "cloudtrail-data-events-100k", "cloudtrail.s3DataEvents100k")] : [];
  },
  "metric-alarm": (ctx) => {
    const queries = ctx.resource.values.metric_query;
    const metrics = Array.isArray(queries) ? queries.filter((q: any) => q.metric).length : 1;
    return [monthly("cw-alarm-month", metrics, metrics === 1 ? "1 alarm" : `${metrics} metrics in a metric-math alarm`)];
  },
  "metric-filter": () => [monthly("cw-custom-metric-month", 1, "the custom metric it publishes")],
  "log-group": (ctx) => {
    const ingest = ctx.usage("logs.ingestGb");
    const months = Math.min(Number(ctx.resource.values.retention_in_days ?? 3653) / 30.4, ctx.usage("logs.storedMonths"));
    const stored = ingest * ctx.usage("logs.compressionRatio") * months;
    return [
      { price: "logs-ingest-gb", quantity: ingest, detail: `logs.ingestGb = ${ingest} GB`, usage: true },
      { price: "logs-storage-gb-month", quantity: stored, detail: `${ingest} GB x ${months.toFixed(1)} months x ${ctx.usage("logs.compressionRatio")} compressed`, usage: true },
    ];
  },
  "cognito-user-pool": (ctx) => {
    const v = ctx.resource.values;
    const plus = v.user_pool_tier === "PLUS" || v.user_pool_add_ons?.advanced_security_mode === "ENFORCED" || v.user_pool_add_ons?.[0]?.advanced_security_mode === "ENFORCED";
    // Essentials includes 10,000 monthly active users free; Plus (advanced security) has no free tier.
    return plus ? [usage(ctx, "cognito-plus-mau", "cognito.mau")] : [];
  },
  "rest-api": (ctx) => [usage(ctx, "api-rest-requests-million", "api.requestsMillion")],
  "lambda-function": (ctx) => {
    const v = ctx.resource.values;
    const arm = (v.architectures ?? ["x86_64"]).includes("arm64");
    const requests = ctx.usage("lambda.requests");
    const seconds = (requests * ctx.usage("lambda.averageMs")) / 1000;
    const memoryGb = Number(v.memory_size ?? 128) / 1024;
    return [
      { price: "lambda-requests-million", quantity: requests / 1e6, detail: `lambda.requests = ${requests}`, usage: true },
      { price: arm ? "lambda-arm-gb-second" : "lambda-x86-gb-second", quantity: seconds * memoryGb, detail: `${requests} x ${ctx.usage("lambda.averageMs")} ms x ${memoryGb} GB`, usage: true },
    ];
  },
  "sqs-queue": (ctx) => [usage(ctx, "sqs-requests-million", "sqs.requestsMillion")],
  "sns-topic": (ctx) => [usage(ctx, "sns-requests-million", "sns.publishesMillion"), usage(ctx, "sns-email-100k", "sns.emailNotifications", 1 / 100_000)],
  "state-machine": (ctx) =>
    ctx.resource.values.type === "EXPRESS"
      ? [usage(ctx, "sfn-express-requests-million", "sfn.transitions", 1 / 1e6)]
      : [usage(ctx, "sfn-standard-transitions-1k", "sfn.transitions", 1 / 1000)],
  "scheduler-schedule": (ctx) => {
    const n = invocationsPerMonth(ctx.resource.values.schedule_expression);
    return [{ price: "scheduler-invocations-million", quantity: n / 1e6, detail: `${n.toFixed(1)} invocations (${ctx.resource.values.schedule_expression})` }];
  },
  "s3-bucket": (ctx) => [usage(ctx, "s3-standard-gb-month", "s3.storedGb", 1, " GB"), usage(ctx, "s3-put-1k", "s3.putRequests1k")],
  "s3-replication": (ctx) => [usage(ctx, "data-transfer-inter-region-gb", "s3.replicatedGbPerMonth", 1, " GB")],
  "backup-vault": (ctx) => [usage(ctx, "backup-warm-gb-month", "backup.storedGbPerVault", 1, " GB")],
  "backup-plan": (ctx) => {
    const copies = (ctx.resource.values.rule ?? []).some((r: any) => (r.copy_action ?? []).length > 0);
    return copies ? [usage(ctx, "data-transfer-inter-region-gb", "backup.copiedGbPerMonth", 1, " GB")] : [];
  },
  "dlm-policy": (ctx) => {
    const charges = [usage(ctx, "ebs-snapshot-gb-month", "dlm.snapshotGb", 1, " GB")];
    for (const schedule of ctx.resource.values.policy_details?.schedule ?? []) {
      for (const rule of schedule.cross_region_copy_rule ?? []) {
        const region = rule.target_region ?? rule.target;
        charges.push({ ...usage(ctx, "ebs-snapshot-gb-month", "dlm.snapshotGb", 1, " GB"), region, detail: `copies kept in ${region}: dlm.snapshotGb = ${ctx.usage("dlm.snapshotGb")} GB` });
        charges.push(usage(ctx, "data-transfer-inter-region-gb", "dlm.copiedGbPerMonth", 1, " GB"));
      }
    }
    return charges;
  },
  "cloudfront-distribution": (ctx) => [
    { ...usage(ctx, "cloudfront-gb-europe", "cloudfront.gbOut", 1, " GB"), region: ctx.homeRegion },
    { ...usage(ctx, "cloudfront-https-requests-10k", "cloudfront.requests10k"), region: ctx.homeRegion },
  ],
};
