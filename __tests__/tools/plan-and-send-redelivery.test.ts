/**
 * Issue 17, item 14: `npm run bench -- --only dispatch` failed when SQS redelivered a send
 * request (at-least-once): it compared requests handled with invitations planned. planAndSend
 * (what the bench and the demo run) now reports distinct invitations handled and redeliveries.
 * A visibility timeout of 0 makes moto hand every message to several receive loops at once.
 */
import type { RowDataPacket } from "mysql2/promise";
import { planCampaign } from "../../functions/campaign/dispatch";
import { createCampaign, LOCAL_PLAN_PAGE_SIZE, localAws, planAndSend } from "../../scripts/campaign/lib/local-campaign";
import { seedPatients, syntheticPatients } from "../support/dispatch-fixtures";
import { createTestDatabase, localServices, TestDatabase } from "../support/local-services";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("plan_and_send_redelivery");
});
afterAll(async () => db?.drop());

test("redelivered send requests are handled again harmlessly and counted, not taken for missing or extra invitations", async () => {
  await seedPatients(db.admin, syntheticPatients(40, { prefix: "R", first: 300 }));
  const campaignId = await createCampaign(db.admin, { name: "redelivery" });
  const aws = await localAws(await localServices(), `redelivery-${Date.now()}`, { visibilityTimeoutSeconds: 0 });
  const { planned, drained, invitationsHandled, redeliveries } = await planAndSend(db.as("campaign-send"), aws, { concurrency: 4 }, (queue) =>
    planCampaign({ pool: db.as("campaign-plan"), queue }, campaignId, { pageSize: LOCAL_PLAN_PAGE_SIZE }),
  );
  expect(planned.invitations).toBe(40);
  expect(invitationsHandled).toBe(40);
  // The scenario really happened: some requests were received and handled twice or more.
  expect(redeliveries).toBeGreaterThan(0);
  expect(drained.handled).toBe(invitationsHandled + redeliveries);
  // ...and nothing was sent twice: one delivery row per channel, each sent once.
  const [rows] = await db.admin.query<RowDataPacket[]>("SELECT status, attempts, COUNT(*) AS n FROM deliveries GROUP BY status, attempts");
  expect(rows.map((r) => [r.status, Number(r.attempts)])).toEqual([["sent", 1]]);
});
