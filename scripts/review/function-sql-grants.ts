/**
 * npm run function-sql-grants [-- --json | --write | --usage]
 *
 * --usage prints which derived grants the last integration run exercised (the statements each
 * function's user ran, recorded by the tests, against today's grants: sql-grant-usage.ts), and
 * the statements behind the ones it did not, by file:line.
 * --write regenerates functions/campaign/schema/function-grants.json, which db-migrate applies.
 * Prints the database privileges each Lambda function's code needs (function -> table ->
 * SELECT/INSERT/UPDATE columns, DELETE, locking reads), derived from the SQL it runs by
 * scripts/review/lib/function-sql-grants.ts, and the GRANT statements the migrations apply.
 * Exit codes: 0 printed; 1 the analysis failed (SQL it cannot read, with file:line); 2 bad arguments.
 */
import { writeFileSync } from "fs";
import { relative } from "path";
import { functionEntries } from "./lib/function-bundles";
import { FUNCTION_GRANTS_FILE, functionGrantsData, renderSqlGrantTable, sqlGrantsOf } from "./lib/function-sql-grants";
import { readStatementUses, renderGrantUsage, statementsNeverRun, summaryLine, writeGrantUsageReport } from "./lib/sql-grant-usage";

const USAGE = "Usage: npm run function-sql-grants [-- --json | --write | --usage]\n";

function main(argv: readonly string[]): number {
  const unknown = argv.filter((a) => a !== "--json" && a !== "--write" && a !== "--usage");
  if (unknown.length > 0 || argv.length > 1) {
    process.stderr.write(`${unknown.length > 0 ? `unknown argument ${unknown[0]}` : "give one option at most"}\n${USAGE}`);
    return 2;
  }
  let all;
  try {
    all = functionEntries().map((entry) => sqlGrantsOf(entry));
  } catch (error) {
    process.stderr.write(`function-sql-grants: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (argv.includes("--usage")) {
    const written = writeGrantUsageReport();
    if (!written) {
      process.stderr.write("function-sql-grants: no recorded statements: run the integration tests first (npx jest --selectProjects integration)\n");
      return 1;
    }
    // The statements behind the unexercised grants, by site (the analysis is too slow for the tests' teardown).
    const text = renderGrantUsage(written.report, statementsNeverRun(readStatementUses(), all));
    process.stdout.write(`${text}${summaryLine(written.report, relative(process.cwd(), written.path))}\n`);
    return 0;
  }
  if (argv.includes("--write")) {
    writeFileSync(FUNCTION_GRANTS_FILE, functionGrantsData(all));
    process.stdout.write(`wrote ${FUNCTION_GRANTS_FILE}: the grants db-migrate applies (commit it with the code change)\n`);
    return 0;
  }
  process.stdout.write(argv.includes("--json") ? `${JSON.stringify(all, null, 2)}\n` : renderSqlGrantTable(all));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
