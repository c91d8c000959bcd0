/**
 * A statement outside a function's grants fails at run time (issue 18, "enforced by running"):
 * campaign-web's real booking path, with a read of patients.email planted in a copy of the
 * code (__tests__/support/planted.ts), is refused by the database when it runs as
 * fn_campaign_web, the way the integration tests run it; the same copy run as root books, which
 * is how such a flaw went unnoticed while the tests signed in as root.
 */
import { mkdirSync, mkdtempSync, rmSync } from "fs";
import { join } from "path";
import type { RowDataPacket } from "mysql2/promise";
import * as Booking from "../../../functions/campaign/booking";
import { redeemToken } from "../../../functions/campaign/redeem";
import { mintToken } from "../../../functions/campaign/tokens";
import { createCampaign } from "../../../scripts/campaign/lib/local-campaign";
import { createTestDatabase, insertId, TestDatabase } from "../../support/local-services";
import { plantContactRead } from "../../support/planted";

const NOW = new Date("2026-10-01T09:00:00.000Z");
const clock = () => NOW;
const DAY = 24 * 60 * 60 * 1000;

let db: TestDatabase;
let planted: typeof Booking;
let plantedRoot: string;

beforeAll(async () => {
  // Inside the project (reports/ is ignored) so the copy resolves node_modules as the original does.
  // A fresh clone has no reports/ yet.
  const reports = join(__dirname, "..", "..", "..", "reports");
  mkdirSync(reports, { recursive: true });
  plantedRoot = mkdtempSync(join(reports, "planted-"));
  plantContactRead(plantedRoot);
  planted = require(join(plantedRoot, "functions/campaign/booking.ts")) as typeof Booking;
  db = await createTestDatabase("planted_statement");
});
afterAll(async () => {
  if (plantedRoot) rmSync(plantedRoot, { recursive: true, force: true });
  await db?.drop();
});

async function redeemedPatient(campaignId: number, ref: string): Promise<string> {
  const patientId = await insertId(db.admin, "INSERT INTO patients (external_ref, given_name, family_name, email) VALUES (?, 'Test', 'Patient', 'test@patients.example.org')", [ref]);
  const invitationId = await insertId(db.admin, "INSERT INTO invitations (campaign_id, patient_id) VALUES (?, ?)", [campaignId, patientId]);
  const { token, hash } = mintToken();
  await db.admin.query("INSERT INTO invitation_tokens (token_hash, invitation_id, round, expires_at) VALUES (?, ?, 0, ?)", [hash, invitationId, new Date(NOW.getTime() + 28 * DAY)]);
  const redeemed = await redeemToken(db.as("campaign-web"), token, clock);
  if (redeemed.outcome !== "redeemed") throw new Error(`seed: expected redeemed, got ${redeemed.outcome}`);
  return redeemed.session.secret;
}

test("the planted read of patients.email in the booking path is refused to fn_campaign_web, and books nothing", async () => {
  const campaignId = await createCampaign(db.admin, { name: "planted" });
  const slot = await insertId(db.admin, "INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity) VALUES (?, 'Riverside Surgery', ?, 5)", [campaignId, new Date(NOW.getTime() + DAY)]);
  const session = await redeemedPatient(campaignId, "planted-1");
  await expect(planted.bookSlot(db.as("campaign-web"), session, slot, clock)).rejects.toThrow(/SELECT command denied to user 'fn_campaign_web'@'[^']+' for table `[^`]+`\.`patients`/);
  const [[{ n }]] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM bookings");
  expect(Number(n)).toBe(0);

  // The unplanted code books as fn_campaign_web; the planted copy books as root, unnoticed.
  expect((await Booking.bookSlot(db.as("campaign-web"), session, slot, clock)).outcome).toBe("booked");
  expect((await planted.bookSlot(db.admin, await redeemedPatient(campaignId, "planted-2"), slot, clock)).outcome).toBe("booked");
});
