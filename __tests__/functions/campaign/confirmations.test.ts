/**
 * Booking confirmations end to end against MariaDB and moto: the patient pages (campaign-web's
 * handler) book, change and cancel; the confirmation row commits with the booking; the page
 * enqueues it on a real SQS queue; the send worker (send-worker.ts sendQueued, as the Lambda
 * runs it) claims it and sends through SNS and SES on moto. Every SNS Publish and SES SendEmail
 * the worker makes is recorded (SDK middleware), so "exactly one message" is counted at the
 * provider's door, not read back from our own rows.
 */
import { SNSClient } from "@aws-sdk/client-sns";
import { SESClient } from "@aws-sdk/client-ses";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { RowDataPacket } from "mysql2/promise";
import { bookSlot, inTransaction } from "../../../functions/campaign/booking";
import { campaignSpend } from "../../../functions/campaign/cost";
import { enqueueConfirmations, recordConfirmation, sweepUnqueuedConfirmations } from "../../../functions/campaign/confirmations";
import { applyDeliveryEvent, applySmsDeliveryEvent } from "../../../functions/campaign/delivery-events";
import { InMemorySendQueue, RetryLaterError, sendRequestsFromSqs, SqsSendQueue } from "../../../functions/campaign/dispatch";
import { recordOptOut } from "../../../functions/campaign/opt-out";
import type { Practice } from "../../../functions/campaign/pages";
import { inspectToken, redeemToken } from "../../../functions/campaign/redeem";
import { buildCampaignReport, renderReportHtml } from "../../../functions/campaign/report";
import { sendConfirmation, sendQueued } from "../../../functions/campaign/send-worker";
import { hashToken, mintToken, optOutCodeOf } from "../../../functions/campaign/tokens";
import { createWebHandler, HttpApiResult } from "../../../functions/campaign-web/handler";
import type { ApiGatewayEvent, HttpApiV2Event } from "../../../functions/lib/http-event";
import { awsClientConfig, createCampaign, createSendQueue, sendDependencies, verifyEmailSource } from "../../support/dispatch-fixtures";
import { createTestDatabase, insertId, localServices, TestDatabase } from "../../support/local-services";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const clock = () => NOW;
const practice: Practice = { name: "Riverside Surgery", phone: "020 7946 0000", timeZone: "Europe/London" };
// 09:30 UTC on Tuesday 6 October is 10:30am in London (BST); 13:15 UTC on the 8th is 2:15pm.
const TUESDAY = new Date("2026-10-06T09:30:00.000Z");
const THURSDAY = new Date("2026-10-08T13:15:00.000Z");

interface Sent {
  readonly channel: "sms" | "email";
  readonly to: string;
  readonly text: string;
  readonly subject?: string;
}

let db: TestDatabase;
let moto: string;
let sqs: SQSClient;
let queueUrl: string;
let campaignId: number;
let hillside: number;
let riverside: number;
let handle: (event: ApiGatewayEvent) => Promise<HttpApiResult>;
const sent: Sent[] = [];
let deps: ReturnType<typeof sendDependencies>;
let patients = 0;

/** Records every Publish and SendEmail the client is asked to make, then lets it go to moto. */
function recording<T extends SNSClient | SESClient>(client: T): T {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, any>;
      if (context.commandName === "PublishCommand") sent.push({ channel: "sms", to: input.PhoneNumber, text: input.Message });
      if (context.commandName === "SendEmailCommand") sent.push({ channel: "email", to: input.Destination.ToAddresses[0], text: input.Message.Body.Text.Data, subject: input.Message.Subject.Data });
      return next(args);
    },
    { step: "initialize", name: "recordSends" },
  );
  return client;
}

beforeAll(async () => {
  db = await createTestDatabase("confirmations");
  moto = (await localServices()).awsEndpoint;
  await verifyEmailSource(moto);
  queueUrl = await createSendQueue(moto, `confirmations-${Date.now()}`, 5);
  sqs = new SQSClient({ ...awsClientConfig(moto), maxAttempts: 3 });
  campaignId = await createCampaign(db.admin, { name: "flu", status: "running" });
  hillside = await insertId(db.admin, "INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity) VALUES (?, 'Hillside Clinic', ?, 50)", [campaignId, TUESDAY]);
  riverside = await insertId(db.admin, "INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity) VALUES (?, 'Riverside Surgery', ?, 50)", [campaignId, THURSDAY]);
  const base = sendDependencies(db.as("campaign-send"), moto, { now: clock });
  deps = { ...base, sns: recording(base.sns), ses: recording(base.ses) };
  handle = createWebHandler({ db: db.as("campaign-web"), practice, now: clock, confirmationQueue: new SqsSendQueue(sqs, queueUrl) });
});
afterAll(async () => db?.drop());

