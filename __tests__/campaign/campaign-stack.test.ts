/**
 * The campaign stack's security properties, over every resource of each type in dev and prod,
 * against expectations written down here (not read back from the config).
 */
import { rmSync } from "fs";
import { SOURCE_ENTRY_TAG } from "../../modules/compute/lambda-function";
import { API_AUDIENCE_TAG } from "../../modules/campaign/https-api";
import { RECORDED_EMAIL_EVENTS } from "../../modules/campaign/messaging";
import { SCHEDULE_TIMEZONE } from "../../modules/campaign/schedules";
import { conditionValues, statementsOf } from "../support/policy";
import { referencedResource, resolveRef } from "../support/refs";
import { SynthResource, SynthesizedApp, synthesize } from "../support/synth";

/** Written independently of the config: the account, SMS throughput and send workers of each environment. */
const EXPECTED = {
  dev: { account: "111111111111", smsPerSecond: 20, emailPerSecond: 14, workers: 2, apiHosts: ["api.dev.medicare.example", "staff-api.dev.medicare.example"] },
  prod: { account: "222222222222", smsPerSecond: 20, emailPerSecond: 14, workers: 4, apiHosts: ["api.prod.medicare.example", "staff-api.prod.medicare.example"] },
} as const;

/** The functions that deploy, and the public routes patients use (everything else is staff-only). */
const FUNCTIONS = ["campaign-delivery-events", "campaign-outcomes", "campaign-plan", "campaign-remind", "campaign-report", "campaign-send", "campaign-web", "db-migrate", "form-publish", "form-submit"];
const PUBLIC_ROUTES = [
  "GET /assets/{file}", "GET /i/{token}", "GET /i/{token}/calendar", "GET /i/{token}/opt-out", "GET /s/{code}", "HEAD /assets/{file}", "HEAD /i/{token}", "HEAD /i/{token}/calendar", "HEAD /i/{token}/opt-out", "HEAD /s/{code}",
  "POST /book", "POST /calendar", "POST /cancel", "POST /forms/{slug}", "POST /i/{token}", "POST /i/{token}/opt-out", "POST /questions", "POST /s/{code}", "POST /stop",
];
const STAFF_ROUTES = ["POST /campaigns/{campaignId}/outcomes", "POST /campaigns/{campaignId}/runs", "POST /forms"];

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
}, 120_000);
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

