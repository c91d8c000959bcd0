/**
 * Email delivery status from SES: the configuration set publishes DELIVERY, BOUNCE, COMPLAINT,
 * REJECT, RENDERING_FAILURE and DELIVERY_DELAY events to an SNS topic, which invokes the
 * campaign-delivery-events function with them. Each event names the message by the id SES
 * returned to SendEmail, which the send worker stored in `deliveries.provider_message_id`.
 *
 * What each event does to the email delivery row(s) with that id:
 *   Delivery                     sent -> delivered
 *   Bounce, Permanent            sent | delivered -> undeliverable (detail: the bounce subtype)
 *   Bounce, Transient/Undetermined, DeliveryDelay
 *                                status kept; detail and status_at updated (sent or delivered rows)
 *   Complaint                    the patient is opted out of email (source 'complaint', through
 *                                opt-out.ts optOutPatient: later rounds skip email, pending ones
 *                                are skipped now); sent -> delivered (a complaint proves it
 *                                arrived), and the detail records the complaint
 *   Reject, Rendering Failure    sent -> failed
 *
 * SNS delivers at least once and in no particular order, so every update is guarded by the
 * states it may leave: the status only moves forward (sent -> delivered -> undeliverable;
 * sent -> failed), and a detail-only update never overwrites one from a later event
 * (status_at holds the time of the event that last changed the row). Replaying any event, or
 * the same events in any order, ends in the same rows.
 *
 * Nothing about the recipient is read or stored: not the address (bouncedRecipients,
 * complainedRecipients), not the remote server's diagnostic text. Details are built from SES's
 * own vocabulary (bounce subtype, delay type, complaint feedback type), checked to be a plain word.
 *
 * SMS delivery status from SNS: the account's SMS preferences log the outcome of every SMS
 * (modules/campaign/messaging.ts) to two log groups, `sns/<region>/<account>/DirectPublishToPhoneNumber`
 * (SUCCESS) and `.../Failure` (FAILURE); a subscription filter on each sends the log events to
 * this same function (CloudWatch Logs event: gzipped, base64). Each log line names the SMS by
 * the message id SNS returned to Publish, which the send worker stored like SES's. What it does
 * to the sms delivery row(s) with that id:
 *   SUCCESS                      sent | failed | undeliverable -> delivered (a carrier's receipt
 *                                is the strongest word: it wins whatever came before)
 *   FAILURE, permanent           sent | failed -> undeliverable (invalid number, phone blocks SMS,
 *                                number opted out, on a blocked list)
 *   FAILURE, otherwise           sent -> failed
 * so any order of the same lines ends in the same row, and a repeated line changes nothing.
 * The detail is SNS's providerResponse when it is one of SNS's documented phrases, otherwise a
 * generic word; the destination number and the carrier are never read.
 */
import type { Connection, Pool, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { inTransaction } from "./booking";
import { optOutPatient } from "./opt-out";

/** Log sink (Powertools Logger fits): ids, types and outcomes only. Not dispatch.ts's, whose module would bring the SNS and SES clients into this bundle. */
export interface DeliveryEventLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

const silentLogger: DeliveryEventLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The event types this function acts on (SES's `eventType` values). */
export const HANDLED_EVENT_TYPES = ["Delivery", "Bounce", "Complaint", "Reject", "Rendering Failure", "DeliveryDelay"] as const;
export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];
/** Event types SES can publish that carry nothing for delivery status (a configuration set may add them): acknowledged and ignored. */
export const IGNORED_EVENT_TYPES = ["Send", "Open", "Click", "Subscription"] as const;

export type BounceType = "Permanent" | "Transient" | "Undetermined";

/** One SES event, reduced to what the delivery rows need. */
export type DeliveryEvent =
  | { readonly type: "Delivery"; readonly messageId: string; readonly at: Date }
  | { readonly type: "Bounce"; readonly messageId: string; readonly at: Date; readonly bounceType: BounceType; readonly bounceSubType?: string }
  | { readonly type: "Complaint"; readonly messageId: string; readonly at: Date; readonly feedbackType?: string }
  | { readonly type: "Reject"; readonly messageId: string; readonly at: Date }
  | { readonly type: "Rendering Failure"; readonly messageId: string; readonly at: Date }
  | { readonly type: "DeliveryDelay"; readonly messageId: string; readonly at: Date; readonly delayType?: string };

/** One SNS SMS delivery status log line, reduced to what the delivery rows need. */
export type SmsDeliveryEvent =
  | { readonly type: "SmsDelivered"; readonly messageId: string; readonly at: Date }
  | { readonly type: "SmsFailed"; readonly messageId: string; readonly at: Date; readonly permanent: boolean; readonly reason: string };

export type ParsedNotification = { readonly kind: "event"; readonly event: DeliveryEvent } | { readonly kind: "ignored"; readonly eventType: string };

export class MalformedDeliveryEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedDeliveryEventError";
  }
}

