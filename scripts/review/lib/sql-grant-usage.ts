/**
 * Which derived database grants the integration tests exercised (issue 18: "a grant no test
 * exercises is reported"). While the tests run, each function's pool records the statements its
 * user ran (__tests__/support/sql-usage.ts); here every recorded statement goes through the same
 * SQL analysis that derived the grants (tablePrivilegesOf), and each function's derived grant
 * tuples (table, column, privilege: the unit db-migrate grants and revokes) are split into
 * exercised and not.
 *
 * A report, not a gate: a run of some test files exercises only their part, and a grant a test
 * reaches only through a child process (the bundled handlers) is not seen here. Read it after a
 * full integration run; a grant listed there is either code no test runs or a grant to drop.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { desiredTuples, FUNCTION_USERS } from "../../../functions/campaign/schema/users";
import { FunctionSqlGrants, SqlStatementUse, tablePrivilegesOf } from "./function-sql-grants";
import { SQL_USAGE_DIR, SQL_USAGE_REPORT, SQL_USAGE_REPORT_JSON, StatementUse } from "./sql-usage-record";

export interface FunctionGrantUsage {
  readonly function: string;
  /** Derived tuples (`table\tcolumn\tPRIVILEGE`, empty column: table-wide), sorted. */
  readonly derived: readonly string[];
  readonly exercised: readonly string[];
  readonly unexercised: readonly string[];
  /** Tuples the recorded statements needed that no derivation gave: the database would have refused them, so normally empty. */
  readonly underived: readonly string[];
  readonly statements: number;
  readonly testFiles: readonly string[];
}

export interface GrantUsageReport {
  readonly functions: readonly FunctionGrantUsage[];
  readonly testFiles: readonly string[];
  readonly derived: number;
  readonly exercised: number;
}

export function readStatementUses(dir = SQL_USAGE_DIR): StatementUse[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as StatementUse));
}

export function grantUsage(uses: readonly StatementUse[], users = FUNCTION_USERS): GrantUsageReport {
  const functions = users.map((user) => {
    const mine = uses.filter((u) => u.function === user.name);
    const derived = [...desiredTuples(user.grants)].sort();
    const { tables } = tablePrivilegesOf(mine.map((u) => ({ sql: u.sql, site: `${u.testFile} (as ${user.name})` })), { partial: true });
    const used = desiredTuples(tables);
    return {
      function: user.name,
      derived,
      exercised: derived.filter((t) => covered(t, used)),
      unexercised: derived.filter((t) => !covered(t, used)),
      underived: [...used].filter((t) => !covered(t, new Set(derived))).sort(),
      statements: new Set(mine.map((u) => u.sql)).size,
      testFiles: [...new Set(mine.map((u) => u.testFile))].sort(),
    };
  });
  return {
    functions,
    testFiles: [...new Set(uses.map((u) => u.testFile))].sort(),
    derived: functions.reduce((n, f) => n + f.derived.length, 0),
    exercised: functions.reduce((n, f) => n + f.exercised.length, 0),
  };
}

/** Whether `tuple` is in `set`, a column privilege also by the table-wide one (and the other way round: a `SELECT *` uses every column grant). */
function covered(tuple: string, set: ReadonlySet<string>): boolean {
  const [table, column, privilege] = tuple.split("\t");
  if (set.has(tuple)) return true;
  if (column !== "" && set.has(`${table}\t\t${privilege}`)) return true;
  return column === "" && [...set].some((t) => t.startsWith(`${table}\t`) && t.endsWith(`\t${privilege}`));
}

const show = (tuple: string) => {
  const [table, column, privilege] = tuple.split("\t");
  return column ? `${privilege} (${column}) ON ${table}` : `${privilege} ON ${table}`;
};

/**
 * Function -> the statements its analysed code can run (sqlGrantsOf) that no test ran as its
 * user: where to look for the code behind an unexercised grant. Matched on the statement's text,
 * whitespace collapsed (the analysis and the recorder both write it so).
 */
export function statementsNeverRun(uses: readonly StatementUse[], analysed: readonly FunctionSqlGrants[]): Map<string, SqlStatementUse[]> {
  const ran = new Set(uses.map((u) => `${u.function}\n${u.sql}`));
  return new Map(analysed.filter((fn) => fn.role === "derived").map((fn) => [fn.function, fn.statements.filter((s) => !ran.has(`${fn.function}\n${s.sql}`))]));
}

/** The report's text; with `neverRun` (statementsNeverRun), each function's statements no test ran, by site. */
export function renderGrantUsage(report: GrantUsageReport, neverRun?: ReadonlyMap<string, readonly SqlStatementUse[]>): string {
  const lines = [
    `Derived database grants exercised by the integration tests: ${report.exercised} of ${report.derived} (table, column, privilege) grants, from ${report.testFiles.length} test file(s).`,
    "Not a gate: a partial run exercises only its files, and handlers loaded from the environment (in process or in a child process) are not recorded.",
    "",
  ];
  for (const f of report.functions) {
    lines.push(`${f.function}: ${f.exercised.length} of ${f.derived.length} exercised by ${f.statements} statement(s) in ${f.testFiles.length} test file(s)`);
    for (const t of f.unexercised) lines.push(`  never exercised: ${show(t)}`);
    for (const t of f.underived) lines.push(`  ran without a derived grant (the database should have refused it): ${show(t)}`);
    for (const s of neverRun?.get(f.function) ?? []) lines.push(`  statement never run as ${f.function}: ${s.sites.join(", ")}: ${s.sql.length > 160 ? `${s.sql.slice(0, 157)}...` : s.sql}`);
  }
  return `${lines.join("\n")}\n`;
}

export function summaryLine(report: GrantUsageReport, reportPath: string): string {
  const never = report.derived - report.exercised;
  return `SQL grants: ${report.exercised} of ${report.derived} derived grants exercised by ${report.testFiles.length} integration test file(s); ${never} never exercised (${reportPath})`;
}

/** Computes the report from the last run's records, writes report.txt and report.json; undefined when nothing was recorded. */
export function writeGrantUsageReport(): { report: GrantUsageReport; path: string } | undefined {
  const uses = readStatementUses();
  if (uses.length === 0) return undefined;
  const report = grantUsage(uses);
  mkdirSync(dirname(SQL_USAGE_REPORT), { recursive: true });
  writeFileSync(SQL_USAGE_REPORT, renderGrantUsage(report));
  writeFileSync(SQL_USAGE_REPORT_JSON, `${JSON.stringify(report, null, 2)}\n`);
  return { report, path: SQL_USAGE_REPORT };
}