/** A patient with an invitation and a live link, who opened it: their ids, link and booking session. */
async function patient(contact: { phone?: string; email?: string; optedOut?: ("sms" | "email")[] }) {
  patients++;
  const patientId = await insertId(db.admin, "INSERT INTO patients (external_ref, given_name, family_name, phone_e164, email) VALUES (?, 'Test', 'Patient', ?, ?)", [
    `C${patients}`, contact.phone ?? null, contact.email ?? null,
  ]);
  for (const channel of contact.optedOut ?? []) await db.admin.query("INSERT INTO contact_preferences (patient_id, channel, opted_out_at, opt_out_source) VALUES (?, ?, ?, 'patient')", [patientId, channel, NOW]);
  const invitationId = await insertId(db.admin, "INSERT INTO invitations (campaign_id, patient_id) VALUES (?, ?)", [campaignId, patientId]);
  const { token, hash } = mintToken();
  await db.admin.query("INSERT INTO invitation_tokens (token_hash, opt_out_hash, invitation_id, round, expires_at) VALUES (?, ?, ?, 0, ?)", [hash, hashToken(optOutCodeOf(token)), invitationId, new Date(NOW.getTime() + 28 * 86_400_000)]);
  const redeemed = await redeemToken(db.as("campaign-web"), token, clock);
  if (redeemed.outcome !== "redeemed") throw new Error(`seed: ${redeemed.outcome}`);
  return { patientId, invitationId, token, session: redeemed.session.secret, phone: contact.phone, email: contact.email };
}

const post = (path: string, body: string): HttpApiV2Event => ({
  version: "2.0",
  rawPath: path,
  rawQueryString: "",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body,
  isBase64Encoded: false,
  requestContext: { http: { method: "POST" } },
});

/** Everything on the queue through the worker, as the Lambda event source would. */
async function drain(): Promise<void> {
  await sendRequestsFromSqs({ sqs, queueUrl, handle: (request) => sendQueued(deps, request), concurrency: 1 });
}

const sentTo = (who: { phone?: string; email?: string }) => sent.filter((s) => s.to === who.phone || s.to === who.email);

async function confirmationRows(invitationId: number): Promise<RowDataPacket[]> {
  const [rows] = await db.admin.query<RowDataPacket[]>(
    "SELECT id, kind, site, starts_at, channel, status, enqueued_at, provider_message_id, token_hash FROM booking_confirmations WHERE invitation_id = ? ORDER BY id",
    [invitationId],
  );
  return rows;
}

/** The link a message carries (/i/<token>), and the SMS's short opt-out code. */
const linkIn = (text: string) => /\/i\/([A-Za-z0-9_-]{22})/.exec(text)?.[1];
const optOutCodeIn = (text: string) => /\/s\/([A-Za-z0-9_-]{10})/.exec(text)?.[1];

