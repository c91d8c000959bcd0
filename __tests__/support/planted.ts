/**
 * The planted flaw that shows the database half of least privilege holding (issue 18): a read of
 * the patient's email in campaign-web's public booking path, which campaign-web's code never
 * needs. function-sql-grants.test.ts shows the analysis catches it; planted-statement.test.ts
 * shows the database refuses it at run time to fn_campaign_web.
 */
import { cpSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";

const PROJECT_ROOT = join(__dirname, "..", "..");
export const PLANTED_READ = "SELECT p.email FROM patients p JOIN invitations i ON i.patient_id = p.id WHERE i.id = ?";
const ANCHOR = "await connection.query(`SELECT id FROM invitations WHERE id = ? FOR UPDATE`, [invitationId]);";

/** Copies functions/ to `root`/functions and plants PLANTED_READ in booking.ts, right after the invitation's lock. */
export function plantContactRead(root: string): void {
  cpSync(join(PROJECT_ROOT, "functions"), join(root, "functions"), { recursive: true });
  const booking = join(root, "functions/campaign/booking.ts");
  const text = readFileSync(booking, "utf8");
  if (!text.includes(ANCHOR)) throw new Error(`functions/campaign/booking.ts no longer contains ${ANCHOR}: move the anchor in __tests__/support/planted.ts to another statement of the booking path`);
  writeFileSync(booking, text.replace(ANCHOR, `${ANCHOR}\n  await connection.query(\`${PLANTED_READ}\`, [invitationId]);`));
}
