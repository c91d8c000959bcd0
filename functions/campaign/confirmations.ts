/**
 * Booking confirmations, the outbox side (no SNS or SES here: campaign-web uses it).
 *
 * 1. `recordConfirmation` runs inside the booking's own transaction (booking.ts bookSlot and
 *    cancelBooking): one `booking_confirmations` row per channel the patient can be reached on
 *    (a UK mobile, a well-formed address, not opted out of it), with the appointment's site and
 *    time as they are at that moment. A rolled-back booking leaves no row; a retried request
 *    that changes nothing (already booked, nothing to cancel) commits nothing and writes none.
 *    A patient with no usable channel gets no row: the page still shows the booking.
 * 2. `enqueueConfirmations` (campaign-web, right after the commit, best effort) puts the
 *    invitation's rows that are not on the queue yet on the send queue as `{confirmationId}`
 *    and marks them `enqueued_at`. A lost enqueue (the function stopped, SQS failed) leaves
 *    `enqueued_at` NULL, and `sweepUnqueuedConfirmations` (the reminder run) enqueues it
 *    later. Enqueueing twice is harmless: the worker claims a row once.
 * 3. The send worker (send-worker.ts `sendConfirmation`) claims, mints the manage link, sends.
 */
import type { Connection, Pool, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import type { ConfirmationKind, ConfirmedAppointment } from "./messages";
import type { SendQueue } from "./send-queue";

export type { ConfirmationKind };

/** Where a confirmation goes: `booking_confirmations.channel`. */
export type ConfirmationChannel = "sms" | "email";

/**
 * Writes the confirmation rows of one booking change, on the booking transaction's connection
 * (after the invitation's row lock: booking.ts lockInvitation, so rows of one invitation are
 * numbered in the order their changes committed). Returns the channels it will go to (none when
 * the patient has no usable contact or opted out of both: the page then says so).
 */
export async function recordConfirmation(connection: Connection, invitationId: number, kind: ConfirmationKind, appointment: ConfirmedAppointment, at: Date): Promise<readonly ConfirmationChannel[]> {
  // A plain (non-locking) read: an INSERT ... SELECT would take shared and gap locks on
  // contact_preferences for the rest of the booking transaction and hold up other patients'
  // opt-outs. An opt-out that commits after this read is still honoured: the worker's claim
  // checks contact_preferences again.
  const [rows] = await connection.query<RowDataPacket[]>(
    `SELECT r.sms_usable AS smsUsable, r.email_usable AS emailUsable, r.sms_opted_out AS smsOut, r.email_opted_out AS emailOut
     FROM invitation_reachability r WHERE r.invitation_id = ?`,
    [invitationId],
  );
  const row = rows[0];
  if (!row) return [];
  const channels: ConfirmationChannel[] = [
    ...(Number(row.smsUsable) === 1 && Number(row.smsOut) !== 1 ? (["sms"] as const) : []),
    ...(Number(row.emailUsable) === 1 && Number(row.emailOut) !== 1 ? (["email"] as const) : []),
  ];
  if (channels.length === 0) return [];
  await connection.query(
    `INSERT INTO booking_confirmations (invitation_id, kind, site, starts_at, channel, status, created_at) VALUES ?`,
    [channels.map((channel) => [invitationId, kind, appointment.site, appointment.startsAt, channel, "pending", at])],
  );
  return channels;
}

interface IdRow extends RowDataPacket {
  id: number;
}

/** Puts rows on the queue (in id order: the order the changes happened) and marks them enqueued. */
async function enqueueRows(db: Pool | Connection, queue: SendQueue, ids: readonly number[], at: Date): Promise<number> {
  if (ids.length === 0) return 0;
  await queue.send(ids.map((confirmationId) => ({ confirmationId })));
  await db.query(`UPDATE booking_confirmations SET enqueued_at = ? WHERE id IN (?) AND enqueued_at IS NULL`, [at, ids]);
  return ids.length;
}

/**
 * Enqueues every confirmation of the invitation still waiting for the queue (this change's, and
 * any an earlier request lost). Throws what the queue throws: the caller decides whether that
 * matters (campaign-web logs it and answers the page anyway; the sweep sends it later).
 */
export async function enqueueConfirmations(db: Pool | Connection, queue: SendQueue, invitationId: number, now: Date): Promise<number> {
  const [rows] = await db.query<IdRow[]>(
    `SELECT id FROM booking_confirmations WHERE invitation_id = ? AND enqueued_at IS NULL AND status = 'pending' ORDER BY id`,
    [invitationId],
  );
  return enqueueRows(db, queue, rows.map((row) => Number(row.id)), now);
}

/** How long a new confirmation is left to campaign-web's own enqueue before the sweep takes it. */
export const SWEEP_GRACE_MS = 2 * 60_000;

/**
 * Enqueues confirmations whose enqueue was lost: pending, never marked enqueued, written more
 * than `graceMs` ago (campaign-web enqueues its own within its request). Pages of 500.
 */
export async function sweepUnqueuedConfirmations(pool: Pool, queue: SendQueue, now: Date, graceMs = SWEEP_GRACE_MS): Promise<number> {
  let total = 0;
  let after = 0;
  for (;;) {
    const [rows] = await pool.query<IdRow[]>(
      `SELECT id FROM booking_confirmations WHERE enqueued_at IS NULL AND status = 'pending' AND created_at < ? AND id > ? ORDER BY id LIMIT 500`,
      [new Date(now.getTime() - graceMs), after],
    );
    if (rows.length === 0) return total;
    after = Number(rows[rows.length - 1].id);
    total += await enqueueRows(pool, queue, rows.map((row) => Number(row.id)), now);
  }
}

/** Confirmation claims whose worker never recorded an outcome become `unknown` (the message may have gone out): the same rule as deliveries. */
export async function markStaleConfirmationClaims(pool: Pool, olderThan: Date, now: Date, confirmationId?: number): Promise<number> {
  const [result] = await pool.query<ResultSetHeader>(
    `UPDATE booking_confirmations SET status = 'unknown', status_at = ?, status_detail = 'claimed, no outcome recorded (worker stopped); review before any resend'
     WHERE status = 'sending' AND claimed_at < ? AND (? IS NULL OR id = ?)`,
    [now, olderThan, confirmationId ?? null, confirmationId ?? null],
  );
  return result.affectedRows;
}
