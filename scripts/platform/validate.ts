/**
 * npm run validate [-- --env dev,prod] [-- --stack prod-network,...]
 *
 * What `plan` would reject, caught before the platform team runs it: for every synthesized
 * stack (found under cdktf.out/stacks, no list kept), in deployment order, in a copy under
 * .tools/validate/<stack>/ with an offline override file beside it:
 *   init      tofu init from the provider mirror (no network)
 *   validate  tofu validate (the provider's schema: conflicting, missing and invalid arguments)
 *   plan      tofu plan with dummy credentials (the provider's plan-time checks: formats, enums)
 *   show      tofu show -json of the plan
 *   policy    the Rego suite over the plan's values (provider defaults filled in), next to the
 *             same suite over cdk.tf.json; a rule that differs between the two is reported
 * Cross-stack remote state reads stub state files with values of the right format (see
 * stubState in scripts/platform/lib/validate-stacks.ts). Exit codes: 0 every stack passes; 1 a stack
 * fails a phase or a policy; 2 the run could not be made (bad flag, no Go, no stack).
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { dirname, join, relative } from "path";
import { AWS_PROVIDER_MIRROR_VERSION, OFFLINE_CLI_CONFIG, OPENTOFU_VERSION, ensureAwsProviderMirror, ensureOpenTofu, versionGapLine } from "./lib/opentofu";
import { ROOT, SYNTH_OUTDIR, TOOLS_DIR } from "../paths";
import { Finding, PolicyInputError, runPolicies } from "../review/lib/policy-engine";
import { ensureMotoInstalled } from "../dev/lib/services";
import { ensureSynthesized } from "./lib/synth";
import { ToolError } from "./lib/tools";
import { FAULT_CONFIG_FILE, ValidateDiagnostic, diagnosticsForFault, faultConfigText, plantFaults } from "./lib/planted-faults";
import {
  PlanJson, StackInput, StackInputError, TerraformJson, dependencyOrder, discoverStackDirs, filterStacks,
  offlineConfig, offlineOverride, planConfigPath, planToConfig, remoteStateProducers, stubState,
} from "./lib/validate-stacks";

const USAGE = `Usage: npm run validate -- [--env ENV[,ENV]] [--stack STACK[,STACK]] [--keep-going] [--self-test]

  --env ENV       only the stacks of these environments (prod -> prod-*)
  --stack STACK   only these stacks (names under cdktf.out/stacks)
  --keep-going    plan a stack even when validate failed (default: later phases are skipped)
  --self-test     instead: plant provider-level errors TypeScript accepts (enum, range, length,
                  allowed set, unknown and read-only arguments) into copies of real stacks and
                  check tofu validate rejects each, naming the attribute (CI runs this)

Builds OpenTofu and the AWS provider subset into .tools/ on first use (Go needed; ~13 min of 2 idle cores
with empty Go caches), and rebuilds the provider when a stack starts using a new AWS service.
Exit codes: 0 pass, 1 a stack fails validate/plan/policy, 2 the run could not be made.`;

const VALIDATE_DIR = join(TOOLS_DIR, "validate");
const STUB_STATE_DIR = join(VALIDATE_DIR, "_remote-state");
const PLAN_CONFIG_DIR = join(VALIDATE_DIR, "_plan-config");
const OVERRIDE_FILE = "zz_offline_override.tf.json";

class UsageError extends Error {}

interface Options {
  envs: string[];
  stacks: string[];
  keepGoing: boolean;
  selfTest: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { envs: [], stacks: [], keepGoing: false, selfTest: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const list = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith("--") || v.trim() === "") throw new UsageError(`${flag} needs a comma-separated list`);
      return v.split(",").map((s) => s.trim()).filter(Boolean);
    };
    switch (flag) {
      case "--env": options.envs.push(...list()); break;
      case "--stack": options.stacks.push(...list()); break;
      case "--keep-going": options.keepGoing = true; break;
      case "--self-test": options.selfTest = true; break;
      case "--help": case "-h": process.stdout.write(`${USAGE}\n`); process.exit(0);
      default: throw new UsageError(`unknown argument ${arg}`);
    }
  }
  if (options.selfTest && (options.envs.length > 0 || options.stacks.length > 0 || options.keepGoing)) throw new UsageError("--self-test takes no other flag: it picks its own stacks");
  return options;
}

type Phase = "init" | "validate" | "plan" | "show" | "policy";
const PHASES: Phase[] = ["init", "validate", "plan", "show", "policy"];

interface PhaseResult {
  stack: string;
  phase: Phase;
  status: "ok" | "FAIL" | "skip";
  seconds: number;
  detail: string;
}

/** The environment tofu runs in: the offline CLI config, and no credentials of the caller's. */
function tofuEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|TF_)/.test(k)) env[k] = v;
  return {
    ...env,
    TF_CLI_CONFIG_FILE: OFFLINE_CLI_CONFIG,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

function tofu(binary: string, cwd: string, args: string[]): { ok: boolean; output: string; stdout: string } {
  // Flags go before positional arguments (Go's flag parsing stops at the first of those).
  const result = spawnSync(binary, [args[0], "-no-color", ...args.slice(1)], { cwd, env: tofuEnv(), encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (result.error) throw new ToolError(`could not run ${binary}: ${result.error.message}`);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

/** The provider's and OpenTofu's own error lines, without the surrounding boilerplate. */
function errorSummary(output: string): string {
  const blocks = output.split(/\n(?=(?:Error|Warning): )/).filter((b) => b.startsWith("Error: "));
  return (blocks.length > 0 ? blocks : [output.trim().split("\n").slice(-15).join("\n")]).map((b) => b.trim()).join("\n\n");
}

/** The parts of `tofu validate -json` read here. */
interface ValidateReport {
  valid: boolean;
  warning_count: number;
  diagnostics: ValidateDiagnostic[];
}

/** `tofu validate -json` in `work`: pass or fail, the diagnostics, and the errors as text. */
function tofuValidate(binary: string, work: string): { ok: boolean; warningCount: number; diagnostics: ValidateReport["diagnostics"]; errors: string } {
  const r = tofu(binary, work, ["validate", "-json"]);
  let report: ValidateReport;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    return { ok: false, warningCount: 0, diagnostics: [], errors: errorSummary(r.output) };
  }
  const errors = report.diagnostics.filter((d) => d.severity === "error");
  return {
    ok: report.valid && errors.length === 0,
    warningCount: report.warning_count,
    diagnostics: report.diagnostics,
    errors: errors.map((d) => `${d.address ?? d.range?.filename ?? ""}: ${d.summary}${d.detail ? `: ${d.detail}` : ""}`).join("\n"),
  };
}

/**
 * A stack's working copy: its configuration, its assets and the offline override. A fresh
 * copy each run; .terraform is kept so init only re-links the mirror.
 */
function prepareWorkDir(work: string, stack: StackInput, stubPath: (producer: string) => string, sfnEndpoint?: string): void {
  mkdirSync(work, { recursive: true });
  for (const f of ["cdk.tf.json", OVERRIDE_FILE, ".terraform.lock.hcl", "plan.tfplan", "plan.json", "terraform.tfstate", "assets"]) rmSync(join(work, f), { recursive: true, force: true });
  writeFileSync(join(work, "cdk.tf.json"), JSON.stringify(offlineConfig(stack.config), null, 2));
  if (existsSync(join(stack.dir, "assets"))) symlinkSync(join(stack.dir, "assets"), join(work, "assets"));
  writeFileSync(join(work, OVERRIDE_FILE), `${JSON.stringify(offlineOverride(stack.config, AWS_PROVIDER_MIRROR_VERSION, stubPath, sfnEndpoint), null, 2)}\n`);
}

/**
 * --self-test: every planted fault in its own copy of its host stack must fail tofu validate
 * with an error naming the planted resource and attribute; each host stack's copy without a
 * fault must pass first, so a failure is the fault's and not the stack's.
 */
function selfTest(tofuBinary: string, stacks: readonly StackInput[]): number {
  const sites = plantFaults(stacks);
  const root = join(VALIDATE_DIR, "_self-test");
  // Validate reads no remote state, but init needs the override's provider version; any path will do.
  const noState = (producer: string) => join(root, `${producer}.tfstate`);
  const failures: string[] = [];
  const hosts = [...new Set(sites.map((s) => s.stack))];
  const width = Math.max(...sites.map((s) => `${s.fault.id} ${s.stack}`.length), ...hosts.map((h) => `baseline ${h}`.length));
  const line = (what: string, ok: boolean, seconds: number, detail: string) =>
    process.stdout.write(`${what.padEnd(width)}  ${ok ? "ok  " : "FAIL"}  ${seconds.toFixed(1).padStart(5)} s  ${detail}\n`);
  for (const host of hosts) {
    const stack = stacks.find((s) => s.name === host)!;
    const work = join(root, host);
    let started = Date.now();
    prepareWorkDir(work, stack, noState);
    const init = tofu(tofuBinary, work, ["init", "-input=false"]);
    if (!init.ok) {
      failures.push(`${host}: tofu init failed:\n${errorSummary(init.output)}`);
      continue;
    }
    const baseline = tofuValidate(tofuBinary, work);
    line(`baseline ${host}`, baseline.ok, (Date.now() - started) / 1000, baseline.ok ? "the copy without a fault passes" : "the copy without a fault fails");
    if (!baseline.ok) {
      failures.push(`${host}: fails validate without a planted fault, so the self-test cannot tell:\n${baseline.errors}`);
      continue;
    }
    for (const site of sites.filter((s) => s.stack === host)) {
      started = Date.now();
      writeFileSync(join(work, FAULT_CONFIG_FILE), faultConfigText(site));
      const report = tofuValidate(tofuBinary, work);
      const caught = diagnosticsForFault(site, report.diagnostics);
      const where = `${site.fault.type}.${site.resource}.${site.fault.attribute} = ${JSON.stringify(site.fault.value)}`;
      const ok = !report.ok && caught.length > 0;
      const message = ok ? `${caught[0].summary}${caught[0].detail ? `: ${caught[0].detail.split("\n")[0]}` : ""}` : "";
      // Enum messages list every allowed value; the start says enough.
      const shown = message.length > 160 ? `${message.slice(0, 157)}...` : message;
      line(`${site.fault.id} ${host}`, ok, (Date.now() - started) / 1000, ok ? `${site.fault.check}: ${where}: "${shown}"` : `${site.fault.check}: ${where}`);
      if (!ok) {
        failures.push(
          `${site.fault.id} (${site.fault.check}), ${where} in ${host}: ` +
            (report.ok ? "tofu validate passed: the provider did not check it" : `no error names ${site.fault.type}.${site.resource} and ${site.fault.attribute}; the errors were:\n${report.errors}`),
        );
      }
    }
  }
  if (failures.length > 0) process.stdout.write(`\n=== self-test failures ===\n${failures.join("\n\n")}\n`);
  const caughtCount = sites.length - failures.filter((f) => !f.includes("without a planted fault") && !f.includes("tofu init failed")).length;
  process.stdout.write(`self-test: ${failures.length === 0 ? sites.length : caughtCount} of ${sites.length} planted provider errors caught\n`);
  return failures.length === 0 ? 0 : 1;
}

function main(): number {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const options = parseArgs(process.argv.slice(2));
  ensureSynthesized(log);
  const stacksDir = join(SYNTH_OUTDIR, "stacks");
  const all = discoverStackDirs(stacksDir);
  if (all.length === 0) throw new StackInputError(`no synthesized stack under ${relative(ROOT, stacksDir)}; run npm run synth`);
  const selected = filterStacks(all, options.envs, options.stacks);
  const load = (name: string): StackInput => {
    const dir = join(stacksDir, name);
    return { name, dir, config: JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as TerraformJson };
  };
  const stacks = dependencyOrder(selected.map(load));

  const tofuBinary = ensureOpenTofu(log);
  // The provider subset is worked out from every synthesized stack, not only the selected ones,
  // so a --stack run does not rebuild it.
  const build = ensureAwsProviderMirror(all.map(load), log);
  process.stdout.write(`${versionGapLine(build)}\n`);
  if (options.selfTest) return selfTest(tofuBinary, all.map(load));

  // Stub state for every stack a selected stack reads, from the producer's own configuration.
  mkdirSync(STUB_STATE_DIR, { recursive: true });
  const stubPath = (producer: string) => join(STUB_STATE_DIR, `${producer}.tfstate`);
  const placeholders: string[] = [];
  for (const producer of new Set(stacks.flatMap((s) => [...remoteStateProducers(s.config).values()]))) {
    if (!all.includes(producer)) throw new StackInputError(`a stack reads the state of ${producer}, which is not synthesized`);
    const { state, outputs } = stubState(load(producer).config, OPENTOFU_VERSION);
    writeFileSync(stubPath(producer), `${JSON.stringify(state, null, 2)}\n`);
    const counts = Object.values(outputs).reduce((c, o) => ({ ...c, [o.from]: (c[o.from] ?? 0) + 1 }), {} as Record<string, number>);
    placeholders.push(`${producer}: ${counts.config ?? 0} from its configuration, ${counts.placeholder ?? 0} placeholders`);
  }
  if (placeholders.length > 0) log(`Stub remote state (${relative(ROOT, STUB_STATE_DIR)}): ${placeholders.join("; ")}`);

  // The provider validates known state machine definitions at plan time through the Step
  // Functions API; offline, a local checker answers that one call (scripts/platform/lib/sfn-definition-check.py).
  const sfnEndpoint = stacks.some((s) => Object.keys(s.config.resource?.aws_sfn_state_machine ?? {}).length > 0) ? startDefinitionChecker(log) : undefined;

  const results: PhaseResult[] = [];
  const failures: string[] = [];
  const planConfigs = new Map<string, string>();
  const width = Math.max(...stacks.map((s) => s.name.length));
  const record = (r: PhaseResult) => {
    results.push(r);
    process.stdout.write(`${r.stack.padEnd(width)}  ${r.phase.padEnd(8)}  ${r.status.padEnd(4)}  ${r.seconds.toFixed(1).padStart(6)} s${r.detail ? `  ${r.detail}` : ""}\n`);
  };

  for (const stack of stacks) {
    const work = join(VALIDATE_DIR, stack.name);
    prepareWorkDir(work, stack, stubPath, sfnEndpoint?.url);

    let blocked = false;
    const run = (phase: Phase, body: () => { ok: boolean; detail?: string; errors?: string }) => {
      if (blocked) {
        record({ stack: stack.name, phase, status: "skip", seconds: 0, detail: "" });
        return;
      }
      const started = Date.now();
      const outcome = body();
      record({ stack: stack.name, phase, status: outcome.ok ? "ok" : "FAIL", seconds: (Date.now() - started) / 1000, detail: outcome.detail ?? "" });
      if (!outcome.ok) {
        failures.push(`${stack.name} ${phase}:\n${(outcome.errors ?? "").replace(/^/gm, "  ")}`);
        if (phase !== "validate" || !options.keepGoing) blocked = true;
      }
    };

    run("init", () => {
      const r = tofu(tofuBinary, work, ["init", "-input=false"]);
      return { ok: r.ok, errors: errorSummary(r.output) };
    });
    run("validate", () => {
      const report = tofuValidate(tofuBinary, work);
      return { ok: report.ok, detail: report.warningCount > 0 ? `${report.warningCount} warnings` : "", errors: report.errors };
    });
    run("plan", () => {
      const r = tofu(tofuBinary, work, ["plan", "-input=false", "-lock=false", "-refresh=false", "-out=plan.tfplan"]);
      const summary = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(r.output);
      return { ok: r.ok, detail: summary ? `${summary[1]} to add` : "", errors: errorSummary(r.output) };
    });
    run("show", () => {
      const r = tofu(tofuBinary, work, ["show", "-json", "plan.tfplan"]);
      if (!r.ok) return { ok: false, errors: errorSummary(r.output) };
      writeFileSync(join(work, "plan.json"), r.stdout);
      const plan = JSON.parse(r.stdout) as PlanJson;
      const file = planConfigPath(PLAN_CONFIG_DIR, stack.name);
      mkdirSync(join(file, ".."), { recursive: true });
      const converted = planToConfig(plan, stack.config);
      writeFileSync(file, JSON.stringify(converted, null, 2));
      planConfigs.set(stack.name, file);
      const count = Object.values(converted.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
      return { ok: true, detail: `${Math.round(r.stdout.length / 1024)} KiB, ${count} resources` };
    });
  }

  // The policy phase: one conftest run over every cdk.tf.json and one over every plan.
  const planned = stacks.filter((s) => planConfigs.has(s.name));
  if (planned.length > 0) {
    const started = Date.now();
    const configReport = runPolicies(planned.map((s) => join(s.dir, "cdk.tf.json")));
    const planReport = runPolicies(planned.map((s) => planConfigs.get(s.name)!));
    const seconds = (Date.now() - started) / 1000 / planned.length;
    const key = (f: Finding) => `${f.ruleId} ${f.resourcePath}`;
    for (const stack of planned) {
      const onConfig = configReport.findings.filter((f) => f.stack === stack.name);
      const onPlan = planReport.findings.filter((f) => f.stack === stack.name);
      const configKeys = new Set(onConfig.map(key));
      const planKeys = new Set(onPlan.map(key));
      const planOnly = onPlan.filter((f) => !configKeys.has(key(f)));
      const configOnly = onConfig.filter((f) => !planKeys.has(key(f)));
      const ok = onConfig.length === 0 && onPlan.length === 0;
      record({ stack: stack.name, phase: "policy", status: ok ? "ok" : "FAIL", seconds, detail: `${onConfig.length} on cdk.tf.json, ${onPlan.length} on the plan` });
      if (!ok) {
        const lines = [
          ...onConfig.filter((f) => planKeys.has(key(f))).map((f) => `both:      ${f.ruleId} ${f.resourcePath}: ${f.message}`),
          ...planOnly.map((f) => `plan only: ${f.ruleId} ${f.resourcePath}: ${f.message}`),
          ...configOnly.map((f) => `config only: ${f.ruleId} ${f.resourcePath}: ${f.message}`),
        ];
        failures.push(`${stack.name} policy:\n${lines.map((l) => `  ${l}`).join("\n")}`);
      }
    }
    for (const problem of [...new Set([...configReport.exceptionProblems, ...planReport.exceptionProblems])]) failures.push(`exceptions: ${problem}`);
  }

  if (failures.length > 0) process.stdout.write(`\n=== failures ===\n${failures.join("\n\n")}\n`);
  process.stdout.write("\n=== summary ===\n");
  for (const stack of stacks) {
    const mine = results.filter((r) => r.stack === stack.name);
    const cells = PHASES.map((phase) => `${phase} ${mine.find((r) => r.phase === phase)?.status ?? "skip"}`);
    const seconds = mine.reduce((n, r) => n + r.seconds, 0);
    process.stdout.write(`${stack.name.padEnd(width)}  ${cells.join("  ")}  ${seconds.toFixed(1).padStart(6)} s\n`);
  }
  sfnEndpoint?.process.kill();
  const passed = stacks.filter((s) => results.filter((r) => r.stack === s.name).every((r) => r.status === "ok") && results.some((r) => r.stack === s.name && r.phase === "policy")).length;
  process.stdout.write(`${passed} passed, ${stacks.length - passed} failed\n`);
  return passed === stacks.length && failures.length === 0 ? 0 : 1;
}

/**
 * Port of the local Step Functions definition checker: MEDICARE_SFN_CHECK_PORT, else one the
 * system reports free, so parallel runs on a shared CI machine do not collide.
 */
function definitionCheckerPort(): number {
  if (process.env.MEDICARE_SFN_CHECK_PORT) return Number(process.env.MEDICARE_SFN_CHECK_PORT);
  const free = spawnSync("python3", ["-c", 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'], { encoding: "utf8" });
  const port = Number(free.stdout.trim());
  if (free.status !== 0 || !Number.isInteger(port) || port <= 0) throw new ToolError(`could not find a free port for the Step Functions definition checker; set MEDICARE_SFN_CHECK_PORT`);
  return port;
}

/** Starts the definition checker in moto's virtualenv and waits until it answers. */
function startDefinitionChecker(log: (line: string) => void): { url: string; process: ChildProcess } {
  const port = definitionCheckerPort();
  const python = join(dirname(ensureMotoInstalled(log)), "python");
  const child = spawn(python, [join(ROOT, "scripts", "platform", "lib", "sfn-definition-check.py"), String(port)], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (spawnSync("python3", ["-c", `import socket; socket.create_connection(("127.0.0.1", ${port}), 0.2)`]).status === 0) return { url, process: child };
    spawnSync("sleep", ["0.1"]);
  }
  child.kill();
  throw new ToolError(`the Step Functions definition checker did not start on port ${port}; free the port or set MEDICARE_SFN_CHECK_PORT`);
}

try {
  process.exitCode = main();
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`validate: ${error.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
  } else if (error instanceof ToolError || error instanceof StackInputError || error instanceof PolicyInputError) {
    process.stderr.write(`validate: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
