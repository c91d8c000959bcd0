import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { cpus, tmpdir } from "os";
import { basename, dirname, join, relative } from "path";
import { ROOT, POLICY_DATA_DIR, POLICY_DIR, TOOLS_DIR } from "../../paths";
import { ensureConftest, ToolError } from "../../platform/lib/tools";

/** A rule of the suite, as its `metadata` declares it. */
export interface RuleInfo {
  readonly id: string;
  readonly title: string;
  readonly severity: "critical" | "high" | "medium" | "low";
  readonly hipaa: readonly string[];
  readonly control: string;
  readonly references: readonly string[];
  readonly fix: string;
}

/** One rule failing on one resource. */
export interface Finding {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: RuleInfo["severity"];
  readonly hipaa: readonly string[];
  readonly fix: string;
  /** Construct path, e.g. `prod-network/nacls/public`; what exceptions name. */
  readonly resourcePath: string;
  /** Terraform address, e.g. `aws_network_acl.nacls_public_1A2B3C4D`. */
  readonly address: string;
  readonly message: string;
  /** The checked file, relative to the project root when inside it. */
  readonly file: string;
  readonly stack: string;
}

/** A reviewed, time-limited acceptance of one rule failing on one resource. */
export interface PolicyException {
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
  readonly owner: string;
  /** ISO date (YYYY-MM-DD); the exception stops applying at the end of that day (UTC). */
  readonly expires: string;
}

export interface ExceptedFinding extends Finding {
  readonly exception: PolicyException & { readonly daysLeft: number };
}

export interface PolicyReport {
  readonly files: readonly string[];
  readonly rules: readonly RuleInfo[];
  /** Failures not covered by a valid exception. */
  readonly findings: readonly Finding[];
  readonly excepted: readonly ExceptedFinding[];
  /** Expired, unknown-rule or unused exceptions: each fails the run. */
  readonly exceptionProblems: readonly string[];
  /**
   * Warnings: things that do not fail the run unless `--fail-on-warn`: today, exceptions that
   * are applied but expire within EXPIRY_WARNING_DAYS (renew or fix before the run fails).
   * Every rule finding, whatever its severity, is a failure, never a warning.
   */
  readonly warnings: readonly string[];
  readonly passed: boolean;
}

/** Days before its expiry from which an applied exception is a warning. */
export const EXPIRY_WARNING_DAYS = 30;

/** Input the runner cannot use (bad exceptions file, missing input file); exit code 2. */
export class PolicyInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyInputError";
  }
}

