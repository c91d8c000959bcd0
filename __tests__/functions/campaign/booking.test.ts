/**
 * Booking against the real MariaDB: listing reads only, a booking takes one seat, a full or
 * foreign slot and a second booking change nothing, and under concurrency no slot is ever
 * overbooked and no invitation books twice.
 */
import type { RowDataPacket } from "mysql2/promise";
import { bookSlot, BookingResult, listSlots } from "../../../functions/campaign/booking";
import { bookingPage, Practice } from "../../../functions/campaign/pages";
import { redeemToken } from "../../../functions/campaign/redeem";
import { mintToken } from "../../../functions/campaign/tokens";
import { createCampaign } from "../../../scripts/campaign/lib/local-campaign";
import { createTestDatabase, insertId, TestDatabase } from "../../support/local-services";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const clock = () => NOW;
const DAY = 24 * 60 * 60 * 1000;
const practice: Practice = { name: "Riverside Surgery", phone: "020 7946 0000", timeZone: "Europe/London" };

let db: TestDatabase;
let campaignId: number;
let otherCampaignId: number;
let patients = 0;

beforeAll(async () => {
  db = await createTestDatabase("booking", 35);
  campaignId = await createCampaign(db.pool, { name: "flu" });
  otherCampaignId = await createCampaign(db.pool, { name: "other", condition: "x" });
});
afterAll(async () => db?.drop());


const addSlot = (capacity: number, options: { booked?: number; startsAt?: Date; site?: string; campaign?: number } = {}) =>
  insertId(db.pool, "INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity, booked) VALUES (?, ?, ?, ?, ?)", [
    options.campaign ?? campaignId,
    options.site ?? "Riverside Surgery",
    options.startsAt ?? new Date(NOW.getTime() + DAY),
    capacity,
    options.booked ?? 0,
  ]);

/** A patient who has redeemed their link: their invitation id and booking session secret. */
async function redeemedPatient(): Promise<{ invitationId: number; session: string }> {
  patients++;
  const patientId = await insertId(db.pool, "INSERT INTO patients (external_ref, given_name, family_name) VALUES (?, 'Test', 'Patient')", [`P${patients}`]);
  const invitationId = await insertId(db.pool, "INSERT INTO invitations (campaign_id, patient_id) VALUES (?, ?)", [campaignId, patientId]);
  const { token, hash } = mintToken();
  await db.pool.query("INSERT INTO invitation_tokens (token_hash, invitation_id, round, expires_at) VALUES (?, ?, 0, ?)", [hash, invitationId, new Date(NOW.getTime() + 28 * DAY)]);
  const result = await redeemToken(db.pool, token, clock);
  if (result.outcome !== "redeemed") throw new Error(`seed: expected redeemed, got ${result.outcome}`);
  return { invitationId, session: result.session.secret };
}

async function slotState(id: number): Promise<{ booked: number; bookings: number }> {
  const [[slot]] = await db.pool.query<RowDataPacket[]>("SELECT booked, (SELECT COUNT(*) FROM bookings WHERE slot_id = ?) AS bookings FROM appointment_slots WHERE id = ?", [id, id]);
  return { booked: slot.booked, bookings: Number(slot.bookings) };
}

async function snapshot(): Promise<unknown> {
  const [slots] = await db.pool.query("SELECT * FROM appointment_slots ORDER BY id");
  const [bookings] = await db.pool.query("SELECT * FROM bookings ORDER BY id");
  const [sessions] = await db.pool.query("SELECT * FROM booking_sessions ORDER BY session_hash");
  return { slots, bookings, sessions };
}

const outcomes = (results: BookingResult[]) => results.reduce<Record<string, number>>((counts, r) => ({ ...counts, [r.outcome]: (counts[r.outcome] ?? 0) + 1 }), {});

