/**
 * Issue 17, item 8: SMS delivery status in production. SNS logs each SMS's outcome to its
 * delivery status log groups; a subscription filter hands the lines to campaign-delivery-events
 * as a CloudWatch Logs event (gzipped, base64). Against the real MariaDB, on SMS the send
 * worker really sent through moto: success, permanent and transient failures, duplicates,
 * every arrival order, ids that are not ours, control messages and malformed data.
 */
import { gzipSync } from "zlib";
import type { RowDataPacket } from "mysql2/promise";
import { CloudWatchLogsEvent, parseSmsDeliveryLog, RecordResult } from "../../../functions/campaign/delivery-events";
import { InMemorySendQueue, planCampaign, sendInvitation } from "../../../functions/campaign/dispatch";
import { createDeliveryEventsHandler } from "../../../functions/campaign-delivery-events/handler";
import { createCampaign, seedPatients, sendDependencies, verifyEmailSource } from "../../support/dispatch-fixtures";
import { createTestDatabase, localServices, TestDatabase } from "../../support/local-services";

const T0 = new Date("2026-10-05T09:00:00Z").getTime();
const MINUTE = 60_000;
const SENT_AT = new Date(T0 + 6 * MINUTE);
const REFS = ["ok", "invalid", "unreachable", "odd", "orders", "twice", "both-orders", "control"];

let db: TestDatabase;
/** SNS message id of each patient's SMS, and of their email (SES). */
const smsIds = new Map<string, string>();
const emailIds = new Map<string, string>();
let handle: (event: CloudWatchLogsEvent) => Promise<RecordResult[]>;

beforeAll(async () => {
  db = await createTestDatabase("sms_delivery_events");
  const moto = (await localServices()).awsEndpoint;
  await verifyEmailSource(moto);
  const ids = await seedPatients(db.admin, REFS.map((ref, i) => ({ ref, phone: `+4477009671${String(i + 10)}`, email: `${ref}@patients.example.org` })));
  const campaignId = await createCampaign(db.admin, { tokenTtlDays: 14 });
  const queue = new InMemorySendQueue();
  await planCampaign({ pool: db.as("campaign-plan"), queue, now: () => new Date(T0) }, campaignId);
  const deps = sendDependencies(db.as("campaign-send"), moto, { now: () => SENT_AT });
  const refOfPatient = new Map([...ids].map(([ref, id]) => [id, ref]));
  for (const request of queue.take()) {
    expect((await sendInvitation(deps, request)).outcomes).toEqual({ sms: "sent", email: "sent" });
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT d.channel, d.provider_message_id, i.patient_id FROM deliveries d JOIN invitations i ON i.id = d.invitation_id WHERE d.invitation_id = ?", [request.invitationId]);
    for (const row of rows) (row.channel === "sms" ? smsIds : emailIds).set(refOfPatient.get(Number(row.patient_id))!, row.provider_message_id);
  }
  expect(smsIds.size).toBe(REFS.length);
  handle = createDeliveryEventsHandler({ pool: db.as("campaign-delivery-events") });
});
afterAll(async () => db?.drop());

/** An SNS SMS delivery status line, as SNS writes it (AWS docs, "Viewing Amazon CloudWatch metrics and logs for SMS"). */
function statusLine(messageId: string, status: "SUCCESS" | "FAILURE", providerResponse: string): string {
  return JSON.stringify({
    notification: { messageId, timestamp: "2026-10-05 09:06:00.123" },
    delivery: { mnc: 10, numberOfMessageParts: 1, destination: "+447700967110", priceInUSD: 0.04, smsType: "Transactional", mcc: 234, providerResponse, dwellTimeMs: 412, dwellTimeMsUntilDeviceAck: 1893 },
    status,
  });
}

