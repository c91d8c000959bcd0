/**
 * npm run bench [-- --runs N]: speed and memory of the platform's main paths, printed as a
 * table and as JSON. Numbers only; nothing here passes or fails.
 *   synth         all stacks of all environments (npm run synth: the cached app bundle and function bundles)
 *   cdktf synth   the same through the cdktf CLI (npx cdktf synth)
 *   policy        the policy run over every synthesized stack (conftest + formatting)
 *   verify        conftest verify (every rule's fixtures)
 *   test:quick    npm run test:quick, once
 *   jest          the Jest suite (both projects), once
 *   bundles       each Lambda bundle's minified size and its load time in a fresh Node process
 *   dispatch      the campaign dispatcher's throughput against the local MariaDB (and moto)
 *   policy        the policy run over every synthesized stack, conftest verify, the HTML report
 *   report        the HTML report, then a headless Chromium screenshot of it (reports/policy.png)
 *   cost          npm run cost over the synthesized stacks, and against HEAD (--base, a worktree synth)
 * `--only platform|synth|bundles|dispatch|policy|report|cost` runs one section (synth, policy, report and
 * cost only when named; synth is the synth line of platform alone, for measuring it on a quiet moment).
 * Wall time, CPU time (user + system) and peak RSS of each command (including its child
 * processes) are measured by python3's resource.getrusage(RUSAGE_CHILDREN), so no extra tool
 * is needed. The machine is shared: CPU seconds and the load average printed beside each
 * number say how much of a slow wall time was waiting for a core. Targets (TARGETS) are
 * printed beside the numbers they apply to; nothing fails on them.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runDispatchBench } from "../campaign/lib/bench-dispatch";
import { bundledJavaScript, functionEntries, loadBundle } from "../review/lib/function-bundles";
import { ROOT } from "../paths";
import { CONFTEST_VERIFY_ARGS } from "../review/lib/policy-engine";
import { ensureConftest } from "../platform/lib/tools";
import { screenshot } from "./lib/browser";
import { ensureSynthesized, stackFiles, SYNTH_SCRIPT } from "../platform/lib/synth";

interface Sample {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  exitCode: number;
  loadAverage: number;
}

interface Measurement {
  name: string;
  command: string;
  runs: number;
  medianSeconds: number;
  minSeconds: number;
  medianCpuSeconds: number;
  maxPeakRssMb: number;
  /** 1-minute load average before each run, highest of the runs. */
  maxLoadAverage: number;
  /** The target this number is held to (issue 22), when it has one. */
  target?: string;
}

/** Targets by benchmark name: wall seconds and, for synth, peak memory. */
const TARGETS: Readonly<Record<string, { seconds: number; peakRssMb?: number }>> = {
  "synth (all stacks, all environments)": { seconds: 2, peakRssMb: 300 },
  "npm run test:quick": { seconds: 60 },
  "policy run (all stacks)": { seconds: 3 },
  "policy run (all stacks, all environments)": { seconds: 3 },
};

const MEASURE = `
import json, os, resource, subprocess, sys, time
load = os.getloadavg()[0]
start = time.monotonic()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
seconds = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpuSeconds": usage.ru_utime + usage.ru_stime, "peakRssMb": usage.ru_maxrss / 1024, "exitCode": code, "loadAverage": load}))
`;