describe("listing", () => {
  test("a session sees its campaign's future slots with room, earliest first, and changes nothing", async () => {
    const later = await addSlot(4, { booked: 1, startsAt: new Date(NOW.getTime() + 5 * DAY) });
    const sooner = await addSlot(2, { startsAt: new Date(NOW.getTime() + 4 * DAY) });
    await addSlot(2, { booked: 2, startsAt: new Date(NOW.getTime() + 4 * DAY) });
    await addSlot(2, { startsAt: new Date(NOW.getTime() - DAY) });
    await addSlot(2, { campaign: otherCampaignId });
    const { invitationId, session } = await redeemedPatient();
    const before = await snapshot();
    const listing = await listSlots(db.pool, session, clock);
    if (listing.outcome !== "open") throw new Error(listing.outcome);
    expect(listing.invitationId).toBe(invitationId);
    expect(listing.booking).toBeUndefined();
    const mine = listing.slots.filter((s) => [later, sooner].includes(s.id));
    expect(mine.map((s) => [s.id, s.free])).toEqual([
      [sooner, 2],
      [later, 3],
    ]);
    expect(listing.slots.every((s) => s.startsAt > NOW && s.free > 0)).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  test("an unknown, forged, malformed or expired session is refused", async () => {
    const { session } = await redeemedPatient();
    expect(await listSlots(db.pool, mintToken().token, clock)).toEqual({ outcome: "session-unknown" });
    expect(await listSlots(db.pool, "not a session", clock)).toEqual({ outcome: "session-unknown" });
    expect(await listSlots(db.pool, session, () => new Date(NOW.getTime() + 2 * 60 * 60 * 1000))).toEqual({ outcome: "session-expired" });
    expect((await listSlots(db.pool, session, () => new Date(NOW.getTime() + 2 * 60 * 60 * 1000 - 1))).outcome).toBe("open");
  });
});

describe("booking one slot", () => {
  test("takes exactly one seat; a second booking for the same invitation changes nothing and shows the first", async () => {
    const slot = await addSlot(3, { site: "Riverside <script>alert(1)</script> Hall" });
    const other = await addSlot(3);
    const { invitationId, session } = await redeemedPatient();
    const result = await bookSlot(db.pool, session, slot, clock);
    expect(result).toEqual({ outcome: "booked", invitationId, booking: { slotId: slot, site: "Riverside <script>alert(1)</script> Hall", startsAt: new Date(NOW.getTime() + DAY), bookedAt: NOW } });
    expect(await slotState(slot)).toEqual({ booked: 1, bookings: 1 });

    const booked = bookingPage(practice, session, result);
    expect(booked.status).toBe(200);
    expect(booked.html).toContain("Your appointment is booked");
    expect(booked.html).toContain("Riverside &lt;script&gt;alert(1)&lt;/script&gt; Hall");
    expect(booked.html).not.toContain("<script");
    expect(booked.html).toMatch(/Friday,? 2 October 2026 at 10:00/); // shown in London time (BST)

    const before = await snapshot();
    const again = await bookSlot(db.pool, session, other, clock);
    expect(again).toEqual({ outcome: "already-booked", invitationId, booking: result.outcome === "booked" && result.booking });
    expect(bookingPage(practice, session, again).status).toBe(409);
    expect(await snapshot()).toEqual(before);
    const listing = await listSlots(db.pool, session, clock);
    expect(listing.outcome === "open" && listing.booking?.slotId).toBe(slot);
  });

  test("a full slot: a clear page listing the slots still free, and nothing changes", async () => {
    const full = await addSlot(1, { booked: 1, startsAt: new Date(NOW.getTime() + 6 * DAY) });
    const free = await addSlot(1, { startsAt: new Date(NOW.getTime() + 6 * DAY) });
    const { invitationId, session } = await redeemedPatient();
    const before = await snapshot();
    const result = await bookSlot(db.pool, session, full, clock);
    if (result.outcome !== "full") throw new Error(result.outcome);
    expect(result.invitationId).toBe(invitationId);
    expect(result.slots.map((s) => s.id)).toContain(free);
    expect(result.slots.map((s) => s.id)).not.toContain(full);
    const rendered = bookingPage(practice, session, result);
    expect(rendered.status).toBe(409);
    expect(rendered.html).toContain("That time has just been taken");
    expect(rendered.html).toContain(`value="${free}"`);
    expect(rendered.html).toContain(`<input type="hidden" name="session" value="${session}">`);
    expect(await snapshot()).toEqual(before);
  });

  test("a slot of another campaign, a past slot, or no such slot: 'not available', and nothing changes", async () => {
    const foreign = await addSlot(5, { campaign: otherCampaignId });
    const past = await addSlot(5, { startsAt: new Date(NOW.getTime() - 60_000) });
    const { session } = await redeemedPatient();
    const before = await snapshot();
    for (const slot of [foreign, past, 999999, 0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2]) {
      const result = await bookSlot(db.pool, session, slot, clock);
      expect({ slot, outcome: result.outcome }).toEqual({ slot, outcome: "slot-unavailable" });
      expect(bookingPage(practice, session, result).status).toBe(404);
    }
    expect(await snapshot()).toEqual(before);
  });

  test("an expired or unknown session books nothing", async () => {
    const slot = await addSlot(5);
    const { session } = await redeemedPatient();
    const before = await snapshot();
    const expired = await bookSlot(db.pool, session, slot, () => new Date(NOW.getTime() + 3 * 60 * 60 * 1000));
    expect(expired).toEqual({ outcome: "session-expired" });
    expect(bookingPage(practice, session, expired).status).toBe(410);
    expect(bookingPage(practice, session, expired).html).toContain("This booking page has expired");
    const unknown = await bookSlot(db.pool, mintToken().token, slot, clock);
    expect(unknown).toEqual({ outcome: "session-unknown" });
    expect(bookingPage(practice, session, unknown).status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});

describe("fault tests: concurrent bookings", () => {
  test("30 patients, 30 connections, one slot of capacity 5: exactly 5 bookings, booked = 5, 25 'full' pages", async () => {
    const slot = await addSlot(5, { startsAt: new Date(NOW.getTime() + 10 * DAY) });
    const fallback = await addSlot(50, { startsAt: new Date(NOW.getTime() + 11 * DAY) });
    const bookers = [];
    for (let i = 0; i < 30; i++) bookers.push(await redeemedPatient());
    const connections = await Promise.all(bookers.map(() => db.connect()));
    try {
      await Promise.all(connections.map((c) => c.query("SELECT 1")));
      const results = await Promise.all(bookers.map((b, i) => bookSlot(connections[i], b.session, slot, clock)));
      expect(outcomes(results)).toEqual({ booked: 5, full: 25 });
      expect(await slotState(slot)).toEqual({ booked: 5, bookings: 5 });
      expect(await slotState(fallback)).toEqual({ booked: 0, bookings: 0 });
      const winners = results.filter((r) => r.outcome === "booked").map((r) => r.invitationId).sort((a, b) => a - b);
      const [rows] = await db.pool.query<RowDataPacket[]>("SELECT invitation_id FROM bookings WHERE slot_id = ? ORDER BY invitation_id", [slot]);
      expect(rows.map((r) => Number(r.invitation_id))).toEqual(winners);
      for (const [i, result] of results.entries()) {
        if (result.outcome !== "full") continue;
        const rendered = bookingPage(practice, bookers[i].session, result);
        expect(rendered.status).toBe(409);
        expect(rendered.html).toContain("That time has just been taken");
        expect(rendered.html).toContain(`value="${fallback}"`);
        expect(rendered.html).not.toContain(`value="${slot}"`);
      }
    } finally {
      await Promise.all(connections.map((c) => c.end()));
    }
  });

  test("one invitation booking 12 times at once across two slots: one booking, one seat taken in total", async () => {
    const a = await addSlot(10, { startsAt: new Date(NOW.getTime() + 12 * DAY) });
    const b = await addSlot(10, { startsAt: new Date(NOW.getTime() + 12 * DAY) });
    const { invitationId, session } = await redeemedPatient();
    const connections = await Promise.all(Array.from({ length: 12 }, () => db.connect()));
    try {
      await Promise.all(connections.map((c) => c.query("SELECT 1")));
      const results = await Promise.all(connections.map((c, i) => bookSlot(c, session, i % 2 === 0 ? a : b, clock)));
      expect(outcomes(results)).toEqual({ booked: 1, "already-booked": 11 });
      const [stateA, stateB] = [await slotState(a), await slotState(b)];
      expect(stateA.booked + stateB.booked).toBe(1);
      expect(stateA.bookings + stateB.bookings).toBe(1);
      expect(stateA.booked).toBe(stateA.bookings);
      const [rows] = await db.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM bookings WHERE invitation_id = ?", [invitationId]);
      expect(rows[0].n).toBe(1);
    } finally {
      await Promise.all(connections.map((c) => c.end()));
    }
  });

  test("the same through one pool: 20 bookers for 3 seats", async () => {
    const slot = await addSlot(3, { startsAt: new Date(NOW.getTime() + 13 * DAY) });
    const bookers = [];
    for (let i = 0; i < 20; i++) bookers.push(await redeemedPatient());
    const results = await Promise.all(bookers.map((b) => bookSlot(db.pool, b.session, slot, clock)));
    expect(outcomes(results)).toEqual({ booked: 3, full: 17 });
    expect(await slotState(slot)).toEqual({ booked: 3, bookings: 3 });
  });
});