describe.each(Object.keys(EXPECTED) as (keyof typeof EXPECTED)[])("%s-campaign", (envName) => {
  const expected = EXPECTED[envName];
  const stack = `${envName}-campaign`;
  const of = (type: string) => app.resources(type, stack);
  const nonEmpty = (type: string) => {
    const found = of(type);
    expect({ type, empty: found.length === 0 }).toEqual({ type, empty: false });
    return found;
  };
  const ref = (value: unknown) => referencedResource(app, stack, value);
  const isKey = (value: unknown, domain: string) => {
    const key = ref(value);
    return key?.type === "aws_kms_key" && key.path.includes(`keys/${domain}`);
  };
  const fullPath = (method: SynthResource): string => {
    const parts: string[] = [];
    let id = method.values.resource_id;
    for (let r = ref(id); r?.type === "aws_api_gateway_resource"; r = ref(r.values.parent_id)) parts.unshift(r.values.path_part);
    return `${method.values.http_method} /${parts.join("/")}`;
  };
  const apiOf = (r: SynthResource) => ref(r.values.rest_api_id)!;

  it("deploys every campaign function: nodejs22.x on arm64 in the app subnets, reserved concurrency, DLQ, X-Ray, env under the messaging key, JSON logs to its own group", () => {
    const functions = nonEmpty("aws_lambda_function");
    expect(functions.map((f) => f.values.function_name.replace(`medicare-${envName}-`, "")).sort()).toEqual(FUNCTIONS);
    for (const fn of functions) {
      const v = fn.values;
      expect(v).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], tracing_config: { mode: "Active" } });
      expect(v.reserved_concurrent_executions).toBeGreaterThanOrEqual(1);
      expect(isKey(v.kms_key_arn, "messaging")).toBe(true);
      expect(ref(v.dead_letter_config.target_arn)?.type).toBe("aws_sqs_queue");
      expect(v.tags[SOURCE_ENTRY_TAG]).toMatch(/^functions\/[a-z-]+\/handler\.ts$/);
      const logGroup = of("aws_cloudwatch_log_group").find((g) => g.values.name === v.logging_config.log_group || `\${aws_cloudwatch_log_group.${g.name}.name}` === v.logging_config.log_group);
      expect(logGroup?.values.kms_key_id).toBeDefined();
      // Every campaign function reaches the database: in the app subnets, never the data or public ones.
      const subnets = v.vpc_config.subnet_ids.map((s: string) => referencedResource(app, stack, s)!);
      expect(subnets.length).toBeGreaterThanOrEqual(2);
      for (const subnet of subnets) expect(subnet.path).toMatch(/\/vpc\/app-/);
      expect(v.environment.variables.DB_AUTH).toBe("iam");
      expect(Object.keys(v.environment.variables).filter((k) => /PASSWORD|SECRET|TOKEN|KEY$/.test(k) && k !== "REPORT_KMS_KEY_ID" && k !== "FORMS_KMS_KEY_ID")).toEqual([]);
    }
  });

  it("function security groups: egress only to RDS Proxy, the endpoints, S3's prefix list, and (the send worker only) HTTPS to SES", () => {
    for (const rule of nonEmpty("aws_vpc_security_group_egress_rule")) {
      const v = rule.values;
      if (v.cidr_ipv4 === "0.0.0.0/0") {
        expect(rule.path).toContain("/functions/send/");
        expect([v.from_port, v.to_port, v.ip_protocol]).toEqual([443, 443, "tcp"]);
      } else {
        expect(v.referenced_security_group_id ?? v.prefix_list_id).toBeDefined();
      }
    }
  });

  it("the send worker: the SQS event source caps concurrent workers, reports partial batch failures, and the per-worker rates add up to the account's", () => {
    const [mapping] = nonEmpty("aws_lambda_event_source_mapping");
    const send = of("aws_lambda_function").find((f) => f.values.function_name === `medicare-${envName}-campaign-send`)!;
    expect(mapping.values.scaling_config.maximum_concurrency).toBe(expected.workers);
    expect(mapping.values.function_response_types).toEqual(["ReportBatchItemFailures"]);
    expect(send.values.reserved_concurrent_executions).toBe(expected.workers);
    const env = send.values.environment.variables;
    expect(Number(env.SMS_PER_SECOND) * expected.workers).toBeLessThanOrEqual(expected.smsPerSecond);
    expect(Number(env.SMS_PER_SECOND) * expected.workers).toBeGreaterThan(expected.smsPerSecond * 0.99);
    expect(Number(env.EMAIL_PER_SECOND) * expected.workers).toBeLessThanOrEqual(expected.emailPerSecond);
    const queue = ref(mapping.values.event_source_arn)!;
    expect(queue.values.visibility_timeout_seconds).toBeGreaterThanOrEqual(6 * send.values.timeout);
  });

  it("every queue: a customer-managed key and a TLS-only policy; every work queue redrives to a dead-letter queue", () => {
    const queues = nonEmpty("aws_sqs_queue");
    const policies = of("aws_sqs_queue_policy");
    for (const queue of queues) {
      expect(isKey(queue.values.kms_master_key_id, "messaging")).toBe(true);
      const policy = policies.find((p) => resolveRef(app, stack, p.values.queue_url)?.name === queue.name);
      expect({ queue: queue.path, tlsOnly: statementsOf(policy?.values.policy ?? "{}").some((s) => s.effect === "Deny" && s.conditions.Bool?.["aws:SecureTransport"]?.[0] === "false") }).toEqual({ queue: queue.path, tlsOnly: true });
      if (!queue.values.name.endsWith("-dlq")) {
        const redrive = JSON.parse(queue.values.redrive_policy);
        expect(ref(redrive.deadLetterTargetArn)?.values.name).toMatch(/-dlq$/);
        expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it("every topic: the messaging key; its policy admits services only for this account and refuses publishing without TLS", () => {
    for (const topic of nonEmpty("aws_sns_topic")) {
      expect(isKey(topic.values.kms_master_key_id, "messaging")).toBe(true);
      const policy = of("aws_sns_topic_policy").find((p) => resolveRef(app, stack, p.values.arn)?.name === topic.name)!;
      const statements = statementsOf(policy.values.policy);
      for (const s of statements.filter((s) => s.effect === "Allow")) {
        expect(Object.keys(s.principals)).toEqual(["Service"]);
        expect(conditionValues(s, "aws:SourceAccount")).toEqual([expected.account]);
      }
      expect(statements.some((s) => s.effect === "Deny" && s.conditions.Bool?.["aws:SecureTransport"]?.[0] === "false")).toBe(true);
    }
  });

  it("schedules run in UK time with retries and a dead-letter queue; each role invokes only its own function and is assumable only by its group", () => {
    for (const schedule of nonEmpty("aws_scheduler_schedule")) {
      const v = schedule.values;
      expect(v.schedule_expression_timezone).toBe(SCHEDULE_TIMEZONE);
      expect(v.target.retry_policy.maximum_retry_attempts).toBeGreaterThanOrEqual(1);
      expect(ref(v.target.dead_letter_config.arn)?.type).toBe("aws_sqs_queue");
      const role = ref(v.target.role_arn)!;
      const grants = statementsOf(of("aws_iam_role_policy").find((p) => resolveRef(app, stack, p.values.role)?.name === role.name)!.values.policy);
      const invokes = grants.filter((s) => s.actions.includes("lambda:InvokeFunction"));
      expect(invokes.map((s) => s.resources)).toEqual([[v.target.arn]]);
      const [sourceArn] = conditionValues(statementsOf(role.values.assume_role_policy)[0], "aws:SourceArn");
      expect(resolveRef(app, stack, sourceArn)?.type).toBe("aws_scheduler_schedule_group");
      expect(resolveRef(app, stack, sourceArn)?.name).toBe(resolveRef(app, stack, v.group_name)?.name);
    }
    expect(of("aws_scheduler_schedule").map((s) => JSON.parse(s.values.target.input))).toContainEqual({ campaignId: 1 });
  });

  it("state machines: execution state under the messaging key, every event logged (ALL) to an encrypted group, X-Ray", () => {
    const machines = nonEmpty("aws_sfn_state_machine");
    expect(machines.map((m) => m.values.type).sort()).toEqual(["EXPRESS", "STANDARD"]);
    for (const machine of machines) {
      const v = machine.values;
      expect(v.encryption_configuration.type).toBe("CUSTOMER_MANAGED_KMS_KEY");
      expect(isKey(v.encryption_configuration.kms_key_id, "messaging")).toBe(true);
      expect(v.logging_configuration).toMatchObject({ level: "ALL", include_execution_data: true });
      const group = of("aws_cloudwatch_log_group").find((g) => v.logging_configuration.log_destination.startsWith(`\${aws_cloudwatch_log_group.${g.name}.arn}`))!;
      expect(isKey(group.values.kms_key_id, "logs")).toBe(true);
      expect(v.tracing_configuration.enabled).toBe(true);
    }
  });

  it("HTTPS: two REST APIs, each at the root of its own TLS 1.2 custom domain, execute-api endpoints off; staff routes require a staff-pool token, public routes are exactly the patients' pages", () => {
    const apis = nonEmpty("aws_api_gateway_rest_api");
    for (const api of apis) expect(api.values).toMatchObject({ disable_execute_api_endpoint: true, endpoint_configuration: { types: ["REGIONAL"] } });
    expect(apis.map((a) => a.values.tags[API_AUDIENCE_TAG]).sort()).toEqual(["public", "staff"]);
    const domains = nonEmpty("aws_api_gateway_domain_name");
    expect(domains.map((d) => d.values.domain_name).sort()).toEqual(expected.apiHosts);
    for (const domain of domains) {
      expect(domain.values.security_policy).toBe("TLS_1_2");
      expect(resolveRef(app, stack, domain.values.regional_certificate_arn)?.type).toBe("aws_acm_certificate_validation");
    }
    // Each API has its own domain, mapped at the root (API Gateway allows nothing beside an empty base path).
    const mappings = nonEmpty("aws_api_gateway_base_path_mapping");
    expect(mappings.map((m) => [m.values.base_path, resolveRef(app, stack, m.values.domain_name)?.name])).toEqual(mappings.map(() => [undefined, expect.any(String)]));
    expect(new Set(mappings.map((m) => resolveRef(app, stack, m.values.api_id)?.name)).size).toBe(2);
    expect(new Set(mappings.map((m) => resolveRef(app, stack, m.values.domain_name)?.name)).size).toBe(2);
    const routes = { public: [] as string[], staff: [] as string[] };
    for (const method of nonEmpty("aws_api_gateway_method")) {
      const audience = apiOf(method).values.tags[API_AUDIENCE_TAG] as "public" | "staff";
      routes[audience].push(fullPath(method));
      if (audience === "staff") {
        expect(method.values.authorization).toBe("COGNITO_USER_POOLS");
        const authorizer = ref(method.values.authorizer_id)!;
        expect(authorizer.values.type).toBe("COGNITO_USER_POOLS");
        const pools = authorizer.values.provider_arns.map((arn: string) => resolveRef(app, stack, arn));
        expect(pools.map((p: any) => [p.type, p.stack, p.name.startsWith("cognito_staff")])).toEqual([["aws_cognito_user_pool", `${envName}-edge`, true]]);
      } else {
        expect(method.values.authorization).toBe("NONE");
      }
    }
    expect(routes.public.sort()).toEqual(PUBLIC_ROUTES);
    expect(routes.staff.sort()).toEqual(STAFF_ROUTES);
  });

  it("every stage: behind the WAF, throttled, access-logged (route templates only: links carry tokens) to an encrypted group, no execution logs, X-Ray", () => {
    const associations = of("aws_wafv2_web_acl_association");
    for (const stage of nonEmpty("aws_api_gateway_stage")) {
      const v = stage.values;
      expect(v.xray_tracing_enabled).toBe(true);
      expect(v.access_log_settings.format).toContain("$context.resourcePath");
      expect(v.access_log_settings.format).not.toMatch(/\$context\.path|\$request|\$input/);
      expect(isKey(ref(v.access_log_settings.destination_arn)?.values.kms_key_id, "logs")).toBe(true);
      expect(associations.filter((a) => resolveRef(app, stack, a.values.resource_arn)?.name === stage.name)).toHaveLength(1);
      const settings = of("aws_api_gateway_method_settings").filter((s) => resolveRef(app, stack, s.values.stage_name)?.name === stage.name);
      expect(settings).toHaveLength(1);
      expect(settings[0].values.settings.throttling_rate_limit).toBeGreaterThan(0);
      expect(settings[0].values.settings.throttling_burst_limit).toBeGreaterThan(0);
      expect(settings[0].values.settings).toMatchObject({ logging_level: "OFF", data_trace_enabled: false });
    }
    for (const logging of nonEmpty("aws_wafv2_web_acl_logging_configuration")) expect(logging.values.redacted_fields).toContainEqual({ uri_path: {} });
  });

  it("invoke permissions: one service each, scoped to its source (API method and path, the events topic, or an SMS status log group) and this account", () => {
    for (const permission of nonEmpty("aws_lambda_permission")) {
      const v = permission.values;
      expect(v.principal).toMatch(/^(apigateway|sns|logs)\.amazonaws\.com$/);
      expect(v.source_account).toBe(expected.account);
      if (v.principal === "apigateway.amazonaws.com") expect(v.source_arn).toMatch(/^\$\{aws_api_gateway_rest_api\.[^}]+\.execution_arn\}\/live\/(GET|HEAD|POST)\/[a-z/*-]+$/);
      else if (v.principal === "logs.amazonaws.com") expect(ref(/^(\$\{[^}]+\}):\*$/.exec(v.source_arn)?.[1])?.type).toBe("aws_cloudwatch_log_group");
      else expect(ref(v.source_arn)?.type).toBe("aws_sns_topic");
    }
  });

  it("SMS: transactional by default, a spend limit, delivery status logged for every message to encrypted groups", () => {
    const [prefs] = nonEmpty("aws_sns_sms_preferences");
    expect(prefs.values).toMatchObject({ default_sms_type: "Transactional", delivery_status_success_sampling_rate: "100" });
    expect(prefs.values.monthly_spend_limit).toBeGreaterThan(0);
    expect(ref(prefs.values.delivery_status_iam_role_arn)?.type).toBe("aws_iam_role");
    const groups = of("aws_cloudwatch_log_group").filter((g) => String(g.values.name).startsWith("sns/"));
    expect(groups.map((g) => g.values.name).sort()).toEqual([`sns/eu-west-2/${expected.account}/DirectPublishToPhoneNumber`, `sns/eu-west-2/${expected.account}/DirectPublishToPhoneNumber/Failure`]);
  });

  it("SES: DKIM (2048-bit) domain identity with a custom MAIL FROM; the configuration set requires TLS, tracks no opens or clicks, and sends every outcome to the events topic", () => {
    const [identity] = nonEmpty("aws_sesv2_email_identity");
    expect(identity.values.dkim_signing_attributes.next_signing_key_length).toBe("RSA_2048_BIT");
    expect(nonEmpty("aws_sesv2_email_identity_mail_from_attributes")[0].values.behavior_on_mx_failure).toBe("REJECT_MESSAGE");
    const [set] = nonEmpty("aws_sesv2_configuration_set");
    expect(set.values).toMatchObject({ delivery_options: { tls_policy: "REQUIRE" }, reputation_options: { reputation_metrics_enabled: true }, vdm_options: { dashboard_options: { engagement_metrics: "DISABLED" } } });
    const [destination] = nonEmpty("aws_sesv2_configuration_set_event_destination");
    const types: string[] = destination.values.event_destination.matching_event_types;
    expect([...types].sort()).toEqual([...RECORDED_EMAIL_EVENTS].sort());
    expect(types).not.toContain("OPEN");
    expect(types).not.toContain("CLICK");
    expect(ref(destination.values.event_destination.sns_destination.topic_arn)?.type).toBe("aws_sns_topic");
    const records = of("aws_route53_record").map((r) => r.values);
    expect(records.filter((r) => r.type === "CNAME" && String(r.name).includes("._domainkey."))).toHaveLength(3);
    expect(records.find((r) => String(r.name).startsWith("_dmarc."))?.records).toEqual(["v=DMARC1; p=reject; adkim=s; aspf=s"]);
  });

  it("alarms: errors and throttles of every function, depth of every dead-letter queue, failed workflows, SMS and SES reputation, all to the operations topic", () => {
    const alarms = nonEmpty("aws_cloudwatch_metric_alarm");
    const operations = of("aws_sns_topic").find((t) => t.values.name === `medicare-${envName}-campaign-operations`)!;
    for (const alarm of alarms) {
      expect(alarm.values.alarm_actions.map((a: string) => resolveRef(app, stack, a)?.name)).toEqual([operations.name]);
    }
    // A dimension is a literal name or a reference to the watched resource's name: compare names.
    const nameOf = (value: unknown) => (typeof value === "string" && value.startsWith("${") ? ref(value)?.values.name : value);
    const watched = (namespace: string, metric: string) => alarms.filter((a) => a.values.namespace === namespace && a.values.metric_name === metric).map((a) => nameOf(Object.values(a.values.dimensions ?? {})[0]));
    for (const fn of of("aws_lambda_function")) {
      expect(watched("AWS/Lambda", "Errors")).toContain(fn.values.function_name);
      expect(watched("AWS/Lambda", "Throttles")).toContain(fn.values.function_name);
    }
    for (const queue of of("aws_sqs_queue").filter((q) => q.values.name.endsWith("-dlq"))) {
      expect(watched("AWS/SQS", "ApproximateNumberOfMessagesVisible")).toContain(queue.values.name);
    }
    expect(watched("AWS/States", "ExecutionsFailed")).toHaveLength(2);
    for (const [namespace, metric] of [["AWS/SNS", "SMSSuccessRate"], ["AWS/SES", "Reputation.BounceRate"], ["AWS/SES", "Reputation.ComplaintRate"]]) {
      expect(alarms.filter((a) => a.values.namespace === namespace && a.values.metric_name === metric)).toHaveLength(1);
    }
  });
});

describe("every stack", () => {
  it("names each queue, function and alarm once (two resources for one AWS name would share, and destroy, one queue)", () => {
    for (const stack of Object.keys(app.stacks)) {
      for (const [type, attribute] of [["aws_sqs_queue", "name"], ["aws_lambda_function", "function_name"], ["aws_cloudwatch_metric_alarm", "alarm_name"]]) {
        const names = app.resources(type, stack).map((r) => r.values[attribute]);
        expect({ stack, type, duplicates: names.filter((n, i) => names.indexOf(n) !== i) }).toEqual({ stack, type, duplicates: [] });
      }
    }
  });

  it("alarms on every function's errors and throttles and every dead-letter queue's depth, wherever they are", () => {
    for (const stack of Object.keys(app.stacks)) {
      const alarms = app.resources("aws_cloudwatch_metric_alarm", stack);
      const nameOf = (value: unknown) => (typeof value === "string" && value.startsWith("${") ? referencedResource(app, stack, value)?.values.name : value);
      const watched = (metric: string) => alarms.filter((a) => a.values.metric_name === metric).map((a) => nameOf(Object.values(a.values.dimensions ?? {})[0]));
      for (const fn of app.resources("aws_lambda_function", stack)) {
        expect({ fn: fn.path, errors: watched("Errors").includes(fn.values.function_name), throttles: watched("Throttles").includes(fn.values.function_name) }).toEqual({ fn: fn.path, errors: true, throttles: true });
      }
      const deadLetterTargets = new Set(
        [
          ...app.resources("aws_lambda_function", stack).map((f) => f.values.dead_letter_config?.target_arn),
          ...app.resources("aws_sqs_queue", stack).map((q) => (q.values.redrive_policy ? JSON.parse(q.values.redrive_policy).deadLetterTargetArn : undefined)),
          ...app.resources("aws_scheduler_schedule", stack).map((s) => s.values.target.dead_letter_config?.arn),
        ]
          .filter((arn) => arn !== undefined)
          .map((arn) => referencedResource(app, stack, arn)?.values.name),
      );
      for (const queue of deadLetterTargets) expect({ stack, queue, alarmed: watched("ApproximateNumberOfMessagesVisible").includes(queue) }).toEqual({ stack, queue, alarmed: true });
    }
  });
});
