/**
 * A commit's synthesized stacks, for the tools that compare the working tree with a base ref
 * (npm run cost -- --base, npm run policy:diff). The commit is checked out into a temporary git
 * worktree (this checkout's node_modules linked), synthesized there from source, and the
 * worktree removed, whatever happens. Each stack's cdk.tf.json is then kept under
 * .tools/cache/commit-synth/, keyed by everything the output depends on besides the commit's
 * own files: the environment selection, Node's version and the installed packages
 * (node_modules/.package-lock.json). A commit's files never change, so asking again for the
 * same base (a pull request's main, the tests' HEAD) reads the stacks instead of synthesizing
 * them again (~7 s of CPU). MEDICARE_COMMIT_SYNTH_CACHE=<dir> keeps them elsewhere.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ROOT, TOOLS_DIR } from "../../paths";

/** The commit could not be checked out or synthesized; the message says why. */
export class CommitSynthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommitSynthError";
  }
}

/** Entries kept: a few bases (main, HEAD, a release) at once; older ones are removed. */
const KEEP = 6;

export function commitSynthCacheDir(): string {
  return process.env.MEDICARE_COMMIT_SYNTH_CACHE ?? join(TOOLS_DIR, "cache", "commit-synth");
}

export interface CommitSynthOptions {
  /** `--env` for main.ts (e.g. "dev,prod"); undefined: main.ts's default (every environment and the organization). */
  readonly environments?: string;
  readonly log: (line: string) => void;
  /** Synthesizes `commit` into `outdir` (tests stand in for the worktree synth). */
  readonly synthesize?: (commit: string, environments: string | undefined, outdir: string, log: (line: string) => void) => void;
}

/**
 * The folder holding `stacks/<stack>/cdk.tf.json` for `commit` (a full commit hash), from the
 * cache or synthesized now. The caller reads it and must not change it.
 */
export function synthesizedCommit(commit: string, options: CommitSynthOptions): string {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new CommitSynthError(`synthesizedCommit needs a full commit hash, got ${JSON.stringify(commit)}`);
  const cache = commitSynthCacheDir();
  const entry = join(cache, entryKey(commit, options.environments));
  if (isComplete(entry)) {
    options.log(`Using the synth of ${commit.slice(0, 12)} kept in ${entry}`);
    return entry;
  }
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, "partial-"));
  try {
    const outdir = join(scratch, "cdktf.out");
    (options.synthesize ?? synthesizeInWorktree)(commit, options.environments, outdir, options.log);
    const kept = join(scratch, "entry");
    for (const stack of stackNames(outdir)) cpSync(join(outdir, "stacks", stack, "cdk.tf.json"), join(kept, "stacks", stack, "cdk.tf.json"));
    if (!existsSync(join(kept, "stacks"))) throw new CommitSynthError(`${commit.slice(0, 12)} synthesized no stacks into cdktf.out/stacks`);
    rmSync(entry, { recursive: true, force: true });
    try {
      renameSync(kept, entry); // whole or not at all: a reader never sees half an entry
    } catch (error) {
      if (!isComplete(entry)) throw error; // else another run stored the same entry meanwhile
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  removeOldEntries(cache);
  return entry;
}

/** SHA-256 of the commit and what else decides its synth. */
function entryKey(commit: string, environments: string | undefined): string {
  const installed = join(ROOT, "node_modules", ".package-lock.json");
  return createHash("sha256")
    .update(JSON.stringify({ commit, environments: environments ?? null, node: process.version, packages: existsSync(installed) ? createHash("sha256").update(readFileSync(installed)).digest("hex") : null }))
    .digest("hex");
}

const stackNames = (outdir: string) => (existsSync(join(outdir, "stacks")) ? readdirSync(join(outdir, "stacks")).filter((stack) => existsSync(join(outdir, "stacks", stack, "cdk.tf.json"))) : []);

/** An entry is written whole (renamed into place), so one with any stack is complete. */
const isComplete = (entry: string) => stackNames(entry).length > 0;

function removeOldEntries(cache: string): void {
  const entries = readdirSync(cache)
    .filter((name) => /^[0-9a-f]{64}$/.test(name))
    .map((name) => ({ path: join(cache, name), mtime: statSync(join(cache, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of entries.slice(KEEP)) rmSync(old.path, { recursive: true, force: true });
}

/** main.ts of `commit` run from source (tsx) in a temporary worktree, its output into `outdir`. */
function synthesizeInWorktree(commit: string, environments: string | undefined, outdir: string, log: (line: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "medicare-commit-synth-"));
  const tree = join(dir, "tree");
  const add = spawnSync("git", ["worktree", "add", "--detach", "--quiet", tree, commit], { cwd: ROOT, encoding: "utf8" });
  if (add.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new CommitSynthError(`could not check out ${commit.slice(0, 12)} into a temporary worktree: ${(add.stderr || add.stdout).trim()}`);
  }
  try {
    symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"), "dir");
    log(`Synthesizing ${commit.slice(0, 12)} in a temporary worktree (${tree})...`);
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
    delete env.MEDICARE_ENV; // --env decides
    const args = ["--import", "tsx", "main.ts", ...(environments ? ["--env", environments] : [])];
    const synth = spawnSync(process.execPath, args, { cwd: tree, encoding: "utf8", env });
    if (synth.status !== 0) {
      const lastLines = (synth.stderr || synth.stdout).trim().split("\n").slice(-15).join("\n");
      throw new CommitSynthError(`${commit.slice(0, 12)} does not synthesize (exit ${synth.status}):\n${lastLines}`);
    }
  } finally {
    spawnSync("git", ["worktree", "remove", "--force", tree], { cwd: ROOT });
    rmSync(dir, { recursive: true, force: true });
    spawnSync("git", ["worktree", "prune"], { cwd: ROOT });
  }
}
