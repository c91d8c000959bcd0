/**
 * Redeeming one-time links against the real MariaDB: looking never changes anything, using
 * a live link spends it once and opens a booking session, every other link gets its own
 * page and changes nothing, and of 20 simultaneous uses of one link exactly one wins.
 */
import { createHash } from "crypto";
import type { RowDataPacket } from "mysql2/promise";
import type { Database } from "../../../functions/campaign/booking";
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
  campaignId = await createCampaign(db.pool, { name: "flu" });
  const otherCampaign = await createCampaign(db.pool, { name: "other", condition: "x" });
  const slot = (campaign: number, startsAt: Date, capacity: number, booked: number, site = "Riverside Surgery, Room 2") =>
    db.pool.query("INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity, booked) VALUES (?, ?, ?, ?, ?)", [campaign, site, startsAt, capacity, booked]);
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
  const patientId = await insertId(db.pool, "INSERT INTO patients (external_ref, given_name, family_name, phone_e164) VALUES (?, 'Test', 'Patient', ?)", [`P${patients}`, `+4477009${String(patients).padStart(5, "0")}`]);
  const invitationId = await insertId(db.pool, "INSERT INTO invitations (campaign_id, patient_id, round, last_contacted_at) VALUES (?, ?, ?, ?)", [campaignId, patientId, seeds.length - 1, NOW]);
  const tokens: string[] = [];
  for (const [round, seed] of seeds.entries()) {
    const { token, hash } = mintToken();
    await db.pool.query("INSERT INTO invitation_tokens (token_hash, invitation_id, round, issued_at, expires_at, revoked_at, redeemed_at) VALUES (?, ?, ?, ?, ?, ?, ?)", [
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

const TABLES = ["invitations", "invitation_tokens", "booking_sessions", "bookings", "appointment_slots", "patients", "campaigns"];

/** Every row of every table the flow could touch, plus the server's checksum of each table. */
async function snapshot(): Promise<unknown> {
  const state: Record<string, unknown> = {};
  for (const table of TABLES) {
    const [rows] = await db.pool.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
    const [checksum] = await db.pool.query<RowDataPacket[]>(`CHECKSUM TABLE ${table}`);
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
  const used = await invitationWith({ redeemedAt: new Date(NOW.getTime() - DAY) });
  await db.pool.query("UPDATE invitations SET responded_at = ? WHERE id = ?", [new Date(NOW.getTime() - DAY), used.invitationId]);
  // Responded with the first link; the second (live, unused) one must not open another session.
  const respondedElsewhere = await invitationWith({ redeemedAt: new Date(NOW.getTime() - DAY) }, {});
  await db.pool.query("UPDATE invitations SET responded_at = ? WHERE id = ?", [new Date(NOW.getTime() - DAY), respondedElsewhere.invitationId]);
  return {
    live: live.tokens[0],
    expired: expired.tokens[0],
    expiresNow: expiresNow.tokens[0],
    replaced: replaced.tokens[0],
    withdrawn: withdrawn.tokens[0],
    used: used.tokens[0],
    respondedElsewhere: respondedElsewhere.tokens[1],
    unknown: mintToken().token,
  };
}

const MALFORMED = ["", "short", "A".repeat(21), "A".repeat(23), "AAAAAAAAAAAAAAAAAAAAA/", "AAAAAAAAAAAAAAAAAAAAAB", "<script>alert(1)</script>xx", 42, null, undefined];

describe("looking at a link (GET) changes nothing, whatever its state", () => {
  test("each state is recognized, and the tables are byte-for-byte the same afterwards", async () => {
    const links = await linksInEveryState();
    const before = await snapshot();
    const seen: Record<string, string> = {};
    // Twice each, as a scanner and then the patient would.
    for (let pass = 0; pass < 2; pass++) {
      for (const [name, token] of Object.entries(links)) seen[name] = (await inspectToken(db.pool, token, clock)).outcome;
      for (const text of MALFORMED) expect(await inspectToken(db.pool, text, clock)).toEqual({ outcome: "malformed" });
    }
    expect(seen).toEqual({
      live: "redeemable",
      expired: "expired",
      expiresNow: "expired",
      replaced: "replaced",
      withdrawn: "withdrawn",
      used: "already-used",
      respondedElsewhere: "already-responded",
      unknown: "unknown",
    });
    expect(await snapshot()).toEqual(before);
  });

  test("a live link's landing page has one button that posts back to the link, and no session", async () => {
    const { tokens } = await invitationWith({});
    const rendered = landingPage(practice, tokens[0], await inspectToken(db.pool, tokens[0], clock));
    expect(rendered.status).toBe(200);
    expect(rendered.html.match(/<form /g)).toHaveLength(1);
    expect(rendered.html).toContain(`<form method="post" action="/i/${tokens[0]}"><button type="submit">Choose an appointment</button></form>`);
    expect(rendered.html).not.toContain('name="session"');
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

describe("using a link (POST)", () => {
  test("a live link is spent, the patient is a respondent, and a 2-hour booking session lists the campaign's free future slots", async () => {
    const { invitationId, tokens } = await invitationWith({});
    const result = await redeemToken(db.pool, tokens[0], clock);
    if (result.outcome !== "redeemed") throw new Error(`expected redeemed, got ${result.outcome}`);
    expect(result.invitationId).toBe(invitationId);
    expect(result.campaignId).toBe(campaignId);
    expect(result.session.secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(result.session.secret).not.toBe(tokens[0]);
    expect(result.session.expiresAt).toEqual(new Date(NOW.getTime() + 2 * 60 * 60 * 1000));
    expect(result.slots.map((s) => [s.site, s.free])).toEqual([
      ["Riverside <script>alert(1)</script> Hall", 3],
      ["Riverside Surgery, Room 2", 4],
    ]);

    const [tokenRows] = await db.pool.query<RowDataPacket[]>("SELECT redeemed_at FROM invitation_tokens WHERE invitation_id = ?", [invitationId]);
    expect(tokenRows).toEqual([{ redeemed_at: NOW }]);
    const [respondents] = await db.pool.query<RowDataPacket[]>("SELECT responded_at FROM respondents WHERE invitation_id = ?", [invitationId]);
    expect(respondents).toEqual([{ responded_at: NOW }]);
    const [sessions] = await db.pool.query<RowDataPacket[]>("SELECT session_hash, expires_at FROM booking_sessions WHERE invitation_id = ?", [invitationId]);
    expect(sessions).toEqual([{ session_hash: createHash("sha256").update(result.session.secret).digest(), expires_at: result.session.expiresAt }]);

    const rendered = redemptionPage(practice, result);
    expect(rendered.status).toBe(200);
    expect(rendered.html).toContain(`<input type="hidden" name="session" value="${result.session.secret}">`);
    expect(rendered.html).toContain('<form method="post" action="/book">');
    expect(rendered.html.match(/type="radio"/g)).toHaveLength(2);
  });

  test("the same link again: 'already used', with how to change the booking, and nothing changes", async () => {
    const { tokens } = await invitationWith({});
    expect((await redeemToken(db.pool, tokens[0], clock)).outcome).toBe("redeemed");
    const before = await snapshot();
    const again = await redeemToken(db.pool, tokens[0], () => new Date(NOW.getTime() + 60_000));
    expect(again).toEqual({ outcome: "already-used" });
    const rendered = redemptionPage(practice, again);
    expect(rendered.status).toBe(409);
    expect(rendered.html).toContain("You have already responded");
    expect(rendered.html).toContain("To book, change or cancel your appointment, please call us.");
    expect(rendered.html).toContain("020 7946 0000");
    expect(await snapshot()).toEqual(before);
  });

  test("every losing link gets its own page and status, and nothing changes", async () => {
    const links = await linksInEveryState();
    const before = await snapshot();
    const expected: Record<string, [string, number, string]> = {
      expired: ["expired", 410, "This link has expired"],
      expiresNow: ["expired", 410, "This link has expired"],
      replaced: ["replaced", 410, "Please use the link in the latest message."],
      withdrawn: ["withdrawn", 410, "This link is no longer valid"],
      used: ["already-used", 409, "You have already responded"],
      respondedElsewhere: ["already-responded", 409, "You have already responded"],
      unknown: ["unknown", 404, "We cannot find this link"],
    };
    for (const [name, [outcome, status, text]] of Object.entries(expected)) {
      const result = await redeemToken(db.pool, links[name as keyof typeof links], clock);
      expect({ name, outcome: result.outcome }).toEqual({ name, outcome });
      const rendered = redemptionPage(practice, result);
      expect({ name, status: rendered.status }).toEqual({ name, status });
      expect(rendered.html).toContain(text);
      expect(rendered.html).not.toContain('name="session"');
    }
    for (const text of MALFORMED) {
      const result = await redeemToken(db.pool, text, clock);
      expect(result).toEqual({ outcome: "malformed" });
      expect(redemptionPage(practice, result).status).toBe(400);
    }
    expect(await snapshot()).toEqual(before);
  });

  test("a reminder's newer link still works after the old one was replaced", async () => {
    const { invitationId, tokens } = await invitationWith({ revokedAt: NOW }, {});
    expect((await redeemToken(db.pool, tokens[0], clock)).outcome).toBe("replaced");
    const result = await redeemToken(db.pool, tokens[1], clock);
    expect(result.outcome).toBe("redeemed");
    expect((await redeemToken(db.pool, tokens[0], clock)).outcome).toBe("already-responded");
    const [rows] = await db.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM booking_sessions WHERE invitation_id = ?", [invitationId]);
    expect(rows[0].n).toBe(1);
  });
});

describe("fault test: one link used from 20 connections at once", () => {
  test("exactly one wins; one response time, one redemption, one booking session; the others are told it was used", async () => {
    const { invitationId, tokens } = await invitationWith({});
    const connections = await Promise.all(Array.from({ length: 20 }, () => db.connect()));
    try {
      // Every connection has done a round trip before the race starts, so they really overlap.
      await Promise.all(connections.map((c) => c.query("SELECT 1")));
      const results = await Promise.all(connections.map((c, i) => redeemToken(c, tokens[0], () => new Date(NOW.getTime() + i))));
      const winners = results.filter((r) => r.outcome === "redeemed");
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.outcome === "already-used")).toHaveLength(19);

      const [sessions] = await db.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM booking_sessions WHERE invitation_id = ?", [invitationId]);
      expect(sessions[0].n).toBe(1);
      const [[invitation]] = await db.pool.query<RowDataPacket[]>("SELECT responded_at FROM invitations WHERE id = ?", [invitationId]);
      const [[token]] = await db.pool.query<RowDataPacket[]>("SELECT redeemed_at FROM invitation_tokens WHERE invitation_id = ?", [invitationId]);
      // The winner's clock reading is the one recorded, in both places.
      expect(invitation.responded_at).toEqual(token.redeemed_at);
      expect(results.indexOf(winners[0])).toBe(token.redeemed_at.getTime() - NOW.getTime());
    } finally {
      await Promise.all(connections.map((c) => c.end()));
    }
  });

  test("through one pool as well: 20 concurrent requests, one winner", async () => {
    const { invitationId, tokens } = await invitationWith({});
    const results = await Promise.all(Array.from({ length: 20 }, () => redeemToken(db.pool, tokens[0], clock)));
    expect(results.filter((r) => r.outcome === "redeemed")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "already-used")).toHaveLength(19);
    const [sessions] = await db.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM booking_sessions WHERE invitation_id = ?", [invitationId]);
    expect(sessions[0].n).toBe(1);
  });
});

describe("escaping", () => {
  test("a practice name or a site name with markup is shown as text", async () => {
    const hostile: Practice = { name: `<script>alert("x")</script> & Co`, phone: `"><img src=x onerror=alert(1)>`, timeZone: "Europe/London" };
    const { tokens } = await invitationWith({});
    const landing = landingPage(hostile, tokens[0], await inspectToken(db.pool, tokens[0], clock));
    const chooser = redemptionPage(hostile, await redeemToken(db.pool, tokens[0], clock));
    const used = redemptionPage(hostile, await redeemToken(db.pool, tokens[0], clock));
    for (const rendered of [landing, chooser, used]) {
      expect(rendered.html).not.toMatch(/<script|<img/i);
      expect(rendered.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
      expect(rendered.html).toContain("&quot;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;");
    }
    expect(chooser.html).toContain("Riverside &lt;script&gt;alert(1)&lt;/script&gt; Hall");
  });
});
