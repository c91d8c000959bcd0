/**
 * Control coverage of the policy suite (issue 8, item 1): every row of CONTROLS.md must be
 * enforced by at least one rule, every such rule must have a passing and a failing fixture
 * that its tests really depend on, and a hand-written mutation of the real synthesized output
 * that it catches.
 *
 * How "has a failing fixture" is established (it can fail): the policy folder is copied twice
 * and every rule's `deny` is rewritten, once to deny nothing and once to always deny. A rule
 * has a failing fixture when a test of its own `_test.rego` fails once the rule denies nothing
 * (so that test needs a non-empty deny), and a passing fixture when a test of its own file
 * passes when the rule denies nothing but fails when it always denies (so that test needs an
 * empty deny). A rule whose tests all pass either way is tested by nothing. Its tests must also
 * pass against the real rule (the plain `conftest verify` run).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, relative, resolve } from "path";
import { POLICY_DIR, ROOT } from "../../paths";
import { RuleInfo } from "./policy-engine";
import { ensureConftest, ToolError } from "../../platform/lib/tools";
import { spawnSync } from "child_process";

/** Where CI has the design documents: `../shared/design/` beside the clone. */
export const DEFAULT_CONTROLS_FILE = resolve(ROOT, "..", "shared", "design", "CONTROLS.md");
/** Controls the policy-data rules added (CONTROLS.md is the design's, read-only): same table format. */
export const ADDED_CONTROLS_FILE = resolve(ROOT, "docs", "policy-data.md");

/** One row of the CONTROLS.md table. */
export interface ControlRow {
  readonly area: string;
  readonly control: string;
  readonly hipaa: readonly string[];
  readonly references: string;
  /** 1-based line in its file, for messages. */
  readonly line: number;
  /** The file the row is in, when not CONTROLS.md (the added rows of docs/policy-data.md). */
  readonly source?: string;
}

/** Bad or missing CONTROLS.md: the coverage cannot be computed (exit code 2). */
export class ControlsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ControlsFileError";
  }
}

/** The control rows of CONTROLS.md's table (`| area | control | HIPAA | reference |`). */
export function parseControls(markdown: string): ControlRow[] {
  const rows: ControlRow[] = [];
  let inTable = false;
  markdown.split("\n").forEach((text, index) => {
    const line = text.trim();
    if (!line.startsWith("|")) {
      inTable = false;
      return;
    }
    const cells = line.replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
    if (cells[0] === "area" && cells[1] === "control") {
      inTable = true;
      return;
    }
    if (!inTable || cells.every((c) => /^:?-+:?$/.test(c))) return;
    if (cells.length !== 4) throw new ControlsFileError(`CONTROLS.md line ${index + 1}: a control row has 4 cells (area | control | HIPAA | reference), found ${cells.length}`);
    const [area, control, hipaa, references] = cells;
    rows.push({ area, control, hipaa: hipaa.split(/\s+/).filter((h) => /^[A-Z]$/.test(h)), references, line: index + 1 });
  });
  if (rows.length === 0) throw new ControlsFileError("CONTROLS.md has no control table (a header row `| area | control | HIPAA | reference |`)");
  return rows;
}

export function readControls(file = DEFAULT_CONTROLS_FILE, addedFile = ADDED_CONTROLS_FILE): ControlRow[] {
  if (!existsSync(file)) {
    throw new ControlsFileError(
      `${file} does not exist: the coverage check reads the control catalogue from ../shared/design/CONTROLS.md beside the repository ` +
        `(where CI puts the design folder); put it there or pass --controls FILE`,
    );
  }
  const added = existsSync(addedFile) ? parseControls(readFileSync(addedFile, "utf8")).map((row) => ({ ...row, source: "docs/policy-data.md" })) : [];
  return [...parseControls(readFileSync(file, "utf8")), ...added];
}

/**
 * The control row a rule's `control` metadata names: the row's text exactly, or the row's text
 * followed by a parenthesised note ("... (applied to scheduled targets: DLQ and retries)").
 */
