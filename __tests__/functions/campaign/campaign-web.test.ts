/**
 * The patient-facing Lambda adapter against the real MariaDB: HTTP API (v2) events in,
 * status, headers and page out. Routing, methods, form bodies (plain and base64), bad input,
 * a database failure, configuration errors, and what gets logged.
 */
import type { RowDataPacket } from "mysql2/promise";
import type { Database } from "../../../functions/campaign/booking";
import type { Practice } from "../../../functions/campaign/pages";
import { mintToken } from "../../../functions/campaign/tokens";
import { createWebHandler, HttpApiResult, MAX_BODY_BYTES, RequestOutcome, SECURITY_HEADERS, webConfigurationFromEnvironment } from "../../../functions/campaign-web/handler";
import type { ApiGatewayEvent, HttpApiV2Event } from "../../../functions/lib/http-event";
import { ConfigurationError } from "../../../functions/lib/environment";
import { createCampaign } from "../../../scripts/campaign/lib/local-campaign";
import { EventOptions, restApiEvent } from "../../support/api-gateway-events";
import { createTestDatabase, insertId, TestDatabase } from "../../support/local-services";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;
const practice: Practice = { name: "Riverside Surgery", phone: "020 7946 0000", timeZone: "Europe/London" };
const FORM = "application/x-www-form-urlencoded";

let db: TestDatabase;
let campaignId: number;
let slotId: number;
let patients = 0;
const observed: RequestOutcome[] = [];
let handle: (event: ApiGatewayEvent) => Promise<HttpApiResult>;

beforeAll(async () => {
  db = await createTestDatabase("campaign_web");
  campaignId = await createCampaign(db.admin, { name: "flu" });
  slotId = await insertId(db.admin, "INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity, booked) VALUES (?, 'Riverside Surgery', ?, 100, 0)", [campaignId, new Date(NOW.getTime() + DAY)]);
  handle = createWebHandler({ db: db.as("campaign-web"), practice, now: () => NOW, observe: (o) => observed.push(o) });
});
afterAll(async () => db?.drop());


async function liveLink(): Promise<{ invitationId: number; token: string }> {
  patients++;
  const patientId = await insertId(db.admin, "INSERT INTO patients (external_ref, given_name, family_name) VALUES (?, 'Test', 'Patient')", [`P${patients}`]);
  const invitationId = await insertId(db.admin, "INSERT INTO invitations (campaign_id, patient_id) VALUES (?, ?)", [campaignId, patientId]);
  const { token, hash } = mintToken();
  await db.admin.query("INSERT INTO invitation_tokens (token_hash, invitation_id, round, expires_at) VALUES (?, ?, 0, ?)", [hash, invitationId, new Date(NOW.getTime() + 28 * DAY)]);
  return { invitationId, token };
}

const request = (method: string, rawPath: string, extra: Partial<HttpApiV2Event> = {}): HttpApiV2Event => ({
  rawPath,
  headers: { host: "book.example.org", "user-agent": "jest" },
  isBase64Encoded: false,
  requestContext: { http: { method } },
  ...extra,
});

const formPost = (body: string, options: { base64?: boolean; contentType?: string } = {}): HttpApiV2Event =>
  request("POST", "/book", {
    headers: { "content-type": options.contentType ?? FORM },
    body: options.base64 ? Buffer.from(body).toString("base64") : body,
    isBase64Encoded: options.base64 ?? false,
  });

/** Opens a booking session through the pages, as a browser would. */
async function sessionFor(token: string): Promise<string> {
  const response = await handle(request("POST", `/i/${token}`, { headers: { "content-type": FORM }, body: "" }));
  expect(response.statusCode).toBe(200);
  const session = /name="session" value="([A-Za-z0-9_-]{22})"/.exec(response.body)?.[1];
  if (!session) throw new Error("no session field on the booking page");
  return session;
}

