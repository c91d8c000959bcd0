/**
 * Dispatch against the real MariaDB and moto (SNS, SES, SQS), with the recording proxy in front
 * of moto counting what was actually sent to whom.
 */
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { RowDataPacket } from "mysql2/promise";
import {
  countUnqueued, InMemorySendQueue, markStaleClaimsForReview, parseSendRequest, planCampaign, RetryLaterError, sendInvitation, SendRequest, sendRequestsFromSqs, SendResult, SqsSendQueue,
} from "../../../functions/campaign/dispatch";
import { sendQueued } from "../../../functions/campaign/send-worker";
import { hashToken, optOutCodeOf } from "../../../functions/campaign/tokens";
import { awsClientConfig, createCampaign, createSendQueue, seedPatients, sendDependencies, verifyEmailSource } from "../../support/dispatch-fixtures";
import { FaultProxy, startFaultProxy } from "../../support/fault-proxy";
import { createTestDatabase, localServices, TestDatabase } from "../../support/local-services";

let db: TestDatabase;
let proxy: FaultProxy;
let moto: string;
let ids: Map<string, number>;
let campaignId: number;
const queue = new InMemorySendQueue();

const PATIENTS = [
  { ref: "both", phone: "+447700900101", email: "both@example.org" },
  { ref: "sms-out-only-phone", phone: "+447700900102", optedOut: ["sms" as const] },
  { ref: "email-out", phone: "+447700900103", email: "email-out@example.org", optedOut: ["email" as const] },
  { ref: "other-condition", phone: "+447700900104", email: "other@example.org", conditions: ["diabetes"] },
  { ref: "no-contact" },
  { ref: "carrier-out", phone: "+447700900199", email: "carrier@example.org" },
  { ref: "email-only", email: "email-only@example.org" },
  { ref: "late-opt-out", phone: "+447700900108", email: "late@example.org" },
  { ref: "everything-out", phone: "+447700900109", email: "all-out@example.org", optedOut: ["sms" as const, "email" as const] },
];

const deliveries = async (ref: string): Promise<Record<string, string>> => {
  const [rows] = await db.admin.query<RowDataPacket[]>(
    "SELECT d.channel, d.status FROM deliveries d JOIN invitations i ON i.id = d.invitation_id WHERE i.patient_id = ? ORDER BY d.channel",
    [ids.get(ref)],
  );
  return Object.fromEntries(rows.map((r) => [r.channel, r.status]));
};
const requestFor = (ref: string): SendRequest => {
  const request = queue.requests.find((r) => r.invitationId === invitationOf.get(ref));
  if (!request) throw new Error(`no request for ${ref}`);
  return request;
};
const invitationOf = new Map<string, number>();

beforeAll(async () => {
  db = await createTestDatabase("dispatch");
  moto = (await localServices()).awsEndpoint;
  proxy = await startFaultProxy(moto);
  await verifyEmailSource(moto);
  ids = await seedPatients(db.admin, PATIENTS);
  campaignId = await createCampaign(db.admin);
});
afterAll(async () => {
  await proxy?.close();
  await db?.drop();
});

