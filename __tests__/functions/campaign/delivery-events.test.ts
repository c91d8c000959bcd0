/**
 * SES delivery events (through SNS) against the real MariaDB, on emails the send worker really
 * sent through moto: each event type, duplicates, every arrival order, unknown message ids,
 * malformed records, a database failure, and a complaint's opt-out seen by the next sends.
 */
import type { Pool, RowDataPacket } from "mysql2/promise";
import {
  applyDeliveryEvent, DeliveryEventLogger, handleDeliveryNotifications, MalformedDeliveryEventError, parseDeliveryNotification, RecordResult, SnsEvent,
} from "../../../functions/campaign/delivery-events";
import { InMemorySendQueue, planCampaign, sendInvitation, SendRequest } from "../../../functions/campaign/dispatch";
import { runReminders } from "../../../functions/campaign/remind";
import { createDeliveryEventsHandler } from "../../../functions/campaign-delivery-events/handler";
import { createCampaign, seedPatients, sendDependencies, verifyEmailSource } from "../../support/dispatch-fixtures";
import { createTestDatabase, localServices, TestDatabase } from "../../support/local-services";

const DAY = 86_400_000;
const MINUTE = 60_000;
const T0 = new Date("2026-10-05T09:00:00Z").getTime();
const at = (days: number) => () => new Date(T0 + days * DAY);
/** Sends happen at day 0.1; events come minutes to hours later. */
const SENT_AT = at(0.1)();
const after = (minutes: number) => new Date(SENT_AT.getTime() + minutes * MINUTE);

const REFS = ["delivered", "hard-bounce", "late-bounce", "soft", "complains", "complained-before", "rejected", "unrendered", "orders", "malformed", "replayed", "entry"];
const emailOf = (ref: string) => `${ref}@patients.example.org`;

let db: TestDatabase;
let moto: string;
let ids: Map<string, number>;
let campaignId: number;
/** Round 0's send request by patient ref. */
const requests = new Map<string, SendRequest>();
/** SES message id of each patient's round-0 email. */
const messageIds = new Map<string, string>();
const logged: { level: string; message: string; extra: Record<string, unknown> }[] = [];
const log: DeliveryEventLogger = {
  info: (message, extra) => logged.push({ level: "info", message, extra }),
  warn: (message, extra) => logged.push({ level: "warn", message, extra }),
  error: (message, extra) => logged.push({ level: "error", message, extra }),
};

beforeAll(async () => {
  db = await createTestDatabase("delivery_events");
  moto = (await localServices()).awsEndpoint;
  await verifyEmailSource(moto);
  ids = await seedPatients(db.admin, REFS.map((ref, i) => ({ ref, phone: `+4477009670${String(i + 10)}`, email: emailOf(ref) })));
  campaignId = await createCampaign(db.admin, { reminderIntervalDays: 7, maxReminders: 2, tokenTtlDays: 14 });
  const queue = new InMemorySendQueue();
  await planCampaign({ pool: db.as("campaign-plan"), queue, now: at(0) }, campaignId);
  const refOf = new Map([...ids].map(([ref, id]) => [id, ref]));
  const [invitations] = await db.admin.query<RowDataPacket[]>("SELECT id, patient_id FROM invitations");
  const refOfInvitation = new Map(invitations.map((r) => [Number(r.id), refOf.get(Number(r.patient_id))!]));
  for (const request of queue.take()) requests.set(refOfInvitation.get(request.invitationId)!, request);
  const deps = sendDependencies(db.as("campaign-send"), moto, { now: at(0.1) });
  for (const [ref, request] of requests) {
    expect((await sendInvitation(deps, request)).outcomes).toEqual({ sms: "sent", email: "sent" });
    const [[row]] = await db.admin.query<RowDataPacket[]>("SELECT provider_message_id FROM deliveries WHERE invitation_id = ? AND channel = 'email'", [request.invitationId]);
    messageIds.set(ref, row.provider_message_id);
  }
});
afterAll(async () => db?.drop());

// ---------------------------------------------------------------------------------------------
// Events as SES publishes them to SNS (docs: "Contents of event data that Amazon SES publishes
// to Amazon SNS"), recipient addresses included, so the tests can see they are never kept.

