/**
 * Reports which derived database grants the run exercised (scripts/review/lib/sql-grant-usage.ts),
 * then stops the local MariaDB and moto servers if a test in this run started them (left running
 * when started by `npm run services`).
 */
import { relative } from "path";
import { stopLocalServices } from "../../scripts/dev/lib/services";
import { summaryLine, writeGrantUsageReport } from "../../scripts/review/lib/sql-grant-usage";

export default async function globalTeardown(): Promise<void> {
  try {
    const written = writeGrantUsageReport();
    if (written) console.log(`\n${summaryLine(written.report, relative(process.cwd(), written.path))}`);
  } finally {
    stopLocalServices("jest");
  }
}
