/**
 * Lambda entry of the send worker: an SQS event of send requests (invitation rounds and
 * booking confirmations), each handed to send-worker.ts sendQueued, with Powertools' batch processor reporting partial batch failures (only the
 * throttled or failed records come back). A malformed record can never succeed: it is logged
 * and dropped rather than retried until the dead-letter queue.
 *
 * Environment: DB_*, PRACTICE_NAME, PUBLIC_BASE_URL, EMAIL_SOURCE (verified SES identity),
 * SES_CONFIGURATION_SET, SMS_SENDER_ID (optional, 1-11 letters/digits), PRACTICE_TIME_ZONE
 * (the time in confirmations; default Europe/London), SMS_PER_SECOND and
 * EMAIL_PER_SECOND (per worker instance: the account-wide rate is this times the event
 * source's maximum concurrency).
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { SESClient } from "@aws-sdk/client-ses";
import { SNSClient } from "@aws-sdk/client-sns";
import { MalformedSendRequestError, parseQueueRequest, RetryLaterError, SendDependencies } from "../campaign/dispatch";
import { sendQueued } from "../campaign/send-worker";
import { validateMessagingSettings } from "../campaign/messages";
import { RateLimiter } from "../campaign/rate-limit";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";
import { ConfigurationError, readEnvironment } from "../lib/environment";

interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
}
interface SqsEvent {
  readonly Records: SqsRecord[];
}

const logger = new Logger({ serviceName: "campaign-send" });
const metrics = new Metrics({ serviceName: "campaign-send", namespace: "medicare/campaign" });
const env = readEnvironment();
const messaging = validateMessagingSettings({ practiceName: env.string("PRACTICE_NAME"), baseUrl: env.string("PUBLIC_BASE_URL") });
const smsSenderId = process.env.SMS_SENDER_ID?.trim() || undefined;
const timeZone = env.string("PRACTICE_TIME_ZONE", "Europe/London");
try {
  new Intl.DateTimeFormat("en-GB", { timeZone });
} catch {
  throw new ConfigurationError(`PRACTICE_TIME_ZONE must be an IANA time zone such as Europe/London, got ${JSON.stringify(timeZone)}.`);
}
if (smsSenderId !== undefined && !/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/.test(smsSenderId)) {
  throw new ConfigurationError(`SMS_SENDER_ID must be 1 to 11 letters and digits with at least one letter, got ${JSON.stringify(smsSenderId)}; unset it to send without one.`);
}
/** The worker's wiring, built once per cold start (exported so a test can close the pool). */
export const deps: SendDependencies = {
  pool: createDatabasePool(databaseSettingsFromEnvironment(), 4),
  sns: new SNSClient({ retryMode: "standard", maxAttempts: 3 }),
  ses: new SESClient({ retryMode: "standard", maxAttempts: 3 }),
  settings: { ...messaging, emailSource: env.string("EMAIL_SOURCE"), configurationSetName: env.string("SES_CONFIGURATION_SET"), smsSenderId, timeZone },
  limiters: {
    sms: new RateLimiter(env.number("SMS_PER_SECOND", { min: 0.1, max: 1000, fallback: 20 })),
    email: new RateLimiter(env.number("EMAIL_PER_SECOND", { min: 0.1, max: 1000, fallback: 14 })),
  },
  log: logger,
};

const processor = new BatchProcessor(EventType.SQS);

async function sendRecord(record: SqsRecord): Promise<void> {
  let request;
  try {
    request = parseQueueRequest(record.body);
  } catch (error) {
    if (!(error instanceof MalformedSendRequestError)) throw error;
    // Retrying cannot fix it: log (without the body, which may hold a token) and let it be deleted.
    logger.error("malformed send request dropped", { messageId: record.messageId, reason: error.message });
    metrics.addMetric("malformedSendRequests", MetricUnit.Count, 1);
    return;
  }
  try {
    const result = await sendQueued(deps, request);
    if ("confirmationId" in result) metrics.addMetric(`confirmations_${result.outcome}`, MetricUnit.Count, 1);
    else for (const outcome of Object.values(result.outcomes)) metrics.addMetric(`deliveries_${outcome}`, MetricUnit.Count, 1);
  } catch (error) {
    if (error instanceof RetryLaterError) metrics.addMetric("deliveriesReleasedForRetry", MetricUnit.Count, 1);
    throw error;
  }
}

export const handler = async (event: SqsEvent, context: unknown) => {
  try {
    // Always answer with the failed items (even all of them): the event source retries exactly those.
    return await processPartialResponse(event as never, sendRecord as never, processor, { context: context as never, throwOnFullBatchFailure: false });
  } finally {
    metrics.publishStoredMetrics();
  }
};