/** Longest an exception may run: reviewed again at least twice a year. */
export const MAX_EXCEPTION_DAYS = 180;
const MIN_REASON_LENGTH = 30;
const MIN_REASON_WORDS = 6;
/** A team name or an e-mail address. */
const OWNER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;
/** A construct path as the report prints it: `<stack>/<construct>[/...]`, no wildcards. */
const RESOURCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[^/*\s]+)+$/;
/** Reasons that say nothing about the risk (placeholders, "temporary", a ticket reference alone). */
const BOILERPLATE = /^(todo|tbd|fixme|n\/?a|none|temp(orary)?|needed|required|see (ticket|jira|issue)|accepted|approved|false positive|lorem ipsum)\b/i;

/** True when a reason has no substance: a placeholder phrase, or too few different words. */
export function boilerplateReason(reason: string): boolean {
  const words = new Set(reason.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  return BOILERPLATE.test(reason.trim()) || words.size < MIN_REASON_WORDS;
}
const DAY_MS = 24 * 60 * 60 * 1000;

interface ConftestResult {
  filename: string;
  namespace: string;
  failures?: { msg: string; metadata?: Record<string, any> }[];
  warnings?: { msg: string; metadata?: Record<string, any> }[];
}

/** The stack a checked file belongs to: its folder for cdk.tf.json, else the file name. */
export function stackOf(file: string): string {
  return basename(file) === "cdk.tf.json" ? basename(dirname(file)) : basename(file);
}

function displayPath(file: string): string {
  const rel = relative(ROOT, file);
  return rel.startsWith("..") ? file : rel;
}

function runConftest(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const conftest = ensureConftest();
  const result = spawnSync(conftest, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw new ToolError(`could not run ${conftest}: ${result.error.message}`);
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** `conftest test` over the files: one query per file (policies/suite.rego, package main). */
function conftestTestArgs(files: readonly string[]): string[] {
  // --namespace main instead of --all-namespaces: the lib helpers are then evaluated once per
  // file and shared by every rule, not once per rule namespace.
  return ["test", "--namespace", "main", "--no-color", "--output", "json", "--policy", POLICY_DIR, "--data", POLICY_DATA_DIR, ...files];
}

/** Parses conftest's JSON: the catalogue (from the catalog request's warnings) and the findings per file. */
function parseConftest(stdout: string, stderr: string, status: number | null, catalogRequest?: string): { rules: RuleInfo[]; findingsByFile: Map<string, Finding[]> } {
  const results = conftestResults(stdout, stderr, status);
  const rules = new Map<string, RuleInfo>();
  const findingsByFile = new Map<string, Finding[]>();
  for (const result of results) {
    if (result.filename === catalogRequest) {
      for (const w of result.warnings ?? []) {
        const meta = w.metadata?.metadata as RuleInfo;
        rules.set(meta.id, meta);
      }
      continue;
    }
    const findings = findingsByFile.get(result.filename) ?? [];
    findingsByFile.set(result.filename, findings);
    for (const failure of result.failures ?? []) findings.push(toFinding(failure, result.filename));
  }
  return { rules: [...rules.values()].sort((a, b) => a.id.localeCompare(b.id)), findingsByFile };
}

/** conftest's JSON output; a run that printed none (a policy that does not compile, ...) is an error with what it printed. */
function conftestResults(stdout: string, stderr: string, status: number | null): ConftestResult[] {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new ToolError(`conftest did not produce a report (exit ${status}):\n${stderr || stdout}`);
  }
}

/** One of conftest's failures (the lib.cdktf.violation shape) as a finding in `file`. */
function toFinding(failure: { msg: string; metadata?: Record<string, any> }, file: string): Finding {
  const m = failure.metadata ?? {};
  if (!m.rule_id) {
    throw new ToolError(`a rule returned a failure without rule_id (use lib.cdktf.violation): ${failure.msg}`);
  }
  return {
    ruleId: m.rule_id,
    title: m.title,
    severity: m.severity,
    hipaa: m.hipaa ?? [],
    fix: m.fix,
    resourcePath: m.resource_path,
    address: m.address,
    message: failure.msg,
    file: displayPath(file),
    stack: stackOf(file),
  };
}

const byStackRuleResource = (a: Finding, b: Finding) =>
  a.stack.localeCompare(b.stack) || a.ruleId.localeCompare(b.ruleId) || a.resourcePath.localeCompare(b.resourcePath);

/**
 * Runs conftest over the files (plus a catalog request) and returns the rules and raw findings.
 * The files are split by size over as many conftest processes as the machine has cores (at
 * most 2): each process compiles the policies once (~0.7 s) and evaluation, the larger part,
 * runs in parallel. One run when there is one core or only a few files.
 */
function evaluate(files: readonly string[]): { rules: RuleInfo[]; findings: Finding[] } {
  const key = evaluationKey(files);
  const known = evaluations.get(key);
  if (known) return structuredClone(known);
  const result = evaluateWithConftest(files);
  evaluations.set(key, result);
  return structuredClone(result);
}

/**
 * Evaluations this process already made, by evaluationKey: conftest is a pure function of the
 * files, the policies and their data, and a process that checks the same files again (the
 * policy tests, one stack under a dozen exception registers) need not pay ~1.5 s each time.
 */
const evaluations = new Map<string, { rules: RuleInfo[]; findings: Finding[] }>();

/** Everything an evaluation depends on: each file's path and content, and every file under policies/ (path, size, mtime). */
function evaluationKey(files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(file)).update("\0");
  for (const file of filesUnder(POLICY_DIR)) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${file}\0${size}\0${mtimeMs}\0`);
  }
  return hash.digest("hex");
}

function evaluateWithConftest(files: readonly string[]): { rules: RuleInfo[]; findings: Finding[] } {
  const scratch = mkdtempSync(join(tmpdir(), "medicare-policy-"));
  const catalogRequest = join(scratch, "catalog-request.json");
  writeFileSync(catalogRequest, JSON.stringify({ catalog_request: true }));
  try {
    const chunks = balancedChunks(files, files.length >= 4 ? Math.min(2, cpus().length) : 1);
    chunks[0].push(catalogRequest);
    const runs = chunks.length === 1 ? [runConftest(conftestTestArgs(chunks[0]))] : runConftestParallel(chunks.map(conftestTestArgs));
    const rules: RuleInfo[] = [];
    const findings: Finding[] = [];
    for (const run of runs) {
      const parsed = parseConftest(run.stdout, run.stderr, run.status, catalogRequest);
      rules.push(...parsed.rules);
      findings.push(...[...parsed.findingsByFile.values()].flat());
    }
    return { rules, findings: findings.sort(byStackRuleResource) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `n` lists of files of about equal total size (largest first, each to the lightest list). */
export function balancedChunks(files: readonly string[], n: number): string[][] {
  const chunks = Array.from({ length: Math.max(1, n) }, () => ({ files: [] as string[], bytes: 0 }));
  const sized = files.map((file) => ({ file, bytes: existsSync(file) ? statSync(file).size : 0 })).sort((a, b) => b.bytes - a.bytes);
  for (const { file, bytes } of sized) {
    const lightest = chunks.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    lightest.files.push(file);
    lightest.bytes += bytes;
  }
  return chunks.filter((c, i) => i === 0 || c.files.length > 0).map((c) => c.files);
}

/**
 * Several conftest runs at once, from synchronous code: a plain Node child starts them in
 * parallel and returns their outputs as JSON (the runner's API stays synchronous for its
 * callers; the child costs ~50 ms).
 */
const PARALLEL_RUNNER = `
const { spawn } = require("child_process");
const [conftest, cwd, jobs] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3])];
Promise.all(jobs.map((args) => new Promise((done) => {
  const child = spawn(conftest, args, { cwd });
  const out = [], err = [];
  child.stdout.on("data", (b) => out.push(b));
  child.stderr.on("data", (b) => err.push(b));
  child.on("error", (e) => done({ stdout: "", stderr: e.message, status: null }));
  child.on("close", (status) => done({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), status }));
}))).then((results) => process.stdout.write(JSON.stringify(results)));
`;

function runConftestParallel(jobs: string[][]): { stdout: string; stderr: string; status: number | null }[] {
  const conftest = ensureConftest();
  const result = spawnSync(process.execPath, ["-e", PARALLEL_RUNNER, conftest, ROOT, JSON.stringify(jobs)], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (result.error || result.status !== 0) throw new ToolError(`could not run conftest in parallel: ${result.error?.message ?? result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The rule catalogue (every rule's metadata), from one conftest query. */
export function ruleCatalog(): RuleInfo[] {
  return evaluate([]).rules;
}

/** A document to check in a batch: the stack it stands for (its folder name) and its content. */
export interface BatchDocument {
  readonly stack: string;
  readonly doc: unknown;
}

/**
 * Checks many documents (e.g. mutated copies of the stacks) with as few conftest runs as the
 * machine has cores to spare (at most `parallel`, default 2): each run takes a share of the
 * files, so the policies are compiled once per run, not once per document. Returns the raw
 * findings (no exceptions applied) of each document, in input order.
 */
export async function checkDocuments(docs: readonly BatchDocument[], options: { parallel?: number } = {}): Promise<Finding[][]> {
  if (docs.length === 0) return [];
  const conftest = ensureConftest();
  const scratch = mkdtempSync(join(tmpdir(), "medicare-policy-batch-"));
  try {
    const files = writeDocuments(scratch, docs);
    const results = await Promise.all(parallelChunks(files, options.parallel).map((chunk) => runConftestAsync(conftest, conftestTestArgs(chunk))));
    const findingsByFile = new Map<string, Finding[]>();
    for (const r of results) {
      for (const [file, findings] of parseConftest(r.stdout, r.stderr, r.status).findingsByFile) findingsByFile.set(file, findings);
    }
    return files.map((file) => {
      const findings = findingsByFile.get(file);
      if (!findings) throw new ToolError(`conftest reported nothing for ${file}`);
      return findings.sort(byStackRuleResource);
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Writes each document as `<scratch>/<index>/<stack>/cdk.tf.json` (its stack is its folder's name); returns the files in order. */
function writeDocuments(scratch: string, docs: readonly BatchDocument[]): string[] {
  return docs.map((d, i) => {
    const dir = join(scratch, String(i), d.stack);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "cdk.tf.json");
    writeFileSync(file, JSON.stringify(d.doc));
    return file;
  });
}

/** The files dealt round-robin into as many lists as runs at once (at most `parallel`, default 2, and the cores). */
function parallelChunks(files: readonly string[], parallel = 2): string[][] {
  const n = Math.max(1, Math.min(parallel, cpus().length, files.length));
  return Array.from({ length: n }, (_, c) => files.filter((_f, i) => i % n === c));
}

/** A document to check against some rules only: e.g. a mutation against the rule it weakens. */
export interface SelectedRulesDocument extends BatchDocument {
  /** Ids of the rules to apply (e.g. NET-001). */
  readonly ruleIds: readonly string[];
}

/**
 * Checks each document against only the rules named for it, in as few conftest runs as
 * checkDocuments. policies/selected.rego evaluates each chosen rule's deny with the document as
 * its input, as the suite does, but not the other rules: for the mutation tests, which each
 * need one rule's verdict on a whole stack, that is a small part of the work of the whole
 * suite over every copy. Returns the findings of each document, in input order.
 */
export async function checkDocumentsAgainstRules(docs: readonly SelectedRulesDocument[], options: { parallel?: number } = {}): Promise<Finding[][]> {
  if (docs.length === 0) return [];
  const conftest = ensureConftest();
  const scratch = mkdtempSync(join(tmpdir(), "medicare-policy-selected-"));
  try {
    const files = writeDocuments(scratch, docs);
    const selection = join(scratch, "selection", "selected-rules.json");
    mkdirSync(dirname(selection));
    writeFileSync(selection, JSON.stringify({ selected_rules: Object.fromEntries(files.map((file, i) => [file, docs[i].ruleIds])) }));
    const args = (chunk: string[]) => ["test", "--combine", "--namespace", "selected", "--no-color", "--output", "json", "--policy", POLICY_DIR, "--data", POLICY_DATA_DIR, "--data", selection, ...chunk];
    const results = await Promise.all(parallelChunks(files, options.parallel).map((chunk) => runConftestAsync(conftest, args(chunk))));
    const findingsByFile = new Map<string, Finding[]>(files.map((file) => [file, []]));
    for (const r of results) {
      for (const failure of conftestResults(r.stdout, r.stderr, r.status).flatMap((result) => result.failures ?? [])) {
        const file = failure.metadata?.checked_file;
        const findings = findingsByFile.get(file);
        if (!findings) throw new ToolError(`conftest reported a finding for a document it was not given: ${failure.msg}`);
        findings.push(toFinding(failure, file));
      }
    }
    return files.map((file) => findingsByFile.get(file)!.sort(byStackRuleResource));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runConftestAsync(conftest: string, args: string[]): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(conftest, args, { cwd: ROOT });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => reject(new ToolError(`could not run ${conftest}: ${e.message}`)));
    child.on("close", (status) => resolvePromise({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), status }));
  });
}

/** Reads and checks the exceptions file; problems with its shape are input errors. */
export function loadExceptions(file: string): PolicyException[] {
  if (!existsSync(file)) return [];
  let parsed: any;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new PolicyInputError(`${displayPath(file)} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || !Array.isArray(parsed.exceptions)) {
    throw new PolicyInputError(`${displayPath(file)} must be an object with an "exceptions" array`);
  }
  const problems: string[] = [];
  parsed.exceptions.forEach((e: any, i: number) => {
    const at = `${displayPath(file)} exceptions[${i}]`;
    for (const field of ["rule", "resource", "reason", "owner", "expires"]) {
      if (typeof e?.[field] !== "string" || e[field].trim() === "") problems.push(`${at}.${field}: required, a non-empty string`);
    }
    if (typeof e?.reason === "string" && e.reason.trim().length < MIN_REASON_LENGTH) {
      problems.push(`${at}.reason: say why the risk is acceptable and what mitigates it (at least ${MIN_REASON_LENGTH} characters)`);
    } else if (typeof e?.reason === "string" && boilerplateReason(e.reason)) {
      problems.push(`${at}.reason: ${JSON.stringify(e.reason)} is boilerplate; say why the risk is acceptable and what mitigates it, in at least ${MIN_REASON_WORDS} different words`);
    }
    if (typeof e?.owner === "string" && e.owner.trim() !== "" && !OWNER_PATTERN.test(e.owner)) {
      problems.push(`${at}.owner: ${JSON.stringify(e.owner)} is not a team or person; write a team name or an e-mail address (letters, digits, . _ - @)`);
    }
    if (typeof e?.resource === "string" && e.resource.trim() !== "" && !RESOURCE_PATTERN.test(e.resource)) {
      problems.push(`${at}.resource: ${JSON.stringify(e.resource)} is not a construct path; copy the resource path the report prints (<stack>/<construct>/..., no wildcards)`);
    }
    if (typeof e?.expires === "string" && !/^\d{4}-\d{2}-\d{2}$/.test(e.expires)) {
      problems.push(`${at}.expires: ${JSON.stringify(e.expires)} is not a date; write YYYY-MM-DD`);
    }
  });
  const seen = new Map<string, number>();
  parsed.exceptions.forEach((e: any, i: number) => {
    const key = `${e?.rule} ${e?.resource}`;
    if (seen.has(key)) problems.push(`${displayPath(file)} exceptions[${i}]: the same rule and resource as exceptions[${seen.get(key)}]; keep one`);
    else seen.set(key, i);
  });
  if (problems.length > 0) throw new PolicyInputError(`Invalid exceptions file:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return parsed.exceptions;
}

export interface RunOptions {
  /** Exceptions file; default policies/exceptions.json. */
  readonly exceptionsFile?: string;
  /** Today, for expiry arithmetic (tests pin it). */
  readonly now?: Date;
}

/**
 * Checks Terraform JSON files against the policy suite and applies the exceptions.
 * An exception applies only while it is unexpired and at most MAX_EXCEPTION_DAYS out;
 * an exception for a checked stack that matches no failure is reported as unused.
 */
export function runPolicies(files: readonly string[], options: RunOptions = {}): PolicyReport {
  for (const file of files) {
    if (!existsSync(file)) throw new PolicyInputError(`${file}: no such file; pass Terraform JSON files (cdktf.out/stacks/<stack>/cdk.tf.json)`);
  }
  const exceptions = loadExceptions(options.exceptionsFile ?? join(POLICY_DIR, "exceptions.json"));
  const { rules, findings: raw } = evaluate(files);
  const now = options.now ?? new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const ruleIds = new Set(rules.map((r) => r.id));
  const checkedStacks = new Set(files.map(stackOf));

  const problems: string[] = [];
  const usable: (PolicyException & { daysLeft: number })[] = [];
  for (const e of exceptions) {
    const label = `exception ${e.rule} on ${e.resource} (owner ${e.owner})`;
    const daysLeft = Math.round((Date.parse(`${e.expires}T00:00:00Z`) - today) / DAY_MS);
    if (!ruleIds.has(e.rule)) problems.push(`${label}: no rule has id ${e.rule}; fix the id or remove the exception`);
    else if (Number.isNaN(daysLeft)) problems.push(`${label}: expiry ${e.expires} is not a real date`);
    else if (daysLeft < 0) problems.push(`${label}: expired on ${e.expires}; fix the resource or review and renew the exception`);
    else if (daysLeft > MAX_EXCEPTION_DAYS) problems.push(`${label}: expires ${e.expires}, more than ${MAX_EXCEPTION_DAYS} days out; set an earlier review date`);
    else usable.push({ ...e, daysLeft });
  }

  const findings: Finding[] = [];
  const excepted: ExceptedFinding[] = [];
  const used = new Set<PolicyException>();
  for (const finding of raw) {
    const exception = usable.find((e) => e.rule === finding.ruleId && e.resource === finding.resourcePath);
    if (exception) {
      excepted.push({ ...finding, exception });
      used.add(exception);
    } else {
      findings.push(finding);
    }
  }
  for (const e of usable) {
    const stack = e.resource.split("/")[0];
    if (checkedStacks.has(stack) && !used.has(e)) {
      problems.push(`exception ${e.rule} on ${e.resource} (owner ${e.owner}): unused, the rule passes on that resource; remove the exception`);
    }
  }
  const warnings = usable
    .filter((e) => used.has(e) && e.daysLeft <= EXPIRY_WARNING_DAYS)
    .map((e) => `exception ${e.rule} on ${e.resource} (owner ${e.owner}) expires in ${e.daysLeft} day(s), on ${e.expires}; fix the resource or review and renew it`);
  return {
    files: files.map(displayPath),
    rules,
    findings,
    excepted,
    exceptionProblems: problems,
    warnings,
    passed: findings.length === 0 && problems.length === 0,
  };
}

/** Arguments of `conftest verify` over the suite: every rule's passing and failing fixtures. */
export const CONFTEST_VERIFY_ARGS: readonly string[] = ["verify", "--no-color", "--policy", POLICY_DIR, "--data", POLICY_DATA_DIR];

/** The outcome of `conftest verify`: its output, success and test counts. */
export interface VerifyResult {
  passed: boolean;
  output: string;
  testsPassed: number;
  testsFailed: number;
}

function verifyResult({ stdout, stderr, status }: { stdout: string; stderr: string; status: number | null }): VerifyResult {
  const counts = /(\d+) tests?, (\d+) passed, \d+ warnings?, (\d+) failures?/.exec(stdout);
  return {
    passed: status === 0,
    output: `${stdout}${stderr}`.trim(),
    testsPassed: counts ? Number(counts[2]) : 0,
    testsFailed: counts ? Number(counts[3]) : 1,
  };
}

/** Runs `conftest verify`. */
export function verifyPolicies(): VerifyResult {
  return verifyResult(runConftest([...CONFTEST_VERIFY_ARGS]));
}

/**
 * Runs `conftest verify` without blocking this process (npm run test:quick runs other steps
 * meanwhile). `reusePassing`: when a run passed with exactly these inputs (the content of every
 * file under policies/, the conftest binary and the arguments), that result is returned instead
 * of running again, with a line saying so; a failing run is never stored. Rego tests are
 * deterministic over those inputs, so this is the run's own result, kept for the inner loop
 * (npm run test:quick); `npm test` always runs verify.
 */
export async function verifyPoliciesAsync(options: { reusePassing?: boolean } = {}): Promise<VerifyResult> {
  const conftest = ensureConftest();
  const stored = join(TOOLS_DIR, "cache", "conftest-verify", `${verifyInputsHash(conftest)}.json`);
  if (options.reusePassing && existsSync(stored)) {
    const result = JSON.parse(readFileSync(stored, "utf8")) as VerifyResult & { at: string };
    return { ...result, output: `${result.output}\n(the result of a passing run at ${result.at} over these exact policies, fixtures and data; npm test always runs verify)` };
  }
  const result = verifyResult(await runConftestAsync(conftest, [...CONFTEST_VERIFY_ARGS]));
  if (result.passed) {
    rmSync(dirname(stored), { recursive: true, force: true }); // one entry: the last passing inputs
    mkdirSync(dirname(stored), { recursive: true });
    writeFileSync(stored, JSON.stringify({ ...result, at: new Date().toISOString() }));
  }
  return result;
}

/** SHA-256 over what `conftest verify` reads: every file under the policy folder (path and content), the binary and the arguments. */
export function verifyInputsHash(conftest: string, policyDir = POLICY_DIR): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(CONFTEST_VERIFY_ARGS)).update("\0").update(readFileSync(conftest));
  for (const file of filesUnder(policyDir)) hash.update(`\0${relative(policyDir, file)}\0`).update(readFileSync(file));
  return hash.digest("hex");
}

/** Every file under `dir`, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}
