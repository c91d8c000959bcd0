import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildDiagram, esc, mdCell, renderHtml, renderMarkdown } from "../../scripts/review/lib/html-report";
import { allOperators, applyMutation, Bound, EXPLORATORY_OPERATORS, generateMutations, KnownGap, OPERATORS, stepPast, valuesAtDotted } from "../../scripts/review/lib/mutation-generator";
import { judge, renderMutationReport, tally } from "../../scripts/review/lib/mutation-testing";
import { computeCoverage, ControlsFileError, parseControls, readControls, rewriteDeny } from "../../scripts/review/lib/policy-coverage";
import { balancedChunks, boilerplateReason, Finding, loadExceptions, PolicyInputError, PolicyReport, RuleInfo } from "../../scripts/review/lib/policy-engine";
import { exitCode } from "../../scripts/review/policy";

const NOW = new Date("2026-11-21T12:00:00Z");
const rule = (id: string, control: string): RuleInfo => ({ id, title: `${id} title of the rule`, severity: "high", hipaa: ["A"], control, references: ["own"], fix: "do the right thing" });
const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: "NET-001", title: "Flow logs", severity: "high", hipaa: ["A", "L"], fix: "add a <flow log>", resourcePath: "dev-network/vpc/vpc",
  address: "aws_vpc.v", message: 'NET-001 dev-network/vpc/vpc: <script>alert("x")</script> | pipe', file: "cdktf.out/stacks/dev-network/cdk.tf.json", stack: "dev-network", ...over,
});
const report = (over: Partial<PolicyReport> = {}): PolicyReport => ({
  files: ["cdktf.out/stacks/dev-network/cdk.tf.json"], rules: [rule("NET-001", "every VPC has a flow log")], findings: [], excepted: [], exceptionProblems: [], warnings: [], passed: true, ...over,
});

const CONTROLS_MD = `# Control catalogue

| area | control | HIPAA | reference |
|---|---|---|---|
| network | every VPC has a flow log | A L | nag:VPCFlowLogsEnabled |
| sfn | state machines log ALL | L | ckv:CKV_AWS_284 |
`;

