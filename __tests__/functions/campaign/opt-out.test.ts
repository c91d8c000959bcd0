/**
 * The opt-out page (`/i/{token}/opt-out`) against the real MariaDB and moto: GET changes
 * nothing; POST opts out exactly the chosen channels, once; any token we issued works (also
 * revoked, redeemed, expired ones), malformed and unknown ones change nothing; queued
 * deliveries are not sent afterwards; a later reminder skips the opted-out channel.
 */
import type { RowDataPacket } from "mysql2/promise";
import { InMemorySendQueue, planCampaign, sendInvitation, SendRequest } from "../../../functions/campaign/dispatch";
import type { Practice } from "../../../functions/campaign/pages";
import { runReminders } from "../../../functions/campaign/remind";
import { mintToken, optOutCodeOf } from "../../../functions/campaign/tokens";
import { createWebHandler, HttpApiResult, RequestOutcome } from "../../../functions/campaign-web/handler";
import type { HttpApiV2Event } from "../../../functions/lib/http-event";
import { createCampaign, seedPatients, sendDependencies, verifyEmailSource } from "../../support/dispatch-fixtures";
import { createTestDatabase, localServices, TestDatabase } from "../../support/local-services";

const DAY = 86_400_000;
const T0 = new Date("2026-10-05T09:00:00Z").getTime();
const at = (days: number) => () => new Date(T0 + days * DAY);
const practice: Practice = { name: "Riverside Surgery", phone: "020 7946 0000", timeZone: "Europe/London" };
const FORM = "application/x-www-form-urlencoded";

let db: TestDatabase;
let moto: string;
let campaignId: number;
let ids: Map<string, number>;
/** Round 0's send requests by patient ref (the planner ran, nothing sent yet). */
const requests = new Map<string, SendRequest>();
const observed: RequestOutcome[] = [];
let clock = at(1);
let handle: (event: HttpApiV2Event) => Promise<HttpApiResult>;

const REFS = ["get-only", "sms-only", "twice", "revoked", "expired", "redeemed", "queued", "bystander", "reminded"];

beforeAll(async () => {
  db = await createTestDatabase("opt_out");
  moto = (await localServices()).awsEndpoint;
  await verifyEmailSource(moto);
  ids = await seedPatients(db.admin, REFS.map((ref, i) => ({ ref, phone: `+4477009660${String(i + 10)}`, email: `${ref}@patients.example.org` })));
  campaignId = await createCampaign(db.admin, { reminderIntervalDays: 7, maxReminders: 2, tokenTtlDays: 14 });
  const queue = new InMemorySendQueue();
  await planCampaign({ pool: db.as("campaign-plan"), queue, now: at(0) }, campaignId);
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT id, patient_id FROM invitations");
  const refOf = new Map([...ids].map(([ref, id]) => [id, ref]));
  const invitationRef = new Map(rows.map((r) => [Number(r.id), refOf.get(Number(r.patient_id))!]));
  for (const request of queue.take()) requests.set(invitationRef.get(request.invitationId)!, request);
  handle = createWebHandler({ db: db.as("campaign-web"), practice, now: () => clock(), observe: (o) => observed.push(o) });
});
afterAll(async () => db?.drop());

const event = (method: string, rawPath: string, body?: string): HttpApiV2Event => ({
  rawPath,
  headers: body === undefined ? {} : { "content-type": FORM },
  body: body ?? null,
  isBase64Encoded: false,
  requestContext: { http: { method } },
});
const optOutGet = (token: string) => handle(event("GET", `/i/${token}/opt-out`));
const optOutPost = (token: string, channels = "both") => handle(event("POST", `/i/${token}/opt-out`, `channels=${channels}`));
const tokenOf = (ref: string) => requests.get(ref)!.token;
const invitationOf = (ref: string) => requests.get(ref)!.invitationId;

async function preferences(ref: string): Promise<{ channel: string; source: string; at: number }[]> {
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT channel, opt_out_source, opted_out_at FROM contact_preferences WHERE patient_id = ? AND opted_out_at IS NOT NULL ORDER BY channel", [ids.get(ref)]);
  return rows.map((r) => ({ channel: r.channel, source: r.opt_out_source, at: (r.opted_out_at as Date).getTime() }));
}
async function deliveries(ref: string): Promise<Record<string, string>> {
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT round, channel, status FROM deliveries WHERE invitation_id = ? ORDER BY round, channel", [invitationOf(ref)]);
  return Object.fromEntries(rows.map((r) => [`${r.round}:${r.channel}`, r.status]));
}
async function everything(): Promise<unknown> {
  const state: Record<string, unknown> = {};
  for (const table of ["contact_preferences", "deliveries", "invitations", "invitation_tokens", "booking_sessions"]) {
    const [rows] = await db.admin.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
    state[table] = rows;
  }
  return state;
}