describe("planning", () => {
  test("invites exactly the eligible patients: the condition, a usable channel, opted-out channels skipped", async () => {
    const result = await planCampaign({ pool: db.as("campaign-plan"), queue }, campaignId, { pageSize: 3 });
    expect(result).toMatchObject({ campaignId, invitations: 5, pendingDeliveries: 8, skippedOptedOut: 1, reissued: 0, ineligible: 3 });
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT id, patient_id, round, issued_at FROM invitations WHERE campaign_id = ?", [campaignId]);
    const byPatient = new Map(rows.map((r) => [Number(r.patient_id), r]));
    for (const [ref, id] of ids) if (byPatient.has(id)) invitationOf.set(ref, Number(byPatient.get(id)!.id));
    expect([...invitationOf.keys()].sort()).toEqual(["both", "carrier-out", "email-only", "email-out", "late-opt-out"]);
    // The patient whose only channel is opted out, the one with another condition, no details, or everything opted out: no invitation.
    for (const ref of ["sms-out-only-phone", "other-condition", "no-contact", "everything-out"]) expect(invitationOf.has(ref)).toBe(false);
    expect(rows.every((r) => r.round === 0 && r.issued_at !== null)).toBe(true);
    expect(await countUnqueued(db.admin, campaignId)).toBe(0);
    expect(await deliveries("both")).toEqual({ email: "pending", sms: "pending" });
    expect(await deliveries("email-out")).toEqual({ email: "skipped_opted_out", sms: "pending" });
    expect(await deliveries("email-only")).toEqual({ email: "pending" });
    expect(queue.requests).toHaveLength(5);
    expect(new Set(queue.requests.map((r) => r.invitationId)).size).toBe(5);
  });

  test("only the SHA-256 of each token is stored, one live token per invitation, with the campaign's expiry", async () => {
    const [tokens] = await db.admin.query<RowDataPacket[]>("SELECT token_hash, invitation_id, round, expires_at, issued_at, revoked_at FROM invitation_tokens");
    expect(tokens).toHaveLength(5);
    for (const request of queue.requests) {
      const stored = tokens.filter((t) => Number(t.invitation_id) === request.invitationId);
      expect(stored).toHaveLength(1);
      expect((stored[0].token_hash as Buffer).equals(hashToken(request.token))).toBe(true);
      expect((stored[0].token_hash as Buffer).includes(Buffer.from(request.token))).toBe(false);
      expect(stored[0].revoked_at).toBeNull();
      expect(stored[0].expires_at.getTime() - stored[0].issued_at.getTime()).toBe(28 * 86_400_000);
    }
    const [text] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM deliveries WHERE status_detail LIKE ?", [`%${queue.requests[0].token}%`]);
    expect(text[0].n).toBe(0);
  });

  test("planning again invites nobody twice", async () => {
    const again = new InMemorySendQueue();
    const result = await planCampaign({ pool: db.as("campaign-plan"), queue: again }, campaignId);
    expect(result).toMatchObject({ invitations: 0, reissued: 0 });
    expect(again.requests).toHaveLength(0);
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM invitations");
    expect(rows[0].n).toBe(5);
  });

  test("a cancelled or unknown campaign is refused with a clear error", async () => {
    const cancelled = await createCampaign(db.admin, { status: "cancelled" });
    await expect(planCampaign({ pool: db.as("campaign-plan"), queue: new InMemorySendQueue() }, cancelled)).rejects.toThrow(/is cancelled; only a draft or running campaign/);
    await expect(planCampaign({ pool: db.as("campaign-plan"), queue: new InMemorySendQueue() }, 999999)).rejects.toThrow(/campaign 999999 does not exist/);
  });
});

