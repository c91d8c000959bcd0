import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { basename, dirname, join, relative } from "path";
import { ROOT, POLICY_DATA_DIR, POLICY_DIR } from "./paths";
import { ensureConftest, ToolError } from "./tools";

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
  readonly passed: boolean;
}

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

/** Runs conftest over the files (plus a catalog request) and returns the rules and raw findings. */
function evaluate(files: readonly string[]): { rules: RuleInfo[]; findings: Finding[] } {
  const scratch = mkdtempSync(join(tmpdir(), "medicare-policy-"));
  const catalogRequest = join(scratch, "catalog-request.json");
  writeFileSync(catalogRequest, JSON.stringify({ catalog_request: true }));
  try {
    const { stdout, stderr, status } = runConftest([
      // One query per file (policies/suite.rego, package main) instead of --all-namespaces:
      // the lib helpers are then evaluated once per file, not once per rule.
      "test", "--namespace", "main", "--no-color", "--output", "json",
      "--policy", POLICY_DIR, "--data", POLICY_DATA_DIR,
      ...files, catalogRequest,
    ]);
    let results: ConftestResult[];
    try {
      results = JSON.parse(stdout);
    } catch {
      throw new ToolError(`conftest did not produce a report (exit ${status}):\n${stderr || stdout}`);
    }
    const rules = new Map<string, RuleInfo>();
    const findings: Finding[] = [];
    for (const result of results) {
      if (result.filename === catalogRequest) {
        for (const w of result.warnings ?? []) {
          const meta = w.metadata?.metadata as RuleInfo;
          rules.set(meta.id, meta);
        }
        continue;
      }
      for (const failure of result.failures ?? []) {
        const m = failure.metadata ?? {};
        if (!m.rule_id) {
          throw new ToolError(`a rule returned a failure without rule_id (use lib.cdktf.violation): ${failure.msg}`);
        }
        findings.push({
          ruleId: m.rule_id,
          title: m.title,
          severity: m.severity,
          hipaa: m.hipaa ?? [],
          fix: m.fix,
          resourcePath: m.resource_path,
          address: m.address,
          message: failure.msg,
          file: displayPath(result.filename),
          stack: stackOf(result.filename),
        });
      }
    }
    const sortedRules = [...rules.values()].sort((a, b) => a.id.localeCompare(b.id));
    findings.sort((a, b) => a.stack.localeCompare(b.stack) || a.ruleId.localeCompare(b.ruleId) || a.resourcePath.localeCompare(b.resourcePath));
    return { rules: sortedRules, findings };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
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
    }
    if (typeof e?.expires === "string" && !/^\d{4}-\d{2}-\d{2}$/.test(e.expires)) {
      problems.push(`${at}.expires: ${JSON.stringify(e.expires)} is not a date; write YYYY-MM-DD`);
    }
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
  return {
    files: files.map(displayPath),
    rules,
    findings,
    excepted,
    exceptionProblems: problems,
    passed: findings.length === 0 && problems.length === 0,
  };
}

/** Arguments of `conftest verify` over the suite: every rule's passing and failing fixtures. */
export const CONFTEST_VERIFY_ARGS: readonly string[] = ["verify", "--no-color", "--policy", POLICY_DIR, "--data", POLICY_DATA_DIR];

/** Runs `conftest verify`; returns its output, success and test counts. */
export function verifyPolicies(): { passed: boolean; output: string; testsPassed: number; testsFailed: number } {
  const { stdout, stderr, status } = runConftest([...CONFTEST_VERIFY_ARGS]);
  const counts = /(\d+) tests?, (\d+) passed, \d+ warnings?, (\d+) failures?/.exec(stdout);
  return {
    passed: status === 0,
    output: `${stdout}${stderr}`.trim(),
    testsPassed: counts ? Number(counts[2]) : 0,
    testsFailed: counts ? Number(counts[3]) : 1,
  };
}
