/**
 * npm test: every check CI gates on, in order, each step run even when an earlier one
 * fails so one run shows everything. Installs the tools it needs on first use.
 * npm run test:quick (`--quick`): the inner loop, with no local services and no tool build
 * beyond conftest: steps 1, 2, 4 (the Jest unit project only), 5 and 6, with 2, 4, 5 and 6 run
 * at the same time (none writes what another reads: step 6 synthesizes into a temp directory,
 * not cdktf.out, which some unit tests read), each step's output printed when it ends; step 5
 * reuses the result of a passing `conftest verify` over the same policies (verifyPoliciesAsync).
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
import { spawn, SpawnOptions } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ROOT, SYNTH_OUTDIR, TOOLS_DIR } from "../paths";
import { verifyPoliciesAsync } from "../review/lib/policy-engine";
import { stackFiles, SYNTH_SCRIPT } from "../platform/lib/synth";
import { ensureConftest } from "../platform/lib/tools";
import { ensureChromium } from "./lib/browser";

interface Outcome {
  ok: boolean;
  passed?: number;
  failed?: number;
}

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  passed: number;
  failed: number;
}

/** A step: `print` writes its output (buffered while steps run at the same time). */
interface Step {
  name: string;
  run: (print: (text: string) => void) => Promise<Outcome>;
  /** Prints straight to the terminal as it runs (Jest's progress), not when it ends. */
  live?: boolean;
}

const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
/** `--quick`: no MariaDB, moto, integration tests, coverage, mutations or validate (npm run test:quick). */
const quick = process.argv.includes("--quick");
const results: StepResult[] = [];

/** Runs a step, never throwing: an exception fails the step with its message. */
async function runStep(step: Step, print: (text: string) => void): Promise<StepResult> {
  const started = Date.now();
  let outcome: Outcome;
  try {
    outcome = await step.run(print);
  } catch (error) {
    print(`${(error as Error).message}\n`);
    outcome = { ok: false };
  }
  return {
    name: step.name,
    ok: outcome.ok,
    seconds: (Date.now() - started) / 1000,
    passed: outcome.passed ?? (outcome.ok ? 1 : 0),
    failed: outcome.failed ?? (outcome.ok ? 0 : 1),
  };
}

/** Runs the steps one after the other, each printing as it goes. */
async function inSequence(steps: Step[]): Promise<void> {
  for (const step of steps) {
    process.stdout.write(`\n=== ${step.name} ===\n`);
    results.push(await runStep(step, (text) => process.stdout.write(text)));
  }
}

/**
 * Runs the steps at the same time. A live step prints as it runs; every other step's output
 * is held and printed under its heading when it ends, so the log reads one step at a time.
 */
async function together(steps: Step[]): Promise<void> {
  process.stdout.write(`\n=== ${steps.map((s) => s.name).join(", ")} (at the same time) ===\n`);
  const finished = await Promise.all(
    steps.map(async (step) => {
      if (step.live) return runStep(step, (text) => process.stdout.write(text));
      let output = "";
      const result = await runStep(step, (text) => (output += text));
      process.stdout.write(`\n=== ${step.name} ===\n${output}`);
      return result;
    }),
  );
  results.push(...finished);
}

