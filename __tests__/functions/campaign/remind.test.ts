/** The weekly reminder against the real MariaDB and moto: who is reminded, when, how often, and with which token. */
import type { RowDataPacket } from "mysql2/promise";
import { countUnqueued, InMemorySendQueue, planCampaign, sendInvitation, SendRequest } from "../../../functions/campaign/dispatch";
import { runReminders } from "../../../functions/campaign/remind";
import { hashToken } from "../../../functions/campaign/tokens";
import { createCampaign, seedPatients, sendDependencies, verifyEmailSource } from "../../support/dispatch-fixtures";
import { FaultProxy, startFaultProxy } from "../../support/fault-proxy";
import { createTestDatabase, localServices, TestDatabase } from "../../support/local-services";

const DAY = 86_400_000;
const T0 = new Date("2026-10-05T09:00:00Z").getTime();
let db: TestDatabase;
let proxy: FaultProxy;
let campaignId: number;
let ids: Map<string, number>;

const at = (days: number) => () => new Date(T0 + days * DAY);
async function sendAll(requests: readonly SendRequest[], days: number): Promise<void> {
  const deps = sendDependencies(db.as("campaign-send"), proxy.endpoint, { now: at(days) });
  for (const request of requests) await sendInvitation(deps, request);
}
const invitationOf = async (ref: string) => {
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT id, round, last_contacted_at FROM invitations WHERE patient_id = ? AND campaign_id = ?", [ids.get(ref), campaignId]);
  return rows[0];
};

let roundZero: SendRequest[];

beforeAll(async () => {
  db = await createTestDatabase("remind");
  const moto = (await localServices()).awsEndpoint;
  proxy = await startFaultProxy(moto);
  await verifyEmailSource(moto);
  ids = await seedPatients(db.admin, [
    { ref: "responds", phone: "+447700966601", email: "responds@example.org" },
    { ref: "silent", phone: "+447700966602", email: "silent@example.org" },
    { ref: "silent-email", email: "silent-email@example.org" },
    { ref: "opts-out", phone: "+447700966604" },
  ]);
  campaignId = await createCampaign(db.admin, { reminderIntervalDays: 7, maxReminders: 2, tokenTtlDays: 14 });
  const queue = new InMemorySendQueue();
  await planCampaign({ pool: db.as("campaign-plan"), queue, now: at(0) }, campaignId);
  roundZero = queue.take();
  await sendAll(roundZero, 0);
});
afterAll(async () => {
  await proxy?.close();
  await db?.drop();
});

test("nobody is reminded before the interval has passed", async () => {
  const queue = new InMemorySendQueue();
  const result = await runReminders({ pool: db.as("campaign-remind"), queue, now: at(6.9) });
  expect(result.campaigns).toEqual([{ campaignId, invitations: 0, pendingDeliveries: 0, skippedOptedOut: 0, reissued: 0 }]);
  expect(queue.requests).toHaveLength(0);
});