test("GET shows the choice (both preselected, posting to the same link) and changes nothing", async () => {
  const before = await everything();
  const response = await optOutGet(tokenOf("get-only"));
  const head = await handle(event("HEAD", `/i/${tokenOf("get-only")}/opt-out`));
  expect(response.statusCode).toBe(200);
  expect(head.statusCode).toBe(200);
  expect(head.body).toBe("");
  expect(response.body).toContain(`<form method="post" action="/i/${tokenOf("get-only")}/opt-out">`);
  expect(response.body).toContain('<input type="radio" name="channels" value="both" id="stop-both" checked>');
  expect(response.body.match(/name="channels"/g)).toHaveLength(3);
  expect(response.body).not.toContain("@patients.example.org");
  expect(await everything()).toEqual(before);
  expect(observed.at(-2)).toEqual({ route: "opt-out-page", outcome: "found", status: 200, invitationId: invitationOf("get-only") });
});

test("POST opts out exactly the chosen channel and skips exactly its pending deliveries", async () => {
  const response = await optOutPost(tokenOf("sms-only"), "sms");
  expect(response.statusCode).toBe(200);
  expect(response.body).toContain("You will not receive these messages any more");
  expect(response.body).toContain("any more text messages about");
  expect(await preferences("sms-only")).toEqual([{ channel: "sms", source: "patient", at: at(1)().getTime() }]);
  expect(await deliveries("sms-only")).toEqual({ "0:sms": "skipped_opted_out", "0:email": "pending" });
  expect(await deliveries("bystander")).toEqual({ "0:sms": "pending", "0:email": "pending" });
  expect(observed.at(-1)).toEqual({ route: "opt-out", outcome: "opted-out", status: 200, invitationId: invitationOf("sms-only") });
  // The page now offers only what is left, and says what is already stopped.
  expect((await optOutGet(tokenOf("sms-only"))).body).toContain("You have already stopped text messages.");
});

test("a second POST changes nothing and says the patient is already opted out", async () => {
  expect((await optOutPost(tokenOf("twice"))).statusCode).toBe(200);
  // ENUM order: sms, then email.
  expect(await preferences("twice")).toEqual([
    { channel: "sms", source: "patient", at: at(1)().getTime() },
    { channel: "email", source: "patient", at: at(1)().getTime() },
  ]);
  const before = await everything();
  clock = at(2);
  const again = await optOutPost(tokenOf("twice"));
  clock = at(1);
  expect(again.statusCode).toBe(200);
  expect(again.body).toContain("You are already opted out");
  expect(await everything()).toEqual(before);
  expect(observed.at(-1)).toEqual({ route: "opt-out", outcome: "already-opted-out", status: 200, invitationId: invitationOf("twice") });
  expect((await optOutGet(tokenOf("twice"))).body).toContain("You have already stopped these messages");
});

test("a revoked, an expired and a redeemed link still opt out", async () => {
  await db.admin.query("UPDATE invitation_tokens SET revoked_at = ? WHERE invitation_id = ?", [at(0.5)(), invitationOf("revoked")]);
  await db.admin.query("UPDATE invitation_tokens SET expires_at = ? WHERE invitation_id = ?", [at(0.5)(), invitationOf("expired")]);
  await db.admin.query("UPDATE invitation_tokens t JOIN invitations i ON i.id = t.invitation_id SET t.redeemed_at = ?, i.responded_at = ? WHERE t.invitation_id = ?", [at(0.5)(), at(0.5)(), invitationOf("redeemed")]);
  for (const ref of ["revoked", "expired", "redeemed"]) {
    expect((await optOutGet(tokenOf(ref))).statusCode).toBe(200);
    const response = await optOutPost(tokenOf(ref), "email");
    expect([ref, response.statusCode]).toEqual([ref, 200]);
    expect(await preferences(ref)).toEqual([{ channel: "email", source: "patient", at: at(1)().getTime() }]);
  }
});

