import { spawnSync } from "child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "fs";
import { basename, dirname, join } from "path";
import { ROOT, SYNTH_OUTDIR } from "../../paths";

/** Files whose change makes the synthesized output stale. */
const SOURCES = ["main.ts", "modules", "functions", "pricing", "package-lock.json", "tsconfig.json"];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs);
}

/** The cdk.tf.json of every synthesized stack, sorted by stack name. */
export function stackFiles(outdir = SYNTH_OUTDIR): string[] {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir)
    .sort()
    .map((stack) => join(stacksDir, stack, "cdk.tf.json"))
    .filter((file) => existsSync(file));
}

/** True when cdktf.out is missing or older than any source file. */
export function synthIsStale(outdir = SYNTH_OUTDIR): boolean {
  const manifest = join(outdir, "manifest.json");
  if (!existsSync(manifest)) return true;
  const built = statSync(manifest).mtimeMs;
  return SOURCES.some((source) => existsSync(join(ROOT, source)) && newestMtime(join(ROOT, source)) > built);
}

/** Synthesizes every stack of every environment into cdktf.out (the README's main job). */
export function synthesize(): void {
  // The synth's progress goes to stderr: the tools that synthesize first (policy, cost,
  // policy:diff) print their report on stdout, which must hold the report alone.
  const result = spawnSync(process.execPath, ["--require", "tsx/cjs", join(ROOT, "main.ts")], { cwd: ROOT, stdio: ["inherit", 2, "inherit"] });
  if (result.status !== 0) throw new Error(`synth failed (exit ${result.status}); see the message above`);
}

/** Synthesizes when the output is missing or stale; returns the stack files. */
export function ensureSynthesized(log: (line: string) => void): string[] {
  if (synthIsStale()) {
    log("Synthesizing all stacks (cdktf.out is missing or older than the sources)...");
    synthesize();
  }
  return stackFiles();
}

/** Every synthesized stack (synthesizing first when stale): its name and parsed cdk.tf.json. */
export function synthesizedStacks(log: (line: string) => void): { name: string; config: Record<string, unknown> }[] {
  return ensureSynthesized(log).map((file) => ({ name: basename(dirname(file)), config: JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> }));
}