export function controlOfRule(rule: Pick<RuleInfo, "control">, rows: readonly ControlRow[]): ControlRow | undefined {
  return rows.find((row) => rule.control === row.control || rule.control.startsWith(`${row.control} (`));
}

/** A rule that names a design requirement of ARCHITECTURE.md rather than a CONTROLS.md row. */
const ARCHITECTURE_REQUIREMENT = /ARCHITECTURE\.md/;

/** What the fixture runs showed for one rule's own tests. */
export interface FixtureEvidence {
  /** The rule's test file, relative to the project root. */
  readonly testFile?: string;
  /** Tests that pass with the real rule and fail when it denies nothing: failing fixtures. */
  readonly failingFixtures: readonly string[];
  /** Tests that pass when the rule denies nothing and fail when it always denies: passing fixtures. */
  readonly passingFixtures: readonly string[];
  /** Tests of the file that fail against the real rule. */
  readonly brokenTests: readonly string[];
}

/** A hand-written mutation of the real output and whether the rule caught it. */
export interface MutationEvidence {
  readonly description: string;
  readonly caught: boolean;
}

export interface RuleCoverage {
  readonly rule: RuleInfo;
  readonly fixtures: FixtureEvidence;
  readonly mutations: readonly MutationEvidence[];
}

export interface ControlCoverage {
  readonly row: ControlRow;
  readonly rules: readonly RuleCoverage[];
}

export interface CoverageReport {
  readonly controls: readonly ControlCoverage[];
  /** Rules enforcing an ARCHITECTURE.md requirement that has no CONTROLS.md row. */
  readonly architectureRules: readonly RuleCoverage[];
  readonly problems: readonly string[];
  readonly passed: boolean;
}

export interface CoverageInput {
  readonly controls: readonly ControlRow[];
  readonly rules: readonly RuleInfo[];
  readonly fixtures: ReadonlyMap<string, FixtureEvidence>;
  readonly mutations: ReadonlyMap<string, readonly MutationEvidence[]>;
}

const NO_FIXTURES: FixtureEvidence = { failingFixtures: [], passingFixtures: [], brokenTests: [] };

/** Joins the evidence into control -> rules -> fixtures -> mutations and lists every gap. */
export function computeCoverage(input: CoverageInput): CoverageReport {
  const problems: string[] = [];
  const coverageOf = (rule: RuleInfo): RuleCoverage => {
    const fixtures = input.fixtures.get(rule.id) ?? NO_FIXTURES;
    const mutations = input.mutations.get(rule.id) ?? [];
    if (!fixtures.testFile) problems.push(`${rule.id}: no test file beside the rule (<rule>_test.rego)`);
    if (fixtures.brokenTests.length > 0) problems.push(`${rule.id}: tests fail against the rule: ${fixtures.brokenTests.join(", ")}`);
    if (fixtures.failingFixtures.length === 0) problems.push(`${rule.id}: no failing fixture (no test of ${fixtures.testFile ?? "its _test.rego"} fails when the rule denies nothing)`);
    if (fixtures.passingFixtures.length === 0) problems.push(`${rule.id}: no passing fixture (no test of ${fixtures.testFile ?? "its _test.rego"} fails when the rule always denies)`);
    if (mutations.length === 0) problems.push(`${rule.id}: no mutation of the real output (add one to __tests__/policies/mutations/)`);
    for (const m of mutations.filter((m) => !m.caught)) problems.push(`${rule.id}: does not catch its mutation "${m.description}"`);
    return { rule, fixtures, mutations };
  };
  const controls = input.controls.map((row) => {
    const rules = input.rules.filter((r) => controlOfRule(r, input.controls) === row).map(coverageOf);
    if (rules.length === 0) problems.push(`control "${row.control}" (${row.area}, ${row.source ?? "CONTROLS.md"} line ${row.line}) is enforced by no rule`);
    return { row, rules };
  });
  const architectureRules: RuleCoverage[] = [];
  for (const rule of input.rules.filter((r) => !controlOfRule(r, input.controls))) {
    if (ARCHITECTURE_REQUIREMENT.test(rule.control)) architectureRules.push(coverageOf(rule));
    else problems.push(`${rule.id}: its control "${rule.control}" is no row of CONTROLS.md; use the row's text (or cite the ARCHITECTURE.md requirement)`);
  }
  return { controls, architectureRules, problems, passed: problems.length === 0 };
}