function mailOf(ref: string, messageId = messageIds.get(ref)!) {
  return {
    timestamp: SENT_AT.toISOString(),
    source: "invitations@riverside.example.org",
    sourceArn: "arn:aws:ses:eu-west-2:111111111111:identity/riverside.example.org",
    sendingAccountId: "111111111111",
    messageId,
    destination: [emailOf(ref)],
    headersTruncated: false,
    tags: { "ses:configuration-set": ["medicare-campaign"] },
  };
}

type Ses = Record<string, unknown>;
const delivery = (ref: string, minutes: number): Ses => ({
  eventType: "Delivery",
  mail: mailOf(ref),
  delivery: { timestamp: after(minutes).toISOString(), processingTimeMillis: 546, recipients: [emailOf(ref)], smtpResponse: "250 2.6.0 Message received", reportingMTA: "a8-70.smtp-out.amazonses.com" },
});
const bounce = (ref: string, minutes: number, bounceType: string, bounceSubType: string): Ses => ({
  eventType: "Bounce",
  mail: mailOf(ref),
  bounce: {
    bounceType,
    bounceSubType,
    bouncedRecipients: [{ emailAddress: emailOf(ref), action: "failed", status: "5.1.1", diagnosticCode: `smtp; 550 5.1.1 user unknown <${emailOf(ref)}>` }],
    timestamp: after(minutes).toISOString(),
    feedbackId: "0102017abcdef-feedback-000000",
    reportingMTA: "dsn; e242-8.smtp-out.amazonses.com",
  },
});
const complaint = (ref: string, minutes: number, complaintFeedbackType?: string): Ses => ({
  eventType: "Complaint",
  mail: mailOf(ref),
  complaint: {
    feedbackId: "0102017abcdef-complaint-000000",
    complaintSubType: null,
    complainedRecipients: [{ emailAddress: emailOf(ref) }],
    timestamp: after(minutes).toISOString(),
    userAgent: "Mozilla/5.0",
    ...(complaintFeedbackType ? { complaintFeedbackType } : {}),
    arrivalDate: after(minutes).toISOString(),
  },
});
const delay = (ref: string, minutes: number, delayType = "MailboxFull"): Ses => ({
  eventType: "DeliveryDelay",
  mail: mailOf(ref),
  deliveryDelay: {
    timestamp: after(minutes).toISOString(),
    delayType,
    expirationTime: after(minutes + 600).toISOString(),
    delayedRecipients: [{ emailAddress: emailOf(ref), status: "4.2.2", diagnosticCode: `smtp; 452 4.2.2 The email account <${emailOf(ref)}> is over quota` }],
  },
});
const reject = (ref: string): Ses => ({ eventType: "Reject", mail: mailOf(ref), reject: { reason: "Bad content" } });
const renderingFailure = (ref: string): Ses => ({
  eventType: "Rendering Failure",
  mail: mailOf(ref),
  failure: { errorMessage: "Attribute 'name' is not present in the rendering data.", templateName: "invitation" },
});

let snsSequence = 0;
/** An SNS-to-Lambda event with one record per message (a string is used as the body as it is). */
function sns(...messages: (Ses | string)[]): SnsEvent {
  return {
    Records: messages.map((message) => ({
      EventSource: "aws:sns",
      EventVersion: "1.0",
      EventSubscriptionArn: "arn:aws:sns:eu-west-2:111111111111:medicare-dev-ses-events:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
      Sns: {
        Type: "Notification",
        MessageId: `95df01b4-ee98-5cb9-9903-4c221d41eb5e-${++snsSequence}`,
        TopicArn: "arn:aws:sns:eu-west-2:111111111111:medicare-dev-ses-events",
        Subject: null,
        Message: typeof message === "string" ? message : JSON.stringify(message),
        Timestamp: new Date(T0).toISOString(),
        SignatureVersion: "1",
        Signature: "EXAMPLE",
        SigningCertUrl: "https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
        UnsubscribeUrl: "https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe",
        MessageAttributes: {},
      },
    })),
  } as SnsEvent;
}

const deliver = (...messages: (Ses | string)[]): Promise<RecordResult[]> => handleDeliveryNotifications({ pool: db.as("campaign-delivery-events"), now: at(1), log }, sns(...messages));