function measureOnce(argv: string[], env: NodeJS.ProcessEnv): Sample {
  const result = spawnSync("python3", ["-c", MEASURE, ...argv], { cwd: ROOT, env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`could not measure ${argv.join(" ")}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function measure(name: string, argv: string[], runs: number, env: NodeJS.ProcessEnv = process.env): Measurement {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const sample = measureOnce(argv, env);
    if (sample.exitCode !== 0) throw new Error(`${name}: ${argv.join(" ")} exited ${sample.exitCode}`);
    samples.push(sample);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const target = TARGETS[name];
  return {
    name,
    command: argv.map((a) => a.replace(ROOT + "/", "")).join(" "),
    runs,
    medianSeconds: round(median(samples.map((s) => s.seconds))),
    minSeconds: round(Math.min(...samples.map((s) => s.seconds))),
    medianCpuSeconds: round(median(samples.map((s) => s.cpuSeconds))),
    maxPeakRssMb: round(Math.max(...samples.map((s) => s.peakRssMb))),
    maxLoadAverage: round(Math.max(...samples.map((s) => s.loadAverage))),
    ...(target ? { target: `${target.seconds} s${target.peakRssMb ? ` / ${target.peakRssMb} MB` : ""}` } : {}),
  };
}

/** The table every timing section prints: each number beside its target. */
function printMeasurements(results: readonly Measurement[]): void {
  printTable(
    ["benchmark", "runs", "median s", "min s", "cpu s", "peak RSS MB", "target", "load avg"],
    results.map((r) => [r.name, String(r.runs), r.medianSeconds.toFixed(2), r.minSeconds.toFixed(2), r.medianCpuSeconds.toFixed(2), r.maxPeakRssMb.toFixed(0), r.target ?? "-", r.maxLoadAverage.toFixed(1)]),
  );
}

const round = (n: number) => Math.round(n * 100) / 100;

function parseRuns(argv: string[]): number {
  const i = argv.indexOf("--runs");
  if (i < 0) return 5;
  const runs = Number(argv[i + 1]);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
    process.stderr.write(`bench: --runs needs a whole number from 1 to 50, got ${JSON.stringify(argv[i + 1])}\n`);
    process.exit(2);
  }
  return runs;
}

const SECTIONS = ["platform", "synth", "bundles", "dispatch", "policy", "report", "cost"] as const;
type Section = (typeof SECTIONS)[number];
/** What runs without --only (the policy, report and cost sections are run by name). */
const DEFAULT_SECTIONS: readonly Section[] = ["platform", "bundles", "dispatch"];

function parseSections(argv: string[]): readonly Section[] {
  const i = argv.indexOf("--only");
  if (i < 0) return DEFAULT_SECTIONS;
  const only = argv[i + 1] as Section;
  if (!SECTIONS.includes(only)) {
    process.stderr.write(`bench: --only needs one of ${SECTIONS.join(", ")}, got ${JSON.stringify(argv[i + 1])}\n`);
    process.exit(2);
  }
  return [only];
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => "-".repeat(w)))}\n${rows.map(line).join("\n")}\n\n`);
}

interface BundleMeasurement {
  entry: string;
  bytes: number;
  medianLoadMs: number;
  maxLoadMs: number;
}

/** Size of each function bundle and its load time (require in a new process, as a cold start does), median of `runs`. */
function measureBundles(runs: number): BundleMeasurement[] {
  const results = functionEntries().map((entry) => {
    const js = bundledJavaScript(entry);
    const loads = loadBundle(js, runs, {});
    const failed = loads.find((l) => l.error);
    if (failed) throw new Error(`${entry} does not load: ${failed.error}`);
    const times = loads.map((l) => l.loadMs).sort((a, b) => a - b);
    return { entry: entry.replace("/handler.ts", ""), bytes: js.length, medianLoadMs: round(times[Math.floor(times.length / 2)]), maxLoadMs: round(times[times.length - 1]) };
  });
  printTable(["function bundle", "bytes", "median load ms", "max load ms"], results.map((r) => [r.entry, r.bytes.toLocaleString("en-GB"), r.medianLoadMs.toFixed(1), r.maxLoadMs.toFixed(1)]));
  return results;
}

const USAGE = `Usage: npm run bench -- [--only ${SECTIONS.join("|")}] [--runs N]
Without --only: platform, bundles and dispatch (dispatch starts MariaDB and moto).`;

/** Unknown flags stop the run before anything starts (a typo must not start a 10-minute bench). */
function checkArguments(argv: readonly string[]): void {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const unknown = argv.filter((a, i) => a.startsWith("-") && !["--only", "--runs"].includes(a) && !["--only", "--runs"].includes(argv[i - 1]));
  const strays = argv.filter((a, i) => !a.startsWith("-") && !["--only", "--runs"].includes(argv[i - 1]));
  if (unknown.length > 0 || strays.length > 0) {
    process.stderr.write(`bench: unknown argument ${JSON.stringify([...unknown, ...strays][0])}\n${USAGE}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  checkArguments(argv);
  const runs = parseRuns(argv);
  const sections = parseSections(argv);
  const report: Record<string, unknown> = { machine: { cpus: require("os").cpus().length, node: process.version } };
  if (sections.includes("bundles")) report.bundles = measureBundles(runs);
  if (sections.includes("dispatch")) report.dispatch = await runDispatchBench((header, rows) => printTable(header, rows));
  if (sections.includes("platform")) report.platform = measurePlatform(runs);
  if (sections.includes("synth")) report.synth = measurePlatform(runs, { synthOnly: true });
  if (sections.includes("policy")) report.policy = measurePolicy(runs);
  if (sections.includes("report")) report.report = measureReport();
  if (sections.includes("cost")) report.cost = measureCost(runs);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

/** The policy run over the stacks already synthesized (synth first when stale), conftest verify and the HTML report. */
function measurePolicy(runs: number): Measurement[] {
  const conftest = ensureConftest();
  const node = process.execPath;
  ensureSynthesized((line) => process.stderr.write(`${line}\n`));
  const results: Measurement[] = [
    measure("policy run (all stacks, all environments)", [node, "--import", "tsx", "scripts/review/policy.ts"], runs),
    measure("conftest test only (all stacks, one process, one query per file)", [conftest, "test", "--namespace", "main", "--no-color", "--output", "json", "--policy", "policies", "--data", "policies/data", ...stackFiles()], runs),
    measure("conftest compile only (the catalog request, no stack)", [conftest, "test", "--namespace", "main", "--no-color", "--output", "json", "--policy", "policies", "--data", "policies/data", catalogRequest()], runs),
    measure("policy run start-up (node + tsx + the runner's imports)", [node, "--import", "tsx", "-e", 'require("./scripts/review/policy.ts")'], runs),
    measure("conftest verify", [conftest, ...CONFTEST_VERIFY_ARGS], runs),
    measure("policy run, HTML report", [node, "--import", "tsx", "scripts/review/policy.ts", "--output", "html", "--out", join(ROOT, "reports", "policy.html")], runs),
  ];
  printMeasurements(results);
  return results;
}

/** npm run cost over the synthesized stacks (synth first when stale), as text and Markdown, and the difference against HEAD. */
function measureCost(runs: number): Measurement[] {
  const node = process.execPath;
  ensureSynthesized((line) => process.stderr.write(`${line}\n`));
  const cost = (...args: string[]) => [node, "--import", "tsx", "scripts/platform/cost.ts", "--stacks", join(ROOT, "cdktf.out"), ...args];
  const results: Measurement[] = [
    measure("cost estimate, text (all stacks)", cost(), runs),
    measure("cost estimate, markdown", cost("--output", "markdown"), runs),
    measure("cost difference against HEAD (synth in a git worktree)", cost("--base", "HEAD", "--output", "markdown"), 1),
  ];
  printMeasurements(results);
  return results;
}

/** A catalog request file (what the runner adds to every run), to time compiling the suite alone. */
function catalogRequest(): string {
  const file = join(mkdtempSync(join(tmpdir(), "medicare-bench-catalog-")), "catalog-request.json");
  writeFileSync(file, JSON.stringify({ catalog_request: true }));
  return file;
}

/** Writes reports/policy.html and a headless Chromium screenshot of it, reports/policy.png. */
function measureReport(): { html: string; htmlBytes: number; png: string; pngBytes: number; screenshotSeconds: number } {
  const html = join(ROOT, "reports", "policy.html");
  const png = join(ROOT, "reports", "policy.png");
  ensureSynthesized((line) => process.stderr.write(`${line}\n`));
  const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/review/policy.ts", "--output", "html", "--out", html], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  if (run.status !== 0) throw new Error(`the policy run failed (exit ${run.status}); the report was written but shows failures`);
  const started = Date.now();
  const pngBytes = screenshot(html, png);
  const result = { html: "reports/policy.html", htmlBytes: statSync(html).size, png: "reports/policy.png", pngBytes, screenshotSeconds: round((Date.now() - started) / 1000) };
  printTable(["report", "bytes"], [[result.html, result.htmlBytes.toLocaleString("en-GB")], [`${result.png} (${result.screenshotSeconds} s)`, result.pngBytes.toLocaleString("en-GB")]]);
  return result;
}

function measurePlatform(runs: number, options: { synthOnly?: boolean } = {}): Measurement[] {
  const node = process.execPath;
  const outdir = mkdtempSync(join(tmpdir(), "medicare-bench-"));
  const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
  try {
    const synth = () => measure("synth (all stacks, all environments)", [node, SYNTH_SCRIPT], runs, { ...process.env, CDKTF_OUTDIR: outdir });
    if (options.synthOnly) {
      const results = [synth()];
      printMeasurements(results);
      return results;
    }
    const conftest = ensureConftest();
    const results: Measurement[] = [
      synth(),
      measure("npx cdktf synth", [bin("cdktf"), "synth", "--output", join(outdir, "cli")], 1, { ...process.env, CHECKPOINT_DISABLE: "1" }),
      measure("policy run (all stacks)", [node, "--import", "tsx", "scripts/review/policy.ts"], runs),
      measure("conftest verify", [conftest, ...CONFTEST_VERIFY_ARGS], runs),
      measure("npm run test:quick", [node, "--import", "tsx", "scripts/dev/test.ts", "--quick"], 1),
      measure("jest unit project", [bin("jest"), "--ci", "--silent", "--selectProjects", "unit"], 1),
      measure("jest (whole suite)", [bin("jest"), "--ci", "--silent"], 1),
    ];
    printMeasurements(results);
    return results;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