describe("coverage", () => {
  const controls = parseControls(CONTROLS_MD);
  const evidence = { testFile: "policies/network/flow_logs_test.rego", failingFixtures: ["test_fail"], passingFixtures: ["test_pass"], brokenTests: [] };

  it("parses the control rows with their HIPAA letters", () => {
    expect(controls.map((c) => [c.area, c.control, c.hipaa])).toEqual([
      ["network", "every VPC has a flow log", ["A", "L"]],
      ["sfn", "state machines log ALL", ["L"]],
    ]);
  });

  it("fails when a control has no rule, naming it", () => {
    const result = computeCoverage({ controls, rules: [rule("NET-001", "every VPC has a flow log")], fixtures: new Map([["NET-001", evidence]]), mutations: new Map([["NET-001", [{ description: "m", caught: true }]]]) });
    expect(result.passed).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/control "state machines log ALL" \(sfn, CONTROLS.md line 6\) is enforced by no rule/)]);
  });

  it("fails when a rule has no failing fixture, no mutation, or misses its mutation", () => {
    const rules = [rule("NET-001", "every VPC has a flow log"), rule("SFN-001", "state machines log ALL (applied to Express workflows)")];
    const result = computeCoverage({
      controls,
      rules,
      fixtures: new Map([["NET-001", { ...evidence, failingFixtures: [] }], ["SFN-001", evidence]]),
      mutations: new Map([["SFN-001", [{ description: "logging off", caught: false }]]]),
    });
    expect(result.problems).toEqual([
      expect.stringMatching(/NET-001: no failing fixture/),
      expect.stringMatching(/NET-001: no mutation of the real output/),
      expect.stringMatching(/SFN-001: does not catch its mutation "logging off"/),
    ]);
  });

  it("passes when every control has a rule with fixtures and a caught mutation; rejects an unknown control text", () => {
    const ok = { description: "m", caught: true };
    const both = computeCoverage({ controls, rules: [rule("NET-001", "every VPC has a flow log"), rule("SFN-001", "state machines log ALL")], fixtures: new Map([["NET-001", evidence], ["SFN-001", evidence]]), mutations: new Map([["NET-001", [ok]], ["SFN-001", [ok]]]) });
    expect(both.problems).toEqual([]);
    expect(both.passed).toBe(true);
    const stray = computeCoverage({ controls, rules: [rule("NET-001", "every VPC has a flow log"), rule("SFN-001", "state machines log ALL"), rule("XYZ-001", "something nobody wrote down")], fixtures: new Map([["NET-001", evidence], ["SFN-001", evidence], ["XYZ-001", evidence]]), mutations: new Map([["NET-001", [ok]], ["SFN-001", [ok]], ["XYZ-001", [ok]]]) });
    expect(stray.problems).toEqual([expect.stringMatching(/XYZ-001: its control "something nobody wrote down" is no row of CONTROLS.md/)]);
  });

  it("says where CONTROLS.md is expected when it is missing", () => {
    expect(() => readControls("/nonexistent/CONTROLS.md")).toThrow(ControlsFileError);
    expect(() => readControls("/nonexistent/CONTROLS.md")).toThrow(/\.\.\/shared\/design\/CONTROLS\.md.*--controls FILE/);
  });

  it("adds the rows of docs/policy-data.md's control table to CONTROLS.md's, marked with their file", () => {
    const dir = mkdtempSync(join(tmpdir(), "medicare-controls-"));
    const file = join(dir, "CONTROLS.md");
    writeFileSync(file, CONTROLS_MD);
    const rows = readControls(file);
    expect(rows.filter((r) => !r.source).length).toBe(parseControls(CONTROLS_MD).length);
    expect(rows).toContainEqual(expect.objectContaining({ area: "network", control: "no VPC peering unless the peer is allowlisted", source: "docs/policy-data.md" }));
    // The bounds' controls are a different table (its first column is "bound area"): not rows.
    expect(rows.map((r) => r.area)).not.toContain("lambda runtimes");
    rmSync(dir, { recursive: true, force: true });
  });

  it("rewrites a rule's deny to never or always fire, keeping the original rules", () => {
    const source = 'package rules.x.y\n\nmetadata := {"id": "X-001"}\n\ndeny contains "a" if {\n\ttrue\n}\n';
    expect(rewriteDeny(source, "never")).toMatch(/_coverage_original_deny contains "a"[\s\S]*deny contains finding if \{\n\tsome finding in _coverage_original_deny\n\tfalse\n\}/);
    expect(rewriteDeny(source, "always")).toMatch(/deny contains \{"msg": "coverage: always", "rule_id": metadata.id/);
    expect(() => rewriteDeny("package x\n", "never")).toThrow(/no `deny contains`/);
  });
});