/** control -> rule -> fixtures -> mutations, as text; problems and the verdict at the end. */
export function renderCoverage(report: CoverageReport): string {
  const out: string[] = [];
  const ruleLines = (c: RuleCoverage) => {
    const caught = c.mutations.filter((m) => m.caught).length;
    return [
      `    ${c.rule.id} ${c.rule.severity.padEnd(8)} ${c.rule.title}`,
      `      fixtures:  ${c.fixtures.passingFixtures.length} passing, ${c.fixtures.failingFixtures.length} failing (${c.fixtures.testFile ?? "no test file"})`,
      `      mutations: ${caught}/${c.mutations.length} caught${c.mutations.length ? `: ${c.mutations.map((m) => `${m.caught ? "" : "MISSED "}${m.description}`).join("; ")}` : ""}`,
    ];
  };
  for (const { row, rules } of report.controls) {
    out.push(`[${rules.length > 0 ? "x" : " "}] ${row.area}: ${row.control}  (HIPAA ${row.hipaa.join(" ") || "-"})`);
    if (rules.length === 0) out.push("    NO RULE");
    for (const c of rules) out.push(...ruleLines(c));
  }
  if (report.architectureRules.length > 0) {
    out.push("", "Rules for ARCHITECTURE.md requirements with no CONTROLS.md row:");
    for (const c of report.architectureRules) out.push(...ruleLines(c));
  }
  const covered = report.controls.filter((c) => c.rules.length > 0).length;
  const ruleCount = report.controls.reduce((n, c) => n + c.rules.length, 0) + report.architectureRules.length;
  out.push("");
  if (report.problems.length > 0) out.push(`PROBLEMS (${report.problems.length})`, ...report.problems.map((p) => `  - ${p}`), "");
  out.push(`${covered}/${report.controls.length} controls enforced by ${ruleCount} rules; ${report.problems.length} problem(s).`, report.passed ? "PASS" : "FAIL");
  return `${out.join("\n")}\n`;
}

// ---------------------------------------------------------------------------
// Fixture evidence: conftest verify over rewritten copies of the policy folder

/** A rule file of the suite (policies/<area>/<name>.rego, not lib/, not a test) and its id. */
export interface RuleFile {
  readonly id: string;
  /** Path relative to the policy folder, e.g. `logs/log_group_encrypted.rego`. */
  readonly file: string;
}

/** Every rule file and the id its metadata declares. */
export function ruleFiles(policyDir = POLICY_DIR): RuleFile[] {
  const found: RuleFile[] = [];
  for (const area of readdirSync(policyDir, { withFileTypes: true })) {
    if (!area.isDirectory() || area.name === "lib" || area.name === "data") continue;
    for (const name of readdirSync(join(policyDir, area.name))) {
      if (!name.endsWith(".rego") || name.endsWith("_test.rego")) continue;
      const text = readFileSync(join(policyDir, area.name, name), "utf8");
      const id = /^metadata := \{[^}]*?"id":\s*"([^"]+)"/ms.exec(text)?.[1];
      if (id) found.push({ id, file: `${area.name}/${name}` });
    }
  }
  return found.sort((a, b) => a.file.localeCompare(b.file));
}

export type DenyVariant = "never" | "always";

/**
 * The rule's source with its `deny` replaced: the original rules are kept under another name
 * (so the file still compiles and type-checks the same) and `deny` either never fires or
 * always reports one finding in the violation shape.
 */
