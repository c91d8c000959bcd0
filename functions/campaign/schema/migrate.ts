/**
 * Applies the schema migrations in order, recording each in `schema_migrations` with a
 * SHA-256 of its statements. Concurrent runners (two deploys, a test and the demo) are
 * serialized by a MySQL named lock; a migration whose statements changed after it was
 * applied stops the run, because the database no longer matches the code that describes it.
 *
 * Not umzug: its entry module loads its command-line interface (@rushstack, z-schema, glob),
 * 450 KB of a 1 MB Lambda budget, to loop over a list this file already orders, locks and
 * checksums. Migrations are forward-only, as they are in production.
 */
import { createHash } from "crypto";
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

class MigrationHistory {
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

  async record(migration: Migration): Promise<void> {
    await this.connection.execute("INSERT INTO schema_migrations (name, checksum) VALUES (?, ?)", [migration.name, checksumOf(migration)]);
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
    const history = new MigrationHistory(connection);
    await history.ensureTable();
    const known = new Map(migrations.map((m) => [m.name, m]));
    const before = await history.applied();
    for (const [name, checksum] of before) {
      const migration = known.get(name);
      if (!migration) throw new MigrationError(`the database has migration ${name}, which this code does not know: deploy the code that added it, or newer.`);
      if (checksumOf(migration) !== checksum) {
        throw new MigrationError(`migration ${name} was changed after it was applied (checksum ${checksum.slice(0, 12)}... in the database). Restore its statements and add a new migration for the change.`);
      }
    }
    const applied: string[] = [];
    for (const migration of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) {
      if (before.has(migration.name)) continue;
      log(`applying ${migration.name} (${migration.statements.length} statements)`);
      for (const [index, statement] of migration.statements.entries()) {
        try {
          await connection.query(statement);
        } catch (error) {
          // MySQL DDL is not transactional: say exactly where it stopped, for the operator.
          throw new MigrationError(`migration ${migration.name} failed at statement ${index + 1} of ${migration.statements.length}: ${(error as Error).message}. Statements before it were applied; fix the cause and drop what they created, or add a repairing migration.`);
        }
      }
      await history.record(migration);
      applied.push(migration.name);
    }
    return { applied, alreadyApplied: [...before.keys()] };
  } finally {
    await connection.query("SELECT RELEASE_LOCK(?)", [LOCK_NAME]);
  }
}
