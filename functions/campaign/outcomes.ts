/**
 * What clinic staff record for a patient who answered outside the link: booked by phone,
 * vaccinated elsewhere, or declined. A recorded outcome answers the invitation (responded_at),
 * so the patient leaves the non-respondents and gets no more reminders, and the report counts
 * it. Staff may correct an outcome (the latest is kept, with who and when); the invitation's
 * first answer time is kept. Patients are named by the practice system's reference
 * (patients.external_ref), which is what staff have in front of them.
 */
import type { ResultSetHeader, RowDataPacket } from "mysql2/promise";
import type { Database } from "./booking";
import { STAFF_OUTCOMES, StaffOutcome } from "./redeem";

export type OutcomeResult =
  | { readonly outcome: "recorded"; readonly invitationId: number; readonly staffOutcome: StaffOutcome; readonly previous: StaffOutcome | null }
  /** The patient has no invitation in this campaign (or no such patient): nothing changed. */
  | { readonly outcome: "no-invitation" };

export const isStaffOutcome = (value: unknown): value is StaffOutcome => typeof value === "string" && (STAFF_OUTCOMES as readonly string[]).includes(value);

export interface OutcomeRequest {
  readonly campaignId: number;
  /** patients.external_ref */
  readonly patientRef: string;
  readonly staffOutcome: StaffOutcome;
  /** The staff member (their Cognito user name), for the audit trail. */
  readonly recordedBy: string;
}

export async function recordStaffOutcome(db: Database, request: OutcomeRequest, now: () => Date = () => new Date()): Promise<OutcomeResult> {
  const at = now();
  // A plain read finds the invitation; the write is then one row by primary key (no scan locks).
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT i.id, i.staff_outcome FROM invitations i JOIN patients p ON p.id = i.patient_id WHERE i.campaign_id = ? AND p.external_ref = ?`,
    [request.campaignId, request.patientRef],
  );
  if (rows.length === 0) return { outcome: "no-invitation" };
  const invitationId = Number(rows[0].id);
  const [updated] = await db.query<ResultSetHeader>(
    `UPDATE invitations SET staff_outcome = ?, staff_outcome_at = ?, staff_outcome_by = ?, responded_at = COALESCE(responded_at, ?) WHERE id = ?`,
    [request.staffOutcome, at, request.recordedBy, at, invitationId],
  );
  if (updated.affectedRows !== 1) return { outcome: "no-invitation" };
  return { outcome: "recorded", invitationId, staffOutcome: request.staffOutcome, previous: (rows[0].staff_outcome as StaffOutcome | null) ?? null };
}
