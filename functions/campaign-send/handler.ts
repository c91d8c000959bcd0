/**
 * Lambda entry of the send worker: an SQS event of send requests, each handed to
 * sendInvitation, with Powertools' batch processor reporting partial batch failures (only the
 * throttled or failed records come back). A malformed record can never succeed: it is logged
 * and dropped rather than retried until the dead-letter queue.
 *
 * Environment: DB_*, PRACTICE_NAME, PUBLIC_BASE_URL, EMAIL_SOURCE (verified SES identity),
 * SES_CONFIGURATION_SET, SMS_SENDER_ID (optional, 1-11 letters/digits), SMS_PER_SECOND and
 * EMAIL_PER_SECOND (per worker instance: the account-wide rate is this times the event
 * source's maximum concurrency).
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { SESClient } from "@aws-sdk/client-ses";
import { SNSClient } from "@aws-sdk/client-sns";
import { MalformedSendRequestError, parseSendRequest, RetryLaterError, sendInvitation, SendDependencies } from "../campaign/dispatch";
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
if (smsSenderId !== undefined && !/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/.test(smsSenderId)) {
  throw new ConfigurationError(`SMS_SENDER_ID must be 1 to 11 letters and digits with at least one letter, got ${JSON.stringify(smsSenderId)}; unset it to send without one.`);
}
/** The worker's wiring, built once per cold start (exported so a test can close the pool). */
export const deps: SendDependencies = {
  pool: createDatabasePool(databaseSettingsFromEnvironment(), 4),
  sns: new SNSClient({ retryMode: "standard", maxAttempts: 3 }),
  ses: new SESClient({ retryMode: "standard", maxAttempts: 3 }),
  settings: { ...messaging, emailSource: env.string("EMAIL_SOURCE"), configurationSetName: env.string("SES_CONFIGURATION_SET"), smsSenderId },
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
    request = parseSendRequest(record.body);
  } catch (error) {
    if (!(error instanceof MalformedSendRequestError)) throw error;
    // Retrying cannot fix it: log (without the body, which may hold a token) and let it be deleted.
    logger.error("malformed send request dropped", { messageId: record.messageId, reason: error.message });
    metrics.addMetric("malformedSendRequests", MetricUnit.Count, 1);
    return;
  }
  try {
    const result = await sendInvitation(deps, request);
    for (const outcome of Object.values(result.outcomes)) metrics.addMetric(`deliveries_${outcome}`, MetricUnit.Count, 1);
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
