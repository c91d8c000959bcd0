/**
 * Opening invitation links against the real MariaDB: looking never changes anything; opening a
 * live link starts a booking session and never answers the invitation (only a booking or a
 * staff outcome does), so the link keeps working until it is used to book, expires or is
 * replaced: a retry, an expired session or a day with no free seats never strands the patient.
 */
import { createHash } from "crypto";
import type { RowDataPacket } from "mysql2/promise";
import type { Database } from "../../../functions/campaign/booking";
import { availableDays, bookSlot, findSession, renewSession } from "../../../functions/campaign/booking";
import { landingPage, Practice, redemptionPage } from "../../../functions/campaign/pages";
import { inspectToken, redeemToken } from "../../../functions/campaign/redeem";
import { mintToken } from "../../../functions/campaign/tokens";
import { createCampaign } from "../../../scripts/campaign/lib/local-campaign";
import { createTestDatabase, insertId, TestDatabase } from "../../support/local-services";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const clock = () => NOW;
const DAY = 24 * 60 * 60 * 1000;
const practice: Practice = { name: "Riverside Surgery", phone: "020 7946 0000", timeZone: "Europe/London" };

let db: TestDatabase;
let campaignId: number;
let patients = 0;

beforeAll(async () => {
  db = await createTestDatabase("redeem", 25);
  campaignId = await createCampaign(db.admin, { name: "flu" });
  const otherCampaign = await createCampaign(db.admin, { name: "other", condition: "x" });
  const slot = (campaign: number, startsAt: Date, capacity: number, booked: number, site = "Riverside Surgery, Room 2") =>
    db.admin.query("INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity, booked) VALUES (?, ?, ?, ?, ?)", [campaign, site, startsAt, capacity, booked]);
  await slot(campaignId, new Date(NOW.getTime() + 2 * DAY), 5, 1); // listed
  await slot(campaignId, new Date(NOW.getTime() + 1 * DAY), 3, 0, "Riverside <script>alert(1)</script> Hall"); // listed first
  await slot(campaignId, new Date(NOW.getTime() + 3 * DAY), 2, 2); // full
  await slot(campaignId, new Date(NOW.getTime() - 1 * DAY), 5, 0); // in the past
  await slot(otherCampaign, new Date(NOW.getTime() + 2 * DAY), 5, 0); // another campaign's
});
afterAll(async () => db?.drop());


interface TokenSeed {
  readonly round?: number;
  readonly expiresAt?: Date;
  readonly revokedAt?: Date | null;
  readonly redeemedAt?: Date | null;
}

/** A patient with an invitation in the campaign, and one token per seed (in round order). */
async function invitationWith(...seeds: TokenSeed[]): Promise<{ invitationId: number; tokens: string[] }> {
  patients++;
  const patientId = await insertId(db.admin, "INSERT INTO patients (external_ref, given_name, family_name, phone_e164) VALUES (?, 'Test', 'Patient', ?)", [`P${patients}`, `+4477009${String(patients).padStart(5, "0")}`]);
  const invitationId = await insertId(db.admin, "INSERT INTO invitations (campaign_id, patient_id, round, last_contacted_at) VALUES (?, ?, ?, ?)", [campaignId, patientId, seeds.length - 1, NOW]);
  const tokens: string[] = [];
  for (const [round, seed] of seeds.entries()) {
    const { token, hash } = mintToken();
    await db.admin.query("INSERT INTO invitation_tokens (token_hash, invitation_id, round, issued_at, expires_at, revoked_at, redeemed_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [
      hash,
      invitationId,
      seed.round ?? round,
      new Date(NOW.getTime() - DAY),
      seed.expiresAt ?? new Date(NOW.getTime() + 28 * DAY),
      seed.revokedAt ?? null,
      seed.redeemedAt ?? null,
    ]);
    tokens.push(token);
  }
  return { invitationId, tokens };
}

const TABLES = ["invitations", "invitation_tokens", "booking_sessions", "bookings", "booking_cancellations", "appointment_slots", "patients", "campaigns"];

/** Every row of every table the flow could touch, plus the server's checksum of each table. */
async function snapshot(): Promise<unknown> {
  const state: Record<string, unknown> = {};
  for (const table of TABLES) {
    const [rows] = await db.admin.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
    const [checksum] = await db.admin.query<RowDataPacket[]>(`CHECKSUM TABLE ${table}`);
    state[table] = { rows, checksum: checksum[0].Checksum };
  }
  return state;
}

