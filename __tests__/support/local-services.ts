/**
 * Integration-test access to the local MariaDB and moto servers (scripts/dev/lib/services.ts):
 * started on first use by whichever test file needs them, stopped by Jest's global teardown.
 * Every test file gets its own freshly migrated database, dropped when the file ends.
 */
import { randomBytes } from "crypto";
import { Connection, createConnection, Pool, ResultSetHeader } from "mysql2/promise";
import { createDatabasePool, DatabaseSettings } from "../../functions/lib/database";
import { createMigratedDatabase, localDatabaseSettings } from "../../scripts/campaign/lib/local-campaign";
import { ensureLocalServices, LocalServices } from "../../scripts/dev/lib/services";

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
  readonly settings: DatabaseSettings & { kind: "password" };
  readonly pool: Pool;
  /** A separate single connection (to this database unless another is named), e.g. a second session in a concurrency test. */
  connect(database?: string): Promise<Connection>;
  drop(): Promise<void>;
}

/** A new database named after the test file, with every migration applied. */
export async function createTestDatabase(label: string, connectionLimit = 10): Promise<TestDatabase> {
  const services = await localServices();
  const name = `t_${label.replace(/[^a-z0-9]/gi, "_").slice(0, 40)}_${randomBytes(4).toString("hex")}`;
  await createMigratedDatabase(services, name);
  const settings = localDatabaseSettings(services, name);
  const pool = createDatabasePool(settings, connectionLimit);
  return {
    settings,
    pool,
    connect: (database = name) => createConnection({ host: settings.host, port: settings.port, user: settings.user, password: settings.password, database, timezone: "Z" }),
    async drop() {
      await pool.end();
      const cleanup = await createConnection({ host: services.mysql.host, port: services.mysql.port, user: services.mysql.user, password: services.mysql.password });
      await cleanup.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await cleanup.end();
    },
  };
}

/** Runs an INSERT and returns the new row's id. */
export async function insertId(pool: Pool, sql: string, values: unknown[] = []): Promise<number> {
  const [result] = await pool.query<ResultSetHeader>(sql, values);
  return result.insertId;
}
