/**
 * What db-migrate does to a database, in one place so the local tests and the demo bring their
 * databases up the same way the Lambda does: the schema migrations, then every database user
 * with exactly its grants (users.ts). Runs as the schema owner, never the master user.
 */
import type { Connection } from "mysql2/promise";
import { migrate, MigrationResult } from "./migrate";
import { applyUsersAndGrants, UserPasswords } from "./users";

export interface UpgradeResult extends MigrationResult {
  /** The CREATE USER / GRANT / REVOKE statements run (none when every user already held exactly its grants). */
  readonly userStatements: readonly string[];
}

export async function upgradeDatabase(connection: Connection, options: { readonly passwords: UserPasswords; readonly log?: (line: string) => void }): Promise<UpgradeResult> {
  const result = await migrate(connection, undefined, options.log);
  const userStatements = await applyUsersAndGrants(connection, { passwords: options.passwords, log: options.log });
  return { ...result, userStatements };
}