describe("sending", () => {
  test("an opt-out recorded between planning and sending is honoured", async () => {
    await db.admin.query("INSERT INTO contact_preferences (patient_id, channel, opted_out_at, opt_out_source) VALUES (?, 'sms', NOW(3), 'patient')", [ids.get("late-opt-out")]);
    const result = await sendInvitation(sendDependencies(db.as("campaign-send"), proxy.endpoint), requestFor("late-opt-out"));
    expect(result.outcomes).toEqual({ sms: "skipped_opted_out", email: "sent" });
    expect(await deliveries("late-opt-out")).toEqual({ email: "sent", sms: "skipped_opted_out" });
    expect(proxy.countsByRecipient().get("+447700900108")).toBeUndefined();
    expect(proxy.countsByRecipient().get("late@example.org")).toBe(1);
  });

  test("a number on the SNS opt-out list (moto: ending in 99) is skipped and recorded as a carrier opt-out", async () => {
    const result = await sendInvitation(sendDependencies(db.as("campaign-send"), proxy.endpoint), requestFor("carrier-out"));
    expect(result.outcomes).toEqual({ sms: "skipped_opted_out", email: "sent" });
    expect(proxy.countsByRecipient().get("+447700900199")).toBeUndefined();
    const [prefs] = await db.admin.query<RowDataPacket[]>("SELECT channel, opt_out_source, opted_out_at FROM contact_preferences WHERE patient_id = ?", [ids.get("carrier-out")]);
    expect(prefs).toHaveLength(1);
    expect(prefs[0]).toMatchObject({ channel: "sms", opt_out_source: "carrier" });
  });

  test("a redelivery while another delivery holds the claim stays queued, and sends once that claim is put back", async () => {
    const deps = sendDependencies(db.as("campaign-send"), proxy.endpoint);
    const campaign = await createCampaign(db.admin, { condition: "claimed-elsewhere" });
    await seedPatients(db.admin, [{ ref: "claimed-elsewhere", email: "claimed-elsewhere@example.org", conditions: ["claimed-elsewhere"] }]);
    const ownQueue = new InMemorySendQueue();
    await planCampaign({ pool: db.as("campaign-plan"), queue: ownQueue }, campaign);
    const [request] = ownQueue.requests;
    // Another worker's claim, outcome not yet recorded.
    await db.admin.query("UPDATE deliveries SET status = 'sending', claimed_at = NOW(3) WHERE invitation_id = ? AND round = ?", [request.invitationId, request.round]);
    const held = await sendInvitation(deps, request).catch((error: unknown) => error);
    expect(held).toBeInstanceOf(RetryLaterError);
    expect(((held as RetryLaterError).result as SendResult).outcomes).toEqual({ email: "claimed_elsewhere" });
    // That worker was throttled and put the claim back: the retried message sends it.
    await db.admin.query("UPDATE deliveries SET status = 'pending', claimed_at = NULL WHERE invitation_id = ? AND round = ?", [request.invitationId, request.round]);
    expect((await sendInvitation(deps, request)).outcomes).toEqual({ email: "sent" });
    expect(proxy.countsByRecipient().get("claimed-elsewhere@example.org")).toBe(1);
  });

  test("a redelivery that finds a claim older than the claim timeout settles it as unknown, without sending", async () => {
    const campaign = await createCampaign(db.admin, { condition: "abandoned-claim" });
    await seedPatients(db.admin, [{ ref: "abandoned-claim", email: "abandoned-claim@example.org", conditions: ["abandoned-claim"] }]);
    const ownQueue = new InMemorySendQueue();
    await planCampaign({ pool: db.as("campaign-plan"), queue: ownQueue }, campaign);
    const [request] = ownQueue.requests;
    // A worker claimed it two minutes ago and died.
    await db.admin.query("UPDATE deliveries SET status = 'sending', claimed_at = NOW(3) - INTERVAL 2 MINUTE WHERE invitation_id = ? AND round = ?", [request.invitationId, request.round]);
    const deps = sendDependencies(db.as("campaign-send"), proxy.endpoint, { claimTimeoutMs: 60_000 });
    expect((await sendInvitation(deps, request)).outcomes).toEqual({ email: "unknown" });
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT status FROM deliveries WHERE invitation_id = ?", [request.invitationId]);
    expect(rows.map((r) => r.status)).toEqual(["unknown"]);
    expect(proxy.countsByRecipient().get("abandoned-claim@example.org")).toBeUndefined();
    // Within the timeout it would still be the other worker's.
    await db.admin.query("UPDATE deliveries SET status = 'sending', claimed_at = NOW(3) WHERE invitation_id = ? AND round = ?", [request.invitationId, request.round]);
    await expect(sendInvitation(deps, request)).rejects.toBeInstanceOf(RetryLaterError);
  });

  test("a request delivered twice, in turn and at the same time, sends each message once", async () => {
    const deps = sendDependencies(db.as("campaign-send"), proxy.endpoint);
    const first = await sendInvitation(deps, requestFor("both"));
    expect(first.outcomes).toEqual({ sms: "sent", email: "sent" });
    const second = await sendInvitation(deps, requestFor("both"));
    expect(second.outcomes).toEqual({ sms: "already_claimed", email: "already_claimed" });
    // At the same time: one sends; the others find it finished, or still claimed and ask to be retried.
    const concurrent = await Promise.allSettled([0, 1, 2, 3].map(() => sendInvitation(deps, requestFor("email-only"))));
    const outcomes = concurrent.map((r) => {
      if (r.status === "fulfilled") return r.value.outcomes.email;
      expect(r.reason).toBeInstanceOf(RetryLaterError);
      return ((r.reason as RetryLaterError).result as SendResult).outcomes.email;
    });
    expect(outcomes.filter((o) => o === "sent")).toHaveLength(1);
    expect(outcomes.filter((o) => o !== "sent" && o !== "already_claimed" && o !== "claimed_elsewhere")).toEqual([]);
    expect((await sendInvitation(deps, requestFor("email-only"))).outcomes).toEqual({ email: "already_claimed" });
    const counts = proxy.countsByRecipient();
    expect([counts.get("+447700900101"), counts.get("both@example.org"), counts.get("email-only@example.org")]).toEqual([1, 1, 1]);
  });

  test("the message sent carries the link with the token and no condition; the delivery records the provider id and the contact time", async () => {
    const request = requestFor("both");
    const sms = proxy.sends.find((s) => s.recipient === "+447700900101")!;
    expect(sms.message).toBe(`Riverside Surgery: book your free flu jab https://book.example.org/i/${request.token} Opt out: https://book.example.org/s/${optOutCodeOf(request.token)}`);
    const [rows] = await db.admin.query<RowDataPacket[]>(
      "SELECT d.status, d.attempts, d.provider_message_id, d.sent_at, i.last_contacted_at FROM deliveries d JOIN invitations i ON i.id = d.invitation_id WHERE d.invitation_id = ?",
      [request.invitationId],
    );
    for (const row of rows) {
      expect(row).toMatchObject({ status: "sent", attempts: 1 });
      expect(row.provider_message_id).toEqual(expect.any(String));
      expect(row.last_contacted_at).toBeInstanceOf(Date);
    }
  });

  test("a request whose token is not the live one sends nothing", async () => {
    const forged = { ...requestFor("email-out"), token: "AAAAAAAAAAAAAAAAAAAAAA" };
    const result = await sendInvitation(sendDependencies(db.as("campaign-send"), proxy.endpoint), forged);
    expect(result.outcomes).toEqual({ sms: "superseded" });
    expect(await deliveries("email-out")).toEqual({ email: "skipped_opted_out", sms: "pending" });
    expect(proxy.countsByRecipient().get("+447700900103")).toBeUndefined();
  });

  test("a definite rejection is `failed`; an unknown outcome is `unknown` and never sent again", async () => {
    // SES refuses an unverified sender: a definite 400 rejection.
    const rejecting = sendDependencies(db.as("campaign-send"), proxy.endpoint);
    const unverified = { ...rejecting, settings: { ...rejecting.settings, emailSource: "nobody@unverified.example.net" } };
    const request = requestFor("email-out");
    const result = await sendInvitation(unverified, request);
    expect(result.outcomes).toEqual({ sms: "sent" });
    // A connection that is refused before any answer: outcome unknown.
    const other = await createCampaign(db.admin);
    await seedPatients(db.admin, [{ ref: "unknown-1", email: "unknown-1@example.org" }, { ref: "rejected-1", email: "rejected-1@example.org" }]);
    const localQueue = new InMemorySendQueue();
    await planCampaign({ pool: db.as("campaign-plan"), queue: localQueue }, other);
    const [unknownRequest, rejectedRequest] = localQueue.requests.slice(-2);
    const dead = sendDependencies(db.as("campaign-send"), "http://127.0.0.1:9");
    expect((await sendInvitation(dead, unknownRequest)).outcomes).toEqual({ email: "unknown" });
    expect((await sendInvitation(unverified, rejectedRequest)).outcomes).toEqual({ email: "failed" });
    // Neither is resent: the claim is spent.
    expect((await sendInvitation(sendDependencies(db.as("campaign-send"), proxy.endpoint), unknownRequest)).outcomes).toEqual({ email: "already_claimed" });
    expect((await sendInvitation(sendDependencies(db.as("campaign-send"), proxy.endpoint), rejectedRequest)).outcomes).toEqual({ email: "already_claimed" });
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT invitation_id, status, status_detail FROM deliveries WHERE invitation_id IN (?) ORDER BY invitation_id", [[unknownRequest.invitationId, rejectedRequest.invitationId]]);
    expect(rows.map((r) => r.status).sort()).toEqual(["failed", "unknown"]);
    expect(rows.find((r) => r.status === "failed")!.status_detail).toMatch(/^rejected: MessageRejected/);
    expect(proxy.countsByRecipient().get("unknown-1@example.org")).toBeUndefined();
  });

  test("claims left `sending` by a dead worker become `unknown` for review once older than the cutoff", async () => {
    const [inserted] = await db.admin.query<RowDataPacket[]>("SELECT id FROM deliveries WHERE status = 'pending' ORDER BY id LIMIT 1");
    expect(inserted).toHaveLength(1);
    await db.admin.query("UPDATE deliveries SET status = 'sending', claimed_at = ? WHERE id = ?", [new Date(Date.now() - 3_600_000), inserted[0].id]);
    expect(await markStaleClaimsForReview(db.as("campaign-remind"), new Date(Date.now() - 7_200_000))).toBe(0);
    expect(await markStaleClaimsForReview(db.as("campaign-remind"), new Date(Date.now() - 1_800_000))).toBe(1);
    const [row] = await db.admin.query<RowDataPacket[]>("SELECT status, status_detail FROM deliveries WHERE id = ?", [inserted[0].id]);
    expect(row[0].status).toBe("unknown");
    expect(row[0].status_detail).toMatch(/review before any resend/);
  });
});