describe("confirmations of what the patient did on the pages", () => {
  const phone = "+447700900111";
  const email = "ann@patients.example.org";
  let ann: Awaited<ReturnType<typeof patient>>;

  test("booking: exactly one SMS and one e-mail, with the time and the place", async () => {
    ann = await patient({ phone, email });
    const page = await handle(post("/book", `session=${ann.session}&slot=${hillside}`));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Your appointment is booked");
    expect(page.body).toContain("We will send you a confirmation by text message and by email.");
    await drain();

    const messages = sentTo(ann);
    expect(messages.map((m) => m.channel).sort()).toEqual(["email", "sms"]);
    const sms = messages.find((m) => m.channel === "sms")!;
    expect(sms.to).toBe(phone);
    expect(sms.text).toBe(`Riverside Surgery: your flu jab is booked for Tue 6 Oct 10:30am at Hillside Clinic. Opt out: https://book.example.org/s/${optOutCodeIn(sms.text)}`);
    const mail = messages.find((m) => m.channel === "email")!;
    expect(mail.subject).toBe("Riverside Surgery: your flu vaccination is booked");
    expect(mail.text).toContain("When: Tuesday 6 October 2026 at 10:30am\nWhere: Hillside Clinic");
    // No name, no condition.
    for (const m of messages) expect(m.text).not.toMatch(/Test|Patient|respiratory/);

    const rows = await confirmationRows(ann.invitationId);
    expect(rows.map((r) => [r.kind, r.channel, r.status, r.site])).toEqual([
      ["booked", "sms", "sent", "Hillside Clinic"],
      ["booked", "email", "sent", "Hillside Clinic"],
    ]);
    expect(rows.every((r) => r.enqueued_at !== null && r.provider_message_id !== null)).toBe(true);
    expect(rows.map((r) => r.starts_at.toISOString())).toEqual([TUESDAY.toISOString(), TUESDAY.toISOString()]);

    // The e-mail's link shows the booking; the SMS's opt-out code and the e-mail's link are the patient's own.
    const link = linkIn(mail.text)!;
    expect(await inspectToken(db.as("campaign-web"), link, clock)).toMatchObject({ outcome: "booked", booking: { site: "Hillside Clinic" } });
    expect(mail.text).toContain(`https://book.example.org/i/${link}/calendar`);
    const [codes] = await db.admin.query<RowDataPacket[]>("SELECT invitation_id FROM invitation_tokens WHERE opt_out_hash = ?", [hashToken(optOutCodeIn(sms.text)!)]);
    expect(codes.map((r) => Number(r.invitation_id))).toEqual([ann.invitationId]);
    // The link the patient booked from still shows the booking (the confirmation adds a link, it replaces none).
    expect(await inspectToken(db.as("campaign-web"), ann.token, clock)).toMatchObject({ outcome: "booked" });
  });

  test("a redelivered queue message, or the same request again, sends nothing twice", async () => {
    const before = sent.length;
    const rows = await confirmationRows(ann.invitationId);
    // SQS delivers at least once: the same messages again, by the queue and directly.
    await new SqsSendQueue(sqs, queueUrl).send(rows.map((r) => ({ confirmationId: Number(r.id) })));
    await drain();
    for (const row of rows) expect(await sendConfirmation(deps, { confirmationId: Number(row.id) })).toEqual({ confirmationId: Number(row.id), outcome: "already_claimed" });
    // The patient presses the button again: already booked, nothing changes, nothing is written.
    const again = await handle(post("/book", `session=${ann.session}&slot=${hillside}`));
    expect(again.body).toContain("Hillside Clinic");
    await drain();
    expect(sent.length).toBe(before);
    expect(await confirmationRows(ann.invitationId)).toHaveLength(2);
  });

  test("changing the time: one 'moved' SMS and e-mail with the new time and place", async () => {
    const page = await handle(post("/book", `session=${ann.session}&slot=${riverside}&change=1`));
    expect(page.statusCode).toBe(200);
    await drain();
    const messages = sentTo(ann).slice(2);
    expect(messages.map((m) => m.channel).sort()).toEqual(["email", "sms"]);
    expect(messages.find((m) => m.channel === "sms")!.text).toMatch(/^Riverside Surgery: your flu jab has moved to Thu 8 Oct 2:15pm at Riverside Surgery\. Opt out: /);
    const mail = messages.find((m) => m.channel === "email")!;
    expect(mail.subject).toBe("Riverside Surgery: your flu vaccination has a new time");
    expect(mail.text).toContain("When: Thursday 8 October 2026 at 2:15pm\nWhere: Riverside Surgery");
    expect((await confirmationRows(ann.invitationId)).slice(2).map((r) => [r.kind, r.status])).toEqual([["changed", "sent"], ["changed", "sent"]]);
  });

  test("cancelling: one 'cancelled' SMS and e-mail naming the appointment that was cancelled", async () => {
    const page = await handle(post("/cancel", `session=${ann.session}&confirm=yes`));
    expect(page.statusCode).toBe(200);
    await drain();
    const messages = sentTo(ann).slice(4);
    expect(messages.map((m) => m.channel).sort()).toEqual(["email", "sms"]);
    expect(messages.find((m) => m.channel === "sms")!.text).toMatch(/^Riverside Surgery: your flu jab on Thu 8 Oct 2:15pm at Riverside Surgery is cancelled\. Opt out: /);
    const mail = messages.find((m) => m.channel === "email")!;
    expect(mail.subject).toBe("Riverside Surgery: your flu vaccination appointment is cancelled");
    expect(mail.text).toContain("choose a new time: https://book.example.org/i/");
    // Cancelling again (a retried request) changes nothing and writes nothing.
    await handle(post("/cancel", `session=${ann.session}&confirm=yes`));
    await drain();
    expect(sentTo(ann)).toHaveLength(6);
    expect((await confirmationRows(ann.invitationId)).map((r) => r.kind)).toEqual(["booked", "booked", "changed", "changed", "cancelled", "cancelled"]);
  });
});

