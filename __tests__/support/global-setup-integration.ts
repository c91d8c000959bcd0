/** Starts each integration run with an empty record of the statements function users ran (sql-usage.ts). */
import { rmSync } from "fs";
import { SQL_USAGE_DIR } from "../../scripts/review/lib/sql-usage-record";

export default async function globalSetupIntegration(): Promise<void> {
  rmSync(SQL_USAGE_DIR, { recursive: true, force: true });
}