describe("through SQS", () => {
  test("requests go through moto SQS and are sent once each; a malformed message is deleted, not retried", async () => {
    const sqsEndpoint = moto;
    const queueUrl = await createSendQueue(sqsEndpoint, `dispatch-${Date.now()}`, 5);
    const sqs = new SQSClient({ ...awsClientConfig(sqsEndpoint), maxAttempts: 3 });
    const campaign = await createCampaign(db.admin);
    const seeded = Array.from({ length: 23 }, (_, i) => ({ ref: `sqs-${i}`, email: `sqs-${i}@example.org` }));
    await seedPatients(db.admin, seeded);
    const result = await planCampaign({ pool: db.as("campaign-plan"), queue: new SqsSendQueue(sqs, queueUrl) }, campaign, { pageSize: 7, writers: 3 });
    // Every patient of the condition without an invitation in this campaign: the 23 plus the earlier ones.
    expect(result.invitations).toBeGreaterThanOrEqual(23);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "{\"invitationId\": \"x\"}" }));
    const deps = sendDependencies(db.as("campaign-send"), proxy.endpoint);
    const drained = await sendRequestsFromSqs({ sqs, queueUrl, handle: (request) => sendQueued(deps, request), concurrency: 2 });
    expect(drained).toEqual({ handled: result.invitations, retried: 0, malformed: 1 });
    const counts = proxy.countsByRecipient();
    for (const p of seeded) expect(counts.get(p.email)).toBe(1);
  });

  test("parseSendRequest says what is wrong", () => {
    expect(() => parseSendRequest("nope")).toThrow(/not JSON/);
    expect(() => parseSendRequest(JSON.stringify({ invitationId: 1, round: 0, token: "short" }))).toThrow(/well-formed token/);
    expect(() => parseSendRequest(JSON.stringify({ invitationId: -1, round: 0, token: "AAAAAAAAAAAAAAAAAAAAAA" }))).toThrow(/invitationId/);
    expect(parseSendRequest(JSON.stringify({ invitationId: 5, round: 2, token: "AAAAAAAAAAAAAAAAAAAAAA" }))).toEqual({ invitationId: 5, round: 2, token: "AAAAAAAAAAAAAAAAAAAAAA" });
  });
});
