/**
 * Booking against the real MariaDB: listing days and times reads only, a booking takes one seat
 * and answers the invitation, a full or foreign slot and a second booking change nothing,
 * changing moves the seat and cancelling gives it back (the patient is a non-respondent again),
 * and under concurrency no slot is ever overbooked, no invitation books twice and no seat is
 * given back twice.
 */
import type { RowDataPacket } from "mysql2/promise";
import { availableDays, bookingOf, bookSlot, BookingResult, cancelBooking, findSession, localDayBounds, slotsOnDay, utcOffsetMinutes } from "../../../functions/campaign/booking";
import { bookingPage, cancelResultPage, Practice, timesPage } from "../../../functions/campaign/pages";
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
  campaignId = await createCampaign(db.admin, { name: "flu" });
  otherCampaignId = await createCampaign(db.admin, { name: "other", condition: "x" });
});
afterAll(async () => db?.drop());


const addSlot = (capacity: number, options: { booked?: number; startsAt?: Date; site?: string; campaign?: number } = {}) =>
  insertId(db.admin, "INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity, booked) VALUES (?, ?, ?, ?, ?)", [
    options.campaign ?? campaignId,
    options.site ?? "Riverside Surgery",
    options.startsAt ?? new Date(NOW.getTime() + DAY),
    capacity,
    options.booked ?? 0,
  ]);

/** A patient who has redeemed their link: their invitation id and booking session secret. */
async function redeemedPatient(): Promise<{ invitationId: number; session: string }> {
  patients++;
  const patientId = await insertId(db.admin, "INSERT INTO patients (external_ref, given_name, family_name) VALUES (?, 'Test', 'Patient')", [`P${patients}`]);
  const invitationId = await insertId(db.admin, "INSERT INTO invitations (campaign_id, patient_id) VALUES (?, ?)", [campaignId, patientId]);
  const { token, hash } = mintToken();
  await db.admin.query("INSERT INTO invitation_tokens (token_hash, invitation_id, round, expires_at) VALUES (?, ?, 0, ?)", [hash, invitationId, new Date(NOW.getTime() + 28 * DAY)]);
  const result = await redeemToken(db.as("campaign-web"), token, clock);
  if (result.outcome !== "redeemed") throw new Error(`seed: expected redeemed, got ${result.outcome}`);
  return { invitationId, session: result.session.secret };
}

async function slotState(id: number): Promise<{ booked: number; bookings: number }> {
  const [[slot]] = await db.admin.query<RowDataPacket[]>("SELECT booked, (SELECT COUNT(*) FROM bookings WHERE slot_id = ?) AS bookings FROM appointment_slots WHERE id = ?", [id, id]);
  return { booked: slot.booked, bookings: Number(slot.bookings) };
}

async function snapshot(): Promise<unknown> {
  const [slots] = await db.admin.query("SELECT * FROM appointment_slots ORDER BY id");
  const [bookings] = await db.admin.query("SELECT * FROM bookings ORDER BY id");
  const [sessions] = await db.admin.query("SELECT * FROM booking_sessions ORDER BY session_hash");
  return { slots, bookings, sessions };
}

const outcomes = (results: BookingResult[]) => results.reduce<Record<string, number>>((counts, r) => ({ ...counts, [r.outcome]: (counts[r.outcome] ?? 0) + 1 }), {});