describe("mutation generator", () => {
  const doc = {
    resource: {
      aws_kms_key: { k: { "//": { metadata: { path: "dev-security/keys/data" } }, enable_key_rotation: true, policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalAccount": "111111111111" } } }] }) } },
      aws_cloudwatch_log_group: { a: { kms_key_id: "${aws_kms_key.k.arn}", retention_in_days: 365 }, b: { kms_key_id: "${aws_kms_key.k.arn}", retention_in_days: 400 } },
      aws_vpc_security_group_ingress_rule: { r: { security_group_id: "${aws_security_group.s.id}", referenced_security_group_id: "${aws_security_group.t.id}", from_port: 443, to_port: 443, ip_protocol: "tcp" } },
      aws_iam_role_policy: { p: { role: "${aws_iam_role.r.name}", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] }) } },
      aws_flow_log: { f: { traffic_type: "ALL", tags: { owner: "o", environment: "dev", "data-classification": "internal" } } },
    },
  };
  const stacks = { "dev-x": doc };
  const mutations = generateMutations(stacks);
  const described = (operator: string) => mutations.filter((m) => m.operator === operator).map((m) => `${m.address} ${m.description}`);

  it("weakens security attributes, sampling the first resource per type and attribute", () => {
    expect(described("weaken-attribute")).toEqual(expect.arrayContaining(["aws_kms_key.k enable_key_rotation: true -> false", "aws_cloudwatch_log_group.a retention_in_days: 365 -> 30", 'aws_flow_log.f traffic_type: "ALL" -> "REJECT"']));
    expect(described("weaken-attribute").some((d) => d.startsWith("aws_cloudwatch_log_group.b"))).toBe(false);
    expect(generateMutations(stacks, { exhaustive: true }).some((m) => m.address === "aws_cloudwatch_log_group.b" && m.operator === "weaken-attribute")).toBe(true);
  });

  it("drops key references, opens ingress and puts wildcards into policies", () => {
    expect(described("drop-kms-key")).toEqual(["aws_cloudwatch_log_group.a kms_key_id removed"]);
    const open = mutations.find((m) => m.operator === "open-ingress")!;
    const opened = applyMutation(doc, open).resource.aws_vpc_security_group_ingress_rule.r;
    expect(opened).toMatchObject({ cidr_ipv4: "0.0.0.0/0", ip_protocol: "-1" });
    expect(opened.referenced_security_group_id).toBeUndefined();
    const principal = mutations.find((m) => m.operator === "wildcard-principal" && m.address === "aws_kms_key.k")!;
    const statement = JSON.parse(applyMutation(doc, principal).resource.aws_kms_key.k.policy).Statement[0];
    expect(statement.Principal).toBe("*");
    expect(statement.Condition).toBeUndefined();
    // Resource "*" only in identity policies: in a key policy it means the key itself.
    expect(described("wildcard-resource")).toEqual(['aws_iam_role_policy.p policy statement #0: Resource -> "*"']);
    expect(JSON.parse(applyMutation(doc, mutations.find((m) => m.operator === "wildcard-action" && m.address === "aws_iam_role_policy.p")!).resource.aws_iam_role_policy.p.policy).Statement[0].Action).toBe("*");
  });

  it("deletes protective resources and required tags, never touching the original", () => {
    const del = mutations.find((m) => m.operator === "delete-resource" && m.address === "aws_flow_log.f")!;
    expect(applyMutation(doc, del).resource.aws_flow_log.f).toBeUndefined();
    expect(doc.resource.aws_flow_log.f).toBeDefined();
    expect(described("drop-tag")).toEqual(["aws_flow_log.f tag owner removed", "aws_flow_log.f tag environment removed", "aws_flow_log.f tag data-classification removed"]);
  });

  it("samples once per stack component across environments unless asked per environment", () => {
    const two = { "dev-x": doc, "prod-x": doc };
    expect(generateMutations(two).every((m) => m.stack === "dev-x")).toBe(true);
    expect(generateMutations(two, { acrossEnvironments: false }).some((m) => m.stack === "prod-x")).toBe(true);
  });

  it("refuses a mutation that changes nothing", () => {
    const noop = { ...mutations[0], apply: () => undefined };
    expect(() => applyMutation(doc, noop)).toThrow(/changes nothing/);
  });

  it("has named operators with summaries", () => {
    expect(OPERATORS.length).toBeGreaterThan(10);
  });

  it("judges a mutation caught only by a finding the unmutated stack does not have", () => {
    const base = finding({ message: "already there" });
    const outcomes = judge(mutations.slice(0, 2), new Map([["dev-x", [base]]]), [[base], [base, finding({ ruleId: "KMS-001", message: "new" })]]);
    expect(outcomes.map((o) => o.caughtBy)).toEqual([[], ["KMS-001"]]);
    const t = tally(outcomes, 1, ["dev-x"]);
    expect([t.generated, t.caught, t.misses.length, t.passed]).toEqual([2, 1, 1, false]);
  });
});