test("after the interval, non-respondents get round 1 with a new token, the old one revoked; respondents and fully opted-out patients get nothing", async () => {
  await db.admin.query("UPDATE invitations SET responded_at = ? WHERE patient_id = ?", [at(2)(), ids.get("responds")]);
  await db.admin.query("INSERT INTO contact_preferences (patient_id, channel, opted_out_at, opt_out_source) VALUES (?, 'sms', ?, 'patient')", [ids.get("opts-out"), at(3)()]);
  const queue = new InMemorySendQueue();
  const result = await runReminders({ pool: db.as("campaign-remind"), queue, now: at(7.5) });
  expect(result.campaigns[0]).toMatchObject({ invitations: 2, pendingDeliveries: 3, skippedOptedOut: 0 });
  const reminders = queue.take();
  const silent = await invitationOf("silent");
  const silentEmail = await invitationOf("silent-email");
  expect(reminders.map((r) => r.invitationId).sort()).toEqual([Number(silent.id), Number(silentEmail.id)].sort());
  expect(reminders.every((r) => r.round === 1)).toBe(true);
  for (const reminder of reminders) {
    const [tokens] = await db.admin.query<RowDataPacket[]>("SELECT token_hash, round, revoked_at, expires_at FROM invitation_tokens WHERE invitation_id = ? ORDER BY round", [reminder.invitationId]);
    expect(tokens.map((t) => [t.round, t.revoked_at === null])).toEqual([[0, false], [1, true]]);
    expect((tokens[1].token_hash as Buffer).equals(hashToken(reminder.token))).toBe(true);
    expect(tokens[1].expires_at.getTime()).toBe(at(7.5 + 14)().getTime());
  }
  // The round-0 request, delivered again now, is stale: nothing is sent.
  const stale = roundZero.find((r) => r.invitationId === Number(silent.id))!;
  const before = proxy.sends.length;
  const staleResult = await sendInvitation(sendDependencies(db.as("campaign-send"), proxy.endpoint, { now: at(7.6) }), stale);
  expect(Object.values(staleResult.outcomes).every((o) => o === "already_claimed" || o === "superseded")).toBe(true);
  expect(proxy.sends.length).toBe(before);

  // A second run in the same week finds nothing to do.
  const again = new InMemorySendQueue();
  expect((await runReminders({ pool: db.as("campaign-remind"), queue: again, now: at(8) })).campaigns[0].invitations).toBe(0);
  expect(again.requests).toHaveLength(0);

  await sendAll(reminders, 8);
  const sms = proxy.sends.filter((s) => s.recipient === "+447700966602");
  expect(sms).toHaveLength(2);
  expect(sms[1].message).toMatch(/^Riverside Surgery reminder: book a flu jab https:\/\/book\.example\.org\/i\/[A-Za-z0-9_-]{22} Opt out: https:\/\/book\.example\.org\/s\/[A-Za-z0-9_-]{10}$/);
  expect((await invitationOf("silent")).round).toBe(1);
});

test("reminders stop at the campaign's maximum", async () => {
  const second = new InMemorySendQueue();
  await runReminders({ pool: db.as("campaign-remind"), queue: second, now: at(15.5) });
  const round2 = second.take();
  expect(round2.map((r) => r.round)).toEqual([2, 2]);
  await sendAll(round2, 16);
  const third = new InMemorySendQueue();
  const result = await runReminders({ pool: db.as("campaign-remind"), queue: third, now: at(30) });
  expect(result.campaigns[0].invitations).toBe(0);
  const [deliveries] = await db.admin.query<RowDataPacket[]>(
    "SELECT d.round, COUNT(*) AS n FROM deliveries d JOIN invitations i ON i.id = d.invitation_id WHERE i.campaign_id = ? AND d.status = 'sent' GROUP BY d.round ORDER BY d.round",
    [campaignId],
  );
  expect(deliveries.map((r) => [r.round, Number(r.n)])).toEqual([[0, 6], [1, 3], [2, 3]]);
});

test("a reminder run killed after committing but before enqueueing is finished by the next run, with new tokens", async () => {
  const campaign = await createCampaign(db.admin, { reminderIntervalDays: 7, maxReminders: 3 });
  const queue = new InMemorySendQueue();
  await planCampaign({ pool: db.as("campaign-plan"), queue, now: at(0) }, campaign);
  await sendAll(queue.take(), 0);
  const failing = { send: async () => { throw new Error("queue unavailable"); } };
  await expect(runReminders({ pool: db.as("campaign-remind"), queue: failing, now: at(8) })).rejects.toThrow("queue unavailable");
  const unqueued = await countUnqueued(db.admin, campaign);
  expect(unqueued).toBeGreaterThan(0);
  const retry = new InMemorySendQueue();
  const result = await runReminders({ pool: db.as("campaign-remind"), queue: retry, now: at(8.1) });
  const mine = result.campaigns.find((c) => c.campaignId === campaign)!;
  expect(mine.reissued).toBe(unqueued);
  expect(await countUnqueued(db.admin, campaign)).toBe(0);
  const [live] = await db.admin.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n, SUM(t.round = 1) AS roundOne FROM invitation_tokens t JOIN invitations i ON i.id = t.invitation_id WHERE i.campaign_id = ? AND t.revoked_at IS NULL",
    [campaign],
  );
  const [invitations] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM invitations WHERE campaign_id = ?", [campaign]);
  expect(Number(live[0].n)).toBe(Number(invitations[0].n));
});