/** One link in each state a link can be in, besides malformed. */
async function linksInEveryState() {
  const live = await invitationWith({});
  const expired = await invitationWith({ expiresAt: new Date(NOW.getTime() - 1) });
  const expiresNow = await invitationWith({ expiresAt: NOW });
  const replaced = await invitationWith({ revokedAt: NOW }, {});
  const withdrawn = await invitationWith({ revokedAt: NOW });
  // Opened before (the old code called this "used" and stranded the patient): still open.
  const opened = await invitationWith({ redeemedAt: new Date(NOW.getTime() - DAY) });
  const booked = await invitationWith({ redeemedAt: new Date(NOW.getTime() - DAY) });
  const [[slot]] = await db.admin.query<RowDataPacket[]>("SELECT id FROM appointment_slots WHERE campaign_id = ? AND starts_at > ? ORDER BY starts_at LIMIT 1", [campaignId, NOW]);
  await db.admin.query("INSERT INTO bookings (invitation_id, slot_id, booked_at) VALUES (?, ?, ?)", [booked.invitationId, slot.id, NOW]);
  const byPhone = await invitationWith({});
  await db.admin.query("UPDATE invitations SET staff_outcome = 'booked-by-phone', responded_at = ? WHERE id = ?", [NOW, byPhone.invitationId]);
  const declined = await invitationWith({});
  await db.admin.query("UPDATE invitations SET staff_outcome = 'declined', responded_at = ? WHERE id = ?", [NOW, declined.invitationId]);
  return {
    live: live.tokens[0],
    expired: expired.tokens[0],
    expiresNow: expiresNow.tokens[0],
    replaced: replaced.tokens[0],
    withdrawn: withdrawn.tokens[0],
    opened: opened.tokens[0],
    booked: booked.tokens[0],
    byPhone: byPhone.tokens[0],
    declined: declined.tokens[0],
    unknown: mintToken().token,
  };
}

const MALFORMED = ["", "short", "A".repeat(21), "A".repeat(23), "AAAAAAAAAAAAAAAAAAAAA/", "AAAAAAAAAAAAAAAAAAAAAB", "<script>alert(1)</script>xx", 42, null, undefined];

const respondedAt = async (invitationId: number): Promise<Date | null> => {
  const [[row]] = await db.admin.query<RowDataPacket[]>("SELECT responded_at FROM invitations WHERE id = ?", [invitationId]);
  return row.responded_at;
};
const isNonRespondent = async (invitationId: number): Promise<boolean> => {
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT 1 FROM non_respondents WHERE invitation_id = ?", [invitationId]);
  return rows.length === 1;
};

describe("looking at a link (GET) changes nothing, whatever its state", () => {
  test("each state is recognized, and the tables are byte-for-byte the same afterwards", async () => {
    const links = await linksInEveryState();
    const before = await snapshot();
    const seen: Record<string, string> = {};
    // Twice each, as a scanner and then the patient would.
    for (let pass = 0; pass < 2; pass++) {
      for (const [name, token] of Object.entries(links)) seen[name] = (await inspectToken(db.as("campaign-web"), token, clock)).outcome;
      for (const text of MALFORMED) expect(await inspectToken(db.as("campaign-web"), text, clock)).toEqual({ outcome: "malformed" });
    }
    expect(seen).toEqual({
      live: "redeemable",
      expired: "expired",
      expiresNow: "expired",
      replaced: "replaced",
      withdrawn: "withdrawn",
      opened: "redeemable",
      booked: "booked",
      byPhone: "answered-by-staff",
      declined: "redeemable",
      unknown: "unknown",
    });
    expect(await snapshot()).toEqual(before);
  });

  test("a live link's landing page has one button that posts back to the link, no session, and an opt-out link", async () => {
    const { tokens } = await invitationWith({});
    const rendered = landingPage(practice, tokens[0], await inspectToken(db.as("campaign-web"), tokens[0], clock));
    expect(rendered.status).toBe(200);
    expect(rendered.html.match(/<form /g)).toHaveLength(1);
    expect(rendered.html).toContain(`<form method="post" action="/i/${tokens[0]}"><p class="actions"><button type="submit">Choose an appointment</button></p></form>`);
    expect(rendered.html).toContain(`<a href="/i/${tokens[0]}/opt-out">`);
    expect(rendered.html).toContain('<a href="tel:02079460000">020 7946 0000</a>');
    expect(rendered.html).not.toContain('name="session"');
  });

  test("a booked link's landing page shows the appointment, a calendar link and a button to change or cancel", async () => {
    const links = await linksInEveryState();
    const rendered = landingPage(practice, links.booked, await inspectToken(db.as("campaign-web"), links.booked, clock));
    expect(rendered.status).toBe(200);
    expect(rendered.html).toContain("Your appointment");
    expect(rendered.html).toContain("Friday, 2 October 2026 at 10:00");
    expect(rendered.html).toContain(`<a href="/i/${links.booked}/calendar">`);
    expect(rendered.html).toContain("Change or cancel this appointment");
  });

  test("a malformed link is never looked up", async () => {
    const refusing = {
      query: () => Promise.reject(new Error("queried")),
      getConnection: () => Promise.reject(new Error("connected")),
    } as unknown as Database;
    for (const text of MALFORMED) {
      expect(await inspectToken(refusing, text, clock)).toEqual({ outcome: "malformed" });
      expect(await redeemToken(refusing, text, clock)).toEqual({ outcome: "malformed" });
    }
  });
});