async function tableState(): Promise<unknown> {
  const state: Record<string, unknown> = {};
  for (const table of ["invitations", "invitation_tokens", "booking_sessions", "bookings", "appointment_slots"]) {
    const [rows] = await db.admin.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
    state[table] = rows;
  }
  return state;
}

test("every response carries the security headers, exactly", async () => {
  const { token } = await liveLink();
  for (const event of [request("GET", `/i/${token}`), request("GET", "/i/nope"), request("GET", "/elsewhere"), request("DELETE", "/book")]) {
    const { headers, isBase64Encoded } = await handle(event);
    const { Allow: _allow, ...rest } = headers;
    expect(rest).toEqual({
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
      "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    });
    expect(rest).toEqual(SECURITY_HEADERS);
    expect(isBase64Encoded).toBe(false);
  }
});

test("GET and HEAD of a link show the landing page and change nothing; POST redeems; POST /book books", async () => {
  const { invitationId, token } = await liveLink();
  const before = await tableState();
  const landing = await handle(request("GET", `/i/${token}`));
  expect(landing.statusCode).toBe(200);
  expect(landing.body).toContain(`<form method="post" action="/i/${token}">`);
  const head = await handle(request("HEAD", `/i/${token}`));
  expect([head.statusCode, head.body]).toEqual([200, ""]);
  expect(await tableState()).toEqual(before);

  const session = await sessionFor(token);
  const booked = await handle(formPost(`session=${session}&slot=${slotId}`));
  expect(booked.statusCode).toBe(200);
  expect(booked.body).toContain("Your appointment is booked");
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT slot_id FROM bookings WHERE invitation_id = ?", [invitationId]);
  expect(rows).toEqual([{ slot_id: slotId }]);

  // The link, looked at again, shows the booking; opened again, offers change and cancel;
  // and the form posted twice does not book twice.
  const reopened = await handle(request("GET", `/i/${token}`));
  expect(reopened.statusCode).toBe(200);
  expect(reopened.body).toContain("Your appointment");
  const manage = await handle(request("POST", `/i/${token}`, { headers: { "content-type": FORM }, body: "" }));
  expect(manage.statusCode).toBe(200);
  expect(manage.body).toContain("Cancel this appointment");
  const twice = await handle(formPost(`session=${session}&slot=${slotId}`));
  expect(twice.statusCode).toBe(409);
  expect(twice.body).toContain("You already have an appointment");
});

describe("the journey through the adapter: days, times, book, reopen, change, cancel", () => {
  const post = (path: string, body: string) => handle(request("POST", path, { headers: { "content-type": FORM }, body }));

  test("a link with a trailing slash is the same page, and its opt-out too", async () => {
    const { token } = await liveLink();
    const landing = await handle(request("GET", `/i/${token}/`));
    expect(landing.statusCode).toBe(200);
    expect(landing.body).toContain("Choose an appointment");
    expect((await handle(request("HEAD", `/i/${token}/`))).statusCode).toBe(200);
    expect((await handle(request("GET", `/i/${token}/opt-out/`))).statusCode).toBe(200);
    expect((await post(`/i/${token}/`, "")).statusCode).toBe(200);
  });

  test("day, then times with full labels, then booked; the patient becomes a respondent only then", async () => {
    const { invitationId, token } = await liveLink();
    const session = await sessionFor(token);
    const responded = async () => {
      const [[row]] = await db.admin.query<RowDataPacket[]>("SELECT responded_at FROM invitations WHERE id = ?", [invitationId]);
      return row.responded_at;
    };
    expect(await responded()).toBeNull();
    const times = await post("/book", `session=${session}&day=${encodeURIComponent("2026-10-02 Riverside Surgery")}`);
    expect(times.statusCode).toBe(200);
    expect(times.body).toContain("<legend>Friday, 2 October 2026, Riverside Surgery</legend>");
    expect(times.body).toContain(`<label for="slot-${slotId}">10:00<span class="visually-hidden">, Friday, 2 October 2026, Riverside Surgery</span></label>`);
    expect(await responded()).toBeNull();
    const booked = await post("/book", `session=${session}&slot=${slotId}`);
    expect(booked.statusCode).toBe(200);
    expect(await responded()).toEqual(NOW);

    // The calendar file, by link (GET) and by session (POST): same appointment, no patient data.
    const ics = await handle(request("GET", `/i/${token}/calendar`));
    expect(ics.statusCode).toBe(200);
    expect(ics.headers["Content-Type"]).toBe("text/calendar; charset=utf-8");
    expect(ics.headers["Content-Disposition"]).toBe('attachment; filename="appointment.ics"');
    expect(ics.body).toContain("DTSTART:20261002T090000Z\r\n");
    expect(ics.body).toContain("LOCATION:Riverside Surgery\r\n");
    expect((await post("/calendar", `session=${session}`)).body).toBe(ics.body);

    // Change: the days (change=1 carried), then a new time.
    const later = await insertId(db.admin, "INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity, booked) VALUES (?, 'Hillside', ?, 5, 0)", [campaignId, new Date(NOW.getTime() + 2 * DAY)]);
    const days = await post("/book", `session=${session}&view=days&change=1`);
    expect(days.body).toContain('name="change" value="1"');
    expect(days.body).toContain('value="2026-10-03 Hillside"');
    const moved = await post("/book", `session=${session}&slot=${later}&change=1`);
    expect(moved.body).toContain("Your appointment has been changed");

    // Cancel: first a confirmation (nothing changes), then the cancellation.
    const before = await tableState();
    const confirm = await post("/cancel", `session=${session}`);
    expect(confirm.body).toContain("Cancel your appointment?");
    expect(await tableState()).toEqual(before);
    const cancelled = await post("/cancel", `session=${session}&confirm=yes`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.body).toContain("Your appointment is cancelled");
    expect(await responded()).toBeNull();
    const [[slot]] = await db.admin.query<RowDataPacket[]>("SELECT booked FROM appointment_slots WHERE id = ?", [later]);
    expect(slot.booked).toBe(0);
    expect((await handle(request("GET", `/i/${token}/calendar`))).statusCode).toBe(200); // the landing page again: not booked
    expect((await handle(request("GET", `/i/${token}/calendar`))).headers["Content-Type"]).toBe("text/html; charset=utf-8");
  });

  test("a booking session that ran out goes back to choosing, with a fresh session; nothing is booked from it", async () => {
    const { token } = await liveLink();
    const session = await sessionFor(token);
    const later = createWebHandler({ db: db.as("campaign-web"), practice, now: () => new Date(NOW.getTime() + 3 * 60 * 60 * 1000) });
    const before = await tableState();
    const response = await later(formPost(`session=${session}&slot=${slotId}`));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("Your time to choose ran out, so nothing was changed");
    const fresh = /name="session" value="([A-Za-z0-9_-]{22})"/.exec(response.body)?.[1];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(session);
    const [bookings] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM bookings b JOIN booking_sessions s ON s.invitation_id = b.invitation_id WHERE s.session_hash = UNHEX(SHA2(?, 256))", [session]);
    expect(bookings[0].n).toBe(0);
    expect((await tableState() as { bookings: unknown[] }).bookings).toEqual((before as { bookings: unknown[] }).bookings);
  });
});

test("a base64-encoded form body is decoded", async () => {
  const { invitationId, token } = await liveLink();
  const session = await sessionFor(token);
  const response = await handle(formPost(`slot=${slotId}&session=${session}`, { base64: true, contentType: "Application/X-WWW-Form-Urlencoded; charset=UTF-8" }));
  expect(response.statusCode).toBe(200);
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM bookings WHERE invitation_id = ?", [invitationId]);
  expect(rows[0].n).toBe(1);
});

test("malformed, unknown and forged links get their pages from the adapter too", async () => {
  expect((await handle(request("GET", "/i/not-a-token"))).statusCode).toBe(400);
  expect((await handle(request("POST", "/i/not-a-token"))).statusCode).toBe(400);
  expect((await handle(request("GET", "/i/"))).statusCode).toBe(400);
  expect((await handle(request("GET", `/i/${mintToken().token}`))).statusCode).toBe(404);
  expect((await handle(request("POST", `/i/${mintToken().token}`))).statusCode).toBe(404);
  expect((await handle(request("GET", `/i/${mintToken().token}%00`))).statusCode).toBe(400);
});

describe("bad booking forms: a 400 page, nothing booked", () => {
  let session: string;
  beforeAll(async () => {
    session = await sessionFor((await liveLink()).token);
  });

  test.each([
    ["no body", formPost("")],
    ["no session", formPost(`slot=${1}`)],
    ["a malformed session", formPost(`session=abc&slot=1`)],
    ["two sessions", formPost(`session=${"A".repeat(22)}&session=${"A".repeat(22)}&slot=1`)],
    ["a JSON body", request("POST", "/book", { headers: { "content-type": "application/json" }, body: "{}" })],
    ["no content type", request("POST", "/book", { body: "slot=1" })],
    ["base64 that is not base64", request("POST", "/book", { headers: { "content-type": FORM }, body: "%%%not base64%%%", isBase64Encoded: true })],
    ["bytes that are not UTF-8", request("POST", "/book", { headers: { "content-type": FORM }, body: Buffer.from([0x73, 0x3d, 0xff, 0xfe]).toString("base64"), isBase64Encoded: true })],
  ])("%s", async (_name, event) => {
    const before = await tableState();
    const response = await handle(event);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain("Something was missing from your request");
    expect(await tableState()).toEqual(before);
  });

  test("a slot that is not a number, two slots, or a body over the limit", async () => {
    const before = await tableState();
    for (const body of [`session=${session}&slot=abc`, `session=${session}&slot=1&slot=2`, `session=${session}&slot=-1`, `session=${session}&slot=${"9".repeat(16)}`, `session=${session}&slot=${slotId}&pad=${"x".repeat(MAX_BODY_BYTES)}`]) {
      expect((await handle(formPost(body))).statusCode).toBe(400);
    }
    expect(await tableState()).toEqual(before);
  });

  test("pressing the button without choosing shows the days again", async () => {
    const response = await handle(formPost(`session=${session}`));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain("Please choose a day and a place");
    expect(response.body).toContain(`value="2026-10-02 Riverside Surgery"`);
  });

  test("a day that is not a date, a view or change that is not one of ours: 400, nothing changes", async () => {
    const before = await tableState();
    for (const body of [`session=${session}&day=2026-13-01%20Riverside`, `session=${session}&day=tomorrow`, `session=${session}&day=2026-10-02%20`, `session=${session}&view=admin`, `session=${session}&change=2`, `session=${session}&day=2026-10-02%20A&day=2026-10-02%20B`]) {
      expect({ body, status: (await handle(formPost(body))).statusCode }).toEqual({ body, status: 400 });
    }
    expect(await tableState()).toEqual(before);
  });

  test("a well-formed but unknown session: the 'cannot find your booking' page", async () => {
    const response = await handle(formPost(`session=${mintToken().token}&slot=${slotId}`));
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain("We cannot find your booking");
  });
});

describe("routes and methods", () => {
  test.each([
    ["PUT", "/i/AAAAAAAAAAAAAAAAAAAAAA", "GET, HEAD, POST"],
    ["DELETE", "/i/AAAAAAAAAAAAAAAAAAAAAA", "GET, HEAD, POST"],
    ["GET", "/book", "POST"],
    ["PATCH", "/book", "POST"],
    ["GET", "/cancel", "POST"],
    ["GET", "/calendar", "POST"],
    ["POST", "/i/AAAAAAAAAAAAAAAAAAAAAA/calendar", "GET, HEAD"],
  ])("%s %s: 405 with Allow: %s", async (method, path, allow) => {
    const response = await handle(request(method, path));
    expect(response.statusCode).toBe(405);
    expect(response.headers.Allow).toBe(allow);
  });

  test.each(["/", "/i", "/i/AAAAAAAAAAAAAAAAAAAAAA/extra", "/i/AAAAAAAAAAAAAAAAAAAAAA//", "/book/", "/admin", "/constructor", "/__proto__"])("GET %s: 404", async (path) => {
    const response = await handle(request("GET", path));
    expect(response.statusCode).toBe(404);
    expect(response.headers.Allow).toBeUndefined();
  });

  test.each([
    ["an empty event", {}],
    ["no method", { rawPath: "/book", requestContext: {} }],
    ["no path", { requestContext: { http: { method: "GET" } } }],
    ["null", null],
  ])("a malformed event (%s): 400, no crash", async (_name, event) => {
    const response = await handle(event as HttpApiV2Event);
    expect(response.statusCode).toBe(400);
    expect(response.headers["Cache-Control"]).toBe("no-store");
  });
});

test("a database failure gives a 503 page and a report, not a crash", async () => {
  const broken = { query: () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })), getConnection: () => Promise.reject(new Error("connect ECONNREFUSED")) } as unknown as Database;
  const errors: string[] = [];
  const failing = createWebHandler({ db: broken, practice, onError: (error, route) => errors.push(`${route}: ${(error as Error).message}`) });
  const response = await failing(request("POST", `/i/${mintToken().token}`));
  expect(response.statusCode).toBe(503);
  expect(response.body).toContain("Please try again in a few minutes");
  expect(errors).toEqual(["redeem: connect ECONNREFUSED"]);
});

