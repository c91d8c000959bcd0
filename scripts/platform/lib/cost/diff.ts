/**
 * The monthly difference between two estimates (a change against its base): one row per charge
 * line that appears, disappears or changes amount, keyed by stack, resource and price, with the
 * total change per environment. Both sides are priced from the same price files (the change's),
 * so the difference is what the infrastructure change adds, not a price review.
 */
import { spawnSync } from "child_process";
import { ROOT } from "../../../paths";
import { CommitSynthError, synthesizedCommit } from "../commit-synth";
import { CostLine, Estimate } from "./estimate";

export interface DiffRow {
  readonly environment: string;
  readonly stack: string;
  readonly address: string;
  readonly price: string;
  readonly detail: string;
  readonly unitUsd: number;
  readonly beforeUsd: number;
  readonly afterUsd: number;
  readonly changeUsd: number;
}

export interface EnvironmentDiff {
  readonly environment: string;
  readonly beforeUsd: number;
  readonly afterUsd: number;
  readonly changeUsd: number;
  readonly rows: readonly DiffRow[];
}

export interface CostDiff {
  readonly base: string;
  readonly gbpPerUsd: number;
  readonly environments: readonly EnvironmentDiff[];
}

const keyOf = (l: CostLine) => `${l.address}\u0000${l.price}\u0000${l.region}`;
/** Changes below half a cent a month are rounding, not a change. */
const NOISE_USD = 0.005;

export function diffEstimates(base: string, before: Estimate, after: Estimate): CostDiff {
  const environments = [...new Set([...before.environments, ...after.environments].map((e) => e.environment))].sort();
  return {
    base,
    gbpPerUsd: after.gbpPerUsd,
    environments: environments.map((environment) => {
      const lines = (estimate: Estimate) => {
        const map = new Map<string, CostLine>();
        for (const line of estimate.environments.find((e) => e.environment === environment)?.stacks.flatMap((s) => s.lines) ?? []) {
          const key = keyOf(line);
          const seen = map.get(key);
          map.set(key, seen ? { ...seen, monthlyUsd: seen.monthlyUsd + line.monthlyUsd } : line);
        }
        return map;
      };
      const was = lines(before);
      const now = lines(after);
      const rows: DiffRow[] = [];
      for (const key of [...new Set([...was.keys(), ...now.keys()])].sort()) {
        const a = was.get(key);
        const b = now.get(key);
        const line = (b ?? a)!;
        const change = (b?.monthlyUsd ?? 0) - (a?.monthlyUsd ?? 0);
        if (Math.abs(change) < NOISE_USD) continue;
        rows.push({ environment, stack: line.stack, address: line.address, price: line.price, detail: line.detail, unitUsd: line.unitUsd, beforeUsd: a?.monthlyUsd ?? 0, afterUsd: b?.monthlyUsd ?? 0, changeUsd: change });
      }
      const total = (e: Estimate) => e.environments.find((x) => x.environment === environment)?.monthlyUsd ?? 0;
      return { environment, beforeUsd: total(before), afterUsd: total(after), changeUsd: total(after) - total(before), rows: rows.sort((x, y) => Math.abs(y.changeUsd) - Math.abs(x.changeUsd) || x.address.localeCompare(y.address)) };
    }),
  };
}

export class BaseSynthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BaseSynthError";
  }
}

function git(args: readonly string[], cwd = ROOT): string {
  const result = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new BaseSynthError(`git ${args.join(" ")} failed: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout.trim();
}

/**
 * Hands the synthesized stacks of `ref` (scripts/platform/lib/commit-synth.ts: synthesized in a
 * temporary git worktree, or kept from an earlier run for the same commit) to `use`.
 */
export function withSynthesizedBase<T>(ref: string, environments: string | undefined, use: (outdir: string) => T, log: (line: string) => void): T {
  const commit = (() => {
    try {
      return git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    } catch {
      throw new BaseSynthError(`--base ${ref} is not a commit, branch or tag of this repository (git rev-parse found nothing); give e.g. --base main or --base HEAD~1`);
    }
  })();
  try {
    return use(synthesizedCommit(commit, { environments, log }));
  } catch (error) {
    if (error instanceof CommitSynthError) throw new BaseSynthError(`the base ${ref}: ${error.message}`);
    throw error;
  }
}
