/**
 * npm run bench [-- --runs N]: speed and memory of the platform's main paths, printed as a
 * table and as JSON. Numbers only; nothing here passes or fails.
 *   synth         all stacks of all environments (node + tsx, the npm run synth path)
 *   cdktf synth   the same through the cdktf CLI (npx cdktf synth)
 *   policy        the policy run over every synthesized stack (conftest + formatting)
 *   verify        conftest verify (every rule's fixtures)
 *   jest          the Jest suite, once
 * Wall time and peak RSS of each command (including its child processes) are measured by
 * python3's resource.getrusage(RUSAGE_CHILDREN), so no extra tool is needed.
 */
import { spawnSync } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ROOT } from "./lib/paths";
import { CONFTEST_VERIFY_ARGS } from "./lib/policy-engine";
import { ensureConftest } from "./lib/tools";

interface Sample {
  seconds: number;
  peakRssMb: number;
  exitCode: number;
}

interface Measurement {
  name: string;
  command: string;
  runs: number;
  medianSeconds: number;
  minSeconds: number;
  maxPeakRssMb: number;
}

const MEASURE = `
import json, resource, subprocess, sys, time
start = time.monotonic()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
seconds = time.monotonic() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peakRssMb": peak_kb / 1024, "exitCode": code}))
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
  const times = samples.map((s) => s.seconds).sort((a, b) => a - b);
  return {
    name,
    command: argv.map((a) => a.replace(ROOT + "/", "")).join(" "),
    runs,
    medianSeconds: round(times[Math.floor(times.length / 2)]),
    minSeconds: round(times[0]),
    maxPeakRssMb: round(Math.max(...samples.map((s) => s.peakRssMb))),
  };
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

function main(): void {
  const runs = parseRuns(process.argv.slice(2));
  const conftest = ensureConftest();
  const node = process.execPath;
  const outdir = mkdtempSync(join(tmpdir(), "medicare-bench-"));
  const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);
  try {
    const results: Measurement[] = [
      measure("synth (all stacks, all environments)", [node, "--import", "tsx", "main.ts"], runs, { ...process.env, CDKTF_OUTDIR: outdir }),
      measure("npx cdktf synth", [bin("cdktf"), "synth", "--output", join(outdir, "cli")], 1, { ...process.env, CHECKPOINT_DISABLE: "1" }),
      measure("policy run (all stacks)", [node, "--import", "tsx", "scripts/policy.ts"], runs),
      measure("conftest verify", [conftest, ...CONFTEST_VERIFY_ARGS], runs),
      measure("jest (whole suite)", [bin("jest"), "--ci", "--silent"], 1),
    ];
    const header = ["benchmark", "runs", "median s", "min s", "peak RSS MB"];
    const rows = results.map((r) => [r.name, String(r.runs), r.medianSeconds.toFixed(2), r.minSeconds.toFixed(2), r.maxPeakRssMb.toFixed(0)]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    process.stdout.write(`${line(header)}\n${line(widths.map((w) => "-".repeat(w)))}\n${rows.map(line).join("\n")}\n\n`);
    process.stdout.write(`${JSON.stringify({ machine: { cpus: require("os").cpus().length, node: process.version }, results }, null, 2)}\n`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main();