test("what is observed for logs and metrics has routes, outcomes and ids, never a token or a session", async () => {
  observed.length = 0;
  const { invitationId, token } = await liveLink();
  await handle(request("GET", `/i/${token}`));
  const session = await sessionFor(token);
  await handle(formPost(`session=${session}&slot=${slotId}`));
  expect(observed).toEqual([
    { route: "landing", outcome: "redeemable", status: 200 },
    { route: "redeem", outcome: "redeemed", status: 200, invitationId },
    { route: "book", outcome: "booked", status: 200, invitationId },
  ]);
  expect(JSON.stringify(observed)).not.toContain(token);
  expect(JSON.stringify(observed)).not.toContain(session);
});

describe("configuration", () => {
  const complete = { PRACTICE_NAME: "Riverside Surgery", PRACTICE_PHONE: "020 7946 0000" };

  test("practice details from the environment, with London time and 2-hour sessions by default", () => {
    expect(webConfigurationFromEnvironment(complete)).toEqual({ practice: { name: "Riverside Surgery", phone: "020 7946 0000", timeZone: "Europe/London" }, sessionTtlMs: 2 * 60 * 60 * 1000 });
    expect(webConfigurationFromEnvironment({ ...complete, PRACTICE_TIME_ZONE: "Europe/Dublin", BOOKING_SESSION_MINUTES: "30" })).toMatchObject({ practice: { timeZone: "Europe/Dublin" }, sessionTtlMs: 30 * 60 * 1000 });
  });

  test.each([
    [{ PRACTICE_PHONE: "1" }, /PRACTICE_NAME is not set/],
    [{ PRACTICE_NAME: "x" }, /PRACTICE_PHONE is not set/],
    [{ ...complete, PRACTICE_TIME_ZONE: "Mars/Olympus" }, /PRACTICE_TIME_ZONE must be an IANA time zone/],
    [{ ...complete, BOOKING_SESSION_MINUTES: "2" }, /BOOKING_SESSION_MINUTES must be a whole number from 10 to 1440/],
  ])("%j is refused with a message naming the variable", (env, message) => {
    expect(() => webConfigurationFromEnvironment(env)).toThrow(ConfigurationError);
    expect(() => webConfigurationFromEnvironment(env)).toThrow(message);
  });

  test("the Lambda entry reads the environment at cold start and fails loudly when it is incomplete", async () => {
    const saved = { ...process.env };
    try {
      delete process.env.PRACTICE_NAME;
      Object.assign(process.env, { PRACTICE_PHONE: "020 7946 0000", DB_AUTH: "password", DB_HOST: "127.0.0.1", DB_USER: "root", DB_NAME: "none", POWERTOOLS_METRICS_DISABLED: "true", POWERTOOLS_LOG_LEVEL: "SILENT" });
      let entry: typeof import("../../../functions/campaign-web/handler").handler = async () => Promise.reject(new Error("not loaded"));
      jest.isolateModules(() => {
        entry = require("../../../functions/campaign-web/handler").handler;
      });
      await expect(entry(request("GET", "/i/AAAAAAAAAAAAAAAAAAAAAA"))).rejects.toThrow(/PRACTICE_NAME is not set/);
    } finally {
      process.env = saved;
    }
  });
});

