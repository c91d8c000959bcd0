/**
 * Integration-test access to the local MariaDB and moto servers (scripts/dev/lib/services.ts):
 * started on first use by whichever test file needs them, stopped by Jest's global teardown.
 * Every test file gets its own database, brought up the way db-migrate brings up Aurora (the
 * migrations and every database user with exactly its derived grants, run as the schema owner),
 * and dropped when the file ends.
 *
 * Function code runs as the function's own database user (`db.as("campaign-web")`), so a
 * statement outside its grants fails the test as it would fail in AWS; `db.admin` (the server's
 * root) is for seeding and inspecting only.
 */
import { randomBytes } from "crypto";
import { Connection, createConnection, Pool, ResultSetHeader } from "mysql2/promise";
import { createDatabasePool, DatabaseSettings } from "../../functions/lib/database";
import { FUNCTION_USERS } from "../../functions/campaign/schema/users";
import { createMigratedDatabase, forgetGrantsOn, localDatabaseSettings, localFunctionSettings } from "../../scripts/campaign/lib/local-campaign";
import { ensureLocalServices, LocalServices } from "../../scripts/dev/lib/services";
import { recordingConnection, recordingPool } from "./sql-usage";

export const TEST_REGION = "eu-west-2";

export async function localServices(): Promise<LocalServices> {
  return ensureLocalServices("jest");
}

/** SDK client configuration pointing at moto (any credentials work there). */
export function awsTestConfig(services: LocalServices, endpoint = services.awsEndpoint) {
  return {
    region: TEST_REGION,
    endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    forcePathStyle: true,
    retryMode: "standard" as const,
    maxAttempts: 3,
  };
}

export interface TestDatabase {
  /** The root user's settings on this database (seeding, inspecting, a second schema). */
  readonly settings: DatabaseSettings & { kind: "password" };
  /** Root: for the test's own seeding and checks, never for the code under test. */
  readonly admin: Pool;
  /**
   * A pool signed in as `fn`'s own database user (`campaign-web` -> fn_campaign_web), holding
   * exactly its derived grants: pass it to the function's code. The statements it runs are
   * recorded for the report of grants no test exercises (sql-usage.ts).
   */
  as(fn: string): Pool;
  /** The DB_* variables that make `fn`'s handler, run in a child process, sign in as its own user. */
  environmentAs(fn: string): Record<string, string>;
  /** A single connection as `fn`'s own user (recorded as `as` is), e.g. one of many sessions in a concurrency test. */
  connectAs(fn: string): Promise<Connection>;
  /** A separate single root connection (to this database unless another is named), e.g. a second session in a concurrency test. */
  connect(database?: string): Promise<Connection>;
  drop(): Promise<void>;
}

/** A new database named after the test file, migrated and with its users, as db-migrate leaves Aurora. */
export async function createTestDatabase(label: string, connectionLimit = 10): Promise<TestDatabase> {
  const services = await localServices();
  const name = `t_${label.replace(/[^a-z0-9]/gi, "_").slice(0, 40)}_${randomBytes(4).toString("hex")}`;
  await createMigratedDatabase(services, name);
  const settings = localDatabaseSettings(services, name);
  const admin = createDatabasePool(settings, connectionLimit);
  const pools = new Map<string, Pool>();
  const functionSettings = (fn: string) => {
    if (!FUNCTION_USERS.some((u) => u.name === fn)) {
      throw new Error(`${fn} has no database user: the functions with one are ${FUNCTION_USERS.map((u) => u.name).join(", ")} (functions/campaign/schema/function-grants.json)`);
    }
    return localFunctionSettings(services, name, fn);
  };
  return {
    settings,
    admin,
    as(fn) {
      let pool = pools.get(fn);
      if (!pool) {
        pool = recordingPool(createDatabasePool(functionSettings(fn), connectionLimit), fn);
        pools.set(fn, pool);
      }
      return pool;
    },
    environmentAs(fn) {
      const s = functionSettings(fn);
      return { DB_AUTH: "password", DB_HOST: s.host, DB_PORT: String(s.port), DB_USER: s.user, DB_PASSWORD: s.password, DB_NAME: s.database };
    },
    async connectAs(fn) {
      const s = functionSettings(fn);
      return recordingConnection(await createConnection({ host: s.host, port: s.port, user: s.user, password: s.password, database: s.database, timezone: "Z" }), fn);
    },
    connect: (database = name) => createConnection({ host: settings.host, port: settings.port, user: settings.user, password: settings.password, database, timezone: "Z" }),
    async drop() {
      await Promise.all([admin, ...pools.values()].map((pool) => pool.end()));
      const cleanup = await createConnection({ host: services.mysql.host, port: services.mysql.port, user: services.mysql.user, password: services.mysql.password });
      await cleanup.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await forgetGrantsOn(cleanup, name);
      await cleanup.end();
    },
  };
}

/** Runs an INSERT and returns the new row's id. */
export async function insertId(pool: Pool, sql: string, values: unknown[] = []): Promise<number> {
  const [result] = await pool.query<ResultSetHeader>(sql, values);
  return result.insertId;
}
