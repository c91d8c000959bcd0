/**
 * The staff outcome route (issue 17 item 6) against MariaDB: booked by phone, vaccinated
 * elsewhere or declined, recorded per patient by staff; the patient becomes a respondent, the
 * reminder skips them, the report counts them, and the link says so. Bad requests change nothing.
 */
import type { RowDataPacket } from "mysql2/promise";
import { InMemorySendQueue, planCampaign } from "../../../functions/campaign/dispatch";
import { inspectToken } from "../../../functions/campaign/redeem";
import { remindCampaign } from "../../../functions/campaign/remind";
import { buildCampaignReport, renderReportHtml } from "../../../functions/campaign/report";
import { createOutcomesHandler } from "../../../functions/campaign-outcomes/handler";
import { restApiEvent } from "../../support/api-gateway-events";
import { createCampaign, seedPatients } from "../../support/dispatch-fixtures";
import { createTestDatabase, TestDatabase } from "../../support/local-services";

const DAY = 86_400_000;
const T0 = new Date("2026-10-05T09:00:00Z");
let db: TestDatabase;
let campaignId: number;
const tokens = new Map<string, string>();

beforeAll(async () => {
  db = await createTestDatabase("outcomes");
  await seedPatients(db.admin, ["by-phone", "elsewhere", "declined", "silent"].map((ref, i) => ({ ref, phone: `+44770090050${i}` })));
  campaignId = await createCampaign(db.admin, { reminderIntervalDays: 7, maxReminders: 2 });
  const queue = new InMemorySendQueue();
  await planCampaign({ pool: db.as("campaign-plan"), queue, now: () => T0 }, campaignId);
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT i.id, p.external_ref AS ref FROM invitations i JOIN patients p ON p.id = i.patient_id");
  const refOf = new Map(rows.map((r) => [Number(r.id), r.ref as string]));
  for (const request of queue.take()) tokens.set(refOf.get(request.invitationId)!, request.token);
  await db.admin.query("UPDATE invitations SET last_contacted_at = ?", [T0]);
});
afterAll(async () => db?.drop());

const handle = (body: unknown, options: { campaign?: string; user?: string | null } = {}) =>
  createOutcomesHandler({ db: db.as("campaign-outcomes"), now: () => new Date(T0.getTime() + DAY), log: { info: () => undefined, error: () => undefined } })(
    restApiEvent({
      method: "POST",
      path: `/campaigns/${options.campaign ?? campaignId}/outcomes`,
      resource: "/campaigns/{campaignId}/outcomes",
      pathParameters: { campaignId: options.campaign ?? String(campaignId) },
      headers: { "Content-Type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
      ...(options.user === null ? {} : { claims: { "cognito:username": options.user ?? "nurse.jones" } }),
    }),
  );

const invitationState = async () => {
  const [rows] = await db.admin.query<RowDataPacket[]>(
    "SELECT p.external_ref AS ref, i.staff_outcome, i.staff_outcome_by, i.responded_at FROM invitations i JOIN patients p ON p.id = i.patient_id ORDER BY ref",
  );
  return rows;
};

test("staff record an outcome per patient; each becomes a respondent, with who and when", async () => {
  for (const [ref, outcome] of [["by-phone", "booked-by-phone"], ["elsewhere", "vaccinated-elsewhere"], ["declined", "declined"]]) {
    const response = await handle({ patientRef: ref, outcome });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ outcome, previous: null });
  }
  const state = await invitationState();
  expect(state.map((r) => [r.ref, r.staff_outcome, r.staff_outcome_by, r.responded_at?.getTime() ?? null])).toEqual([
    ["by-phone", "booked-by-phone", "nurse.jones", T0.getTime() + DAY],
    ["declined", "declined", "nurse.jones", T0.getTime() + DAY],
    ["elsewhere", "vaccinated-elsewhere", "nurse.jones", T0.getTime() + DAY],
    ["silent", null, null, null],
  ]);
  // A correction keeps the first answer time and reports what it replaced.
  const corrected = await handle({ patientRef: "declined", outcome: "booked-by-phone" }, { user: "reception.smith" });
  expect(JSON.parse(corrected.body)).toMatchObject({ outcome: "booked-by-phone", previous: "declined" });
  await handle({ patientRef: "declined", outcome: "declined" });
});