describe("policy run chunks", () => {
  it("splits files over the processes by size, largest first, keeping every file once", () => {
    const dir = mkdtempSync(join(tmpdir(), "medicare-chunks-"));
    const file = (name: string, bytes: number) => {
      const path = join(dir, name);
      writeFileSync(path, "x".repeat(bytes));
      return path;
    };
    const files = [file("a", 100), file("b", 60), file("c", 50), file("d", 10)];
    expect(balancedChunks(files, 2).map((c) => c.map((f) => f.slice(dir.length + 1)))).toEqual([["a", "d"], ["b", "c"]]);
    expect(balancedChunks(files, 1)).toEqual([[files[0], files[1], files[2], files[3]]]);
    expect(balancedChunks([], 2)).toEqual([[]]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("value-level mutation operators", () => {
  const meta = (path: string) => ({ "//": { metadata: { path } } });
  const doc = {
    resource: {
      aws_secretsmanager_secret: { s: { ...meta("dev-x/secret"), recovery_window_in_days: 30, rotation: [{ days: 30 }, { days: 14 }] } },
      aws_cloudwatch_metric_alarm: { a: { ...meta("dev-x/alarm"), treat_missing_data: "notBreaching", threshold: 0.05, alarm_actions: ["${aws_sns_topic.t.arn}"], ok_actions: ["${aws_sns_topic.t.arn}"], actions_enabled: true } },
      aws_sns_topic_subscription: { s: { ...meta("dev-x/sub"), topic_arn: "${aws_sns_topic.t.arn}", protocol: "email", endpoint: "a@b.example" } },
      aws_iam_role: { r: { ...meta("dev-x/role"), assume_role_policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::333333333333:role/people" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } }] }) } },
      aws_iam_role_policy: { p: { ...meta("dev-x/policy"), role: "${aws_iam_role.r.name}", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:eu-west-2:111111111111:key/abc", Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-2.amazonaws.com" } } }] }) } },
      aws_lambda_function: { f: { ...meta("dev-x/fn"), function_name: "fn" } },
      aws_wafv2_web_acl: { w: { ...meta("dev-x/waf"), rule: [{ name: "common", priority: 0 }, { name: "rate", priority: 1 }] } },
      aws_route53_resolver_firewall_rule_group: { g: { ...meta("dev-x/dns-group") } },
      aws_route53_resolver_firewall_rule: { b: { ...meta("dev-x/dns-block"), action: "BLOCK", priority: 100, firewall_rule_group_id: "${aws_route53_resolver_firewall_rule_group.g.id}" } },
      aws_guardduty_detector_feature: { x: { ...meta("dev-x/feature"), status: "ENABLED", name: "S3_DATA_EVENTS" } },
    },
  };
  const bounds: Bound[] = [
    { type: "aws_secretsmanager_secret", path: "recovery_window_in_days", min: 30, max: 30, control: "c", why: "w" },
    { type: "aws_secretsmanager_secret", path: "rotation.days", max: 30, control: "c", why: "w" },
    { type: "aws_cloudwatch_metric_alarm", path: "threshold", max: 0.05, control: "c", why: "w" },
    { type: "aws_cloudwatch_metric_alarm", path: "treat_missing_data", allowed: ["notBreaching", "missing"], control: "c", why: "w" },
  ];
  const mutations = generateMutations({ "dev-x": doc }, { operators: allOperators(bounds) });
  const of = (operator: string) => mutations.filter((m) => m.operator === operator);
  const applied = (operator: string, match: RegExp) => applyMutation(doc, of(operator).find((m) => match.test(m.description))!);

  it("reads bound paths through nested blocks, every list element, and steps just past each side", () => {
    expect(valuesAtDotted(doc.resource.aws_secretsmanager_secret.s, "rotation.days").map((v) => v.path)).toEqual([["rotation", 0, "days"], ["rotation", 1, "days"]]);
    expect([stepPast(30), stepPast(0.05), stepPast(0.001)]).toEqual([1, 0.01, 0.001]);
    expect(of("bound-edge").map((m) => m.description)).toEqual(expect.arrayContaining([
      "recovery_window_in_days: 30 -> 29 (below min 30)",
      "recovery_window_in_days: 30 -> 31 (above max 30)",
      "rotation[0].days: 30 -> 31 (above max 30)",
      "threshold: 0.05 -> 0.06 (above max 0.05)",
      'treat_missing_data: "notBreaching" -> "breaching" (not in the allowed set)',
      'treat_missing_data: "notBreaching" -> "ignore" (not in the allowed set)',
    ]));
  });

  it("tries every other provider-accepted enum value", () => {
    expect(of("enum-value").filter((m) => m.address === "aws_cloudwatch_metric_alarm.a").map((m) => m.description)).toEqual(['treat_missing_data: "notBreaching" -> "breaching"', 'treat_missing_data: "notBreaching" -> "ignore"']);
  });

  it("injects a foreign account into principals, resources and conditions, and wildcards condition values", () => {
    const trust = JSON.parse(applied("foreign-account", /Principal\.AWS/).resource.aws_iam_role.r.assume_role_policy).Statement[0];
    expect(trust.Principal.AWS).toBe("arn:aws:iam::999999999999:role/people");
    const policy = JSON.parse(applied("foreign-account", /Resource/).resource.aws_iam_role_policy.p.policy).Statement[0];
    expect(policy.Resource).toBe("arn:aws:kms:eu-west-2:999999999999:key/abc");
    const wildcard = of("wildcard-condition").find((m) => m.address === "aws_iam_role_policy.p")!;
    const wild = JSON.parse(applyMutation(doc, wildcard).resource.aws_iam_role_policy.p.policy).Statement[0];
    expect(wild.Condition).toEqual({ StringLike: { "kms:ViaService": "*" } });
  });

  it("adds risky resources, allow-first rules and broad managed policies", () => {
    expect(applied("risky-resource", /aws_lambda_permission/).resource.aws_lambda_permission.mutation.principal).toBe("999999999999");
    expect(applied("risky-resource", /aws_iam_user/).resource.aws_iam_user.mutation).toBeDefined();
    expect(JSON.parse(applied("allow-first", /Allow/).resource.aws_iam_role_policy.p.policy).Statement[0]).toMatchObject({ Effect: "Allow", Action: "*", Resource: "*" });
    const waf = applied("allow-first", /priority 0/).resource.aws_wafv2_web_acl.w.rule;
    expect(waf.map((r: any) => [r.name, r.priority])).toEqual([["mutation-allow-all", 0], ["common", 1], ["rate", 2]]);
    const dns = applied("allow-first", /DNS Firewall/).resource.aws_route53_resolver_firewall_rule.mutation_allow_first;
    expect(dns.action).toBe("ALLOW");
    expect(dns.priority).toBeLessThan(100);
    expect(of("managed-policy").map((m) => m.description)).toContain("arn:aws:iam::aws:policy/AdministratorAccess attached (aws_iam_role_policy_attachment)");
    // Once over all stacks: the same rule judges an attachment wherever it is.
    expect(generateMutations({ "dev-x": doc, "dev-y": doc }, { operators: allOperators([]) }).filter((m) => m.operator === "managed-policy" && m.stack === "dev-y")).toEqual([]);
  });

  it("switches things off and removes deliveries", () => {
    expect(of("switch-off").map((m) => m.description)).toEqual(expect.arrayContaining(["actions_enabled: true -> false", 'status: "ENABLED" -> "DISABLED"']));
    expect(applied("remove-delivery", /alarm_actions/).resource.aws_cloudwatch_metric_alarm.a.alarm_actions).toBeUndefined();
    expect(applied("remove-delivery", /deleted/).resource.aws_sns_topic_subscription.s).toBeUndefined();
  });

  it("widens named actions to their verb and named role principals to the account root", () => {
    const widen = (address: string) => applyMutation(doc, of("widen-verb").find((m) => m.address === address)!);
    expect(JSON.parse(widen("aws_iam_role_policy.p").resource.aws_iam_role_policy.p.policy).Statement[0].Action).toEqual(["kms:Decrypt*"]);
    expect(JSON.parse(widen("aws_iam_role.r").resource.aws_iam_role.r.assume_role_policy).Statement[0].Action).toEqual(["sts:Assume*"]);
    const trust = JSON.parse(applied("principal-to-root", /root/).resource.aws_iam_role.r.assume_role_policy).Statement[0];
    expect(trust.Principal.AWS).toEqual(["arn:aws:iam::333333333333:root"]);
  });

  it("explores by swapping a reference for another resource of its type, outside the gate", () => {
    expect(allOperators(bounds).map((o) => o.name)).not.toContain("swap-reference");
    const swapped = generateMutations({ "dev-x": { resource: { ...doc.resource, aws_sns_topic: { t: meta("dev-x/t"), u: meta("dev-x/u") } } } }, { operators: EXPLORATORY_OPERATORS });
    expect(swapped.map((m) => m.description)).toEqual(expect.arrayContaining(["alarm_actions[0]: aws_sns_topic.t -> aws_sns_topic.u"]));
  });

  it("skips equivalent mutants, telling the caller why", () => {
    const skipped: string[] = [];
    generateMutations({ "dev-x": doc }, { operators: allOperators(bounds), onEquivalent: (e) => skipped.push(`${e.description}: ${e.reason}`) });
    expect(skipped).toEqual([expect.stringMatching(/^treat_missing_data: "notBreaching" -> "missing": with no data the alarm goes to INSUFFICIENT_DATA/)]);
  });

  it("keeps a known gap's misses out of the failures until it expires, and fails a gap that closed", () => {
    const outcome = (id: string, operator: string, caughtBy: string[]) => ({ id, stack: "dev-x", operator, path: "p", address: "aws_iam_role.r", description: "d", caughtBy });
    const gap: KnownGap = { operator: "foreign-account", match: /./, reason: "allowlist", owner: "issue 16a", expires: "2026-12-17" };
    const open = tally([outcome("a", "foreign-account", []), outcome("b", "switch-off", ["DET-007"])], 1, ["dev-x"], [], [gap], NOW);
    expect([open.misses.length, open.gaps[0].state, open.passed]).toEqual([0, "open", true]);
    expect(renderMutationReport(open)).toMatch(/KNOWN GAPS \(1\)[\s\S]*allowlist \(issue 16a; 1 missed, 0 caught; open until 2026-12-17\)\n {6}a/);
    const expired = tally([outcome("a", "foreign-account", [])], 1, ["dev-x"], [], [gap], new Date("2027-01-01T00:00:00Z"));
    expect([expired.misses.map((m) => m.id), expired.passed]).toEqual([["a"], false]);
    const closed = tally([outcome("a", "foreign-account", ["IAM-009"])], 1, ["dev-x"], [], [gap], NOW);
    expect([closed.gaps[0].state, closed.passed]).toEqual(["closed", false]);
    expect(renderMutationReport(closed)).toMatch(/CLOSED: every matching mutation is caught now; remove the gap/);
  });

  it("ends an exploratory run with its findings, never a verdict", () => {
    const outcome = (id: string, caughtBy: string[]) => ({ id, stack: "dev-x", operator: "swap-reference", path: "p", address: "aws_lambda_function.f", description: "d", caughtBy });
    const explored = tally([outcome("a", []), outcome("b", ["IAM-012"])], 1, ["dev-x"], [], [], NOW);
    expect(renderMutationReport(explored, true)).toMatch(/\nEXPLORED: 1 finding\(s\) for review \(exploratory operators do not gate\)\n$/);
    expect(renderMutationReport(explored)).toMatch(/\nFAIL\n$/);
  });
});

describe("reviewer report", () => {
  it("escapes HTML", () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("is one self-contained page with every failure escaped, and its fix", () => {
    const html = renderHtml({
      report: report({ findings: [finding()], passed: false }),
      exceptions: [{ rule: "NET-001", resource: "dev-network/<b>x</b>", reason: "reason with <i>markup</i> that is long enough", owner: "security-team", expires: "2026-12-01" }],
      stacks: { "dev-network": { resource: { aws_vpc: { v: { cidr_block: "10.0.0.0/16" } } } } },
      accessMatrix: { personas: [] },
      functions: [],
      now: NOW,
    });
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("add a &lt;flow log&gt;");
    expect(html).toContain("dev-network/&lt;b&gt;x&lt;/b&gt;");
    expect(html).toMatch(/10 \(expiring\)/);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b|src=|url\(http|@import/);
    expect(html).toContain("<svg");
  });

  it("shows each function's code and runtime grants and whether they match the code's calls", () => {
    const fn = (name: string, unused: string[]) => ({
      stack: "dev-campaign",
      functionName: name,
      entry: "campaign-send/handler.ts",
      role: `${name}-function`,
      code: [{ sid: "SendSms", effect: "Allow" as const, actions: ["sns:Publish", ...unused], resources: ["*"], conditions: [] }],
      runtime: [{ sid: "TraceToXRay", effect: "Allow" as const, actions: ["xray:PutTraceSegments"], resources: ["*"], conditions: [] }],
      missing: [],
      unused,
    });
    const html = renderHtml({
      report: report({ findings: [], passed: true }),
      exceptions: [],
      stacks: {},
      accessMatrix: { personas: [] },
      functions: [fn("medicare-dev-exact", []), fn("medicare-dev-wide", ["sns:*"])],
      sqlGrants: [
        {
          entry: "campaign-send/handler.ts",
          function: "campaign-send",
          role: "derived",
          statements: [],
          tables: [{ table: "patients", select: ["email", "id"], insert: [], update: [], delete: false, lockingRead: false }],
          lockFunctions: [],
        },
      ],
      now: NOW,
    });
    expect(html).toMatch(/medicare-dev-exact<\/code>[^]*?Database grants derived from its SQL[^]*?<code>patients<\/code><\/td><td><code>SELECT \(email, id\)<\/code>/);
    expect(html).toContain("<code>medicare-dev-exact</code>");
    expect(html).toMatch(/medicare-dev-exact<\/code>[^]*?exactly what its code calls/);
    expect(html).toMatch(/medicare-dev-wide<\/code>[^]*?not called sns:\*/);
    expect(html).toContain("xray:PutTraceSegments");
  });

  it("markdown has the verdict, counts, escaped failures and expiring exceptions", () => {
    const md = renderMarkdown(report({ findings: [finding()], passed: false }), [{ rule: "NET-001", resource: "dev-network/vpc/vpc", reason: "r", owner: "team", expires: "2026-12-01" }], NOW);
    expect(md).toMatch(/^### Policy check: ❌ FAIL/);
    expect(md).toContain("**1** failure(s)");
    expect(md).toContain("&lt;script&gt;");
    expect(md).toContain("\\| pipe");
    expect(md).toMatch(/\| NET-001 \| `dev-network\/vpc\/vpc` \| team \| 2026-12-01 \| 10 \|/);
    expect(mdCell("a|b\nc")).toBe("a\\|b c");
  });

  it("builds the diagram generically from the stacks", () => {
    const stacks = {
      "dev-network": {
        resource: { aws_subnet: { app: { cidr_block: "10.0.1.0/24", tags: { tier: "app" } } } },
        output: { subnet: { value: "${aws_subnet.app.id}" } },
      },
      "dev-data": {
        resource: {
          aws_iam_role: { r: { name: "fn-role", assume_role_policy: "{}", inline_policy: [{ name: "p", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "${aws_sqs_queue.q.arn}" }] }) }] } },
          aws_sqs_queue: { q: { name: "jobs" } },
          aws_lambda_function: { f: { function_name: "medicare-dev-thing", role: "${aws_iam_role.r.arn}", vpc_config: { subnet_ids: ["${data.terraform_remote_state.cross-stack-reference-input-dev-network.outputs.subnet}"], security_group_ids: ["${aws_security_group.s.id}"] } } },
          aws_security_group: { s: { name: "medicare-dev-thing" }, db: { name: "medicare-dev-db" } },
          aws_vpc_security_group_ingress_rule: { i: { security_group_id: "${aws_security_group.db.id}", referenced_security_group_id: "${aws_security_group.s.id}", from_port: 3306, to_port: 3306, ip_protocol: "tcp" } },
        },
      },
    };
    const diagram = buildDiagram(stacks, "dev");
    expect(diagram.nodes.find((n) => n.title === "medicare-dev-thing")?.tier).toBe("app");
    expect(diagram.edges).toEqual([expect.objectContaining({ label: "tcp/3306" })]);
  });
});

