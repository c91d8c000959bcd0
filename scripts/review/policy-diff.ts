/**
 * npm run policy:diff -- --base <git ref> [--out FILE] [--json]
 *
 * Synthesizes the base ref (in a temporary git worktree, with this checkout's node_modules
 * linked) and the working tree, and prints the security-relevant difference as Markdown for
 * the pull-request comment: principals and grants, open network paths, encryption,
 * retention and lifetime, logging and detection (scripts/review/lib/posture-diff.ts).
 * Exit codes: 0 the comment was written (changes or not); 2 the run could not be made (bad
 * flag or ref, a synth that failed).
 */
import { spawnSync } from "child_process";
import { mkdirSync, writeFileSync } from "fs";
import { dirname, resolve } from "path";
import { loadStacks } from "./lib/access-matrix";
import { postureDiff, renderPostureMarkdown } from "./lib/posture-diff";
import { ROOT } from "../paths";
import { CommitSynthError, synthesizedCommit } from "../platform/lib/commit-synth";
import { ensureSynthesized, stackFiles } from "../platform/lib/synth";

const USAGE = `Usage: npm run policy:diff -- --base <git ref> [--out FILE] [--json]

  --base REF   the branch, tag or commit to compare with (e.g. main, origin/main, HEAD~1)
  --out FILE   write the Markdown (or JSON) to FILE instead of standard output
  --json       print the changes as JSON instead of Markdown

Exit codes: 0 the comparison was printed, 2 the run could not be made.`;

export class DiffInputError extends Error {}

interface Options {
  base: string;
  out?: string;
  json: boolean;
}

export function parseDiffArgs(argv: readonly string[]): Options {
  let base: string | undefined;
  let out: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith("--")) throw new DiffInputError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--base") base = value();
    else if (flag === "--out") out = resolve(value());
    else if (flag === "--json") json = true;
    else throw new DiffInputError(`unknown ${arg.startsWith("-") ? "option" : "argument"} ${arg}`);
  }
  if (!base) throw new DiffInputError("--base is required: the git ref to compare the working tree with (e.g. --base main)");
  return { base, out, json };
}

function git(args: string[], cwd = ROOT) {
  return spawnSync("git", args, { cwd, encoding: "utf8" });
}

/** The commit a ref names; a clear error when it names none. */
export function resolveRef(ref: string): string {
  if (ref.startsWith("-")) throw new DiffInputError(`--base ${JSON.stringify(ref)} is not a git ref`);
  const result = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (result.status !== 0) throw new DiffInputError(`--base ${JSON.stringify(ref)} names no commit in this repository; give a branch, tag or commit (git branch -a, git log --oneline)`);
  return result.stdout.trim();
}

/** The stacks of `commit` (scripts/platform/lib/commit-synth.ts: synthesized in a temporary worktree, or kept from an earlier run). */
export function synthesizeRef(commit: string, log: (line: string) => void): Record<string, any> {
  try {
    // The environments npm run synth selects for the working tree's side (MEDICARE_ENV, or all).
    return loadStacks(stackFiles(synthesizedCommit(commit, { environments: process.env.MEDICARE_ENV || undefined, log })));
  } catch (error) {
    if (error instanceof CommitSynthError) throw new DiffInputError(`the base ${error.message}`);
    throw error;
  }
}

function main(argv: readonly string[]): number {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const options = parseDiffArgs(argv);
    const commit = resolveRef(options.base);
    const base = synthesizeRef(commit, log);
    const head = loadStacks(ensureSynthesized(log));
    const changes = postureDiff(base, head);
    const text = options.json ? `${JSON.stringify(changes, null, 2)}\n` : renderPostureMarkdown(changes, { base: `${options.base} (${commit.slice(0, 12)})`, head: "working tree" });
    if (options.out) {
      mkdirSync(dirname(options.out), { recursive: true });
      writeFileSync(options.out, text);
      log(`Wrote ${changes.length} posture change(s) to ${options.out}`);
    } else process.stdout.write(text);
    return 0;
  } catch (error) {
    if (error instanceof DiffInputError) {
      log(`policy:diff: ${error.message}${/needs a value|unknown|required/.test(error.message) ? `\n\n${USAGE}` : ""}`);
      return 2;
    }
    log(`policy:diff: ${(error as Error).stack ?? error}`);
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