describe("opening a link (POST)", () => {
  test("opens a 2-hour booking session and lists days with free seats; the patient stays a non-respondent", async () => {
    const { invitationId, tokens } = await invitationWith({});
    const result = await redeemToken(db.as("campaign-web"), tokens[0], clock);
    if (result.outcome !== "redeemed") throw new Error(`expected redeemed, got ${result.outcome}`);
    expect(result.invitationId).toBe(invitationId);
    expect(result.campaignId).toBe(campaignId);
    expect(result.booking).toBeUndefined();
    expect(result.session.secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(result.session.secret).not.toBe(tokens[0]);
    expect(result.session.expiresAt).toEqual(new Date(NOW.getTime() + 2 * 60 * 60 * 1000));

    const [tokenRows] = await db.admin.query<RowDataPacket[]>("SELECT redeemed_at FROM invitation_tokens WHERE invitation_id = ?", [invitationId]);
    expect(tokenRows).toEqual([{ redeemed_at: NOW }]);
    expect(await respondedAt(invitationId)).toBeNull();
    expect(await isNonRespondent(invitationId)).toBe(true);
    const [sessions] = await db.admin.query<RowDataPacket[]>("SELECT session_hash, token_hash, expires_at FROM booking_sessions WHERE invitation_id = ?", [invitationId]);
    expect(sessions).toEqual([{ session_hash: createHash("sha256").update(result.session.secret).digest(), token_hash: createHash("sha256").update(tokens[0]).digest(), expires_at: result.session.expiresAt }]);

    const days = await availableDays(db.as("campaign-web"), campaignId, NOW, practice.timeZone);
    const rendered = redemptionPage(practice, result, days);
    expect(rendered.status).toBe(200);
    expect(rendered.html).toContain(`<input type="hidden" name="session" value="${result.session.secret}">`);
    expect(rendered.html).toContain('<form method="post" action="/book">');
    expect(rendered.html.match(/type="radio" name="day"/g)).toHaveLength(2);
  });

  test("the same link again (a retry after a lost response, or the next day) opens the same state: slot choice", async () => {
    const { invitationId, tokens } = await invitationWith({});
    const first = await redeemToken(db.as("campaign-web"), tokens[0], clock);
    const again = await redeemToken(db.as("campaign-web"), tokens[0], () => new Date(NOW.getTime() + 60_000));
    expect([first.outcome, again.outcome]).toEqual(["redeemed", "redeemed"]);
    if (first.outcome !== "redeemed" || again.outcome !== "redeemed") return;
    expect(again.booking).toBeUndefined();
    expect(again.session.secret).not.toBe(first.session.secret);
    // Both sessions work; the first to book wins, the other sees that booking.
    const [[slot]] = await db.admin.query<RowDataPacket[]>("SELECT id FROM appointment_slots WHERE campaign_id = ? AND starts_at > ? AND booked < capacity ORDER BY starts_at LIMIT 1", [campaignId, NOW]);
    expect((await bookSlot(db.as("campaign-web"), first.session.secret, slot.id, clock)).outcome).toBe("booked");
    expect((await bookSlot(db.as("campaign-web"), again.session.secret, slot.id, clock)).outcome).toBe("already-booked");
    expect(await respondedAt(invitationId)).toEqual(NOW);
    expect(await isNonRespondent(invitationId)).toBe(false);
    // Reopened after booking: the booking, to change or cancel.
    const reopened = await redeemToken(db.as("campaign-web"), tokens[0], clock);
    expect(reopened.outcome === "redeemed" && reopened.booking?.slotId).toBe(slot.id);
    const page = redemptionPage(practice, reopened);
    expect(page.html).toContain("Cancel this appointment");
    expect(page.html).toContain("Change the time");
  });

  test("no free seats now: the patient stays a non-respondent, the page says so, and the link works once seats are added", async () => {
    const empty = await createCampaign(db.admin, { name: `empty-${patients}`, condition: "y" });
    patients++;
    const patientId = await insertId(db.admin, "INSERT INTO patients (external_ref, given_name, family_name) VALUES (?, 'Test', 'Patient')", [`E${patients}`]);
    const invitationId = await insertId(db.admin, "INSERT INTO invitations (campaign_id, patient_id) VALUES (?, ?)", [empty, patientId]);
    const { token, hash } = mintToken();
    await db.admin.query("INSERT INTO invitation_tokens (token_hash, invitation_id, round, expires_at) VALUES (?, ?, 0, ?)", [hash, invitationId, new Date(NOW.getTime() + 28 * DAY)]);
    const result = await redeemToken(db.as("campaign-web"), token, clock);
    expect(result.outcome).toBe("redeemed");
    const page = redemptionPage(practice, result, await availableDays(db.as("campaign-web"), empty, NOW, practice.timeZone));
    expect(page.html).toContain("There are no free appointments to book online at the moment");
    expect(await isNonRespondent(invitationId)).toBe(true);
    await db.admin.query("INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity) VALUES (?, 'Annex', ?, 1)", [empty, new Date(NOW.getTime() + DAY)]);
    const later = await redeemToken(db.as("campaign-web"), token, () => new Date(NOW.getTime() + 3_600_000));
    expect(later.outcome).toBe("redeemed");
    expect(await availableDays(db.as("campaign-web"), empty, NOW, practice.timeZone)).toEqual([{ site: "Annex", date: "2026-10-02", free: 1 }]);
  });

  test("an expired session goes back to choosing while its link is live, and not once the link was replaced", async () => {
    const { invitationId, tokens } = await invitationWith({});
    const opened = await redeemToken(db.as("campaign-web"), tokens[0], clock);
    if (opened.outcome !== "redeemed") throw new Error(opened.outcome);
    const later = new Date(NOW.getTime() + 3 * 60 * 60 * 1000);
    expect(await findSession(db.as("campaign-web"), opened.session.secret, later)).toEqual({ outcome: "session-expired" });
    expect(await renewSession(db.as("campaign-web"), opened.session.secret, NOW, 60_000)).toBeUndefined(); // still valid: not renewed
    const renewed = await renewSession(db.as("campaign-web"), opened.session.secret, later, 2 * 60 * 60 * 1000);
    if (!renewed || !("secret" in renewed)) throw new Error(`not renewed: ${JSON.stringify(renewed)}`);
    expect(renewed.invitationId).toBe(invitationId);
    expect((await findSession(db.as("campaign-web"), renewed.secret, later)).outcome).toBe("valid");
    // A reminder replaced the link: the old link's expired session ends there.
    await db.admin.query("UPDATE invitation_tokens SET revoked_at = ? WHERE invitation_id = ?", [later, invitationId]);
    expect(await renewSession(db.as("campaign-web"), opened.session.secret, later, 60_000)).toEqual({ outcome: "session-expired" });
    expect(await renewSession(db.as("campaign-web"), mintToken().token, later, 60_000)).toEqual({ outcome: "session-unknown" });
    expect(await respondedAt(invitationId)).toBeNull();
  });

  test("every dead link gets its own page and status, and nothing changes", async () => {
    const links = await linksInEveryState();
    const before = await snapshot();
    const expected: Record<string, [string, number, string]> = {
      expired: ["expired", 410, "This link has expired"],
      expiresNow: ["expired", 410, "This link has expired"],
      replaced: ["replaced", 410, "Please use the link in the latest message."],
      withdrawn: ["withdrawn", 410, "This link is no longer valid"],
      byPhone: ["answered-by-staff", 200, "you booked your appointment with us by phone"],
      unknown: ["unknown", 404, "We cannot find this link"],
    };
    for (const [name, [outcome, status, text]] of Object.entries(expected)) {
      const result = await redeemToken(db.as("campaign-web"), links[name as keyof typeof links], clock);
      expect({ name, outcome: result.outcome }).toEqual({ name, outcome });
      const rendered = redemptionPage(practice, result);
      expect({ name, status: rendered.status }).toEqual({ name, status });
      expect(rendered.html).toContain(text);
      expect(rendered.html).not.toContain('name="session"');
    }
    for (const text of MALFORMED) {
      const result = await redeemToken(db.as("campaign-web"), text, clock);
      expect(result).toEqual({ outcome: "malformed" });
      expect(redemptionPage(practice, result).status).toBe(400);
    }
    expect(await snapshot()).toEqual(before);
  });

  test("a reminder's newer link works after the old one was replaced", async () => {
    const { tokens } = await invitationWith({ revokedAt: NOW }, {});
    expect((await redeemToken(db.as("campaign-web"), tokens[0], clock)).outcome).toBe("replaced");
    expect((await redeemToken(db.as("campaign-web"), tokens[1], clock)).outcome).toBe("redeemed");
    expect((await redeemToken(db.as("campaign-web"), tokens[0], clock)).outcome).toBe("replaced");
  });
});

describe("fault test: one link opened from 20 connections at once, then 20 bookings", () => {
  test("20 sessions, nobody a respondent; then one booking, one seat, one response time", async () => {
    const { invitationId, tokens } = await invitationWith({});
    const connections = await Promise.all(Array.from({ length: 20 }, () => db.connectAs("campaign-web")));
    try {
      // Every connection has done a round trip before the race starts, so they really overlap.
      await Promise.all(connections.map((c) => c.query("SELECT 1")));
      const results = await Promise.all(connections.map((c, i) => redeemToken(c, tokens[0], () => new Date(NOW.getTime() + i))));
      expect(results.filter((r) => r.outcome === "redeemed")).toHaveLength(20);
      expect(await respondedAt(invitationId)).toBeNull();
      const [sessions] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM booking_sessions WHERE invitation_id = ?", [invitationId]);
      expect(sessions[0].n).toBe(20);

      const [free] = await db.admin.query<RowDataPacket[]>("SELECT id, booked FROM appointment_slots WHERE campaign_id = ? AND starts_at > ? AND booked < capacity ORDER BY id", [campaignId, NOW]);
      const bookedBefore = free.reduce((sum, row) => sum + Number(row.booked), 0);
      const secrets = results.map((r) => (r.outcome === "redeemed" ? r.session.secret : ""));
      const bookings = await Promise.all(connections.map((c, i) => bookSlot(c, secrets[i], Number(free[i % free.length].id), () => new Date(NOW.getTime() + 100 + i))));
      expect(bookings.filter((b) => b.outcome === "booked")).toHaveLength(1);
      expect(bookings.filter((b) => b.outcome === "already-booked")).toHaveLength(19);
      const [after] = await db.admin.query<RowDataPacket[]>("SELECT SUM(booked) AS n FROM appointment_slots WHERE id IN (?)", [free.map((row) => row.id)]);
      expect(Number(after[0].n)).toBe(bookedBefore + 1);
      const winner = bookings.findIndex((b) => b.outcome === "booked");
      expect(await respondedAt(invitationId)).toEqual(new Date(NOW.getTime() + 100 + winner));
    } finally {
      await Promise.all(connections.map((c) => c.end()));
    }
  });
});

describe("escaping", () => {
  test("a practice name or a site name with markup is shown as text", async () => {
    const hostile: Practice = { name: `<script>alert("x")</script> & Co`, phone: `"><img src=x onerror=alert(1)>`, timeZone: "Europe/London" };
    const { tokens } = await invitationWith({});
    const landing = landingPage(hostile, tokens[0], await inspectToken(db.as("campaign-web"), tokens[0], clock));
    const chooser = redemptionPage(hostile, await redeemToken(db.as("campaign-web"), tokens[0], clock), await availableDays(db.as("campaign-web"), campaignId, NOW, hostile.timeZone));
    for (const rendered of [landing, chooser]) {
      expect(rendered.html).not.toMatch(/<script|<img/i);
      expect(rendered.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
      expect(rendered.html).toContain("&quot;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;");
    }
    expect(chooser.html).toContain("Riverside &lt;script&gt;alert(1)&lt;/script&gt; Hall");
  });
});
