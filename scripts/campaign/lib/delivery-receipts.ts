/**
 * What the phone networks and mail servers would report for the demo's messages, delivered the
 * way AWS delivers it in production, to the campaign-delivery-events function's own code:
 *   SMS    SNS delivery status log lines (SUCCESS / FAILURE with SNS's providerResponse), as the
 *          CloudWatch Logs subscription filter hands them over (gzipped, base64, up to
 *          LINES_PER_DELIVERY lines per invocation);
 *   email  SES events (Delivery, Bounce Permanent, Reject) in SNS records, as the SES
 *          configuration set's topic hands them over.
 * Moto records neither, so the simulator reads which messages were sent (their provider ids)
 * from the deliveries table, decides each outcome deterministically, and leaves every change
 * to the function. Most are delivered; 1 in 50 is undeliverable, 1 in 33 fails.
 */
import { gzipSync } from "zlib";
import type { Pool, RowDataPacket } from "mysql2/promise";
import type { CloudWatchLogsEvent, RecordResult, SnsEvent } from "../../../functions/campaign/delivery-events";

type Outcome = "delivered" | "undeliverable" | "failed";
export type DeliveryStatusHandler = (event: SnsEvent | CloudWatchLogsEvent) => Promise<RecordResult[]>;

/** CloudWatch Logs batches subscription deliveries; SNS invokes a function with one record. */
const LINES_PER_DELIVERY = 500;
const RECORDS_PER_INVOCATION = 1;
/** Invocations in flight at once (the function's reserved concurrency is 5). */
const CONCURRENCY = 5;

const outcomeOf = (deliveryId: number): Outcome => (deliveryId % 50 === 0 ? "undeliverable" : deliveryId % 33 === 0 ? "failed" : "delivered");

function smsLine(messageId: string, outcome: Outcome, sentAt: Date): string {
  const providerResponse = outcome === "delivered" ? "Message has been accepted by phone carrier" : outcome === "undeliverable" ? "Invalid phone number" : "Phone is currently unreachable/unavailable";
  return JSON.stringify({
    notification: { messageId, timestamp: sentAt.toISOString().replace("T", " ").replace("Z", "") },
    delivery: { numberOfMessageParts: 1, destination: "+447700900000", priceInUSD: 0.04, smsType: "Transactional", mcc: 234, mnc: 10, providerResponse, dwellTimeMs: 400 },
    status: outcome === "delivered" ? "SUCCESS" : "FAILURE",
  });
}

function sesEvent(messageId: string, outcome: Outcome, sentAt: Date, at: Date): string {
  const mail = { timestamp: sentAt.toISOString(), messageId, source: "invitations@medicare.example", destination: ["patient@example.org"] };
  if (outcome === "delivered") return JSON.stringify({ eventType: "Delivery", mail, delivery: { timestamp: at.toISOString(), recipients: ["patient@example.org"], smtpResponse: "250 ok" } });
  if (outcome === "undeliverable") return JSON.stringify({ eventType: "Bounce", mail, bounce: { bounceType: "Permanent", bounceSubType: "NoEmail", timestamp: at.toISOString(), bouncedRecipients: [{ emailAddress: "patient@example.org" }] } });
  return JSON.stringify({ eventType: "Reject", mail, reject: { reason: "Bad content" } });
}

async function inParallel<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
    while (next < items.length) await run(items[next++]);
  }));
}

export interface ReceiptCounts {
  readonly sms: Record<Outcome, number>;
  readonly email: Record<Outcome, number>;
  /** What the function reported for every line or record (applied, unchanged, unknown-message...). */
  readonly outcomes: Record<string, number>;
}

/**
 * Reports the outcome of every message sent and not yet reported on, `at` (the receipts' time),
 * through `handle` (createDeliveryEventsHandler). `progress` is told how many were handed over.
 */
export async function deliverReceipts(pool: Pool, handle: DeliveryStatusHandler, at: Date, progress: (count: number) => void = () => undefined): Promise<ReceiptCounts> {
  const [rows] = await pool.query<RowDataPacket[]>("SELECT id, channel, provider_message_id, sent_at FROM deliveries WHERE status = 'sent' AND provider_message_id IS NOT NULL ORDER BY id");
  const counts: ReceiptCounts = { sms: { delivered: 0, undeliverable: 0, failed: 0 }, email: { delivered: 0, undeliverable: 0, failed: 0 }, outcomes: {} };
  const tally = (results: RecordResult[]) => {
    for (const { outcome } of results) counts.outcomes[outcome] = (counts.outcomes[outcome] ?? 0) + 1;
  };
  const sms = rows.filter((r) => r.channel === "sms");
  const email = rows.filter((r) => r.channel === "email");
  const smsBatches: RowDataPacket[][] = [];
  for (let i = 0; i < sms.length; i += LINES_PER_DELIVERY) smsBatches.push(sms.slice(i, i + LINES_PER_DELIVERY));
  await inParallel(smsBatches, async (batch) => {
    // Successes and failures are logged to different groups, so they arrive in different deliveries.
    for (const failures of [false, true]) {
      const lines = batch.filter((r) => (outcomeOf(Number(r.id)) !== "delivered") === failures);
      if (lines.length === 0) continue;
      const payload = {
        messageType: "DATA_MESSAGE",
        owner: "000000000000",
        logGroup: `sns/eu-west-2/000000000000/DirectPublishToPhoneNumber${failures ? "/Failure" : ""}`,
        logStream: "demo",
        subscriptionFilters: ["campaign-delivery-events"],
        logEvents: lines.map((r) => {
          const outcome = outcomeOf(Number(r.id));
          counts.sms[outcome]++;
          return { id: String(r.id), timestamp: at.getTime(), message: smsLine(r.provider_message_id, outcome, r.sent_at) };
        }),
      };
      tally(await handle({ awslogs: { data: gzipSync(JSON.stringify(payload)).toString("base64") } }));
    }
    progress(batch.length);
  });
  const emailBatches: RowDataPacket[][] = [];
  for (let i = 0; i < email.length; i += RECORDS_PER_INVOCATION * 100) emailBatches.push(email.slice(i, i + RECORDS_PER_INVOCATION * 100));
  await inParallel(emailBatches, async (batch) => {
    for (const r of batch) {
      const outcome = outcomeOf(Number(r.id));
      counts.email[outcome]++;
      tally(await handle({ Records: [{ EventSource: "aws:sns", Sns: { MessageId: `demo-${r.id}`, Message: sesEvent(r.provider_message_id, outcome, r.sent_at, at) } }] }));
    }
    progress(batch.length);
  });
  return counts;
}