describe("exit codes and the exceptions register", () => {
  it("--fail-on-warn turns warnings into exit 1; failures are 1 either way", () => {
    expect(exitCode({ passed: true, warnings: [] }, true)).toBe(0);
    expect(exitCode({ passed: true, warnings: ["exception expires in 3 days"] }, false)).toBe(0);
    expect(exitCode({ passed: true, warnings: ["exception expires in 3 days"] }, true)).toBe(1);
    expect(exitCode({ passed: false, warnings: [] }, false)).toBe(1);
  });

  it("rejects boilerplate reasons, bad owners and resource paths, and duplicates", () => {
    expect(boilerplateReason("TODO: explain this exception later, it is needed")).toBe(true);
    expect(boilerplateReason("needed needed needed needed needed needed needed")).toBe(true);
    expect(boilerplateReason("Flow logs reduced to rejects while the pipeline is load-tested; alarms cover rejects.")).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), "medicare-exc-"));
    try {
      const good = { rule: "NET-001", resource: "dev-network/flow-log/flow-log", reason: "Flow logs reduced to rejects while the pipeline is load-tested; alarms cover rejects.", owner: "security-team", expires: "2027-01-31" };
      const file = join(dir, "e.json");
      const write = (exceptions: unknown[]) => writeFileSync(file, JSON.stringify({ exceptions }));
      write([good]);
      expect(loadExceptions(file)).toHaveLength(1);
      write([{ ...good, reason: "temporary, approved by the team lead last week" }]);
      expect(() => loadExceptions(file)).toThrow(/exceptions\[0\]\.reason: .* is boilerplate/);
      write([{ ...good, owner: "the security team" }]);
      expect(() => loadExceptions(file)).toThrow(/exceptions\[0\]\.owner/);
      write([{ ...good, resource: "dev-network/*" }]);
      expect(() => loadExceptions(file)).toThrow(/exceptions\[0\]\.resource/);
      write([good, good]);
      expect(() => loadExceptions(file)).toThrow(PolicyInputError);
      expect(() => loadExceptions(file)).toThrow(/exceptions\[1\]: the same rule and resource as exceptions\[0\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