interface EmailRow {
  status: string;
  status_at: number | null;
  status_detail: string | null;
}
async function email(ref: string, round = 0): Promise<EmailRow> {
  const [[row]] = await db.admin.query<RowDataPacket[]>("SELECT status, status_at, status_detail FROM deliveries WHERE invitation_id = ? AND round = ? AND channel = 'email'", [requests.get(ref)!.invitationId, round]);
  return { status: row.status, status_at: row.status_at === null ? null : (row.status_at as Date).getTime(), status_detail: row.status_detail };
}
const row = (status: string, minutes: number | null, status_detail: string | null = null): EmailRow => ({ status, status_at: minutes === null ? SENT_AT.getTime() : after(minutes).getTime(), status_detail });
async function everything(): Promise<unknown> {
  const state: Record<string, unknown> = {};
  for (const table of ["contact_preferences", "deliveries", "invitations"]) {
    const [rows] = await db.admin.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
    state[table] = rows;
  }
  return state;
}
const outcomes = (results: RecordResult[]) => results.map((r) => r.outcome);

describe("each event type", () => {
  test("Delivery: sent -> delivered at the event's time; the SMS of the same invitation is untouched", async () => {
    expect(outcomes(await deliver(delivery("delivered", 1)))).toEqual(["applied"]);
    expect(await email("delivered")).toEqual(row("delivered", 1));
    const [[sms]] = await db.admin.query<RowDataPacket[]>("SELECT status FROM deliveries WHERE invitation_id = ? AND channel = 'sms'", [requests.get("delivered")!.invitationId]);
    expect(sms.status).toBe("sent");
  });

  test("a Permanent bounce: sent -> undeliverable with the subtype as detail, never the address", async () => {
    expect(outcomes(await deliver(bounce("hard-bounce", 2, "Permanent", "NoEmail")))).toEqual(["applied"]);
    expect(await email("hard-bounce")).toEqual(row("undeliverable", 2, "permanent bounce: NoEmail"));
  });

  test("a Permanent bounce after delivery (the receiving server bounced it later): delivered -> undeliverable", async () => {
    await deliver(delivery("late-bounce", 1));
    expect(outcomes(await deliver(bounce("late-bounce", 30, "Permanent", "General")))).toEqual(["applied"]);
    expect(await email("late-bounce")).toEqual(row("undeliverable", 30, "permanent bounce: General"));
  });

  test("Transient and Undetermined bounces and delays keep the status and update detail and time", async () => {
    expect(outcomes(await deliver(delay("soft", 5, "MailboxFull")))).toEqual(["applied"]);
    expect(await email("soft")).toEqual(row("sent", 5, "delivery delayed: MailboxFull"));
    expect(outcomes(await deliver(bounce("soft", 60, "Transient", "MailboxFull")))).toEqual(["applied"]);
    expect(await email("soft")).toEqual(row("sent", 60, "transient bounce: MailboxFull"));
    expect(outcomes(await deliver(bounce("soft", 61, "Undetermined", "Undetermined")))).toEqual(["applied"]);
    expect(await email("soft")).toEqual(row("sent", 61, "undetermined bounce: Undetermined"));
    // An older delay arriving late does not overwrite newer news.
    expect(outcomes(await deliver(delay("soft", 30, "TransientCommunicationFailure")))).toEqual(["unchanged"]);
    expect(await email("soft")).toEqual(row("sent", 61, "undetermined bounce: Undetermined"));
  });

  test("Reject and Rendering Failure: sent -> failed (SES sent nothing); the failure's own text is not kept", async () => {
    expect(outcomes(await deliver(reject("rejected"), renderingFailure("unrendered")))).toEqual(["applied", "applied"]);
    expect(await email("rejected")).toEqual(row("failed", null, "rejected by SES (not sent)"));
    expect(await email("unrendered")).toEqual(row("failed", null, "SES could not render the message (not sent)"));
    // Nothing later moves a failed message.
    expect(outcomes(await deliver(delivery("rejected", 3), bounce("unrendered", 3, "Permanent", "General")))).toEqual(["unchanged", "unchanged"]);
    expect((await email("rejected")).status).toBe("failed");
  });
});