/** SES message ids are printable ASCII (e.g. `010201...-...-000000`); the column holds 128. */
const MESSAGE_ID = /^[\x21-\x7e]{1,128}$/;
/** SES's subtype vocabulary (NoEmail, MailboxFull, abuse, ...): anything else is left out of the detail. */
const PLAIN_WORD = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;
const BOUNCE_TYPES: readonly string[] = ["Permanent", "Transient", "Undetermined"];
/** The object of the SES event that describes each type. */
const DETAIL_FIELD: Readonly<Record<HandledEventType, string>> = {
  Delivery: "delivery",
  Bounce: "bounce",
  Complaint: "complaint",
  Reject: "reject",
  "Rendering Failure": "failure",
  DeliveryDelay: "deliveryDelay",
};

const objectOr = (value: unknown): Record<string, unknown> | undefined => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);
const plainWord = (value: unknown): string | undefined => (typeof value === "string" && PLAIN_WORD.test(value) ? value : undefined);
const timeOf = (value: unknown): Date | undefined => {
  if (typeof value !== "string") return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
};

/**
 * An SNS message body (the SES event JSON) into a DeliveryEvent; a MalformedDeliveryEventError
 * says what is wrong without echoing the body (it holds recipient addresses).
 * Accepts `notificationType` where `eventType` is missing: SES names the field so when the
 * notification comes from an identity's feedback settings rather than event publishing.
 */
export function parseDeliveryNotification(message: unknown): ParsedNotification {
  let value: unknown;
  try {
    value = JSON.parse(typeof message === "string" ? message : "");
  } catch {
    throw new MalformedDeliveryEventError("the SNS message is not JSON; expected an SES event ({\"eventType\": ..., \"mail\": {\"messageId\": ...}}).");
  }
  const event = objectOr(value);
  if (!event) throw new MalformedDeliveryEventError("the SNS message is not a JSON object; expected an SES event.");
  const type = event.eventType ?? event.notificationType;
  if (typeof type !== "string") throw new MalformedDeliveryEventError("the SES event has no eventType.");
  if ((IGNORED_EVENT_TYPES as readonly string[]).includes(type)) return { kind: "ignored", eventType: type };
  if (!(HANDLED_EVENT_TYPES as readonly string[]).includes(type)) {
    throw new MalformedDeliveryEventError(`the SES event type is not one SES publishes (expected one of ${[...HANDLED_EVENT_TYPES, ...IGNORED_EVENT_TYPES].join(", ")}).`);
  }
  const handled = type as HandledEventType;
  const mail = objectOr(event.mail);
  const messageId = mail?.messageId;
  if (typeof messageId !== "string" || !MESSAGE_ID.test(messageId)) throw new MalformedDeliveryEventError(`the ${handled} event has no valid mail.messageId.`);
  const field = DETAIL_FIELD[handled];
  const details = objectOr(event[field]);
  if ((handled === "Bounce" || handled === "DeliveryDelay") && !details) throw new MalformedDeliveryEventError(`the ${handled} event has no ${field} object.`);
  // The time of the event itself; Reject and Rendering Failure carry none, so the send's time.
  const at = timeOf(details?.timestamp) ?? timeOf(mail?.timestamp);
  if (!at) throw new MalformedDeliveryEventError(`the ${handled} event has no valid timestamp (${field}.timestamp or mail.timestamp, ISO 8601).`);
  switch (handled) {
    case "Bounce": {
      const bounceType = details!.bounceType;
      if (typeof bounceType !== "string" || !BOUNCE_TYPES.includes(bounceType)) throw new MalformedDeliveryEventError("the Bounce event's bounce.bounceType is not Permanent, Transient or Undetermined.");
      return { kind: "event", event: { type: "Bounce", messageId, at, bounceType: bounceType as BounceType, bounceSubType: plainWord(details!.bounceSubType) } };
    }
    case "Complaint":
      return { kind: "event", event: { type: "Complaint", messageId, at, feedbackType: plainWord(details?.complaintFeedbackType) } };
    case "DeliveryDelay":
      return { kind: "event", event: { type: "DeliveryDelay", messageId, at, delayType: plainWord(details!.delayType) } };
    default:
      return { kind: "event", event: { type: handled as "Delivery" | "Reject" | "Rendering Failure", messageId, at } };
  }
}