describe("REST API (payload format 1.0) events, as the WAF-fronted API sends them", () => {
  const rest = (method: string, path: string, extra: Partial<EventOptions> = {}) =>
    restApiEvent({ method, path, resource: path.endsWith("/opt-out") ? "/i/{token}/opt-out" : path.startsWith("/i/") ? "/i/{token}" : path, ...extra });

  test("GET /i/{token} shows the landing page and changes nothing; HEAD has no body", async () => {
    const { token } = await liveLink();
    const before = await tableState();
    const landing = await handle(rest("GET", `/i/${token}`, { pathParameters: { token } }));
    expect(landing.statusCode).toBe(200);
    expect(landing.body).toContain(`<form method="post" action="/i/${token}">`);
    expect(landing.headers).toEqual(SECURITY_HEADERS);
    const head = await handle(rest("HEAD", `/i/${token}`, { pathParameters: { token } }));
    expect([head.statusCode, head.body]).toEqual([200, ""]);
    expect(await tableState()).toEqual(before);
  });

  test("POST /i/{token} redeems, POST /book (base64, browser-cased Content-Type) books, POST .../opt-out opts out", async () => {
    const { invitationId, token } = await liveLink();
    observed.length = 0;
    const redeemed = await handle(rest("POST", `/i/${token}`, { pathParameters: { token }, headers: { "Content-Type": FORM }, body: "" }));
    expect(redeemed.statusCode).toBe(200);
    const session = /name="session" value="([A-Za-z0-9_-]{22})"/.exec(redeemed.body)?.[1];
    expect(session).toBeDefined();
    const booked = await handle(rest("POST", "/book", { headers: { "Content-Type": `${FORM}; charset=UTF-8` }, body: Buffer.from(`session=${session}&slot=${slotId}`).toString("base64"), isBase64Encoded: true }));
    expect(booked.statusCode).toBe(200);
    expect(booked.body).toContain("Your appointment is booked");
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT slot_id FROM bookings WHERE invitation_id = ?", [invitationId]);
    expect(rows).toEqual([{ slot_id: slotId }]);
    const optedOut = await handle(rest("POST", `/i/${token}/opt-out`, { pathParameters: { token }, headers: { "Content-Type": FORM }, body: "channels=email" }));
    expect(optedOut.statusCode).toBe(200);
    expect(observed.map((o) => [o.route, o.outcome])).toEqual([["redeem", "redeemed"], ["book", "booked"], ["opt-out", "opted-out"]]);
  });

  test("a REST event without a path or method is a 400 page; an unknown path a 404", async () => {
    const { path: _path, ...noPath } = rest("GET", "/book");
    expect((await handle(noPath)).statusCode).toBe(400);
    const { httpMethod: _method, ...noMethod } = rest("GET", "/book");
    expect((await handle(noMethod)).statusCode).toBe(400);
    expect((await handle(rest("GET", "/admin"))).statusCode).toBe(404);
  });
});