describe("who gets no confirmation", () => {
  test("a booking rolled back after its confirmation was written leaves nothing to send", async () => {
    const bob = await patient({ phone: "+447700900222", email: "bob@patients.example.org" });
    // The booking transaction fails at its last statement (the confirmation's insert).
    await db.admin.query(`CREATE TRIGGER fail_confirmation BEFORE INSERT ON booking_confirmations FOR EACH ROW
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'`);
    try {
      await expect(bookSlot(db.as("campaign-web"), bob.session, hillside, clock)).rejects.toThrow("injected failure");
    } finally {
      await db.admin.query("DROP TRIGGER fail_confirmation");
    }
    const [[booking]] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM bookings WHERE invitation_id = ?", [bob.invitationId]);
    expect(Number(booking.n)).toBe(0);
    // And a transaction that wrote a confirmation, then rolled back.
    await inTransaction<void>(db.as("campaign-web"), async (connection, rollback) => {
      await recordConfirmation(connection, bob.invitationId, "booked", { site: "Hillside Clinic", startsAt: TUESDAY }, NOW);
      return rollback(undefined);
    });
    expect(await confirmationRows(bob.invitationId)).toEqual([]);
    expect(await sweepUnqueuedConfirmations(db.as("campaign-remind"), new SqsSendQueue(sqs, queueUrl), new Date(NOW.getTime() + 3_600_000))).toBe(0);
    await drain();
    expect(sentTo(bob)).toEqual([]);
  });

  test("opted out of everything, or no valid contact: nothing written, nothing sent; the page still shows the booking", async () => {
    const optedOut = await patient({ phone: "+447700900333", email: "cat@patients.example.org", optedOut: ["sms", "email"] });
    const landline = await patient({ phone: "+442079460000" });
    for (const p of [optedOut, landline]) {
      const page = await handle(post("/book", `session=${p.session}&slot=${hillside}`));
      expect(page.body).toContain("Your appointment is booked");
      expect(page.body).toContain("We will not send you a message about this, because we have no mobile number or email address we can use.");
      expect(await confirmationRows(p.invitationId)).toEqual([]);
    }
    await drain();
    expect(sentTo(optedOut)).toEqual([]);
    expect(sent.filter((s) => s.to === "+442079460000")).toEqual([]);
  });

  test("an opt-out the worker finds at its claim (recorded by another path) skips the confirmation", async () => {
    const ivy = await patient({ phone: "+447700900888", email: "ivy@patients.example.org" });
    expect((await bookSlot(db.as("campaign-web"), ivy.session, hillside, clock)).outcome).toBe("booked");
    await db.admin.query("INSERT INTO contact_preferences (patient_id, channel, opted_out_at, opt_out_source) VALUES (?, 'email', ?, 'staff')", [ivy.patientId, NOW]);
    const [sms, email] = await confirmationRows(ivy.invitationId);
    expect(await sendConfirmation(deps, { confirmationId: Number(email.id) })).toEqual({ confirmationId: Number(email.id), outcome: "skipped_opted_out" });
    expect(await sendConfirmation(deps, { confirmationId: Number(sms.id) })).toEqual({ confirmationId: Number(sms.id), outcome: "sent" });
    expect(sentTo(ivy).map((m) => m.channel)).toEqual(["sms"]);
  });

  test("opted out of one channel: only the other; an opt-out after booking stops a confirmation not yet sent", async () => {
    const dan = await patient({ phone: "+447700900444", email: "dan@patients.example.org", optedOut: ["email"] });
    // The page names the one channel the confirmation will go to.
    expect((await handle(post("/book", `session=${dan.session}&slot=${hillside}`))).body).toContain("We will send you a confirmation by text message. You can come back");
    await drain();
    expect(sentTo(dan).map((m) => m.channel)).toEqual(["sms"]);

    const eve = await patient({ phone: "+447700900555", email: "eve@patients.example.org" });
    expect((await bookSlot(db.as("campaign-web"), eve.session, hillside, clock)).outcome).toBe("booked");
    // Queued messages on the stopped channel are skipped at once, confirmations included.
    expect(await recordOptOut(db.as("campaign-web"), { token: eve.token }, ["sms"], clock)).toMatchObject({ outcome: "opted-out", skippedDeliveries: 1 });
    expect((await confirmationRows(eve.invitationId)).map((r) => [r.channel, r.status])).toEqual([["sms", "skipped_opted_out"], ["email", "pending"]]);
    await enqueueConfirmations(db.as("campaign-web"), new SqsSendQueue(sqs, queueUrl), eve.invitationId, NOW);
    await drain();
    expect(sentTo(eve).map((m) => m.channel)).toEqual(["email"]);
    expect((await confirmationRows(eve.invitationId)).map((r) => [r.channel, r.status])).toEqual([["sms", "skipped_opted_out"], ["email", "sent"]]);
  });
});

