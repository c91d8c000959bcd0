/**
 * Where the integration tests record the statements each function's database user ran, and the
 * record's shape: shared by the recorder (__tests__/support/sql-usage.ts, loaded by every
 * integration test, so kept free of the SQL analysis) and the report (sql-grant-usage.ts).
 */
import { join } from "path";

const PROJECT_ROOT = join(__dirname, "..", "..", "..");

/** One statement a function's user ran in one test file (a JSON line of a worker's record). */
export interface StatementUse {
  readonly function: string;
  readonly sql: string;
  readonly testFile: string;
}

/** The workers' records (one `<pid>.jsonl` each; emptied when an integration run starts). */
export const SQL_USAGE_DIR = join(PROJECT_ROOT, "reports", "sql-grant-usage", "runs");
/** The report of the last integration run (and REPORT_JSON beside it). */
export const SQL_USAGE_REPORT = join(PROJECT_ROOT, "reports", "sql-grant-usage", "report.txt");
export const SQL_USAGE_REPORT_JSON = join(PROJECT_ROOT, "reports", "sql-grant-usage", "report.json");
