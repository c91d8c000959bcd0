/**
 * Lambda entry of the delivery status updates, for both channels:
 *   - email: invoked by the SNS topic the SES configuration set publishes DELIVERY, BOUNCE,
 *     COMPLAINT, REJECT, RENDERING_FAILURE and DELIVERY_DELAY events to; each record's
 *     `Sns.Message` is one SES event (JSON);
 *   - SMS: invoked by the CloudWatch Logs subscription filters on SNS's SMS delivery status log
 *     groups (`{awslogs: {data}}`: gzipped, base64); each log event is one SMS's outcome.
 * What each does to the deliveries is in campaign/delivery-events.ts.
 *
 * Failure handling: a malformed record is logged (SNS message id and what is wrong, never the
 * body: it holds recipient addresses) and dropped, since a retry cannot fix it; a message id
 * no delivery has is logged (the id only) and counted, not an error; a database error fails
 * the invocation, so Lambda retries the asynchronous event and finally hands it to the
 * function's on-failure destination. Every update is idempotent, so a retried event is safe.
 *
 * No AWS client: the function only reads the event and writes the database (the log groups'
 * data arrives in the event; CloudWatch Logs invokes through the function's resource policy).
 * Environment: DB_* (see functions/lib/database.ts).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Pool } from "mysql2/promise";
import { gunzipSync } from "zlib";
import { CloudWatchLogsEvent, handleDeliveryNotifications, handleSmsDeliveryLogs, RecordOutcome, RecordResult, SnsEvent } from "../campaign/delivery-events";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";

const SERVICE = "campaign-delivery-events";
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({ namespace: "medicare/campaign", serviceName: SERVICE });

/** One metric per record outcome (the alarms on SES bounce and complaint rates use SES's own metrics). */
export const OUTCOME_METRICS: Readonly<Record<RecordOutcome, string>> = {
  applied: "DeliveryEventsApplied",
  unchanged: "DeliveryEventsUnchanged",
  "unknown-message": "DeliveryEventsUnknownMessage",
  ignored: "DeliveryEventsIgnored",
  malformed: "DeliveryEventsMalformed",
};

export interface DeliveryEventsHandlerDependencies {
  readonly pool: Pool;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

export type DeliveryStatusEvent = SnsEvent | CloudWatchLogsEvent;

/** The handler over injected dependencies (tests, the demo and the Lambda entry alike). */
export const createDeliveryEventsHandler =
  ({ pool, now }: DeliveryEventsHandlerDependencies) =>
  async (event: DeliveryStatusEvent): Promise<RecordResult[]> => {
    try {
      const results =
        event && typeof event === "object" && "awslogs" in event
          ? await handleSmsDeliveryLogs({ pool, now, log: logger, gunzip: gunzipSync }, event)
          : await handleDeliveryNotifications({ pool, now, log: logger }, event as SnsEvent);
      for (const { outcome, result } of results) {
        metrics.addMetric(OUTCOME_METRICS[outcome], MetricUnit.Count, 1);
        if (result?.optedOut) metrics.addMetric("EmailComplaintOptOuts", MetricUnit.Count, 1);
      }
      return results;
    } finally {
      metrics.publishStoredMetrics();
    }
  };

let pool: Pool | undefined;
let coldStart: ((event: DeliveryStatusEvent) => Promise<RecordResult[]>) | undefined;

/** The pool the entry made at its first event, if any (exported so a test can close it). */
export const databasePool = (): Pool | undefined => pool;

/** The pool is made once per container, on the first event (a bad DB_* setting fails it loudly). */
export const handler = async (event: DeliveryStatusEvent): Promise<void> => {
  if (!coldStart) {
    pool = createDatabasePool(databaseSettingsFromEnvironment(), 1);
    coldStart = createDeliveryEventsHandler({ pool });
  }
  await coldStart(event);
};