describe("order and recovery", () => {
  test("booked then moved before anything went out: only the latest is sent", async () => {
    const fay = await patient({ phone: "+447700900666", email: "fay@patients.example.org" });
    expect((await bookSlot(db.as("campaign-web"), fay.session, hillside, clock)).outcome).toBe("booked");
    expect((await bookSlot(db.as("campaign-web"), fay.session, riverside, clock, { change: true })).outcome).toBe("moved");
    // Both enqueued, and delivered in the worst order: the older one last.
    const rows = await confirmationRows(fay.invitationId);
    const queue = new SqsSendQueue(sqs, queueUrl);
    await queue.send(rows.slice(2).map((r) => ({ confirmationId: Number(r.id) })));
    await drain();
    await queue.send(rows.slice(0, 2).map((r) => ({ confirmationId: Number(r.id) })));
    await drain();
    const messages = sentTo(fay);
    expect(messages).toHaveLength(2);
    expect(messages.every((m) => /moved to Thu 8 Oct|new time/.test(m.text + (m.subject ?? "")))).toBe(true);
    expect((await confirmationRows(fay.invitationId)).map((r) => [r.kind, r.status])).toEqual([
      ["booked", "superseded"], ["booked", "superseded"], ["changed", "sent"], ["changed", "sent"],
    ]);
  });

  test("when the first is already on its way, the second waits for it: both arrive, in order", async () => {
    const gus = await patient({ phone: "+447700900777" });
    expect((await bookSlot(db.as("campaign-web"), gus.session, hillside, clock)).outcome).toBe("booked");
    const [first] = await confirmationRows(gus.invitationId);
    // Another worker has claimed the first and not finished yet.
    await db.admin.query("UPDATE booking_confirmations SET status = 'sending', claimed_at = ? WHERE id = ?", [NOW, first.id]);
    expect((await bookSlot(db.as("campaign-web"), gus.session, riverside, clock, { change: true })).outcome).toBe("moved");
    const [, second] = await confirmationRows(gus.invitationId);
    const waiting = await sendConfirmation(deps, { confirmationId: Number(second.id) }).catch((error: unknown) => error);
    expect(waiting).toBeInstanceOf(RetryLaterError);
    expect(sentTo(gus)).toEqual([]);
    // That worker finishes; the retried message goes out.
    await db.admin.query("UPDATE booking_confirmations SET status = 'sent', sent_at = ? WHERE id = ?", [NOW, first.id]);
    expect(await sendConfirmation(deps, { confirmationId: Number(second.id) })).toEqual({ confirmationId: Number(second.id), outcome: "sent" });
    expect(sentTo(gus).map((m) => m.text)).toEqual([expect.stringContaining("moved to Thu 8 Oct 2:15pm")]);
  });

  test("a lost enqueue is put on the queue by the sweep, once", async () => {
    const hal = await patient({ email: "hal@patients.example.org" });
    // The page's enqueue never happened (the function stopped after the commit).
    expect((await bookSlot(db.as("campaign-web"), hal.session, hillside, clock)).outcome).toBe("booked");
    const queue = new InMemorySendQueue();
    // Within the grace period campaign-web's own enqueue is still expected: not swept yet.
    expect(await sweepUnqueuedConfirmations(db.as("campaign-remind"), queue, new Date(NOW.getTime() + 30_000))).toBe(0);
    const later = new Date(NOW.getTime() + 5 * 60_000);
    expect(await sweepUnqueuedConfirmations(db.as("campaign-remind"), new SqsSendQueue(sqs, queueUrl), later)).toBe(1);
    expect(await sweepUnqueuedConfirmations(db.as("campaign-remind"), queue, later)).toBe(0);
    await drain();
    expect(sentTo(hal).map((m) => m.channel)).toEqual(["email"]);
  });
});

