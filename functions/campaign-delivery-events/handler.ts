/**
 * Lambda entry of the email delivery status updates: invoked by the SNS topic the SES
 * configuration set publishes DELIVERY, BOUNCE, COMPLAINT, REJECT, RENDERING_FAILURE and
 * DELIVERY_DELAY events to. Each record's `Sns.Message` is one SES event (JSON); what it does
 * to the deliveries is in campaign/delivery-events.ts.
 *
 * Failure handling: a malformed record is logged (SNS message id and what is wrong, never the
 * body: it holds recipient addresses) and dropped, since a retry cannot fix it; a message id
 * no delivery has is logged (the id only) and counted, not an error; a database error fails
 * the invocation, so Lambda retries the asynchronous event and finally hands it to the
 * function's on-failure destination. Every update is idempotent, so a retried event is safe.
 *
 * No SES or SNS client: the function only reads the event and writes the database.
 * Environment: DB_* (see functions/lib/database.ts).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Pool } from "mysql2/promise";
import { handleDeliveryNotifications, RecordOutcome, RecordResult, SnsEvent } from "../campaign/delivery-events";
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

/** The handler over injected dependencies (tests and the Lambda entry alike). */
export const createDeliveryEventsHandler =
  ({ pool, now }: DeliveryEventsHandlerDependencies) =>
  async (event: SnsEvent): Promise<RecordResult[]> => {
    try {
      const results = await handleDeliveryNotifications({ pool, now, log: logger }, event);
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
let coldStart: ((event: SnsEvent) => Promise<RecordResult[]>) | undefined;

/** The pool the entry made at its first event, if any (exported so a test can close it). */
export const databasePool = (): Pool | undefined => pool;

/** The pool is made once per container, on the first event (a bad DB_* setting fails it loudly). */
export const handler = async (event: SnsEvent): Promise<void> => {
  if (!coldStart) {
    pool = createDatabasePool(databaseSettingsFromEnvironment(), 1);
    coldStart = createDeliveryEventsHandler({ pool });
  }
  await coldStart(event);
};
