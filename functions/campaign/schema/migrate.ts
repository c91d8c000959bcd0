/**
 * Applies the schema migrations with umzug, recording each in `schema_migrations` with a
 * SHA-256 of its statements. Concurrent runners (two deploys, a test and the demo) are
 * serialized by a MySQL named lock; a migration whose statements changed after it was
 * applied stops the run, because the database no longer matches the code that describes it.
 */
import { createHash } from "crypto";
import { Umzug, UmzugStorage } from "umzug";
import type { Connection } from "mysql2/promise";
import { MIGRATIONS, Migration } from "./migrations";

const LOCK_NAME = "medicare_schema_migrations";
const LOCK_WAIT_SECONDS = 60;

/** The schema in the database does not match the migrations in the code; the message says what differs. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

export const checksumOf = (migration: Migration): string =>
  createHash("sha256").update(migration.statements.join("\n;\n")).digest("hex");

class MysqlStorage implements UmzugStorage<Connection> {
  constructor(private readonly connection: Connection) {}

  async ensureTable(): Promise<void> {
    await this.connection.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        name VARCHAR(190) NOT NULL PRIMARY KEY,
        checksum CHAR(64) NOT NULL,
        applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async applied(): Promise<Map<string, string>> {
    const [rows] = await this.connection.query("SELECT name, checksum FROM schema_migrations ORDER BY name");
    return new Map((rows as { name: string; checksum: string }[]).map((r) => [r.name, r.checksum]));
  }

  async executed(): Promise<string[]> {
    return [...(await this.applied()).keys()];
  }

  async logMigration({ name }: { name: string }): Promise<void> {
    const migration = MIGRATIONS.find((m) => m.name === name);
    if (!migration) throw new MigrationError(`no migration named ${name}`);
    await this.connection.execute("INSERT INTO schema_migrations (name, checksum) VALUES (?, ?)", [name, checksumOf(migration)]);
  }

  async unlogMigration(): Promise<void> {
    throw new MigrationError("migrations are forward-only: add a new migration instead of reverting one");
  }
}

export interface MigrationResult {
  readonly applied: string[];
  readonly alreadyApplied: string[];
}

/** Brings the connected database up to the latest migration; safe to run any number of times. */
export async function migrate(connection: Connection, migrations: readonly Migration[] = MIGRATIONS, log: (line: string) => void = () => undefined): Promise<MigrationResult> {
  const [lockRows] = await connection.query("SELECT GET_LOCK(?, ?) AS acquired", [LOCK_NAME, LOCK_WAIT_SECONDS]);
  if ((lockRows as { acquired: number | null }[])[0].acquired !== 1) {
    throw new MigrationError(`another migration run holds the lock ${LOCK_NAME}; waited ${LOCK_WAIT_SECONDS} s. Retry when it finishes.`);
  }
  try {
    const storage = new MysqlStorage(connection);
    await storage.ensureTable();
    const known = new Map(migrations.map((m) => [m.name, m]));
    const before = await storage.applied();
    for (const [name, checksum] of before) {
      const migration = known.get(name);
      if (!migration) throw new MigrationError(`the database has migration ${name}, which this code does not know: deploy the code that added it, or newer.`);
      if (checksumOf(migration) !== checksum) {
        throw new MigrationError(`migration ${name} was changed after it was applied (checksum ${checksum.slice(0, 12)}... in the database). Restore its statements and add a new migration for the change.`);
      }
    }
    const umzug = new Umzug<Connection>({
      migrations: migrations.map((migration) => ({
        name: migration.name,
        up: async ({ context }) => {
          for (const statement of migration.statements) await context.query(statement);
        },
      })),
      context: connection,
      storage,
      logger: { info: (event) => log(JSON.stringify(event)), warn: (event) => log(JSON.stringify(event)), error: (event) => log(JSON.stringify(event)), debug: () => undefined },
    });
    const applied = await umzug.up();
    return { applied: applied.map((m) => m.name), alreadyApplied: [...before.keys()] };
  } finally {
    await connection.query("SELECT RELEASE_LOCK(?)", [LOCK_NAME]);
  }
}