export type DeliveryEventOutcome =
  /** At least one row (or the patient's email preference) changed. */
  | "applied"
  /** The rows already reflect this event or a later one (a duplicate, or out of order): nothing changed. */
  | "unchanged"
  /** No email delivery has this message id (not ours, or sent by another environment). */
  | "unknown-message";

export interface DeliveryEventResult {
  readonly outcome: DeliveryEventOutcome;
  /** Delivery rows changed. */
  readonly deliveries: number;
  /** Complaint: whether this event opted the patient out of email (false when already opted out). */
  readonly optedOut?: boolean;
  /** Complaint: the patient's pending email deliveries skipped because of it. */
  readonly skippedDeliveries?: number;
}

/** The detail a delivery row gets for an event (SES vocabulary only; never an address or a server's text). */
export function detailOf(event: DeliveryEvent | SmsDeliveryEvent): string | null {
  switch (event.type) {
    case "SmsDelivered":
      return null;
    case "SmsFailed":
      return `${event.permanent ? "undeliverable" : "not delivered"}: ${event.reason}`;
    case "Delivery":
      return null;
    case "Bounce":
      return `${event.bounceType.toLowerCase()} bounce${event.bounceSubType ? `: ${event.bounceSubType}` : ""}`;
    case "Complaint":
      return `complaint${event.feedbackType ? `: ${event.feedbackType}` : ""}; opted out of email`;
    case "Reject":
      return "rejected by SES (not sent)";
    case "Rendering Failure":
      return "SES could not render the message (not sent)";
    case "DeliveryDelay":
      return `delivery delayed${event.delayType ? `: ${event.delayType}` : ""}`;
  }
}

/**
 * The one UPDATE an event makes to the email rows with its message id. Each is guarded by the
 * statuses it may leave and, for detail-only updates, by status_at (the time of the event that
 * last changed the row), so a duplicate or an older event matches no row.
 */
async function updateRows(db: Pool | Connection, event: DeliveryEvent | SmsDeliveryEvent): Promise<number> {
  const detail = detailOf(event);
  const byMessage = `provider_message_id = ? AND channel = '${event.type === "SmsDelivered" || event.type === "SmsFailed" ? "sms" : "email"}'`;
  const moveTo = (to: string, from: readonly string[]): [string, unknown[]] => [
    `UPDATE deliveries SET status = ?, status_at = ?, status_detail = ? WHERE ${byMessage} AND status IN (?)`,
    [to, event.at, detail, event.messageId, from],
  ];
  // Not older than what the row holds, and not the same thing again.
  const newer = "(status_at IS NULL OR status_at < ? OR (status_at = ? AND NOT (status_detail <=> ?)))";
  // A soft bounce or a delay is news about a message still being tried: the status stays.
  const detailOnly = (): [string, unknown[]] => [
    `UPDATE deliveries SET status_at = ?, status_detail = ? WHERE ${byMessage} AND status IN ('sent', 'delivered') AND ${newer}`,
    [event.at, detail, event.messageId, event.at, event.at, detail],
  ];
  let sql: string;
  let values: unknown[];
  switch (event.type) {
    case "Delivery":
      [sql, values] = moveTo("delivered", ["sent"]);
      break;
    case "Reject":
    case "Rendering Failure":
      [sql, values] = moveTo("failed", ["sent"]);
      break;
    case "Bounce":
      // Permanent also from delivered: a receiving server may accept a message and bounce it later.
      [sql, values] = event.bounceType === "Permanent" ? moveTo("undeliverable", ["sent", "delivered"]) : detailOnly();
      break;
    case "DeliveryDelay":
      [sql, values] = detailOnly();
      break;
    case "SmsDelivered":
      [sql, values] = moveTo("delivered", ["sent", "failed", "undeliverable"]);
      break;
    case "SmsFailed":
      [sql, values] = event.permanent ? moveTo("undeliverable", ["sent", "failed"]) : moveTo("failed", ["sent"]);
      break;
    case "Complaint":
      // The recipient saw it, so it was delivered; a row already delivered gets the complaint as its detail.
      sql = `UPDATE deliveries SET status = 'delivered', status_at = ?, status_detail = ? WHERE ${byMessage} AND (status = 'sent' OR (status = 'delivered' AND ${newer}))`;
      values = [event.at, detail, event.messageId, event.at, event.at, detail];
      break;
  }
  const [result] = await db.query<ResultSetHeader>(sql, values);
  return result.affectedRows;
}

