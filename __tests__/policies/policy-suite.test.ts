import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { checkDocumentsAgainstRules, PolicyInputError, PolicyReport, runPolicies } from "../../scripts/review/lib/policy-engine";
import { render } from "../../scripts/review/lib/report-formats";
import { synthesize, SynthesizedApp } from "../support/synth";
import { MUTATIONS } from "./mutations";
import { mutatedStackName } from "./mutations/kit";

const ROOT = join(__dirname, "..", "..");
const NOW = new Date("2026-11-21T12:00:00Z");
const NO_EXCEPTIONS = join(mkdtempSync(join(tmpdir(), "medicare-exc-")), "none.json");

let app: SynthesizedApp;
let real: PolicyReport;
let scratch: string;

function writeDoc(dir: string, doc: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "cdk.tf.json");
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

function writeExceptions(exceptions: unknown[]): string {
  const file = join(scratch, `exceptions-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ exceptions }));
  return file;
}

beforeAll(() => {
  app = synthesize();
  scratch = mkdtempSync(join(tmpdir(), "medicare-policy-test-"));
  real = runPolicies(Object.keys(app.stacks).map((s) => app.file(s)), { exceptionsFile: NO_EXCEPTIONS, now: NOW });
});

afterAll(() => {
  rmSync(app.outdir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
  rmSync(join(NO_EXCEPTIONS, ".."), { recursive: true, force: true });
});

describe("the real synthesized stacks", () => {
  it("pass every rule with no exception needed", () => {
    expect(real.findings.map((f) => f.message)).toEqual([]);
    expect(real.exceptionProblems).toEqual([]);
    expect(real.passed).toBe(true);
  });

  it("are checked against the whole catalogue, every rule with its metadata", () => {
    expect(real.rules.map((r) => r.id.slice(0, 3))).toEqual(expect.arrayContaining(["NET", "KMS", "LOG", "TAG"]));
    for (const rule of real.rules) {
      expect(rule.id).toMatch(/^[A-Z][A-Z0-9]{1,3}-\d{3}$/);
      expect(rule.title.length).toBeGreaterThan(10);
      expect(["critical", "high", "medium", "low"]).toContain(rule.severity);
      // CONTROLS.md maps every control to HIPAA letters, except tagging ("—").
      expect(rule.hipaa.every((letter) => "AETLIBP".includes(letter))).toBe(true);
      if (!rule.id.startsWith("TAG-")) expect(rule.hipaa.length).toBeGreaterThan(0);
      expect(rule.fix.length).toBeGreaterThan(10);
      expect(rule.control.length).toBeGreaterThan(10);
    }
  });
});

describe("mutations of the real output", () => {
  let caught: Map<number, string[]>;

  // Each mutated stack only against the rule it weakens (what the cases below ask), which is
  // the rule's own deny evaluated as the suite evaluates it, not every rule over every copy.
  beforeAll(async () => {
    const docs = MUTATIONS.map((mutation) => {
      const stack = mutatedStackName(mutation);
      const doc = structuredClone(app.stacks[stack]);
      mutation.mutate(doc);
      return { stack, doc, ruleIds: [mutation.ruleId] };
    });
    const findings = await checkDocumentsAgainstRules(docs);
    caught = new Map(findings.map((found, i) => [i, found.map((f) => f.ruleId)]));
  });

  it("exist for every rule of the catalogue", () => {
    const mutated = new Set(MUTATIONS.map((m) => m.ruleId));
    expect(real.rules.map((r) => r.id).filter((id) => !mutated.has(id))).toEqual([]);
  });

  it.each(MUTATIONS.map((m, i) => [m.ruleId, m.description, i] as const))("%s catches: %s", (ruleId, _description, i) => {
    expect(caught.get(i)).toContain(ruleId);
  });
});

describe("the exceptions register", () => {
  // A real failure to except, and only one (a narrowed flow log would also break its bound):
  // the dev flow log removed.
  let mutatedFile: string;
  let finding: { ruleId: string; resourcePath: string };

  beforeAll(() => {
    const doc = structuredClone(app.stacks["dev-network"]);
    delete doc.resource.aws_flow_log;
    mutatedFile = writeDoc(join(scratch, "excepted", "dev-network"), doc);
    finding = runPolicies([mutatedFile], { exceptionsFile: NO_EXCEPTIONS, now: NOW }).findings[0];
  });

  const exception = (overrides: object) => ({
    rule: finding.ruleId,
    resource: finding.resourcePath,
    reason: "Flow log removed while the log pipeline is rebuilt; the NACL and security-group alarms still cover changes.",
    owner: "security-team",
    expires: "2027-01-31",
    ...overrides,
  });

  it("accepts a failure with a valid exception, and reports its days left", () => {
    const report = runPolicies([mutatedFile], { exceptionsFile: writeExceptions([exception({})]), now: NOW });
    expect(report.findings).toEqual([]);
    expect(report.excepted.map((e) => [e.ruleId, e.exception.daysLeft])).toEqual([[finding.ruleId, 71]]);
    expect(report.passed).toBe(true);
  });

  it.each([
    ["expired", { expires: "2026-11-20" }, /expired on 2026-11-20/],
    ["too far out", { expires: "2027-06-01" }, /more than 180 days out/],
    ["for an unknown rule", { rule: "XXX-999" }, /no rule has id XXX-999/],
  ])("fails the run when an exception is %s", (_name, overrides, message) => {
    const report = runPolicies([mutatedFile], { exceptionsFile: writeExceptions([exception(overrides)]), now: NOW });
    expect(report.passed).toBe(false);
    expect(report.exceptionProblems.join("\n")).toMatch(message);
    expect(report.findings.map((f) => f.ruleId)).toContain(finding.ruleId);
  });

  it("fails the run on an unused exception for a checked stack, and ignores stacks not checked", () => {
    const unused = exception({ resource: "dev-network/vpc/vpc" });
    const otherStack = exception({ resource: "prod-network/flow-log/flow-log" });
    const report = runPolicies([app.file("dev-network")], { exceptionsFile: writeExceptions([unused, otherStack]), now: NOW });
    expect(report.exceptionProblems).toHaveLength(1);
    expect(report.exceptionProblems[0]).toMatch(/dev-network\/vpc\/vpc.*unused/);
  });

  it("rejects an exception without a reason of substance, naming the field", () => {
    expect(() => runPolicies([mutatedFile], { exceptionsFile: writeExceptions([exception({ reason: "needed" })]), now: NOW })).toThrow(PolicyInputError);
    expect(() => runPolicies([mutatedFile], { exceptionsFile: writeExceptions([exception({ reason: "needed" })]), now: NOW })).toThrow(/exceptions\[0\]\.reason/);
    expect(() => runPolicies([mutatedFile], { exceptionsFile: writeExceptions([exception({ expires: "soon" })]), now: NOW })).toThrow(/exceptions\[0\]\.expires.*YYYY-MM-DD/);
  });
});

describe("report formats", () => {
  let failing: PolicyReport;
  beforeAll(() => {
    const doc = structuredClone(app.stacks["dev-network"]);
    delete doc.resource.aws_flow_log;
    failing = runPolicies([writeDoc(join(scratch, "formats", "dev-network"), doc)], { exceptionsFile: NO_EXCEPTIONS, now: NOW });
  });

  it("table names rule, resource, problem and fix", () => {
    const text = render(failing, "table");
    const f = failing.findings[0];
    expect(text).toContain(f.ruleId);
    expect(text).toContain(f.resourcePath);
    expect(text).toContain(`fix:     ${f.fix}`);
    expect(text.trimEnd().endsWith("FAIL")).toBe(true);
    expect(render(real, "table").trimEnd().endsWith("PASS")).toBe(true);
  });

  it("junit has one case per rule and a failure for the failing one", () => {
    const xml = render(failing, "junit");
    expect((xml.match(/<testcase /g) ?? []).length).toBe(failing.rules.length);
    expect((xml.match(/<failure /g) ?? []).length).toBe(1);
    expect(xml).toContain(failing.findings[0].ruleId);
  });

  it("sarif lists the rules and one result per failure", () => {
    const sarif = JSON.parse(render(failing, "sarif"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].tool.driver.rules).toHaveLength(failing.rules.length);
    expect(sarif.runs[0].results).toHaveLength(failing.findings.length);
    expect(sarif.runs[0].results[0].locations[0].logicalLocations[0].name).toBe(failing.findings[0].resourcePath);
  });

  it("json round-trips the report", () => {
    expect(JSON.parse(render(failing, "json"))).toEqual(JSON.parse(JSON.stringify(failing)));
  });
});

describe("npm run policy (CLI)", () => {
  const policy = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "review", "policy.ts"), ...args], { cwd: ROOT, encoding: "utf8" });

  it("exits 0 on real stacks given as files", () => {
    const run = policy(app.file("dev-network"), app.file("dev-security"));
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/PASS\n$/);
  });

  it("exits 1 on a file where the flow log was removed", () => {
    const doc = structuredClone(app.stacks["dev-network"]);
    delete doc.resource.aws_flow_log;
    const run = policy(writeDoc(join(scratch, "cli", "dev-network"), doc), "--output", "json");
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).findings.map((f: any) => f.ruleId)).toContain("NET-001");
  });

  it.each([
    [["--output", "yaml"], /--output "yaml" is not a format; use one of table, json, junit, sarif, html, markdown/],
    [["--frobnicate"], /unknown option --frobnicate/],
    [["/nonexistent/cdk.tf.json"], /no such file/],
    [["--out"], /--out needs a value/],
  ])("exits 2 with a clear message for %j", (args, message) => {
    const run = policy(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
