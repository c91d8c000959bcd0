/**
 * Form submissions linked to the invitation they came from, against the real MariaDB: the
 * booked page offers the follow-up form, which carries the booking session secret in a hidden
 * field; form-submit resolves the session's hash to its invitation. No session: anonymous
 * (invitation_id NULL). A forged, malformed or expired session: refused, nothing stored.
 */
import type { Pool, RowDataPacket } from "mysql2/promise";
import type { FollowUpForm, Practice } from "../../../functions/campaign/pages";
import { redeemToken } from "../../../functions/campaign/redeem";
import { mintToken } from "../../../functions/campaign/tokens";
import { createWebHandler, recordError, webConfigurationFromEnvironment } from "../../../functions/campaign-web/handler";
import type { HttpApiV2Event } from "../../../functions/lib/http-event";
import { createFormSubmitHandler } from "../../../functions/form-submit/handler";
import { SESSION_FIELD, submitForm } from "../../../functions/forms/submissions";
import { ConfigurationError } from "../../../functions/lib/environment";
import { createCampaign } from "../../../scripts/campaign/lib/local-campaign";
import { restApiEvent } from "../../support/api-gateway-events";
import { createTestDatabase, insertId, TestDatabase } from "../../support/local-services";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const DAY = 86_400_000;
const HOUR = 3_600_000;
const FORM = "application/x-www-form-urlencoded";
const SLUG = "before-your-jab";
const practice: Practice = { name: "Riverside Surgery", phone: "020 7946 0000", timeZone: "Europe/London" };
const followUp: FollowUpForm = { slug: SLUG, submitUrl: `https://forms.example.org/forms/${SLUG}`, prompt: "Please answer a few questions before your appointment." };
const DEFINITION = { slug: SLUG, title: "Before your jab", fields: [{ name: "allergies", label: "Any allergies?", type: "radio", required: true, options: ["Yes", "No"] }] };

let db: TestDatabase;
let campaignId: number;
let slotId: number;
let patients = 0;

beforeAll(async () => {
  db = await createTestDatabase("form_invitation");
  campaignId = await createCampaign(db.admin, { name: "flu" });
  slotId = await insertId(db.admin, "INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity, booked) VALUES (?, 'Riverside Surgery', ?, 100, 0)", [campaignId, new Date(NOW.getTime() + DAY)]);
  await db.admin.query("INSERT INTO forms (slug, version, title, definition, created_by, published_at) VALUES (?, 1, ?, ?, 'test', ?)", [SLUG, DEFINITION.title, JSON.stringify(DEFINITION), NOW]);
});
afterAll(async () => db?.drop());

/** A redeemed invitation and its booking session secret (2 hours from NOW). */
async function session(): Promise<{ invitationId: number; secret: string }> {
  patients++;
  const patientId = await insertId(db.admin, "INSERT INTO patients (external_ref, given_name, family_name) VALUES (?, 'Test', 'Patient')", [`F${patients}`]);
  const invitationId = await insertId(db.admin, "INSERT INTO invitations (campaign_id, patient_id) VALUES (?, ?)", [campaignId, patientId]);
  const { token, hash } = mintToken();
  await db.admin.query("INSERT INTO invitation_tokens (token_hash, invitation_id, round, expires_at) VALUES (?, ?, 0, ?)", [hash, invitationId, new Date(NOW.getTime() + 28 * DAY)]);
  const redeemed = await redeemToken(db.as("campaign-web"), token, () => NOW);
  if (redeemed.outcome !== "redeemed") throw new Error(`could not redeem: ${redeemed.outcome}`);
  return { invitationId, secret: redeemed.session.secret };
}

const submissions = async (): Promise<{ invitation_id: number | null; answers: string }[]> => {
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT invitation_id, answers FROM form_submissions ORDER BY id");
  return rows.map((r) => ({ invitation_id: r.invitation_id === null ? null : Number(r.invitation_id), answers: r.answers }));
};
const fields = (values: Record<string, string | string[]>) => Object.assign(Object.create(null), values);