describe("complaints", () => {
  test("a complaint opts the patient out of email (source 'complaint'), marks the delivery, and the next sends skip email", async () => {
    const patientId = ids.get("complains")!;
    // Another running campaign has already planned this patient's next email: still pending.
    const other = await createCampaign(db.admin, { reminderIntervalDays: 7, maxReminders: 2, tokenTtlDays: 14 });
    const queue = new InMemorySendQueue();
    await planCampaign({ pool: db.as("campaign-plan"), queue, now: at(0.5) }, other);
    const otherRequest = await otherCampaignRequest(other, queue, patientId);

    const results = await deliver(complaint("complains", 90, "abuse"));
    expect(outcomes(results)).toEqual(["applied"]);
    expect(results[0].result).toEqual({ outcome: "applied", deliveries: 1, optedOut: true, skippedDeliveries: 1 });
    const [prefs] = await db.admin.query<RowDataPacket[]>("SELECT channel, opt_out_source, opted_out_at FROM contact_preferences WHERE patient_id = ?", [patientId]);
    expect(prefs.map((p) => ({ ...p }))).toEqual([{ channel: "email", opt_out_source: "complaint", opted_out_at: at(1)() }]);
    // A complaint proves the message arrived.
    expect(await email("complains")).toEqual(row("delivered", 90, "complaint: abuse; opted out of email"));

    // The other campaign's planned email is not sent; its SMS is.
    expect((await sendInvitation(sendDependencies(db.as("campaign-send"), moto, { now: at(1) }), otherRequest)).outcomes).toEqual({ sms: "sent" });
    const [[skipped]] = await db.admin.query<RowDataPacket[]>("SELECT status FROM deliveries WHERE invitation_id = ? AND channel = 'email'", [otherRequest.invitationId]);
    expect(skipped.status).toBe("skipped_opted_out");

    // The weekly reminder of the first campaign: email skipped at planning, SMS sent.
    const reminders = new InMemorySendQueue();
    await runReminders({ pool: db.as("campaign-remind"), queue: reminders, now: at(8) });
    const reminder = reminders.take().find((r) => r.invitationId === requests.get("complains")!.invitationId)!;
    expect(reminder.round).toBe(1);
    expect((await email("complains", 1)).status).toBe("skipped_opted_out");
    expect((await sendInvitation(sendDependencies(db.as("campaign-send"), moto, { now: at(8) }), reminder)).outcomes).toEqual({ sms: "sent" });
  });

  test("a complaint from a patient who had opted out already keeps the earlier opt-out's time and source", async () => {
    const patientId = ids.get("complained-before")!;
    await db.admin.query("INSERT INTO contact_preferences (patient_id, channel, opted_out_at, opt_out_source) VALUES (?, 'email', ?, 'patient')", [patientId, at(0.2)()]);
    await deliver(delivery("complained-before", 1));
    // The opt-out was written straight into the table, so the other campaign's email and the
    // reminder were left pending: the complaint skips them, as the opt-out link would.
    const pendingEmails = async () => {
      const [[{ n }]] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM deliveries d JOIN invitations i ON i.id = d.invitation_id WHERE i.patient_id = ? AND d.channel = 'email' AND d.status = 'pending'", [patientId]);
      return Number(n);
    };
    const pending = await pendingEmails();
    expect(pending).toBeGreaterThan(0);
    const results = await deliver(complaint("complained-before", 120));
    expect(results[0].result).toEqual({ outcome: "applied", deliveries: 1, optedOut: false, skippedDeliveries: pending });
    expect(await pendingEmails()).toBe(0);
    const [prefs] = await db.admin.query<RowDataPacket[]>("SELECT opt_out_source, opted_out_at FROM contact_preferences WHERE patient_id = ? AND channel = 'email'", [patientId]);
    expect(prefs.map((p) => ({ ...p }))).toEqual([{ opt_out_source: "patient", opted_out_at: at(0.2)() }]);
    expect(await email("complained-before")).toEqual(row("delivered", 120, "complaint; opted out of email"));
  });
});

/** The send request of `patientId`'s invitation in campaign `campaignId` (planned into `queue`). */
async function otherCampaignRequest(campaign: number, queue: InMemorySendQueue, patientId: number): Promise<SendRequest> {
  const [[invitation]] = await db.admin.query<RowDataPacket[]>("SELECT id FROM invitations WHERE campaign_id = ? AND patient_id = ?", [campaign, patientId]);
  const request = queue.requests.find((r) => r.invitationId === Number(invitation.id));
  if (!request) throw new Error(`no request for patient ${patientId} in campaign ${campaign}`);
  return request;
}