test("the reminder skips them: only the patient without an outcome is reminded", async () => {
  const queue = new InMemorySendQueue();
  const result = await remindCampaign({ pool: db.as("campaign-remind"), queue, now: () => new Date(T0.getTime() + 8 * DAY) }, campaignId);
  expect(result.invitations).toBe(1);
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT p.external_ref AS ref FROM invitations i JOIN patients p ON p.id = i.patient_id WHERE i.round = 1");
  expect(rows.map((r) => r.ref)).toEqual(["silent"]);
});

test("the report counts them: responded, not booked online, by outcome; the silent patient is the non-respondent", async () => {
  const report = await buildCampaignReport(db.as("campaign-report"), campaignId, () => new Date(T0.getTime() + 9 * DAY));
  expect(report.patients).toEqual({
    invited: 4, respondents: 3, bookedOnline: 0, respondedNotBooked: 3, bookedByPhone: 1, vaccinatedElsewhere: 1, declined: 1, nonRespondents: 1, openedNotBooked: 0,
  });
  expect(renderReportHtml(report)).toContain("(recorded by staff: booked by phone 1, vaccinated elsewhere 1, declined 1)");
});

test("the patient's link says what staff recorded, and a decline still lets them book", async () => {
  const at = () => new Date(T0.getTime() + DAY);
  expect(await inspectToken(db.as("campaign-web"), tokens.get("by-phone"), at)).toEqual({ outcome: "answered-by-staff", staffOutcome: "booked-by-phone" });
  expect(await inspectToken(db.as("campaign-web"), tokens.get("elsewhere"), at)).toEqual({ outcome: "answered-by-staff", staffOutcome: "vaccinated-elsewhere" });
  expect(await inspectToken(db.as("campaign-web"), tokens.get("declined"), at)).toEqual({ outcome: "redeemable", staffOutcome: "declined" });
});

test.each([
  ["an unknown outcome", { patientRef: "silent", outcome: "vaccinated" }, {}, 400, /outcome must be one of booked-by-phone, vaccinated-elsewhere, declined/],
  ["no patient reference", { outcome: "declined" }, {}, 400, /patientRef must be/],
  ["a body that is not JSON", "patientRef=silent", {}, 400, /The body must be JSON/],
  ["an array", "[]", {}, 400, /patientRef must be/],
  ["a campaign id that is not a number", { patientRef: "silent", outcome: "declined" }, { campaign: "1 OR 1=1" }, 400, /campaignId must be/],
  ["a patient without an invitation", { patientRef: "nobody", outcome: "declined" }, {}, 404, /no invitation/],
  ["another campaign", { patientRef: "silent", outcome: "declined" }, { campaign: "999" }, 404, /no invitation/],
  ["no staff identity", { patientRef: "silent", outcome: "declined" }, { user: null }, 401, /staff identity/],
])("%s: refused, nothing changes", async (_name, body, options, status, message) => {
  const before = await invitationState();
  const response = await handle(body, options as { campaign?: string; user?: string | null });
  expect(response.statusCode).toBe(status);
  expect(JSON.parse(response.body).error).toMatch(message);
  expect(await invitationState()).toEqual(before);
});

test("a database outage: 503, nothing recorded", async () => {
  const broken = { query: () => Promise.reject(new Error("connect ECONNREFUSED")) } as never;
  const errors: unknown[] = [];
  const response = await createOutcomesHandler({ db: broken, log: { info: () => undefined, error: (_line: string, attributes: unknown) => errors.push(attributes) } as never })(
    restApiEvent({ method: "POST", path: "/campaigns/1/outcomes", resource: "/campaigns/{campaignId}/outcomes", pathParameters: { campaignId: "1" }, body: JSON.stringify({ patientRef: "x", outcome: "declined" }), claims: { "cognito:username": "a" } }),
  );
  expect(response.statusCode).toBe(503);
  expect(errors).toEqual([{ campaignId: 1, errorName: "Error", errorMessage: "connect ECONNREFUSED" }]);
});