describe("listing days, then times", () => {
  test("days with free seats by date then site, in the practice's time zone, and changes nothing", async () => {
    const c = await createCampaign(db.admin, { name: "days", condition: "d" });
    const at = (iso: string) => new Date(iso);
    // 23:30 UTC on 2 Oct is 00:30 on 3 Oct in London (BST): it belongs to the 3rd.
    await addSlot(2, { campaign: c, site: "Hillside", startsAt: at("2026-10-02T23:30:00Z") });
    await addSlot(4, { campaign: c, site: "Riverside", startsAt: at("2026-10-02T08:00:00Z"), booked: 1 });
    await addSlot(4, { campaign: c, site: "Riverside", startsAt: at("2026-10-02T09:00:00Z") });
    await addSlot(3, { campaign: c, site: "Annex", startsAt: at("2026-10-02T09:00:00Z"), booked: 3 }); // full
    await addSlot(3, { campaign: c, site: "Annex", startsAt: at("2026-10-01T08:00:00Z") }); // before NOW
    const before = await snapshot();
    expect(await availableDays(db.as("campaign-web"), c, NOW, "Europe/London")).toEqual([
      { site: "Riverside", date: "2026-10-02", free: 7 },
      { site: "Hillside", date: "2026-10-03", free: 2 },
    ]);
    expect(await availableDays(db.as("campaign-web"), c, NOW, "Europe/London", 1)).toHaveLength(1);
    const times = await slotsOnDay(db.as("campaign-web"), c, "Riverside", "2026-10-02", "Europe/London", NOW);
    expect(times.map((s) => [s.startsAt.toISOString(), s.free])).toEqual([
      ["2026-10-02T08:00:00.000Z", 3],
      ["2026-10-02T09:00:00.000Z", 4],
    ]);
    expect((await slotsOnDay(db.as("campaign-web"), c, "Hillside", "2026-10-03", "Europe/London", NOW)).map((s) => s.site)).toEqual(["Hillside"]);
    expect(await slotsOnDay(db.as("campaign-web"), c, "Hillside", "2026-10-02", "Europe/London", NOW)).toEqual([]);
    expect(await slotsOnDay(db.as("campaign-web"), c, "Riverside", "2026-02-30", "Europe/London", NOW)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  test("local days across the clock change are 25 and 23 hours long", () => {
    expect(utcOffsetMinutes(new Date("2026-07-01T12:00:00Z"), "Europe/London")).toBe(60);
    expect(utcOffsetMinutes(new Date("2026-12-01T12:00:00Z"), "Europe/London")).toBe(0);
    const autumn = localDayBounds("2026-10-25", "Europe/London");
    expect([autumn.start.toISOString(), autumn.end.toISOString()]).toEqual(["2026-10-24T23:00:00.000Z", "2026-10-26T00:00:00.000Z"]);
    const spring = localDayBounds("2026-03-29", "Europe/London");
    expect((spring.end.getTime() - spring.start.getTime()) / 3_600_000).toBe(23);
  });

  test("the times page labels each radio with time, date and site, and is bounded", async () => {
    const c = await createCampaign(db.admin, { name: "many", condition: "m" });
    const rows = Array.from({ length: 120 }, (_, i) => [c, "Riverside", new Date(Date.parse("2026-10-02T07:00:00Z") + i * 5 * 60_000), 1]);
    await db.admin.query("INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity) VALUES ?", [rows]);
    const slots = await slotsOnDay(db.as("campaign-web"), c, "Riverside", "2026-10-02", "Europe/London", NOW);
    expect(slots).toHaveLength(80);
    const page = timesPage(practice, mintToken().token, { date: "2026-10-02", site: "Riverside" }, slots);
    expect(page.html.match(/type="radio"/g)).toHaveLength(80);
    expect(page.html).toContain('<legend>Friday, 2 October 2026, Riverside</legend>');
    expect(page.html).toMatch(/<label for="slot-[0-9]+">08:00<span class="visually-hidden">, Friday, 2 October 2026, Riverside<\/span><\/label>/);
    expect(page.html).not.toMatch(/ style=|<table/);
  });

  test("an unknown, forged, malformed or expired session is refused", async () => {
    const { session } = await redeemedPatient();
    expect(await findSession(db.as("campaign-web"), mintToken().token, NOW)).toEqual({ outcome: "session-unknown" });
    expect(await findSession(db.as("campaign-web"), "not a session", NOW)).toEqual({ outcome: "session-unknown" });
    expect(await findSession(db.as("campaign-web"), session, new Date(NOW.getTime() + 2 * 60 * 60 * 1000))).toEqual({ outcome: "session-expired" });
    expect((await findSession(db.as("campaign-web"), session, new Date(NOW.getTime() + 2 * 60 * 60 * 1000 - 1))).outcome).toBe("valid");
  });
});

describe("booking one slot", () => {
  test("takes exactly one seat; a second booking for the same invitation changes nothing and shows the first", async () => {
    const slot = await addSlot(3, { site: "Riverside <script>alert(1)</script> Hall" });
    const other = await addSlot(3);
    const { invitationId, session } = await redeemedPatient();
    const result = await bookSlot(db.as("campaign-web"), session, slot, clock);
    expect(result).toEqual({ outcome: "booked", invitationId, booking: { invitationId, slotId: slot, site: "Riverside <script>alert(1)</script> Hall", startsAt: new Date(NOW.getTime() + DAY), bookedAt: NOW }, confirmedBy: [] });
    expect(await slotState(slot)).toEqual({ booked: 1, bookings: 1 });

    const booked = bookingPage(practice, session, result);
    expect(booked.status).toBe(200);
    expect(booked.html).toContain("Your appointment is booked");
    // This patient has no contact details: the page must not promise a confirmation.
    expect(booked.html).toContain("We will not send you a message about this");
    expect(booked.html).not.toContain("We will send you a confirmation");
    expect(booked.html).toContain("Riverside &lt;script&gt;alert(1)&lt;/script&gt; Hall");
    expect(booked.html).not.toContain("<script");
    expect(booked.html).toMatch(/Friday,? 2 October 2026 at 10:00/); // shown in London time (BST)

    const before = await snapshot();
    const again = await bookSlot(db.as("campaign-web"), session, other, clock);
    expect(again).toEqual({ outcome: "already-booked", invitationId, booking: result.outcome === "booked" && result.booking });
    expect(bookingPage(practice, session, again).status).toBe(409);
    expect(await snapshot()).toEqual(before);
    expect((await bookingOf(db.as("campaign-web"), invitationId))?.slotId).toBe(slot);
    const [[invitation]] = await db.admin.query<RowDataPacket[]>("SELECT responded_at FROM invitations WHERE id = ?", [invitationId]);
    expect(invitation.responded_at).toEqual(NOW);
  });

  test("a full slot: a clear page listing that day's times still free, and nothing changes", async () => {
    const full = await addSlot(1, { booked: 1, startsAt: new Date(NOW.getTime() + 6 * DAY) });
    const free = await addSlot(1, { startsAt: new Date(NOW.getTime() + 6 * DAY) });
    const { invitationId, session } = await redeemedPatient();
    const before = await snapshot();
    const result = await bookSlot(db.as("campaign-web"), session, full, clock);
    if (result.outcome !== "full") throw new Error(result.outcome);
    expect(result.invitationId).toBe(invitationId);
    expect(result.slot.id).toBe(full);
    const slots = await slotsOnDay(db.as("campaign-web"), campaignId, "Riverside Surgery", "2026-10-07", "Europe/London", NOW);
    expect(slots.map((s) => s.id)).toContain(free);
    expect(slots.map((s) => s.id)).not.toContain(full);
    const rendered = bookingPage(practice, session, result, undefined, { days: [], slots });
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
      const result = await bookSlot(db.as("campaign-web"), session, slot, clock);
      expect({ slot, outcome: result.outcome }).toEqual({ slot, outcome: "slot-unavailable" });
      expect(bookingPage(practice, session, result).status).toBe(404);
    }
    expect(await snapshot()).toEqual(before);
  });

  test("an expired or unknown session books nothing", async () => {
    const slot = await addSlot(5);
    const { session } = await redeemedPatient();
    const before = await snapshot();
    const expired = await bookSlot(db.as("campaign-web"), session, slot, () => new Date(NOW.getTime() + 3 * 60 * 60 * 1000));
    expect(expired).toEqual({ outcome: "session-expired" });
    expect(bookingPage(practice, session, expired).status).toBe(410);
    expect(bookingPage(practice, session, expired).html).toContain("This booking page has expired");
    const unknown = await bookSlot(db.as("campaign-web"), mintToken().token, slot, clock);
    expect(unknown).toEqual({ outcome: "session-unknown" });
    expect(bookingPage(practice, session, unknown).status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});

describe("fault tests: concurrent bookings", () => {
  test("30 patients, 30 connections, one slot of capacity 5: exactly 5 bookings, booked = 5, 25 'full' pages", async () => {
    const slot = await addSlot(5, { startsAt: new Date(NOW.getTime() + 10 * DAY) });
    const fallback = await addSlot(50, { startsAt: new Date(NOW.getTime() + 10 * DAY + 60_000) });
    const bookers = [];
    for (let i = 0; i < 30; i++) bookers.push(await redeemedPatient());
    const connections = await Promise.all(bookers.map(() => db.connectAs("campaign-web")));
    try {
      await Promise.all(connections.map((c) => c.query("SELECT 1")));
      const results = await Promise.all(bookers.map((b, i) => bookSlot(connections[i], b.session, slot, clock)));
      expect(outcomes(results)).toEqual({ booked: 5, full: 25 });
      expect(await slotState(slot)).toEqual({ booked: 5, bookings: 5 });
      expect(await slotState(fallback)).toEqual({ booked: 0, bookings: 0 });
      const winners = results.filter((r) => r.outcome === "booked").map((r) => r.invitationId).sort((a, b) => a - b);
      const [rows] = await db.admin.query<RowDataPacket[]>("SELECT invitation_id FROM bookings WHERE slot_id = ? ORDER BY invitation_id", [slot]);
      expect(rows.map((r) => Number(r.invitation_id))).toEqual(winners);
      for (const [i, result] of results.entries()) {
        if (result.outcome !== "full") continue;
        const slots = await slotsOnDay(db.as("campaign-web"), campaignId, result.slot.site, "2026-10-11", "Europe/London", NOW);
        const rendered = bookingPage(practice, bookers[i].session, result, undefined, { days: [], slots });
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
    const connections = await Promise.all(Array.from({ length: 12 }, () => db.connectAs("campaign-web")));
    try {
      await Promise.all(connections.map((c) => c.query("SELECT 1")));
      const results = await Promise.all(connections.map((c, i) => bookSlot(c, session, i % 2 === 0 ? a : b, clock)));
      expect(outcomes(results)).toEqual({ booked: 1, "already-booked": 11 });
      const [stateA, stateB] = [await slotState(a), await slotState(b)];
      expect(stateA.booked + stateB.booked).toBe(1);
      expect(stateA.bookings + stateB.bookings).toBe(1);
      expect(stateA.booked).toBe(stateA.bookings);
      const [rows] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM bookings WHERE invitation_id = ?", [invitationId]);
      expect(rows[0].n).toBe(1);
    } finally {
      await Promise.all(connections.map((c) => c.end()));
    }
  });

  test("the same through one pool: 20 bookers for 3 seats", async () => {
    const slot = await addSlot(3, { startsAt: new Date(NOW.getTime() + 13 * DAY) });
    const bookers = [];
    for (let i = 0; i < 20; i++) bookers.push(await redeemedPatient());
    const results = await Promise.all(bookers.map((b) => bookSlot(db.as("campaign-web"), b.session, slot, clock)));
    expect(outcomes(results)).toEqual({ booked: 3, full: 17 });
    expect(await slotState(slot)).toEqual({ booked: 3, bookings: 3 });
  });
});

describe("changing and cancelling", () => {
  test("change moves the booking: new seat taken, old seat given back, one booking, the move recorded", async () => {
    const first = await addSlot(2, { startsAt: new Date(NOW.getTime() + 14 * DAY) });
    const second = await addSlot(2, { startsAt: new Date(NOW.getTime() + 15 * DAY) });
    const { invitationId, session } = await redeemedPatient();
    expect((await bookSlot(db.as("campaign-web"), session, first, clock)).outcome).toBe("booked");
    const moved = await bookSlot(db.as("campaign-web"), session, second, clock, { change: true });
    if (moved.outcome !== "moved") throw new Error(moved.outcome);
    expect([moved.previous.slotId, moved.booking.slotId]).toEqual([first, second]);
    expect(await slotState(first)).toEqual({ booked: 0, bookings: 0 });
    expect(await slotState(second)).toEqual({ booked: 1, bookings: 1 });
    const [log] = await db.admin.query<RowDataPacket[]>("SELECT slot_id, reason FROM booking_cancellations WHERE invitation_id = ?", [invitationId]);
    expect(log).toEqual([{ slot_id: first, reason: "moved" }]);
    expect(bookingPage(practice, session, moved).html).toContain("Your appointment has been changed");
    // Changing to the slot it already holds changes nothing.
    const before = await snapshot();
    expect((await bookSlot(db.as("campaign-web"), session, second, clock, { change: true })).outcome).toBe("already-booked");
    expect(await snapshot()).toEqual(before);
  });

  test("a change to a full slot keeps the old booking", async () => {
    const held = await addSlot(2, { startsAt: new Date(NOW.getTime() + 16 * DAY) });
    const full = await addSlot(1, { booked: 1, startsAt: new Date(NOW.getTime() + 16 * DAY) });
    const { invitationId, session } = await redeemedPatient();
    await bookSlot(db.as("campaign-web"), session, held, clock);
    const before = await snapshot();
    expect((await bookSlot(db.as("campaign-web"), session, full, clock, { change: true })).outcome).toBe("full");
    expect(await snapshot()).toEqual(before);
    expect((await bookingOf(db.as("campaign-web"), invitationId))?.slotId).toBe(held);
  });

  test("cancel gives the seat back, keeps a record, makes the patient a non-respondent again; a retry changes nothing", async () => {
    const slot = await addSlot(1, { startsAt: new Date(NOW.getTime() + 17 * DAY) });
    const { invitationId, session } = await redeemedPatient();
    await bookSlot(db.as("campaign-web"), session, slot, clock);
    const cancelled = await cancelBooking(db.as("campaign-web"), session, clock);
    expect(cancelled).toMatchObject({ outcome: "cancelled", invitationId, booking: { slotId: slot } });
    expect(await slotState(slot)).toEqual({ booked: 0, bookings: 0 });
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT i.responded_at, (SELECT COUNT(*) FROM non_respondents n WHERE n.invitation_id = i.id) AS non_respondent, (SELECT COUNT(*) FROM booking_cancellations c WHERE c.invitation_id = i.id AND c.reason = 'patient') AS cancellations FROM invitations i WHERE i.id = ?", [invitationId]);
    expect(rows).toEqual([{ responded_at: null, non_respondent: 1, cancellations: 1 }]);
    expect(cancelResultPage(practice, session, cancelled).html).toContain("Your appointment is cancelled");
    const before = await snapshot();
    expect(await cancelBooking(db.as("campaign-web"), session, clock)).toEqual({ outcome: "not-booked", invitationId });
    expect(await snapshot()).toEqual(before);
    // The seat is free for the next patient, and this patient can book again.
    expect((await bookSlot(db.as("campaign-web"), session, slot, clock)).outcome).toBe("booked");
  });

  test("a staff outcome survives a cancellation: the patient stays a respondent", async () => {
    const slot = await addSlot(1, { startsAt: new Date(NOW.getTime() + 18 * DAY) });
    const { invitationId, session } = await redeemedPatient();
    await bookSlot(db.as("campaign-web"), session, slot, clock);
    await db.admin.query("UPDATE invitations SET staff_outcome = 'vaccinated-elsewhere' WHERE id = ?", [invitationId]);
    await cancelBooking(db.as("campaign-web"), session, clock);
    const [[row]] = await db.admin.query<RowDataPacket[]>("SELECT responded_at FROM invitations WHERE id = ?", [invitationId]);
    expect(row.responded_at).toEqual(NOW);
  });

  test("fault test: 12 cancels and 12 moves of one booking at once never give a seat back twice", async () => {
    const a = await addSlot(5, { startsAt: new Date(NOW.getTime() + 19 * DAY) });
    const b = await addSlot(5, { startsAt: new Date(NOW.getTime() + 19 * DAY + 60_000) });
    const { invitationId, session } = await redeemedPatient();
    await bookSlot(db.as("campaign-web"), session, a, clock);
    const connections = await Promise.all(Array.from({ length: 24 }, () => db.connectAs("campaign-web")));
    try {
      await Promise.all(connections.map((c) => c.query("SELECT 1")));
      await Promise.all(connections.map((c, i) => (i % 2 === 0 ? cancelBooking(c, session, clock) : bookSlot(c, session, b, clock, { change: true }))));
      const [stateA, stateB] = [await slotState(a), await slotState(b)];
      expect(stateA.booked).toBe(stateA.bookings);
      expect(stateB.booked).toBe(stateB.bookings);
      const [rows] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM bookings WHERE invitation_id = ?", [invitationId]);
      expect(stateA.bookings + stateB.bookings).toBe(Number(rows[0].n));
      expect(Number(rows[0].n)).toBeLessThanOrEqual(1);
    } finally {
      await Promise.all(connections.map((c) => c.end()));
    }
  });
});
