/**
 * Records which statements each function's database user actually ran during the integration
 * tests, for the report of derived grants no test exercises (scripts/review/lib/sql-grant-usage.ts,
 * written by the integration project's global teardown). One JSON line per distinct
 * (function, statement, test file), appended by each Jest worker to its own file.
 */
import { appendFileSync, mkdirSync } from "fs";
import { join, relative } from "path";
import type { Connection, Pool, PoolConnection } from "mysql2/promise";
import { SQL_USAGE_DIR, StatementUse } from "../../scripts/review/lib/sql-usage-record";

const PROJECT_ROOT = join(__dirname, "..", "..");

const seen = new Set<string>();

function record(fn: string, query: unknown): void {
  const sql = typeof query === "string" ? query : typeof query === "object" && query !== null && typeof (query as { sql?: unknown }).sql === "string" ? (query as { sql: string }).sql : undefined;
  if (sql === undefined) return;
  const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;
  const use: StatementUse = { function: fn, sql: sql.replace(/\s+/g, " ").trim(), testFile: testPath ? relative(PROJECT_ROOT, testPath) : "(unknown)" };
  const key = JSON.stringify(use);
  if (seen.has(key)) return;
  seen.add(key);
  mkdirSync(SQL_USAGE_DIR, { recursive: true });
  appendFileSync(join(SQL_USAGE_DIR, `${process.pid}.jsonl`), `${key}\n`);
}

type Runner = { query(...args: unknown[]): Promise<unknown>; execute(...args: unknown[]): Promise<unknown> };

/** `target` with query()/execute() recording each statement that succeeded (a refused one fails the test instead). */
function recording<T extends object>(target: T, fn: string, wrap: (prop: string | symbol, value: unknown) => unknown): T {
  return new Proxy(target, {
    get(object, prop) {
      const value = Reflect.get(object, prop, object) as unknown;
      if (prop === "query" || prop === "execute") {
        return async (...args: unknown[]) => {
          const result = await (object as unknown as Runner)[prop](...args);
          record(fn, args[0]);
          return result;
        };
      }
      const wrapped = wrap(prop, value);
      if (wrapped !== undefined) return wrapped;
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}

/** `pool` (signed in as `fn`'s user), recording what it and the connections taken from it run. */
export function recordingPool(pool: Pool, fn: string): Pool {
  return recording(pool, fn, (prop) =>
    prop === "getConnection" ? async () => recording(await pool.getConnection(), fn, () => undefined) as PoolConnection : undefined,
  );
}

/** `connection` (signed in as `fn`'s user), recording what it runs. */
export function recordingConnection(connection: Connection, fn: string): Connection {
  return recording(connection, fn, () => undefined);
}