/** What the subscription filter delivers: the log lines of one group, gzipped and base64-encoded. */
function logsEvent(lines: readonly { message: string; minutesAfterSend: number }[], group = "sns/eu-west-2/111111111111/DirectPublishToPhoneNumber", messageType = "DATA_MESSAGE"): CloudWatchLogsEvent {
  const payload = {
    messageType,
    owner: "111111111111",
    logGroup: group,
    logStream: "e8f3a4b1-0000-4d2a-9d7e-4c2b2d1f0a11",
    subscriptionFilters: ["campaign-delivery-events"],
    logEvents: lines.map((line, i) => ({ id: `3720914${i}`.padEnd(56, "0"), timestamp: SENT_AT.getTime() + line.minutesAfterSend * MINUTE, message: line.message })),
  };
  return { awslogs: { data: gzipSync(JSON.stringify(payload)).toString("base64") } };
}

async function row(ref: string, channel: "sms" | "email" = "sms"): Promise<{ status: string; status_at: Date | null; status_detail: string | null }> {
  const id = (channel === "sms" ? smsIds : emailIds).get(ref)!;
  const [[found]] = await db.admin.query<RowDataPacket[]>("SELECT status, status_at, status_detail FROM deliveries WHERE provider_message_id = ? AND channel = ?", [id, channel]);
  return { status: found.status, status_at: found.status_at, status_detail: found.status_detail };
}

const at = (minutes: number) => new Date(SENT_AT.getTime() + minutes * MINUTE);

test("SUCCESS: sent -> delivered at the time CloudWatch Logs recorded it; the email of the same invitation is untouched", async () => {
  const results = await handle(logsEvent([{ message: statusLine(smsIds.get("ok")!, "SUCCESS", "Message has been accepted by phone carrier"), minutesAfterSend: 1 }]));
  expect(results.map((r) => [r.outcome, r.eventType])).toEqual([["applied", "SmsDelivered"]]);
  expect(await row("ok")).toEqual({ status: "delivered", status_at: at(1), status_detail: null });
  expect((await row("ok", "email")).status).toBe("sent");
});

test("a permanent FAILURE (invalid number) -> undeliverable; a transient one -> failed; an unknown phrase is not kept", async () => {
  await handle(
    logsEvent(
      [
        { message: statusLine(smsIds.get("invalid")!, "FAILURE", "Invalid phone number"), minutesAfterSend: 2 },
        { message: statusLine(smsIds.get("unreachable")!, "FAILURE", "Phone is currently unreachable/unavailable"), minutesAfterSend: 3 },
        { message: statusLine(smsIds.get("odd")!, "FAILURE", "Carrier said: call +447700900123 about this"), minutesAfterSend: 4 },
      ],
      "sns/eu-west-2/111111111111/DirectPublishToPhoneNumber/Failure",
    ),
  );
  expect(await row("invalid")).toEqual({ status: "undeliverable", status_at: at(2), status_detail: "undeliverable: Invalid phone number" });
  expect(await row("unreachable")).toEqual({ status: "failed", status_at: at(3), status_detail: "not delivered: Phone is currently unreachable/unavailable" });
  expect(await row("odd")).toEqual({ status: "failed", status_at: at(4), status_detail: "not delivered: failed" });
});

test("the same lines delivered twice change nothing the second time", async () => {
  const event = logsEvent([{ message: statusLine(smsIds.get("twice")!, "SUCCESS", "Message has been accepted by phone carrier"), minutesAfterSend: 5 }]);
  expect((await handle(event)).map((r) => r.outcome)).toEqual(["applied"]);
  const after = await row("twice");
  expect((await handle(event)).map((r) => r.outcome)).toEqual(["unchanged"]);
  expect(await row("twice")).toEqual(after);
});