describe("submitForm", () => {
  test("a live session links the submission to its invitation; the session field is not an answer", async () => {
    const mine = await session();
    const other = await session();
    const before = (await submissions()).length;
    const outcome = await submitForm(db.as("form-submit"), SLUG, fields({ allergies: "No", [SESSION_FIELD]: mine.secret }), { now: () => new Date(NOW.getTime() + HOUR) });
    expect(outcome).toMatchObject({ kind: "stored", invitationId: mine.invitationId });
    const stored = (await submissions()).slice(before);
    expect(stored).toEqual([{ invitation_id: mine.invitationId, answers: JSON.stringify({ allergies: "No" }) }]);
    expect(stored[0].invitation_id).not.toBe(other.invitationId);
  });

  test("no session field: stored anonymously, invitation_id NULL", async () => {
    const before = (await submissions()).length;
    expect(await submitForm(db.as("form-submit"), SLUG, fields({ allergies: "Yes" }), { now: () => NOW })).toMatchObject({ kind: "stored", invitationId: null });
    expect((await submissions()).slice(before)).toEqual([{ invitation_id: null, answers: JSON.stringify({ allergies: "Yes" }) }]);
  });

  test("a forged, malformed, doubled or expired session is refused and nothing is stored", async () => {
    const live = await session();
    const before = await submissions();
    const cases: [Record<string, string | string[]>, () => Date, string][] = [
      [{ [SESSION_FIELD]: mintToken().token }, () => NOW, "session-unknown"],
      [{ [SESSION_FIELD]: "not-a-session" }, () => NOW, "session-unknown"],
      [{ [SESSION_FIELD]: "" }, () => NOW, "session-unknown"],
      [{ [SESSION_FIELD]: [live.secret, live.secret] }, () => NOW, "session-unknown"],
      [{ [SESSION_FIELD]: live.secret }, () => new Date(NOW.getTime() + 2 * HOUR), "session-expired"],
    ];
    for (const [extra, now, reason] of cases) {
      const outcome = await submitForm(db.as("form-submit"), SLUG, fields({ allergies: "No", ...extra }), { now });
      expect([extra, outcome.kind, "reason" in outcome ? outcome.reason : undefined]).toEqual([extra, "session-invalid", reason]);
    }
    expect(await submissions()).toEqual(before);
  });

  test("a field of the form may not be named like the session field", async () => {
    const { validateFormDefinition } = await import("../../../functions/forms/definition");
    expect(validateFormDefinition({ ...DEFINITION, fields: [{ name: SESSION_FIELD, label: "x", type: "text" }] }).ok).toBe(false);
  });
});

