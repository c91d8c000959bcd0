/**
 * npm run function-permissions [-- --json] [FILE...]
 *
 * Prints, for every Lambda function of the synthesized stacks, what its role grants
 * (function -> action -> resources), the code's grants apart from the Lambda runtime's, and
 * whether the code's grants are exactly what its code calls (scripts/lib/function-permissions.ts).
 * Exit codes: 0 every function's grants match its code; 1 a mismatch (missing or unused
 * actions); 2 bad arguments, files, or an analysis that could not be made.
 */
import { existsSync } from "fs";
import { resolve } from "path";
import { loadStacks } from "./lib/access-matrix";
import { apiCallsOf } from "./lib/function-api-calls";
import { functionEntries } from "./lib/function-bundles";
import { functionPermissions, renderFunctionPermissions } from "./lib/function-permissions";
import { ensureSynthesized } from "./lib/synth";

function main(argv: readonly string[]): number {
  const json = argv.includes("--json");
  const unknown = argv.filter((a) => a.startsWith("-") && a !== "--json");
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown[0]}\nUsage: npm run function-permissions -- [--json] [FILE...]\n`);
    return 2;
  }
  const files = argv.filter((a) => !a.startsWith("-")).map((f) => resolve(f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    process.stderr.write(`no such file: ${missing.join(", ")}\n`);
    return 2;
  }
  try {
    const stackFiles = files.length > 0 ? files : ensureSynthesized((line) => process.stderr.write(`${line}\n`));
    const all = functionPermissions(loadStacks(stackFiles), functionEntries().map((entry) => apiCallsOf(entry)));
    process.stdout.write(json ? `${JSON.stringify(all, null, 2)}\n` : renderFunctionPermissions(all));
    return all.every((fn) => fn.missing.length === 0 && fn.unused.length === 0) ? 0 : 1;
  } catch (error) {
    process.stderr.write(`function-permissions: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
