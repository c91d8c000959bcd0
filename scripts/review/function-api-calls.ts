/**
 * npm run function-api-calls [-- --json]
 *
 * Prints which AWS API actions each Lambda function's code can call (function -> actions,
 * sorted; KMS actions implied by the target's encryption beside them), derived from the code by
 * scripts/review/lib/function-api-calls.ts. --json prints the same as JSON (for the reviewer report).
 * Exit codes: 0 printed; 1 the analysis failed (e.g. an unknown SDK client); 2 bad arguments.
 */
import { functionEntries } from "./lib/function-bundles";
import { apiCallsOf, renderApiCallTable } from "./lib/function-api-calls";

const USAGE = "Usage: npm run function-api-calls [-- --json]\n";

function main(argv: readonly string[]): number {
  const unknown = argv.filter((a) => a !== "--json");
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  let all;
  try {
    all = functionEntries().map((entry) => apiCallsOf(entry));
  } catch (error) {
    process.stderr.write(`function-api-calls: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  process.stdout.write(argv.includes("--json") ? `${JSON.stringify(all, null, 2)}\n` : renderApiCallTable(all));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