test("malformed and unknown tokens get the 'not recognised' page and change nothing", async () => {
  const before = await everything();
  const unknown = mintToken().token;
  for (const [token, status] of [["short", 400], [`${tokenOf("bystander").slice(0, 21)}!`, 400], [unknown, 404]] as const) {
    for (const response of [await optOutGet(token), await optOutPost(token)]) {
      expect([token, response.statusCode]).toEqual([token, status]);
      expect(response.body).toContain("This link is not recognised");
      expect(response.body).toContain("nothing has been changed");
    }
  }
  expect(await everything()).toEqual(before);
  expect(observed.slice(-6).map((o) => o.invitationId)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
});

test("a POST without exactly one known choice is a bad request and changes nothing", async () => {
  const before = await everything();
  for (const body of ["", "channels=all", "channels=sms&channels=email", "channels=SMS"]) {
    const response = await handle(event("POST", `/i/${tokenOf("bystander")}/opt-out`, body));
    expect([body, response.statusCode]).toEqual([body, 400]);
  }
  const noForm = await handle({ ...event("POST", `/i/${tokenOf("bystander")}/opt-out`, "channels=both"), headers: { "content-type": "text/plain" } });
  expect(noForm.statusCode).toBe(400);
  expect((await handle(event("PUT", `/i/${tokenOf("bystander")}/opt-out`))).statusCode).toBe(405);
  expect(await everything()).toEqual(before);
});

test("queued deliveries are skipped and the send worker then sends nothing for them", async () => {
  expect((await optOutPost(tokenOf("queued"))).statusCode).toBe(200);
  expect(await deliveries("queued")).toEqual({ "0:sms": "skipped_opted_out", "0:email": "skipped_opted_out" });
  const deps = sendDependencies(db.as("campaign-send"), moto, { now: at(1) });
  const queued = await sendInvitation(deps, requests.get("queued")!);
  expect(queued.outcomes).toEqual({});
  const bystander = await sendInvitation(deps, requests.get("bystander")!);
  expect(bystander.outcomes).toEqual({ sms: "sent", email: "sent" });
  const [rows] = await db.admin.query<RowDataPacket[]>(
    "SELECT channel, status, attempts, sent_at, provider_message_id, status_detail FROM deliveries WHERE invitation_id = ? ORDER BY channel",
    [invitationOf("queued")],
  );
  expect(rows.map((r) => ({ ...r }))).toEqual(
    ["sms", "email"].map((channel) => ({ channel, status: "skipped_opted_out", attempts: 0, sent_at: null, provider_message_id: null, status_detail: "opted out before sending" })),
  );
  const [[invitation]] = await db.admin.query<RowDataPacket[]>("SELECT last_contacted_at FROM invitations WHERE id = ?", [invitationOf("queued")]);
  expect(invitation.last_contacted_at).toBeNull();
});

test("a later reminder skips the opted-out channel and still sends the other", async () => {
  const deps = sendDependencies(db.as("campaign-send"), moto, { now: at(0.1) });
  expect((await sendInvitation(deps, requests.get("reminded")!)).outcomes).toEqual({ sms: "sent", email: "sent" });
  expect((await optOutPost(tokenOf("reminded"), "email")).statusCode).toBe(200);
  const queue = new InMemorySendQueue();
  await runReminders({ pool: db.as("campaign-remind"), queue, now: at(8) });
  const reminder = queue.take().find((r) => r.invitationId === invitationOf("reminded"));
  expect(reminder?.round).toBe(1);
  expect(await deliveries("reminded")).toEqual({ "0:sms": "sent", "0:email": "sent", "1:sms": "pending", "1:email": "skipped_opted_out" });
  expect((await sendInvitation(sendDependencies(db.as("campaign-send"), moto, { now: at(8) }), reminder!)).outcomes).toEqual({ sms: "sent" });
  // The reminder's old link (round 0, now revoked) still opts out of what is left.
  expect((await optOutPost(tokenOf("reminded"), "sms")).statusCode).toBe(200);
  expect((await preferences("reminded")).map((p) => p.channel)).toEqual(["sms", "email"]);
});

test("nothing logged carries a token", () => {
  const logged = JSON.stringify(observed);
  for (const request of requests.values()) expect(logged).not.toContain(request.token);
  expect(Object.keys(Object.assign({}, ...observed)).sort()).toEqual(["invitationId", "outcome", "route", "status"]);
});

describe("opting out from an SMS (short code) and from a booking page (session)", () => {
  test("the SMS's /s/{code}: GET asks and changes nothing, POST opts out that patient only", async () => {
    const { token, invitationId } = requests.get("bystander")!;
    const code = optOutCodeOf(token);
    const before = await everything();
    const page = await handle(event("GET", `/s/${code}`));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<form method="post" action="/s/${code}">`);
    expect((await handle(event("HEAD", `/s/${code}/`))).statusCode).toBe(200);
    expect(await everything()).toEqual(before);
    const done = await handle(event("POST", `/s/${code}`, "channels=sms"));
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain("We will not send you any more text messages");
    expect((await preferences("bystander")).map((p) => p.channel)).toEqual(["sms"]);
    expect(observed.at(-1)).toEqual({ route: "opt-out", outcome: "opted-out", status: 200, invitationId });
  });

  test("unknown and malformed codes, and a token in the code's place, change nothing", async () => {
    const before = await everything();
    for (const path of ["/s/AAAAAAAAAA", "/s/short", "/s/AAAAAAAAAAA", `/s/${tokenOf("get-only")}`, "/s/<script>xx"]) {
      const response = await handle(event("POST", path, "channels=both"));
      expect({ path, status: response.statusCode }).toEqual({ path, status: path === "/s/AAAAAAAAAA" ? 404 : 400 });
    }
    expect(await everything()).toEqual(before);
  });

  test("every booking page's 'stop messages' button: the session asks first (nothing changes), then opts out", async () => {
    const token = tokenOf("sms-only");
    const opened = await handle(event("POST", `/i/${token}`, ""));
    const session = /name="session" value="([A-Za-z0-9_-]{22})"/.exec(opened.body)![1];
    expect(opened.body).toContain('<form method="post" action="/stop"><input type="hidden" name="session"');
    const before = await everything();
    const ask = await handle(event("POST", "/stop", `session=${session}`));
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain("Which messages should we stop?");
    expect(await everything()).toEqual(before);
    const done = await handle(event("POST", "/stop", `session=${session}&channels=email`));
    expect(done.body).toContain("We will not send you any more emails");
    expect((await handle(event("POST", "/stop", `session=${mintToken().token}&channels=email`))).statusCode).toBe(404);
    expect((await handle(event("POST", "/stop", "channels=email"))).statusCode).toBe(400);
  });
});

describe("fault test: concurrent opt-outs of different patients", () => {
  test("64 patients opting out at once through a 16-connection pool: no deadlock, no 503, every one recorded once", async () => {
    const race = await createTestDatabase("opt_out_race", 16);
    try {
      const refs = Array.from({ length: 64 }, (_, i) => `race-${i}`);
      const raceIds = await seedPatients(race.admin, refs.map((ref, i) => ({ ref, phone: `+447700966${String(100 + i)}`, email: `${ref}@patients.example.org` })));
      const raceCampaign = await createCampaign(race.admin, { reminderIntervalDays: 7, maxReminders: 2, tokenTtlDays: 14 });
      const queue = new InMemorySendQueue();
      await planCampaign({ pool: race.as("campaign-plan"), queue, now: at(0) }, raceCampaign);
      const tokens = queue.take().map((r) => r.token);
      expect(tokens).toHaveLength(64);
      // A third already have a preference row (an earlier email opt-out), so both the insert and the update paths race.
      const some = refs.filter((_, i) => i % 3 === 0).map((ref) => [raceIds.get(ref), "email", new Date(T0), "patient"]);
      await race.admin.query("INSERT INTO contact_preferences (patient_id, channel, opted_out_at, opt_out_source) VALUES ?", [some]);
      const outcomes: RequestOutcome[] = [];
      const errors: unknown[] = [];
      const racing = createWebHandler({ db: race.as("campaign-web"), practice, now: at(1), observe: (o) => outcomes.push(o), onError: (e) => errors.push(e) });
      // Retries hide deadlocks from the patient; the server's counter does not.
      const deadlocks = async () => Number(((await race.admin.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'"))[0][0] ?? { Value: 0 }).Value);
      const deadlocksBefore = await deadlocks();
      const responses = await Promise.all(tokens.map((token) => racing(event("POST", `/i/${token}/opt-out`, "channels=both"))));
      expect(errors).toEqual([]);
      expect(responses.map((r) => r.statusCode).filter((s) => s !== 200)).toEqual([]);
      expect(outcomes.filter((o) => o.outcome === "opted-out")).toHaveLength(64);
      expect(await deadlocks()).toBe(deadlocksBefore);
      const [rows] = await race.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM contact_preferences WHERE opted_out_at IS NOT NULL");
      expect(Number(rows[0].n)).toBe(128);
      const [pending] = await race.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'pending'");
      expect(Number(pending[0].n)).toBe(0);
      // The same 64 again, at once: all "already", nothing changes.
      const again = await Promise.all(tokens.map((token) => racing(event("POST", `/i/${token}/opt-out`, "channels=both"))));
      expect(again.every((r) => r.statusCode === 200 && r.body.includes("You are already opted out"))).toBe(true);
    } finally {
      await race.drop();
    }
  });
});
