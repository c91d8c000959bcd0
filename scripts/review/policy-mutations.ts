/**
 * npm run policy:mutations [-- [--json] [--exhaustive] [--per-environment] [FILE...]]
 *
 * Generated mutation testing: weakens the synthesized stacks one thing at a time (operators in
 * scripts/review/lib/mutation-generator.ts), runs the policy suite over every mutated copy and
 * reports the share caught per operator, listing each miss.
 * Exit codes: 0 every mutation caught; 1 a miss; 2 the run could not be made.
 */
import { resolve } from "path";
import { loadStacks } from "./lib/access-matrix";
import { EXPLORATORY_OPERATORS } from "./lib/mutation-generator";
import { renderMutationReport, runGeneratedMutations } from "./lib/mutation-testing";
import { PolicyInputError } from "./lib/policy-engine";
import { ensureSynthesized } from "../platform/lib/synth";
import { ToolError } from "../platform/lib/tools";
import { existsSync } from "fs";

const USAGE = `Usage: npm run policy:mutations -- [--json] [--exhaustive] [--per-environment] [FILE...]

  FILE...            Terraform JSON files to mutate (default: every stack in cdktf.out, synthesized if stale)
  --json             print the report (every outcome) as JSON
  --exhaustive       mutate every matching resource, not the first of each type and attribute
  --per-environment  sample each kind of mutation in every environment, not once per stack component
  --explore          run only the exploratory operators (EXPLORATORY_OPERATORS: e.g. a reference
                     swapped for another resource of its type) and list what they find; exits 0

Exit codes: 0 every generated mutation caught, 1 a mutation missed, 2 the run could not be made.`;

async function main(argv: readonly string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const flags = new Set(["--json", "--exhaustive", "--per-environment", "--explore"]);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = argv.find((a) => a.startsWith("-") && !flags.has(a));
  if (unknown) {
    log(`policy:mutations: unknown option ${unknown}\n\n${USAGE}`);
    return 2;
  }
  try {
    const files = argv.filter((a) => !a.startsWith("-")).map((f) => resolve(f));
    for (const f of files) if (!existsSync(f)) throw new PolicyInputError(`${f}: no such file; pass cdktf.out/stacks/<stack>/cdk.tf.json files`);
    const stacks = loadStacks(files.length > 0 ? files : ensureSynthesized(log));
    if (Object.keys(stacks).length === 0) throw new PolicyInputError("no stacks were synthesized; run npm run synth and look at its errors");
    const explore = argv.includes("--explore");
    const report = await runGeneratedMutations(stacks, { exhaustive: argv.includes("--exhaustive"), acrossEnvironments: !argv.includes("--per-environment"), ...(explore ? { operators: EXPLORATORY_OPERATORS } : {}) });
    process.stdout.write(argv.includes("--json") ? `${JSON.stringify(report, null, 2)}\n` : renderMutationReport(report, explore));
    return explore || report.passed ? 0 : 1;
  } catch (error) {
    log(`policy:mutations: ${error instanceof PolicyInputError || error instanceof ToolError ? error.message : ((error as Error).stack ?? error)}`);
    return 2;
  }
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code));
