/**
 * npm run function-permissions [-- --json] [FILE...]
 *
 * Prints, for every Lambda function of the synthesized stacks, what its role grants
 * (function -> action -> resources), the code's grants apart from the Lambda runtime's, and
 * whether the code's grants are exactly what its code calls (scripts/review/lib/function-permissions.ts).
 * Exit codes: 0 every function's grants match its code; 1 a mismatch (missing or unused
 * actions); 2 bad arguments, files, or an analysis that could not be made.
 */
import { apiCallsOf } from "./lib/function-api-calls";
import { functionEntries } from "./lib/function-bundles";
import { functionPermissions, renderFunctionPermissions } from "./lib/function-permissions";
import { reportCommandInput } from "./lib/report-command";

function main(argv: readonly string[]): number {
  const input = reportCommandInput(argv, "function-permissions");
  if ("problem" in input) {
    process.stderr.write(`${input.problem}\n`);
    return 2;
  }
  try {
    const all = functionPermissions(input.stacks(), functionEntries().map((entry) => apiCallsOf(entry)));
    process.stdout.write(input.json ? `${JSON.stringify(all, null, 2)}\n` : renderFunctionPermissions(all));
    return all.every((fn) => fn.missing.length === 0 && fn.unused.length === 0) ? 0 : 1;
  } catch (error) {
    process.stderr.write(`function-permissions: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