async function isKnown(pool: Pool, messageId: string, channel: "sms" | "email" = "email"): Promise<boolean> {
  const [rows] = await pool.query<RowDataPacket[]>("SELECT 1 FROM deliveries WHERE provider_message_id = ? AND channel = ? LIMIT 1", [messageId, channel]);
  return rows.length > 0;
}

export interface DeliveryEventDependencies {
  readonly pool: Pool;
  /** When an opt-out is recorded. @default () => new Date() */
  readonly now?: () => Date;
}

/** Applies one event to the email deliveries with its message id (see the module comment). Database errors propagate: the invocation fails and is retried. */
export async function applyDeliveryEvent(deps: DeliveryEventDependencies, event: DeliveryEvent): Promise<DeliveryEventResult> {
  if (event.type !== "Complaint") {
    const changed = await updateRows(deps.pool, event);
    if (changed > 0) return { outcome: "applied", deliveries: changed };
    return { outcome: (await isKnown(deps.pool, event.messageId)) ? "unchanged" : "unknown-message", deliveries: 0 };
  }
  const now = deps.now ?? (() => new Date());
  return inTransaction<DeliveryEventResult>(deps.pool, async (connection) => {
    const [owners] = await connection.query<RowDataPacket[]>(
      "SELECT DISTINCT i.patient_id AS patientId FROM deliveries d JOIN invitations i ON i.id = d.invitation_id WHERE d.provider_message_id = ? AND d.channel = 'email'",
      [event.messageId],
    );
    if (owners.length === 0) return { outcome: "unknown-message", deliveries: 0 };
    let optedOut = false;
    let skippedDeliveries = 0;
    for (const { patientId } of owners) {
      const result = await optOutPatient(connection, Number(patientId), ["email"], "complaint", now());
      optedOut ||= result.fresh.length > 0;
      skippedDeliveries += result.skippedDeliveries;
    }
    const changed = await updateRows(connection, event);
    const outcome = changed > 0 || optedOut || skippedDeliveries > 0 ? "applied" : "unchanged";
    return { outcome, deliveries: changed, optedOut, skippedDeliveries };
  });
}

// ---------------------------------------------------------------------------------------------
// The SNS event

/** The parts of an SNS-to-Lambda event this function reads. */
export interface SnsEvent {
  readonly Records?: readonly { readonly EventSource?: string; readonly Sns?: { readonly MessageId?: string; readonly Message?: string } }[];
}

export type RecordOutcome = DeliveryEventOutcome | "ignored" | "malformed";

/** What one SNS record did, for logs and metrics: ids, types and outcomes only. */
export interface RecordResult {
  /** SES events: the SNS notification's id; SMS: the SNS message id of the text message. */
  readonly snsMessageId?: string;
  /** SMS: the CloudWatch Logs event id of the status line. */
  readonly logEventId?: string;
  readonly outcome: RecordOutcome;
  readonly eventType?: string;
  readonly sesMessageId?: string;
  /** Malformed: what is wrong (never the body). */
  readonly reason?: string;
  readonly result?: DeliveryEventResult;
}

/**
 * Every record of an SNS event, in order. A malformed record is reported and dropped (a retry
 * cannot fix it); a database error rejects, so the invocation fails and Lambda retries it
 * (the records already applied are applied again harmlessly).
 */