describe("delivery status and the report", () => {
  test("SES and SNS delivery events apply to confirmations as to invitations", async () => {
    const rows = await db.admin.query<RowDataPacket[]>("SELECT id, channel, provider_message_id FROM booking_confirmations WHERE status = 'sent' ORDER BY id");
    const email = rows[0].find((r) => r.channel === "email")!;
    const sms = rows[0].find((r) => r.channel === "sms")!;
    expect(await applyDeliveryEvent({ pool: db.as("campaign-delivery-events") }, { type: "Delivery", messageId: email.provider_message_id, at: new Date(NOW.getTime() + 60_000) })).toMatchObject({ outcome: "applied", deliveries: 1 });
    expect(await applySmsDeliveryEvent({ pool: db.as("campaign-delivery-events") }, { type: "SmsFailed", messageId: sms.provider_message_id, at: new Date(NOW.getTime() + 60_000), permanent: true, reason: "Invalid phone number" })).toMatchObject({ outcome: "applied", deliveries: 1 });
    const [after] = await db.admin.query<RowDataPacket[]>("SELECT id, status FROM booking_confirmations WHERE id IN (?) ORDER BY id", [[email.id, sms.id]]);
    expect(Object.fromEntries(after.map((r) => [Number(r.id), r.status]))).toEqual({ [Number(email.id)]: "delivered", [Number(sms.id)]: "undeliverable" });
  });

  test("the report counts confirmations apart from invitations", async () => {
    const report = await buildCampaignReport(db.as("campaign-report"), campaignId, () => new Date(NOW.getTime() + 86_400_000));
    const [[counts]] = await db.admin.query<RowDataPacket[]>(
      "SELECT SUM(sent_at IS NOT NULL) AS sent, SUM(kind = 'booked' AND sent_at IS NOT NULL) AS booked FROM booking_confirmations",
    );
    expect(report.confirmations.sent).toBe(Number(counts.sent));
    expect(report.confirmations.byKind.booked.sent).toBe(Number(counts.booked));
    expect(report.confirmations.delivered).toBe(1);
    expect(report.confirmations.notDelivered).toBe(1);
    expect(report.confirmations.superseded).toBe(2);
    // The invitation and reminder figures are untouched by them: no round was planned here, so no message counts there.
    expect(report.totals.find((t) => t.channel === "all")!.counts).toMatchObject({ messages: 0, sent: 0, delivered: 0, undeliverable: 0 });
    expect(renderReportHtml(report)).toContain("<caption>Booking confirmations by what the patient did</caption>");
    // They cost money like any message: the spend counts them (one segment per SMS).
    const [[bySms]] = await db.admin.query<RowDataPacket[]>("SELECT SUM(channel = 'sms') AS sms, SUM(channel = 'email') AS email FROM booking_confirmations WHERE sent_at IS NOT NULL");
    const spend = await campaignSpend(db.as("campaign-report"), campaignId, { practiceName: "Riverside Surgery", baseUrl: "https://book.example.org" }, { smsSegmentUsd: 0.05, emailPer1000Usd: 0.1, gbpPerUsd: 0.8 });
    expect({ sms: spend.sms, segments: spend.smsSegments, emails: spend.emails }).toEqual({ sms: Number(bySms.sms), segments: Number(bySms.sms), emails: Number(bySms.email) });
  });
});