describe("at least once, in any order", () => {
  test("every event delivered twice changes nothing the second time", async () => {
    const events = [delay("replayed", 0.5), delivery("replayed", 1), bounce("replayed", 40, "Transient", "General"), complaint("replayed", 50, "abuse"), bounce("replayed", 60, "Permanent", "Suppressed")];
    for (const event of events) {
      expect(outcomes(await deliver(event))).toEqual(["applied"]);
      const before = await everything();
      expect(outcomes(await deliver(event))).toEqual(["unchanged"]);
      expect(await everything()).toEqual(before);
    }
    expect(await email("replayed")).toEqual(row("undeliverable", 60, "permanent bounce: Suppressed"));
  });

  test("any arrival order of a delay, the delivery and a later permanent bounce ends in the same row", async () => {
    const events = { delay: delay("orders", 1, "General"), delivery: delivery("orders", 2), bounce: bounce("orders", 3, "Permanent", "General") };
    const orders = permutations(Object.keys(events) as (keyof typeof events)[]);
    expect(orders).toHaveLength(6);
    for (const order of orders) {
      await db.admin.query("UPDATE deliveries SET status = 'sent', status_at = sent_at, status_detail = NULL WHERE provider_message_id = ?", [messageIds.get("orders")]);
      for (const name of order) await deliver(events[name]);
      expect([order, await email("orders")]).toEqual([order, row("undeliverable", 3, "permanent bounce: General")]);
    }
  });

  test("a late Delivery after a Permanent bounce leaves it undeliverable; a delay older than the delivery is ignored", async () => {
    await db.admin.query("UPDATE deliveries SET status = 'sent', status_at = sent_at, status_detail = NULL WHERE provider_message_id = ?", [messageIds.get("orders")]);
    await deliver(delivery("orders", 10));
    expect(outcomes(await deliver(delay("orders", 5)))).toEqual(["unchanged"]);
    expect(await email("orders")).toEqual(row("delivered", 10));
    await deliver(bounce("orders", 20, "Permanent", "General"));
    expect(outcomes(await deliver(delivery("orders", 10)))).toEqual(["unchanged"]);
    expect(await email("orders")).toEqual(row("undeliverable", 20, "permanent bounce: General"));
  });
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe("what is not ours", () => {
  test("an unknown message id is reported (id only) and changes nothing; an SMS's id is not an email's", async () => {
    const before = await everything();
    const [[sms]] = await db.admin.query<RowDataPacket[]>("SELECT provider_message_id FROM deliveries WHERE channel = 'sms' AND provider_message_id IS NOT NULL LIMIT 1");
    logged.length = 0;
    const results = await deliver(
      { ...delivery("malformed", 1), mail: mailOf("malformed", "0102019a-not-one-of-ours-000000") },
      { ...complaint("malformed", 1), mail: mailOf("malformed", sms.provider_message_id) },
    );
    expect(outcomes(results)).toEqual(["unknown-message", "unknown-message"]);
    expect(logged.map((l) => [l.level, l.extra])).toEqual([
      ["warn", { snsMessageId: expect.any(String), eventType: "Delivery", sesMessageId: "0102019a-not-one-of-ours-000000", outcome: "unknown-message" }],
      ["warn", { snsMessageId: expect.any(String), eventType: "Complaint", sesMessageId: sms.provider_message_id, outcome: "unknown-message" }],
    ]);
    expect(await everything()).toEqual(before);
  });

  test("malformed records are logged without their body and dropped; the rest of the batch is applied", async () => {
    const before = await everything();
    logged.length = 0;
    const malformed: (Ses | string)[] = [
      `not json ${emailOf("malformed")}`,
      JSON.stringify([emailOf("malformed")]),
      { mail: mailOf("malformed") },
      { eventType: "Bounced", mail: mailOf("malformed") },
      { ...delivery("malformed", 1), mail: { ...mailOf("malformed"), messageId: "" } },
      { ...delivery("malformed", 1), mail: { ...mailOf("malformed"), messageId: `has space ${emailOf("malformed")}` } },
      { eventType: "Bounce", mail: mailOf("malformed") },
      { ...bounce("malformed", 1, "Soft", "General") },
      { eventType: "Delivery", mail: { ...mailOf("malformed"), timestamp: "yesterday" }, delivery: { timestamp: "soon" } },
    ];
    const results = await deliver(...malformed, { eventType: "Open", mail: mailOf("malformed"), open: { ipAddress: "192.0.2.1", timestamp: after(3).toISOString(), userAgent: "x" } }, delivery("malformed", 3));
    expect(outcomes(results)).toEqual([...malformed.map(() => "malformed"), "ignored", "applied"]);
    expect(results.map((r) => r.reason).slice(0, malformed.length)).toEqual([
      expect.stringMatching(/^the SNS message is not JSON/),
      expect.stringMatching(/^the SNS message is not a JSON object/),
      "the SES event has no eventType.",
      expect.stringMatching(/^the SES event type is not one SES publishes/),
      "the Delivery event has no valid mail.messageId.",
      "the Delivery event has no valid mail.messageId.",
      "the Bounce event has no bounce object.",
      "the Bounce event's bounce.bounceType is not Permanent, Transient or Undetermined.",
      expect.stringMatching(/^the Delivery event has no valid timestamp/),
    ]);
    expect(await email("malformed")).toEqual(row("delivered", 3));
    await db.admin.query("UPDATE deliveries SET status = 'sent', status_at = sent_at WHERE provider_message_id = ?", [messageIds.get("malformed")]);
    expect(await everything()).toEqual(before);
    expect(logged.filter((l) => l.level === "error")).toHaveLength(malformed.length);
    expect(JSON.stringify(logged)).not.toContain("@patients.example.org");
    // A missing message body, or no records at all, is no crash either.
    expect(outcomes(await deliver(undefined as unknown as string))).toEqual(["malformed"]);
    expect(await handleDeliveryNotifications({ pool: db.as("campaign-delivery-events") }, {} as SnsEvent)).toEqual([]);
  });

  test("parseDeliveryNotification accepts identity notifications (notificationType) as well", () => {
    const parsed = parseDeliveryNotification(JSON.stringify({ notificationType: "Bounce", mail: mailOf("malformed", "abc-1"), bounce: { bounceType: "Permanent", bounceSubType: "<script>", timestamp: after(1).toISOString() } }));
    expect(parsed).toEqual({ kind: "event", event: { type: "Bounce", messageId: "abc-1", at: after(1), bounceType: "Permanent", bounceSubType: undefined } });
    expect(() => parseDeliveryNotification("{}")).toThrow(MalformedDeliveryEventError);
  });
});

describe("nothing about the recipient is kept or logged", () => {
  test("no detail or log line holds an address or a server's diagnostic text", async () => {
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT status_detail FROM deliveries WHERE status_detail IS NOT NULL");
    const details = rows.map((r) => r.status_detail as string);
    expect(details.length).toBeGreaterThan(5);
    for (const detail of details) {
      expect(detail).not.toMatch(/@|smtp|5\.1\.1|quota|Bad content|rendering data/);
    }
    expect(JSON.stringify(logged)).not.toMatch(/@patients\.example\.org|smtp;/);
  });
});

describe("the Lambda handler", () => {
  test("a database failure rejects the invocation (SNS and Lambda retry it)", async () => {
    const broken = { query: () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })), getConnection: () => Promise.reject(new Error("connect ECONNREFUSED")) } as unknown as Pool;
    const failing = createDeliveryEventsHandler({ pool: broken });
    await expect(failing(sns(delivery("entry", 1)))).rejects.toThrow(/ECONNREFUSED/);
    await expect(failing(sns(complaint("entry", 1)))).rejects.toThrow(/ECONNREFUSED/);
    await expect(applyDeliveryEvent({ pool: broken }, { type: "Reject", messageId: "x", at: after(1) })).rejects.toThrow(/ECONNREFUSED/);
  });

  test("the entry reads DB_* at the first event and applies the event", async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        ...db.environmentAs("campaign-delivery-events"),
        POWERTOOLS_METRICS_DISABLED: "true", POWERTOOLS_LOG_LEVEL: "SILENT",
      });
      let entry: (event: SnsEvent) => Promise<void> = async () => Promise.reject(new Error("not loaded"));
      let pool: () => Pool | undefined = () => undefined;
      jest.isolateModules(() => {
        const module = require("../../../functions/campaign-delivery-events/handler");
        entry = module.handler;
        pool = module.databasePool;
      });
      try {
        await entry(sns(delivery("entry", 4), "not json"));
        expect(await email("entry")).toEqual(row("delivered", 4));
      } finally {
        await pool()?.end();
      }
    } finally {
      process.env = saved;
    }
  });
});