describe("through the pages and form-submit", () => {
  const web = () => createWebHandler({ db: db.as("campaign-web"), practice, now: () => NOW, followUpForm: followUp });
  const post = (rawPath: string, body: string): HttpApiV2Event => ({ rawPath, headers: { "content-type": FORM }, body, isBase64Encoded: false, requestContext: { http: { method: "POST" } } });
  const submit = (body: string, now = NOW) =>
    createFormSubmitHandler({ pool: db.as("form-submit"), now: () => now })({
      rawPath: `/forms/${SLUG}`,
      pathParameters: { slug: SLUG },
      headers: { "content-type": FORM },
      body,
      isBase64Encoded: false,
      requestContext: { http: { method: "POST" } },
    });

  test("booked page -> questions -> submit: the answers carry the invitation, and the secret is only in hidden fields", async () => {
    const { invitationId, secret } = await session();
    const booked = await web()(post("/book", new URLSearchParams({ session: secret, slot: String(slotId) }).toString()));
    expect(booked.statusCode).toBe(200);
    expect(booked.body).toContain(`<form method="post" action="/questions"><input type="hidden" name="session" value="${secret}">`);

    const questions = await web()(post("/questions", `session=${secret}`));
    expect(questions.statusCode).toBe(200);
    expect(questions.headers["Content-Security-Policy"]).toContain("form-action https://forms.example.org;");
    const form = /<form [^>]*action="([^"]*)"[^>]*>\n<input type="hidden" name="_session" value="([^"]*)">/.exec(questions.body);
    expect(form?.slice(1)).toEqual([followUp.submitUrl, secret]);
    expect(questions.body.match(/<form\b/g)).toHaveLength(1);

    const before = (await submissions()).length;
    const response = await submit(new URLSearchParams({ allergies: "No", [SESSION_FIELD]: secret }).toString());
    expect(response.statusCode).toBe(201);
    expect((await submissions()).slice(before)).toEqual([{ invitation_id: invitationId, answers: JSON.stringify({ allergies: "No" }) }]);
  });

  test("the same flow with REST API (payload 1.0) events: CSP form-action names form-submit's origin only on the questions page", async () => {
    const { invitationId, secret } = await session();
    const rest = (path: string, body: string, resource = path, pathParameters?: Record<string, string>) =>
      restApiEvent({ method: "POST", path, resource, pathParameters, headers: { "Content-Type": FORM }, body });
    const booked = await web()(rest("/book", new URLSearchParams({ session: secret, slot: String(slotId) }).toString()));
    expect(booked.statusCode).toBe(200);
    expect(booked.headers["Content-Security-Policy"]).toContain("form-action 'self';");

    const questions = await web()(rest("/questions", `session=${secret}`));
    expect(questions.statusCode).toBe(200);
    expect(questions.headers["Content-Security-Policy"]).toBe("default-src 'none'; style-src 'self'; img-src 'self'; form-action https://forms.example.org; frame-ancestors 'none'; base-uri 'none'");
    expect(questions.body).toContain(`action="${followUp.submitUrl}"`);

    const before = (await submissions()).length;
    const response = await createFormSubmitHandler({ pool: db.as("form-submit"), now: () => NOW })(
      rest(`/forms/${SLUG}`, new URLSearchParams({ allergies: "Yes", [SESSION_FIELD]: secret }).toString(), "/forms/{slug}", { slug: SLUG }),
    );
    expect(response.statusCode).toBe(201);
    expect((await submissions()).slice(before)).toEqual([{ invitation_id: invitationId, answers: JSON.stringify({ allergies: "Yes" }) }]);
  });

  test("form-submit answers a database outage with the 503 'try again' page, as the booking pages do", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:3306"), { code: "ECONNREFUSED" });
    const broken = { query: () => Promise.reject(refused), execute: () => Promise.reject(refused), getConnection: () => Promise.reject(refused) } as unknown as Pool;
    const errors: unknown[] = [];
    const response = await createFormSubmitHandler({ pool: broken, now: () => NOW, onError: (e) => errors.push(e) })({
      rawPath: `/forms/${SLUG}`,
      pathParameters: { slug: SLUG },
      headers: { "content-type": FORM },
      body: "allergies=No",
      isBase64Encoded: false,
      requestContext: { http: { method: "POST" } },
    });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain("Nothing has been saved");
    expect(response.headers["Cache-Control"]).toBe("no-store");
    expect(errors).toEqual([refused]);
  });

  test("an error is logged under keys Powertools keeps (never its reserved `message`)", () => {
    const lines: [string, Record<string, unknown>][] = [];
    recordError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), "book", { error: (line: string, attributes: Record<string, unknown>) => lines.push([line, attributes]) } as never);
    expect(lines).toEqual([["request failed", { route: "book", errorName: "Error", errorCode: "ECONNREFUSED", errorMessage: "connect ECONNREFUSED" }]]);
    const RESERVED = ["message", "level", "timestamp", "service", "sampling_rate", "xray_trace_id", "cold_start", "function_name", "function_arn", "function_request_id"];
    expect(Object.keys(lines[0][1]).filter((key) => RESERVED.includes(key))).toEqual([]);
  });

  test("form-submit refuses an event that is not an API Gateway request, storing nothing", async () => {
    const before = await submissions();
    const handler = createFormSubmitHandler({ pool: db.as("form-submit"), now: () => NOW });
    for (const event of [{}, { pathParameters: { slug: SLUG }, body: "allergies=No" }, restApiEvent({ method: "POST", path: "forms" })]) {
      expect((await handler(event)).statusCode).toBe(400);
    }
    expect(await submissions()).toEqual(before);
  });

  test("an expired session gets no form and no stored answers; without follow-up form /questions is not found", async () => {
    const { secret } = await session();
    const late = createWebHandler({ db: db.as("campaign-web"), practice, now: () => new Date(NOW.getTime() + 3 * HOUR), followUpForm: followUp });
    const questions = await late(post("/questions", `session=${secret}`));
    expect(questions.statusCode).toBe(410);
    expect(questions.body).not.toContain(SESSION_FIELD);
    const before = await submissions();
    const refused = await submit(new URLSearchParams({ allergies: "No", [SESSION_FIELD]: secret }).toString(), new Date(NOW.getTime() + 3 * HOUR));
    expect(refused.statusCode).toBe(410);
    expect(refused.body).toContain("have not been saved");
    const forged = await submit(new URLSearchParams({ allergies: "No", [SESSION_FIELD]: mintToken().token }).toString());
    expect(forged.statusCode).toBe(404);
    expect(await submissions()).toEqual(before);

    const plain = createWebHandler({ db: db.as("campaign-web"), practice, now: () => NOW });
    expect((await plain(post("/questions", `session=${secret}`))).statusCode).toBe(404);
    const booked = await plain(post("/book", new URLSearchParams({ session: (await session()).secret, slot: String(slotId) }).toString()));
    expect(booked.statusCode).toBe(200);
    expect(booked.body).not.toContain("/questions");
  });

  test("the follow-up form is configured by FOLLOW_UP_FORM_SLUG and FORM_SUBMIT_BASE_URL together", () => {
    const base = { PRACTICE_NAME: "Riverside Surgery", PRACTICE_PHONE: "020 7946 0000" };
    expect(webConfigurationFromEnvironment(base).followUpForm).toBeUndefined();
    expect(webConfigurationFromEnvironment({ ...base, FOLLOW_UP_FORM_SLUG: SLUG, FORM_SUBMIT_BASE_URL: "https://forms.example.org/" }).followUpForm).toEqual(followUp);
    expect(() => webConfigurationFromEnvironment({ ...base, FOLLOW_UP_FORM_SLUG: SLUG })).toThrow(ConfigurationError);
    expect(() => webConfigurationFromEnvironment({ ...base, FORM_SUBMIT_BASE_URL: "https://forms.example.org" })).toThrow(/FOLLOW_UP_FORM_SLUG/);
    expect(() => webConfigurationFromEnvironment({ ...base, FOLLOW_UP_FORM_SLUG: "Bad Slug", FORM_SUBMIT_BASE_URL: "https://forms.example.org" })).toThrow(/FOLLOW_UP_FORM_SLUG/);
    expect(() => webConfigurationFromEnvironment({ ...base, FOLLOW_UP_FORM_SLUG: SLUG, FORM_SUBMIT_BASE_URL: "http://forms.example.org" })).toThrow(/FORM_SUBMIT_BASE_URL/);
  });
});