export function rewriteDeny(source: string, variant: DenyVariant): string {
  if (!/^deny contains /m.test(source)) throw new ToolError("the rule has no `deny contains` rule to rewrite");
  const renamed = source.replace(/^deny contains /gm, "_coverage_original_deny contains ");
  const replacement =
    variant === "never"
      ? "deny contains finding if {\n\tsome finding in _coverage_original_deny\n\tfalse\n}\n"
      : 'deny contains {"msg": "coverage: always", "rule_id": metadata.id, "title": metadata.title, "severity": metadata.severity, "hipaa": metadata.hipaa, "fix": metadata.fix, "resource_path": "coverage/always", "address": "coverage.always"}\n';
  return `${renamed}\n# Rewritten by the coverage check (${variant}).\n${replacement}`;
}

interface VerifyOutcome {
  /** test file (relative to its policy folder) -> failed test names (last segment) */
  readonly failed: Map<string, Set<string>>;
}

function verifyTree(conftest: string, policyDir: string): VerifyOutcome {
  const run = spawnSync(conftest, ["verify", "--no-color", "--output", "json", "--policy", policyDir, "--data", join(policyDir, "data")], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  let results: { filename: string; successes?: number; failures?: { msg: string }[] }[];
  try {
    results = JSON.parse(run.stdout);
  } catch {
    throw new ToolError(`conftest verify did not produce a report (exit ${run.status}):\n${run.stderr || run.stdout}`);
  }
  // Successes are only counted in conftest's JSON; failures name the test (data.<package>.<test>).
  const failed = new Map<string, Set<string>>();
  for (const r of results) {
    const file = relative(policyDir, r.filename);
    if (!failed.has(file)) failed.set(file, new Set());
    for (const f of r.failures ?? []) failed.get(file)!.add(f.msg.split(".").pop() ?? f.msg);
  }
  return { failed };
}

/** The test names a rule's test file declares (`test_... if`). */
function declaredTests(testSource: string): string[] {
  return [...testSource.matchAll(/^(test_[A-Za-z0-9_]+)\b/gm)].map((m) => m[1]);
}

/**
 * Runs `conftest verify` three times (the real suite, every rule denying nothing, every rule
 * always denying) and derives each rule's fixture evidence from its own test file.
 */
export function collectFixtureEvidence(policyDir = POLICY_DIR): Map<string, FixtureEvidence> {
  const conftest = ensureConftest();
  const files = ruleFiles(policyDir);
  const scratch = mkdtempSync(join(tmpdir(), "medicare-coverage-"));
  try {
    const variants = new Map<DenyVariant | "real", VerifyOutcome>();
    variants.set("real", verifyTree(conftest, policyDir));
    for (const variant of ["never", "always"] as const) {
      const copy = join(scratch, variant);
      cpSync(policyDir, copy, { recursive: true });
      for (const rule of files) {
        const path = join(copy, rule.file);
        writeFileSync(path, rewriteDeny(readFileSync(path, "utf8"), variant));
      }
      variants.set(variant, verifyTree(conftest, copy));
    }
    const evidence = new Map<string, FixtureEvidence>();
    for (const rule of files) {
      const testFile = rule.file.replace(/\.rego$/, "_test.rego");
      if (!existsSync(join(policyDir, testFile))) {
        evidence.set(rule.id, NO_FIXTURES);
        continue;
      }
      const names = declaredTests(readFileSync(join(policyDir, testFile), "utf8"));
      const failedIn = (variant: DenyVariant | "real") => variants.get(variant)!.failed.get(testFile) ?? new Set<string>();
      const broken = names.filter((n) => failedIn("real").has(n));
      evidence.set(rule.id, {
        testFile: relative(ROOT, join(policyDir, testFile)),
        failingFixtures: names.filter((n) => !failedIn("real").has(n) && failedIn("never").has(n)),
        passingFixtures: names.filter((n) => !failedIn("real").has(n) && !failedIn("never").has(n) && failedIn("always").has(n)),
        brokenTests: broken,
      });
    }
    return evidence;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
