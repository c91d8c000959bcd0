/**
 * Reports which derived database grants the run exercised (scripts/review/lib/sql-grant-usage.ts),
 * then stops the local MariaDB and moto servers if a test in this run started them (left running
 * when started by `npm run services`).
 */
import { mkdirSync, writeFileSync } from "fs";
import { dirname, join, relative } from "path";
import { stopLocalServices } from "../../scripts/dev/lib/services";
import { grantUsage, readStatementUses, renderGrantUsage, summaryLine } from "../../scripts/review/lib/sql-grant-usage";
import { SQL_USAGE_DIR } from "./sql-usage";

export default async function globalTeardown(): Promise<void> {
  try {
    const uses = readStatementUses(SQL_USAGE_DIR);
    if (uses.length > 0) {
      const report = grantUsage(uses);
      const out = join(dirname(SQL_USAGE_DIR), "report.txt");
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, renderGrantUsage(report));
      writeFileSync(join(dirname(SQL_USAGE_DIR), "report.json"), `${JSON.stringify(report, null, 2)}\n`);
      console.log(`\n${summaryLine(report, relative(process.cwd(), out))}`);
    }
  } finally {
    stopLocalServices("jest");
  }
}