test("every arrival order of a transient failure, a permanent failure and a success ends delivered, with the success's time", async () => {
  const id = smsIds.get("both-orders")!;
  const lines = [
    { message: statusLine(id, "FAILURE", "Unknown error attempting to reach phone"), minutesAfterSend: 1 },
    { message: statusLine(id, "FAILURE", "Phone has blocked SMS"), minutesAfterSend: 2 },
    { message: statusLine(id, "SUCCESS", "Message has been accepted by phone carrier"), minutesAfterSend: 3 },
  ];
  const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  for (const order of orders) {
    await db.admin.query("UPDATE deliveries SET status = 'sent', status_at = ?, status_detail = NULL WHERE provider_message_id = ? AND channel = 'sms'", [SENT_AT, id]);
    // One at a time (separate deliveries), as the two log groups' filters would invoke.
    for (const i of order) await handle(logsEvent([lines[i]]));
    expect({ order, row: await row("both-orders") }).toEqual({ order, row: { status: "delivered", status_at: at(3), status_detail: null } });
  }
  // Without the success, the permanent failure wins in either order.
  for (const order of [[0, 1], [1, 0]]) {
    await db.admin.query("UPDATE deliveries SET status = 'sent', status_at = ?, status_detail = NULL WHERE provider_message_id = ? AND channel = 'sms'", [SENT_AT, id]);
    for (const i of order) await handle(logsEvent([lines[i]]));
    expect({ order, status: (await row("both-orders")).status }).toEqual({ order, status: "undeliverable" });
  }
});

test("an SMS sent by another service in the account (unknown id), and an email's id, change nothing", async () => {
  const before = await row("orders");
  const results = await handle(
    logsEvent([
      { message: statusLine("a1b2c3d4-0000-5e6f-8a9b-0c1d2e3f4a5b", "SUCCESS", "Message has been accepted by phone carrier"), minutesAfterSend: 1 },
      { message: statusLine(emailIds.get("orders")!, "SUCCESS", "Message has been accepted by phone carrier"), minutesAfterSend: 1 },
    ]),
  );
  expect(results.map((r) => r.outcome)).toEqual(["unknown-message", "unknown-message"]);
  expect(await row("orders")).toEqual(before);
  expect((await row("orders", "email")).status).toBe("sent");
});

test("a control message is acknowledged; malformed data and lines are dropped and the rest applied", async () => {
  expect((await handle(logsEvent([], "sns/eu-west-2/111111111111/DirectPublishToPhoneNumber", "CONTROL_MESSAGE"))).map((r) => r.outcome)).toEqual(["ignored"]);
  expect((await handle({ awslogs: { data: "not-gzip" } })).map((r) => r.outcome)).toEqual(["malformed"]);
  const results = await handle(
    logsEvent([
      { message: "not json", minutesAfterSend: 1 },
      { message: JSON.stringify({ notification: {}, status: "SUCCESS" }), minutesAfterSend: 1 },
      { message: statusLine(smsIds.get("control")!, "PENDING" as never, "x"), minutesAfterSend: 1 },
      { message: statusLine(smsIds.get("control")!, "SUCCESS", "Message has been accepted by phone carrier"), minutesAfterSend: 7 },
    ]),
  );
  expect(results.map((r) => r.outcome)).toEqual(["malformed", "malformed", "malformed", "applied"]);
  expect(results.every((r) => !JSON.stringify(r).includes("+44"))).toBe(true);
  expect((await row("control")).status).toBe("delivered");
});

test("the destination number and the carrier are never read: only the message id, status and SNS's own phrase", () => {
  const parsed = parseSmsDeliveryLog(statusLine("m-1", "FAILURE", "Phone carrier has blocked this message"), T0);
  expect(parsed).toEqual({ type: "SmsFailed", messageId: "m-1", at: new Date(T0), permanent: false, reason: "Phone carrier has blocked this message" });
  expect(JSON.stringify(parsed)).not.toMatch(/\+44|destination|mcc/);
});

test("a database failure rejects the invocation, so Lambda retries the delivery", async () => {
  const broken = { query: () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })) };
  const failing = createDeliveryEventsHandler({ pool: broken as never });
  await expect(failing(logsEvent([{ message: statusLine(smsIds.get("ok")!, "SUCCESS", "Message has been accepted by phone carrier"), minutesAfterSend: 1 }]))).rejects.toThrow("ECONNREFUSED");
});
