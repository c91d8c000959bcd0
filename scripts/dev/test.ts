/**
 * npm test: every check CI gates on, in order, each step run even when an earlier one
 * fails so one run shows everything. Installs the tools it needs on first use.
 * npm run test:quick (`--quick`): the inner loop, with no local services and no tool build
 * beyond conftest: steps 1, 2, 4 (the Jest unit project only), 5 and 6.
 *   1. tools       pinned conftest in .tools/bin (go install, first run only)
 *   2. typecheck   tsc --noEmit (Jest runs transpile-only)
 *   3. services    MariaDB and moto for the integration tests (installed into .tools/ on first use),
 *                  and Debian's Chromium for the browser tests (apt, first use only)
 *   4. jest        unit and synthesized-output tests, policy tests over real and mutated stacks,
 *                  the patient site in Chromium (__tests__/browser/, screenshots in reports/browser/)
 *   5. verify      conftest verify: every rule's passing and failing fixtures
 *   6. policy      synth every stack, then the policy run over them (zero failures expected)
 *   7. coverage    every CONTROLS.md row has a rule with fixtures and a caught mutation (npm run policy:coverage)
 *   8. mutations   every generated weakening of the stacks is caught (npm run policy:mutations)
 *   9. validate    OpenTofu and the AWS provider subset (built into .tools/ on first use: ~13 min
 *                  cold on 2 cores, a minute or two with Go's caches warm), then tofu validate and
 *                  an offline plan of every stack with the Rego suite over each plan (npm run
 *                  validate), then the self-test: planted provider errors must each fail validate
 */
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "fs";
import { join } from "path";
import { ROOT, SYNTH_OUTDIR, TOOLS_DIR } from "../paths";
import { verifyPolicies } from "../review/lib/policy-engine";
import { synthesize } from "../platform/lib/synth";
import { ensureConftest } from "../platform/lib/tools";
import { ensureChromium } from "./lib/browser";

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  passed: number;
  failed: number;
}

const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
/** `--quick`: no MariaDB, moto, integration tests, coverage, mutations or validate (npm run test:quick). */
const quick = process.argv.includes("--quick");
const results: StepResult[] = [];

function step(name: string, run: () => { ok: boolean; passed?: number; failed?: number }): boolean {
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  let outcome: { ok: boolean; passed?: number; failed?: number };
  try {
    outcome = run();
  } catch (error) {
    process.stdout.write(`${(error as Error).message}\n`);
    outcome = { ok: false };
  }
  results.push({
    name,
    ok: outcome.ok,
    seconds: (Date.now() - started) / 1000,
    passed: outcome.passed ?? (outcome.ok ? 1 : 0),
    failed: outcome.failed ?? (outcome.ok ? 0 : 1),
  });
  return outcome.ok;
}

function exec(command: string, args: string[]): number {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  return result.status ?? 1;
}

/** Like exec, but also returns what the command printed on stdout (echoed as it is). */
function execCapture(command: string, args: string[]): { status: number; stdout: string } {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(result.stdout ?? "");
  return { status: result.status ?? 1, stdout: result.stdout ?? "" };
}

const toolsOk = step("tools", () => {
  process.stdout.write(`conftest: ${ensureConftest()}\n`);
  return { ok: true };
});

step("typecheck", () => ({ ok: exec(bin("tsc"), ["--noEmit"]) === 0 }));

// Jest's integration tests would start MariaDB and moto inside a test's time limit; a first
// start on a fresh, busy machine can take minutes, so it happens here, before Jest, instead.
// The services belong to Jest, whose global teardown stops them at the end.
if (!quick) step("services", () => {
  const services = exec(process.execPath, ["--import", "tsx", "-e", 'require("./scripts/dev/lib/services").ensureLocalServices("jest", (line) => console.log(line)).catch((e) => { console.error(e.message); process.exitCode = 1; })']) === 0;
  // Chromium too: an apt install inside a test's time limit would fail the browser tests.
  process.stdout.write(`chromium: ${ensureChromium((line) => process.stdout.write(`${line}\n`))}\n`);
  return { ok: services };
});

step("jest", () => {
  const cache = join(TOOLS_DIR, "cache");
  mkdirSync(cache, { recursive: true });
  const summary = join(cache, "jest-summary.json");
  rmSync(summary, { force: true });
  const status = exec(bin("jest"), ["--ci", "--json", `--outputFile=${summary}`, ...(quick ? ["--selectProjects", "unit"] : [])]);
  if (!existsSync(summary)) return { ok: false };
  const jest = JSON.parse(readFileSync(summary, "utf8"));
  return { ok: status === 0 && jest.numFailedTests === 0, passed: jest.numPassedTests, failed: jest.numFailedTests + jest.numRuntimeErrorTestSuites };
});

if (toolsOk) {
  step("conftest verify", () => {
    const verify = verifyPolicies();
    process.stdout.write(`${verify.output}\n`);
    return { ok: verify.passed, passed: verify.testsPassed, failed: verify.testsFailed };
  });

  step("synth + policy", () => {
    rmSync(SYNTH_OUTDIR, { recursive: true, force: true });
    synthesize(); // throws on failure, which fails the step
    return { ok: exec(process.execPath, ["--import", "tsx", "scripts/review/policy.ts"]) === 0 };
  });

  if (!quick) step("policy coverage", () => ({ ok: exec(process.execPath, ["--import", "tsx", "scripts/review/policy-coverage.ts"]) === 0 }));

  if (!quick) step("policy mutations", () => ({ ok: exec(process.execPath, ["--import", "tsx", "scripts/review/policy-mutations.ts"]) === 0 }));

  // Last: on a fresh machine it builds OpenTofu and the provider subset first (its time shows here).
  if (!quick) step("validate", () => {
    const validate = execCapture(process.execPath, ["--import", "tsx", "scripts/platform/validate.ts"]);
    const stacks = /^(\d+) passed, (\d+) failed$/m.exec(validate.stdout);
    const selfTest = execCapture(process.execPath, ["--import", "tsx", "scripts/platform/validate.ts", "--self-test"]);
    const caught = /^self-test: (\d+) of (\d+) planted provider errors caught$/m.exec(selfTest.stdout);
    const passed = Number(stacks?.[1] ?? 0) + Number(caught?.[1] ?? 0);
    const failed = Number(stacks?.[2] ?? 0) + (caught ? Number(caught[2]) - Number(caught[1]) : 0);
    const ok = validate.status === 0 && selfTest.status === 0 && stacks !== null && caught !== null;
    return { ok, passed, failed: ok ? failed : Math.max(failed, 1) };
  });
}

const width = Math.max(...results.map((r) => r.name.length));
process.stdout.write("\n=== summary ===\n");
for (const r of results) {
  process.stdout.write(`${r.ok ? "ok  " : "FAIL"}  ${r.name.padEnd(width)}  ${r.seconds.toFixed(1).padStart(6)} s${r.passed || r.failed ? `  (${r.passed} passed, ${r.failed} failed)` : ""}\n`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