/** Runs a command to its end; its output goes to `print`, or straight to the terminal when `live`. */
function exec(command: string, args: string[], print: (text: string) => void, options: { live?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<{ status: number; stdout: string }> {
  return new Promise((resolvePromise, reject) => {
    const spawnOptions: SpawnOptions = { cwd: ROOT, env: options.env ?? process.env, stdio: options.live ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"] };
    const child = spawn(command, args, spawnOptions);
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      print(chunk.toString("utf8"));
    });
    child.stderr?.on("data", (chunk: Buffer) => print(chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (status) => resolvePromise({ status: status ?? 1, stdout }));
  });
}

/** Node running a TypeScript script (or `-e` code) through tsx: the command and its arguments. */
const tsx = (script: string, args: string[] = []): [string, string[]] => [process.execPath, ["--import", "tsx", script, ...args]];

const typecheck: Step = {
  name: "typecheck",
  run: async (print) => ({ ok: (await exec(bin("tsc"), ["--noEmit"], print)).status === 0 }),
};

const services: Step = {
  name: "services",
  run: async (print) => {
    const start = 'require("./scripts/dev/lib/services").ensureLocalServices("jest", (line) => console.log(line)).catch((e) => { console.error(e.message); process.exitCode = 1; })';
    const started = await exec(...tsx("-e", [start]), print, { live: true });
    // Chromium too: an apt install inside a test's time limit would fail the browser tests.
    print(`chromium: ${ensureChromium((line) => print(`${line}\n`))}\n`);
    return { ok: started.status === 0 };
  },
};

const jest: Step = {
  name: "jest",
  live: true,
  run: async (print) => {
    const cache = join(TOOLS_DIR, "cache");
    mkdirSync(cache, { recursive: true });
    const summary = join(cache, quick ? "jest-summary-quick.json" : "jest-summary.json");
    rmSync(summary, { force: true });
    // Quick: two workers on any machine (Jest's default is one fewer than the cores, one on
    // 2 cores), so the unit project keeps both cores busy once the steps beside it end.
    const args = ["--ci", "--json", `--outputFile=${summary}`, ...(quick ? ["--selectProjects", "unit", "--maxWorkers=2"] : [])];
    const { status } = await exec(bin("jest"), args, print, { live: true });
    if (!existsSync(summary)) return { ok: false };
    const result = JSON.parse(readFileSync(summary, "utf8"));
    return { ok: status === 0 && result.numFailedTests === 0, passed: result.numPassedTests, failed: result.numFailedTests + result.numRuntimeErrorTestSuites };
  },
};

const verify: Step = {
  name: "conftest verify",
  run: async (print) => {
    // Quick: a passing run over these exact policies stands (npm test always runs verify).
    const result = await verifyPoliciesAsync({ reusePassing: quick });
    print(`${result.output}\n`);
    return { ok: result.passed, passed: result.testsPassed, failed: result.testsFailed };
  },
};

/**
 * Synth of every stack, then the policy run over them. The full run synthesizes into cdktf.out
 * afresh (what the later steps read); the quick run into a temp directory of its own, as Jest
 * runs beside it and some unit tests read cdktf.out.
 */
const synthAndPolicy: Step = {
  name: "synth + policy",
  run: async (print) => {
    const outdir = quick ? mkdtempSync(join(tmpdir(), "medicare-test-quick-synth-")) : SYNTH_OUTDIR;
    try {
      rmSync(outdir, { recursive: true, force: true });
      const synth = await exec(process.execPath, [SYNTH_SCRIPT], print, { env: { ...process.env, CDKTF_OUTDIR: outdir } });
      if (synth.status !== 0) return { ok: false };
      return { ok: (await exec(...tsx("scripts/review/policy.ts", quick ? stackFiles(outdir) : []), print)).status === 0 };
    } finally {
      if (quick) rmSync(outdir, { recursive: true, force: true });
    }
  },
};

const coverage: Step = {
  name: "policy coverage",
  run: async (print) => ({ ok: (await exec(...tsx("scripts/review/policy-coverage.ts"), print, { live: true })).status === 0 }),
};

const mutations: Step = {
  name: "policy mutations",
  run: async (print) => ({ ok: (await exec(...tsx("scripts/review/policy-mutations.ts"), print, { live: true })).status === 0 }),
};

// Last: on a fresh machine it builds OpenTofu and the provider subset first (its time shows here).
const validate: Step = {
  name: "validate",
  run: async (print) => {
    const stacksRun = await exec(...tsx("scripts/platform/validate.ts"), print);
    const stacks = /^(\d+) passed, (\d+) failed$/m.exec(stacksRun.stdout);
    const selfTest = await exec(...tsx("scripts/platform/validate.ts", ["--self-test"]), print);
    const caught = /^self-test: (\d+) of (\d+) planted provider errors caught$/m.exec(selfTest.stdout);
    const passed = Number(stacks?.[1] ?? 0) + Number(caught?.[1] ?? 0);
    const failed = Number(stacks?.[2] ?? 0) + (caught ? Number(caught[2]) - Number(caught[1]) : 0);
    const ok = stacksRun.status === 0 && selfTest.status === 0 && stacks !== null && caught !== null;
    return { ok, passed, failed: ok ? failed : Math.max(failed, 1) };
  },
};

async function main(): Promise<void> {
  const tools: Step = {
    name: "tools",
    run: async (print) => {
      print(`conftest: ${ensureConftest()}\n`);
      return { ok: true };
    },
  };
  await inSequence([tools]);
  const toolsOk = results[0].ok;
  const needConftest = (steps: Step[]) => (toolsOk ? steps : []);
  if (quick) {
    await together([jest, typecheck, ...needConftest([verify, synthAndPolicy])]);
  } else {
    // Jest's integration tests would start MariaDB and moto inside a test's time limit; a first
    // start on a fresh, busy machine can take minutes, so it happens here, before Jest, instead.
    // The services belong to Jest, whose global teardown stops them at the end.
    await inSequence([typecheck, services, jest, ...needConftest([verify, synthAndPolicy, coverage, mutations, validate])]);
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
}

void main();
