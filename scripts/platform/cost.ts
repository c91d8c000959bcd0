/**
 * npm run cost [-- --env dev,prod] [--output text|markdown|json] [--base REF] [--stacks DIR]
 *
 * The monthly estimate of the synthesized stacks, offline: per environment and stack, every
 * priced resource with its charges (pricing/<region>.json), the usage assumptions used
 * (pricing/usage.json), totals in USD and GBP, one full campaign run, and the estimate beside
 * the client's figures. `--base REF` prints instead what this checkout adds to or saves on
 * REF's monthly cost (REF synthesized in a temporary git worktree). Synthesizes first when
 * cdktf.out is missing or stale, unless --stacks names a synthesized output to read (the
 * change's side, with --base).
 * Exit codes: 0 printed; 2 bad flag, unpriced resource type or anything that stopped the estimate.
 */
import { existsSync } from "fs";
import { resolve } from "path";
import { loadStacks } from "../review/lib/access-matrix";
import { diffEstimates, withSynthesizedBase } from "./lib/cost/diff";
import { environmentOf, estimateStacks } from "./lib/cost/estimate";
import { renderDiffMarkdown, renderDiffText, renderMarkdown, renderText } from "./lib/cost/render";
import { ensureSynthesized, stackFiles } from "./lib/synth";

export const COST_USAGE = "usage: npm run cost [-- --env dev,prod] [--output text|markdown|json] [--base <git ref>] [--stacks <cdktf.out dir>]";
const OUTPUTS = ["text", "markdown", "json"] as const;

export interface CostOptions {
  readonly environments?: readonly string[];
  readonly output: (typeof OUTPUTS)[number];
  readonly base?: string;
  readonly stacksDir?: string;
}

export class CostUsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${COST_USAGE}`);
    this.name = "CostUsageError";
  }
}

export function parseCostOptions(argv: readonly string[]): CostOptions {
  let output: CostOptions["output"] = "text";
  let environments: string[] | undefined;
  let base: string | undefined;
  let stacksDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] : [argv[i], undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "" || v.startsWith("--")) throw new CostUsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--output") {
      const v = value();
      if (!(OUTPUTS as readonly string[]).includes(v)) throw new CostUsageError(`--output must be one of ${OUTPUTS.join(", ")}, got ${JSON.stringify(v)}`);
      output = v as CostOptions["output"];
    } else if (flag === "--env") {
      environments = value().split(",").map((e) => e.trim());
      if (environments.some((e) => !/^[a-z][a-z0-9]*$/.test(e))) throw new CostUsageError(`--env takes environment names separated by commas (e.g. dev,prod), got ${JSON.stringify(environments.join(","))}`);
    } else if (flag === "--base") base = value();
    else if (flag === "--stacks") {
      stacksDir = resolve(value());
      if (!existsSync(resolve(stacksDir, "stacks"))) throw new CostUsageError(`--stacks ${stacksDir} has no stacks/ folder; give a synthesized cdktf.out`);
    } else if (flag === "--help" || flag === "-h") throw new CostUsageError("npm run cost prints the monthly estimate of the synthesized stacks (docs/cost.md).");
    else throw new CostUsageError(`unknown option ${JSON.stringify(argv[i])}`);
  }
  return { environments, output, base, stacksDir };
}

/** stack name -> cdk.tf.json of the selected environments; an environment that was not synthesized is an error. */
function selectStacks(stacks: Record<string, any>, environments: readonly string[] | undefined, where: string): Record<string, any> {
  if (!environments) return stacks;
  const found = new Set(Object.keys(stacks).map(environmentOf));
  const missing = environments.filter((e) => !found.has(e));
  if (missing.length > 0) throw new CostUsageError(`--env ${missing.join(",")}: no such environment in ${where} (found ${[...found].sort().join(", ") || "none"})`);
  return Object.fromEntries(Object.entries(stacks).filter(([name]) => environments.includes(environmentOf(name))));
}

export function runCost(options: CostOptions, log: (line: string) => void): string {
  const current = (): Record<string, any> => {
    const files = options.stacksDir ? stackFiles(options.stacksDir) : ensureSynthesized(log);
    return selectStacks(loadStacks(files), options.environments, options.stacksDir ?? "cdktf.out");
  };
  if (options.base === undefined) {
    const estimate = estimateStacks(current());
    return options.output === "json" ? `${JSON.stringify(estimate, null, 2)}\n` : options.output === "markdown" ? renderMarkdown(estimate) : renderText(estimate);
  }
  const after = estimateStacks(current());
  const before = withSynthesizedBase(options.base, options.environments?.join(","), (outdir) => estimateStacks(selectStacks(loadStacks(stackFiles(outdir)), options.environments, `the base ${options.base}`)), log);
  const diff = diffEstimates(options.base, before, after);
  return options.output === "json" ? `${JSON.stringify(diff, null, 2)}\n` : options.output === "markdown" ? renderDiffMarkdown(diff) : renderDiffText(diff);
}

if (require.main === module) {
  try {
    process.stdout.write(runCost(parseCostOptions(process.argv.slice(2)), (line) => process.stderr.write(`${line}\n`)));
  } catch (error) {
    process.stderr.write(`cost: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