export async function handleDeliveryNotifications(deps: DeliveryEventDependencies & { readonly log?: DeliveryEventLogger }, event: SnsEvent): Promise<RecordResult[]> {
  const log = deps.log ?? silentLogger;
  const records = Array.isArray(event?.Records) ? event.Records : [];
  if (records.length === 0) log.warn("SNS event without records; nothing to do", {});
  const results: RecordResult[] = [];
  for (const record of records) {
    const snsMessageId = typeof record?.Sns?.MessageId === "string" ? record.Sns.MessageId.slice(0, 100) : undefined;
    let parsed: ParsedNotification;
    try {
      parsed = parseDeliveryNotification(record?.Sns?.Message);
    } catch (error) {
      if (!(error instanceof MalformedDeliveryEventError)) throw error;
      log.error("malformed delivery event dropped", { snsMessageId, reason: error.message });
      results.push({ snsMessageId, outcome: "malformed", reason: error.message });
      continue;
    }
    if (parsed.kind === "ignored") {
      log.info("delivery event type not used; ignored", { snsMessageId, eventType: parsed.eventType });
      results.push({ snsMessageId, outcome: "ignored", eventType: parsed.eventType });
      continue;
    }
    const { type: eventType, messageId: sesMessageId } = parsed.event;
    const result = await applyDeliveryEvent(deps, parsed.event);
    const ids = { snsMessageId, eventType, sesMessageId, outcome: result.outcome };
    if (result.outcome === "unknown-message") log.warn("delivery event for a message id no delivery has; ignored", ids);
    else log.info("delivery event handled", { ...ids, deliveries: result.deliveries, ...(eventType === "Complaint" ? { optedOut: result.optedOut, skippedDeliveries: result.skippedDeliveries } : {}) });
    results.push({ snsMessageId, outcome: result.outcome, eventType, sesMessageId, result });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// SMS: SNS delivery status logs through a CloudWatch Logs subscription

/** SNS's providerResponse phrases for a FAILURE that no retry will change (the number cannot receive it). */
export const PERMANENT_SMS_FAILURES: readonly string[] = [
  "Invalid phone number",
  "Phone has blocked SMS",
  "Phone is on a blocked list",
  "Destination is on a blocked list",
  "Phone number is opted out",
];
/** The other documented FAILURE phrases (kept as the detail; anything else becomes "failed"). */
export const TRANSIENT_SMS_FAILURES: readonly string[] = [
  "Unknown error attempting to reach phone",
  "Phone carrier has blocked this message",
  "Phone carrier is currently unreachable/unavailable",
  "Phone is currently unreachable/unavailable",
  "Blocked as spam by phone carrier",
  "Message body is invalid",
  "This delivery would exceed max price",
  "Unknown error",
];

/** The CloudWatch Logs subscription event a function receives: `awslogs.data` is base64 of the gzipped payload. */
export interface CloudWatchLogsEvent {
  readonly awslogs?: { readonly data?: string };
}

/** The decoded payload of a CloudWatch Logs subscription delivery. */
export interface CloudWatchLogsPayload {
  readonly messageType: string;
  readonly logGroup?: string;
  readonly logEvents: readonly { readonly id?: string; readonly timestamp?: number; readonly message?: string }[];
}

/** Decodes `awslogs.data` (base64, gzip, JSON); a MalformedDeliveryEventError says what is wrong. */
export function decodeLogsEvent(event: CloudWatchLogsEvent, gunzip: (data: Buffer) => Buffer): CloudWatchLogsPayload {
  const data = event?.awslogs?.data;
  if (typeof data !== "string" || data === "") throw new MalformedDeliveryEventError("the CloudWatch Logs event has no awslogs.data.");
  let payload: unknown;
  try {
    payload = JSON.parse(gunzip(Buffer.from(data, "base64")).toString("utf8"));
  } catch {
    throw new MalformedDeliveryEventError("awslogs.data is not base64 of gzipped JSON.");
  }
  const object = objectOr(payload);
  if (!object || typeof object.messageType !== "string" || !Array.isArray(object.logEvents)) throw new MalformedDeliveryEventError("the CloudWatch Logs payload has no messageType and logEvents.");
  return object as unknown as CloudWatchLogsPayload;
}

/**
 * One SNS SMS delivery status line (the log event's message) into an SmsDeliveryEvent. `at`
 * is when CloudWatch Logs recorded the line (the log event's timestamp, milliseconds).
 */
export function parseSmsDeliveryLog(message: unknown, loggedAt: unknown): SmsDeliveryEvent {
  let value: unknown;
  try {
    value = JSON.parse(typeof message === "string" ? message : "");
  } catch {
    throw new MalformedDeliveryEventError("the log line is not JSON; expected an SNS SMS delivery status ({\"notification\": {\"messageId\": ...}, \"status\": ...}).");
  }
  const line = objectOr(value);
  const messageId = objectOr(line?.notification)?.messageId;
  if (typeof messageId !== "string" || !MESSAGE_ID.test(messageId)) throw new MalformedDeliveryEventError("the SMS delivery status has no valid notification.messageId.");
  if (typeof loggedAt !== "number" || !Number.isFinite(loggedAt) || loggedAt <= 0) throw new MalformedDeliveryEventError("the log event has no timestamp.");
  const at = new Date(loggedAt);
  const status = line!.status;
  if (status === "SUCCESS") return { type: "SmsDelivered", messageId, at };
  if (status !== "FAILURE") throw new MalformedDeliveryEventError(`the SMS delivery status is neither SUCCESS nor FAILURE.`);
  const response = objectOr(line!.delivery)?.providerResponse;
  const permanent = typeof response === "string" && PERMANENT_SMS_FAILURES.includes(response);
  const known = permanent || (typeof response === "string" && TRANSIENT_SMS_FAILURES.includes(response));
  return { type: "SmsFailed", messageId, at, permanent, reason: known ? (response as string) : "failed" };
}

/** Applies one SMS delivery status to the sms deliveries with its message id. Database errors propagate. */
export async function applySmsDeliveryEvent(deps: DeliveryEventDependencies, event: SmsDeliveryEvent): Promise<DeliveryEventResult> {
  const changed = await updateRows(deps.pool, event);
  if (changed > 0) return { outcome: "applied", deliveries: changed };
  return { outcome: (await isKnown(deps.pool, event.messageId, "sms")) ? "unchanged" : "unknown-message", deliveries: 0 };
}

/**
 * Every log event of a CloudWatch Logs subscription delivery, in order (results carry the log
 * event id as `snsMessageId`'s counterpart `logEventId`). A control message (CloudWatch Logs'
 * check that the destination is reachable) is acknowledged; malformed data or lines are
 * reported and dropped; a database error rejects, so Lambda retries the whole delivery.
 * SMS sent by anything else in the account (Cognito's codes, say) are unknown ids, reported at
 * info level: they are expected here.
 */
export async function handleSmsDeliveryLogs(
  deps: DeliveryEventDependencies & { readonly log?: DeliveryEventLogger; readonly gunzip: (data: Buffer) => Buffer },
  event: CloudWatchLogsEvent,
): Promise<RecordResult[]> {
  const log = deps.log ?? silentLogger;
  let payload: CloudWatchLogsPayload;
  try {
    payload = decodeLogsEvent(event, deps.gunzip);
  } catch (error) {
    if (!(error instanceof MalformedDeliveryEventError)) throw error;
    log.error("malformed SMS delivery log delivery dropped", { reason: error.message });
    return [{ outcome: "malformed", reason: error.message }];
  }
  if (payload.messageType !== "DATA_MESSAGE") {
    log.info("CloudWatch Logs control message; nothing to do", { messageType: payload.messageType.slice(0, 40) });
    return [{ outcome: "ignored", eventType: payload.messageType.slice(0, 40) }];
  }
  const results: RecordResult[] = [];
  for (const logEvent of payload.logEvents) {
    const logEventId = typeof logEvent?.id === "string" ? logEvent.id.slice(0, 100) : undefined;
    let parsed: SmsDeliveryEvent;
    try {
      parsed = parseSmsDeliveryLog(logEvent?.message, logEvent?.timestamp);
    } catch (error) {
      if (!(error instanceof MalformedDeliveryEventError)) throw error;
      log.error("malformed SMS delivery status dropped", { logEventId, reason: error.message });
      results.push({ logEventId, outcome: "malformed", reason: error.message });
      continue;
    }
    const result = await applySmsDeliveryEvent(deps, parsed);
    const ids = { logEventId, eventType: parsed.type, snsMessageId: parsed.messageId, outcome: result.outcome };
    log.info(result.outcome === "unknown-message" ? "SMS delivery status for a message no delivery has (another sender in the account); ignored" : "SMS delivery status handled", { ...ids, deliveries: result.deliveries });
    results.push({ logEventId, outcome: result.outcome, eventType: parsed.type, snsMessageId: parsed.messageId, result });
  }
  return results;
}
