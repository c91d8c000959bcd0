/**
 * Lambda entry of the weekly campaign report, invoked by a schedule with `{ "campaignId": N }`:
 * builds the report from the database, writes HTML and CSV to the reports bucket (SSE-KMS)
 * and returns the staff notification (no patient data), which the function's on-success
 * destination publishes to the staff SNS topic.
 *
 * Environment: REPORT_BUCKET, REPORT_KMS_KEY_ID (key id or ARN for SSE-KMS),
 * AWS_REGION (set by Lambda), DB_* (see functions/lib/database.ts), PRACTICE_NAME and
 * PUBLIC_BASE_URL (SMS segments per message) and the message prices of functions/campaign/cost.ts
 * for the report's spend so far.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { S3Client } from "@aws-sdk/client-s3";
import { campaignSpend, messagePricesFromEnvironment } from "../campaign/cost";
import { validateMessagingSettings } from "../campaign/messages";
import { buildCampaignReport, writeReport } from "../campaign/report";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";
import { readEnvironment } from "../lib/environment";

const SERVICE = "campaign-report";
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({ namespace: "medicare/campaign", serviceName: SERVICE });

const read = readEnvironment();
const config = {
  bucket: read.string("REPORT_BUCKET"),
  kmsKeyId: read.string("REPORT_KMS_KEY_ID"),
  region: read.string("AWS_REGION"),
};
const messaging = validateMessagingSettings({ practiceName: read.string("PRACTICE_NAME"), baseUrl: read.string("PUBLIC_BASE_URL") });
const prices = messagePricesFromEnvironment(read);
const pool = createDatabasePool(databaseSettingsFromEnvironment(), 1);
const clientOptions = { retryMode: "standard", maxAttempts: 3 } as const;
const s3 = new S3Client(clientOptions);

export class ReportEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportEventError";
  }
}

/** The campaign id from the schedule's input: a positive whole number (or its decimal text). */
export function campaignIdFrom(event: unknown): number {
  const raw = typeof event === "object" && event !== null ? (event as { campaignId?: unknown }).campaignId : undefined;
  const id = typeof raw === "string" && /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : raw;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) {
    throw new ReportEventError(`the schedule's input must be {"campaignId": <positive whole number>}, got campaignId ${JSON.stringify(raw) ?? "missing"}`);
  }
  return id;
}

export const handler = async (event: unknown): Promise<{ campaignId: number; htmlKey: string; csvKey: string; notification: string }> => {
  const campaignId = campaignIdFrom(event);
  logger.appendKeys({ campaignId });
  try {
    const report = { ...(await buildCampaignReport(pool, campaignId, () => new Date())), spend: await campaignSpend(pool, campaignId, messaging, prices) };
    const written = await writeReport({ s3, ...config }, report);
    const all = report.totals.find((t) => t.channel === "all");
    logger.info("report written", { htmlKey: written.htmlKey, csvKey: written.csvKey, weeks: report.rows.length / 3, sent: all?.counts.sent, responded: all?.counts.responded });
    metrics.addMetric("ReportsWritten", MetricUnit.Count, 1);
    return { campaignId, htmlKey: written.htmlKey, csvKey: written.csvKey, notification: written.notification };
  } catch (error) {
    logger.error("report failed", { error: (error as Error).message, name: (error as Error).name });
    throw error;
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
};
