/**
 * Integration-test access to the local MariaDB and moto servers (scripts/lib/services.ts):
 * started on first use by whichever test file needs them, stopped by Jest's global teardown.
 * Every test file gets its own freshly migrated database, dropped when the file ends.
 */
import { randomBytes } from "crypto";
import { Connection, createConnection, Pool } from "mysql2/promise";
import { migrate } from "../../functions/campaign/schema/migrate";
import { createDatabasePool, DatabaseSettings } from "../../functions/lib/database";
import { ensureLocalServices, LocalServices } from "../../scripts/lib/services";

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
  const admin = await createConnection({ host: services.mysql.host, port: services.mysql.port, user: services.mysql.user, password: services.mysql.password });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.changeUser({ database: name });
  await migrate(admin);
  await admin.end();
  const settings = { kind: "password" as const, host: services.mysql.host, port: services.mysql.port, user: services.mysql.user, password: services.mysql.password, database: name };
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
