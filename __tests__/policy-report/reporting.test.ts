import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildDiagram, esc, mdCell, renderHtml, renderMarkdown } from "../../scripts/review/lib/html-report";
import { applyMutation, generateMutations, OPERATORS } from "../../scripts/review/lib/mutation-generator";
import { judge, tally } from "../../scripts/review/lib/mutation-testing";
import { computeCoverage, ControlsFileError, parseControls, readControls, rewriteDeny } from "../../scripts/review/lib/policy-coverage";
import { boilerplateReason, Finding, loadExceptions, PolicyInputError, PolicyReport, RuleInfo } from "../../scripts/review/lib/policy-engine";
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

describe("reviewer report", () => {
  it("escapes HTML", () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("is one self-contained page with every failure escaped, and its fix", () => {
    const html = renderHtml({
      report: report({ findings: [finding()], passed: false }),
      exceptions: [{ rule: "NET-001", resource: "dev-network/<b>x</b>", reason: "reason with <i>markup</i> that is long enough", owner: "security-team", expires: "2026-12-01" }],
      stacks: { "dev-network": { resource: { aws_vpc: { v: { cidr_block: "10.0.0.0/16" } } } } },
      accessMatrix: { environments: [] },
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
      accessMatrix: { environments: [] },
      functions: [fn("medicare-dev-exact", []), fn("medicare-dev-wide", ["sns:*"])],
      now: NOW,
    });
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
