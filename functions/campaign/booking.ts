/**
 * Booking: a patient who opened their link holds a booking session (a random secret of
 * which only the SHA-256 is stored), chooses a site and a date with free seats, then a time.
 * Booking is what makes the invitation answered (`invitations.responded_at`, in the booking's
 * own transaction); cancelling gives the seat back and, unless staff recorded an outcome,
 * makes the patient a non-respondent again (reminders resume). Booking, moving and cancelling
 * each write their confirmation (confirmations.ts: the outbox the send worker sends from) in
 * the same transaction, so what commits is confirmed once and what rolls back never is.
 *
 * Capacity is enforced by the database, not by reading and then writing: one
 * `UPDATE ... SET booked = booked + 1 WHERE ... AND booked < capacity` takes the seat (its
 * affected-row count decides, and concurrent bookers queue on the slot's row lock), and the
 * booking row is inserted in the same transaction; its UNIQUE invitation_id turns a second
 * attempt for the same invitation into a rollback that also gives the seat back.
 */
import type { Connection, Pool, PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { ConfirmationChannel, recordConfirmation } from "./confirmations";
import { hashToken, mintToken, parseToken } from "./tokens";

/** Anything that runs queries: a pool (a connection is taken per transaction) or one connection. */
export type Database = Pool | Connection;

export interface Slot {
  readonly id: number;
  readonly site: string;
  readonly startsAt: Date;
  readonly capacity: number;
  readonly booked: number;
  /** capacity - booked when the list was read; only a booking attempt can be sure. */
  readonly free: number;
}

export interface Booking {
  readonly invitationId: number;
  readonly slotId: number;
  readonly site: string;
  readonly startsAt: Date;
  readonly bookedAt: Date;
}

/** How many free slots `freeSlots` lists by default: the earliest first; a campaign may have thousands. */
export const DEFAULT_SLOT_LIST_LIMIT = 100;
/** How many (site, date) choices the first page offers: the next dates with free seats. A phone screen, not a wall. */
export const DAY_LIST_LIMIT = 10;
/** How many times one site's day lists at most (a 10-minute clinic from 08:00 to 20:00 has 72). */
export const TIMES_PER_DAY_LIMIT = 80;

export type SessionProblem = { readonly outcome: "session-unknown" } | { readonly outcome: "session-expired" };

/** A site and a local date (in the practice's time zone) with at least one free seat. */
export interface DayChoice {
  readonly site: string;
  /** YYYY-MM-DD in the practice's time zone. */
  readonly date: string;
  /** Seats still free that day at that site. */
  readonly free: number;
}

export type BookingResult =
  | SessionProblem
  /** `confirmedBy`: the channels a confirmation was written for (none: no usable contact, or opted out). */
  | { readonly outcome: "booked"; readonly invitationId: number; readonly booking: Booking; readonly confirmedBy: readonly ConfirmationChannel[] }
  /** Moved an existing booking to the chosen slot (the old seat was given back in the same transaction). */
  | { readonly outcome: "moved"; readonly invitationId: number; readonly booking: Booking; readonly previous: Booking; readonly confirmedBy: readonly ConfirmationChannel[] }
  /** This invitation already holds a booking (an earlier or a concurrent attempt won); nothing changed. */
  | { readonly outcome: "already-booked"; readonly invitationId: number; readonly booking: Booking }
  /** The slot filled up; nothing changed. `slot` is where the patient was looking (to list that day again). */
  | { readonly outcome: "full"; readonly invitationId: number; readonly slot: Slot }
  /** No such slot in this campaign, or it has started; nothing changed. */
  | { readonly outcome: "slot-unavailable"; readonly invitationId: number };

export interface BookingOptions {
  /** Move an existing booking to the chosen slot; without it a second booking attempt only shows the first. */
  readonly change?: boolean;
}

const isPool = (db: Database): db is Pool => typeof (db as Pool).getConnection === "function";

// InnoDB deadlock and lock-wait timeout: the transaction did nothing and may simply be run again.
const RETRYABLE_ERRORS = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT"]);
const TRANSACTION_ATTEMPTS = 3;

/**
 * Runs `work` in a transaction on one connection (taken from the pool, or the one given),
 * committing what it returns unless it asked to roll back, and running it again after a
 * deadlock. `rollback()` undoes everything `work` did and is how a losing attempt leaves no trace.
 */
export async function inTransaction<T>(db: Database, work: (connection: Connection, rollback: (result: T) => T) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const connection: Connection | PoolConnection = isPool(db) ? await db.getConnection() : db;
    let rolledBack = false;
    const rollback = (result: T): T => {
      rolledBack = true;
      return result;
    };
    try {
      await connection.beginTransaction();
      const result = await work(connection, rollback);
      if (rolledBack) await connection.rollback();
      else await connection.commit();
      return result;
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      if (attempt < TRANSACTION_ATTEMPTS && RETRYABLE_ERRORS.has((error as { code?: string }).code ?? "")) continue;
      throw error;
    } finally {
      if (isPool(db)) (connection as PoolConnection).release();
    }
  }
}

/**
 * Serialises every booking, move and cancel of one invitation: each takes the invitation's row
 * first (a primary-key lock, no gap lock), so they never hold a slot and the booking row in
 * opposite orders (a cancel took the booking then the old slot while a move into that slot took
 * the slot then the booking: deadlocks under concurrent cancels and moves of one booking).
 */
async function lockInvitation(connection: Connection, invitationId: number): Promise<void> {
  await connection.query(`SELECT id FROM invitations WHERE id = ? FOR UPDATE`, [invitationId]);
}

interface SlotRow extends RowDataPacket {
  id: number;
  site: string;
  starts_at: Date;
  capacity: number;
  booked: number;
}

const toSlot = (row: SlotRow): Slot => ({ id: Number(row.id), site: row.site, startsAt: row.starts_at, capacity: row.capacity, booked: row.booked, free: row.capacity - row.booked });

/** The campaign's slots that start after `now` and still have room, earliest first. */
export async function freeSlots(db: Database, campaignId: number, now: Date, limit = DEFAULT_SLOT_LIST_LIMIT): Promise<Slot[]> {
  const [rows] = await db.query<SlotRow[]>(
    `SELECT id, site, starts_at, capacity, booked FROM appointment_slots
     WHERE campaign_id = ? AND starts_at > ? AND booked < capacity
     ORDER BY starts_at, id LIMIT ?`,
    [campaignId, now, limit],
  );
  return rows.map(toSlot);
}

/** Minutes `timeZone` is ahead of UTC at `at` (60 for Europe/London in summer). */
export function utcOffsetMinutes(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  return Math.round((local - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/** The calendar date of `at` in `timeZone`, as YYYY-MM-DD. */
export function localDate(at: Date, timeZone: string): string {
  return new Date(at.getTime() + utcOffsetMinutes(at, timeZone) * 60_000).toISOString().slice(0, 10);
}

/** The UTC instants a local date starts and ends at, in `timeZone` (DST days are 23 or 25 hours). */
export function localDayBounds(date: string, timeZone: string): { start: Date; end: Date } {
  const at = (d: string) => {
    const midnightUtc = Date.parse(`${d}T00:00:00.000Z`);
    // Local midnight is midnightUtc minus the offset in force then; one correction settles it on DST days.
    const guess = midnightUtc - utcOffsetMinutes(new Date(midnightUtc), timeZone) * 60_000;
    return new Date(midnightUtc - utcOffsetMinutes(new Date(guess), timeZone) * 60_000);
  };
  const next = new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
  return { start: at(date), end: at(next) };
}

const DATE_PATTERN = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
export const isCalendarDate = (text: string): boolean => DATE_PATTERN.test(text) && new Date(`${text}T00:00:00.000Z`).toISOString().startsWith(text);

interface DayRow extends RowDataPacket {
  site: string;
  day: string | Date;
  free: number | string;
}

/**
 * The next (site, date) pairs with a free seat after `now`, by date then site: the first step
 * of choosing. Dates are grouped in the practice's time zone at `now`'s offset (a clinic
 * running across a DST change at 01:00 would see that night's slots on the neighbouring day;
 * the times page uses each day's exact bounds).
 */
export async function availableDays(db: Database, campaignId: number, now: Date, timeZone: string, limit = DAY_LIST_LIMIT): Promise<DayChoice[]> {
  const offset = utcOffsetMinutes(now, timeZone);
  const [rows] = await db.query<DayRow[]>(
    `SELECT site, DATE_FORMAT(starts_at + INTERVAL ? MINUTE, '%Y-%m-%d') AS day, SUM(capacity - booked) AS free
     FROM appointment_slots
     WHERE campaign_id = ? AND starts_at > ? AND booked < capacity
     GROUP BY day, site ORDER BY day, site LIMIT ?`,
    [offset, campaignId, now, limit],
  );
  return rows.map((row) => ({ site: row.site, date: String(row.day), free: Number(row.free) }));
}

/** The free slots of one site on one local date, after `now`, earliest first (at most TIMES_PER_DAY_LIMIT). */
export async function slotsOnDay(db: Database, campaignId: number, site: string, date: string, timeZone: string, now: Date, limit = TIMES_PER_DAY_LIMIT): Promise<Slot[]> {
  if (!isCalendarDate(date)) return [];
  const { start, end } = localDayBounds(date, timeZone);
  const [rows] = await db.query<SlotRow[]>(
    `SELECT id, site, starts_at, capacity, booked FROM appointment_slots
     WHERE campaign_id = ? AND site = ? AND starts_at >= ? AND starts_at < ? AND starts_at > ? AND booked < capacity
     ORDER BY starts_at, id LIMIT ?`,
    [campaignId, site, start, end, now, limit],
  );
  return rows.map(toSlot);
}

interface BookingRow extends RowDataPacket {
  slot_id: number;
  site: string;
  starts_at: Date;
  booked_at: Date;
}

export async function bookingOf(db: Database, invitationId: number): Promise<Booking | undefined> {
  const [rows] = await db.query<BookingRow[]>(
    `SELECT b.slot_id, s.site, s.starts_at, b.booked_at FROM bookings b JOIN appointment_slots s ON s.id = b.slot_id WHERE b.invitation_id = ?`,
    [invitationId],
  );
  const row = rows[0];
  return row && { invitationId, slotId: Number(row.slot_id), site: row.site, startsAt: row.starts_at, bookedAt: row.booked_at };
}

interface SessionRow extends RowDataPacket {
  invitation_id: number;
  campaign_id: number;
  expires_at: Date;
}

export type Session = { readonly outcome: "valid"; readonly invitationId: number; readonly campaignId: number; readonly expiresAt: Date };

/**
 * The session behind a secret; a secret without a secret's shape is unknown and never looked up.
 * Also how form-submit attaches a follow-up form's answers to the session's invitation.
 */
export async function findSession(db: Database, secretText: unknown, now: Date): Promise<Session | SessionProblem> {
  const secret = parseToken(secretText);
  if (!secret) return { outcome: "session-unknown" };
  const [rows] = await db.query<SessionRow[]>(
    `SELECT s.invitation_id, i.campaign_id, s.expires_at FROM booking_sessions s JOIN invitations i ON i.id = s.invitation_id WHERE s.session_hash = ?`,
    [hashToken(secret)],
  );
  const row = rows[0];
  if (!row) return { outcome: "session-unknown" };
  if (row.expires_at.getTime() <= now.getTime()) return { outcome: "session-expired" };
  return { outcome: "valid", invitationId: Number(row.invitation_id), campaignId: Number(row.campaign_id), expiresAt: row.expires_at };
}

export interface OpenedSession {
  readonly invitationId: number;
  readonly campaignId: number;
  /** Travels only in the booking form; never stored (only its SHA-256) and never logged. */
  readonly secret: string;
  readonly expiresAt: Date;
}

/** Starts a booking session for an invitation, remembering which link opened it. */
export async function openSession(db: Database | Connection, invitationId: number, campaignId: number, tokenHash: Buffer, at: Date, ttlMs: number): Promise<OpenedSession> {
  const session = mintToken();
  const expiresAt = new Date(at.getTime() + ttlMs);
  await db.query(`INSERT INTO booking_sessions (session_hash, invitation_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`, [session.hash, invitationId, tokenHash, at, expiresAt]);
  return { invitationId, campaignId, secret: session.token, expiresAt };
}

interface RenewalRow extends RowDataPacket {
  invitation_id: number;
  campaign_id: number;
  session_expires_at: Date;
  token_hash: Buffer | null;
  token_expires_at: Date | null;
  revoked_at: Date | null;
}

/**
 * An expired session goes back to slot choice: a fresh session for the same invitation, if the
 * link that opened the expired one is still live (not revoked by a reminder, not expired), which
 * is exactly what reopening that link would give. Otherwise the problem stands. A valid session
 * is not renewed (undefined).
 */
export async function renewSession(db: Database, secretText: unknown, now: Date, ttlMs: number): Promise<OpenedSession | SessionProblem | undefined> {
  const secret = parseToken(secretText);
  if (!secret) return { outcome: "session-unknown" };
  const [rows] = await db.query<RenewalRow[]>(
    `SELECT s.invitation_id, i.campaign_id, s.expires_at AS session_expires_at, s.token_hash, t.expires_at AS token_expires_at, t.revoked_at
     FROM booking_sessions s JOIN invitations i ON i.id = s.invitation_id LEFT JOIN invitation_tokens t ON t.token_hash = s.token_hash
     WHERE s.session_hash = ?`,
    [hashToken(secret)],
  );
  const row = rows[0];
  if (!row) return { outcome: "session-unknown" };
  if (row.session_expires_at.getTime() > now.getTime()) return undefined;
  if (!row.token_hash || !row.token_expires_at || row.revoked_at || row.token_expires_at.getTime() <= now.getTime()) return { outcome: "session-expired" };
  return openSession(db, Number(row.invitation_id), Number(row.campaign_id), row.token_hash, now, ttlMs);
}

/** The confirmation of the booking as it now stands, in the same transaction (confirmations.ts). */
async function confirm(connection: Connection, invitationId: number, kind: "booked" | "changed", at: Date): Promise<readonly ConfirmationChannel[]> {
  const booking = await bookingOf(connection, invitationId);
  return booking ? recordConfirmation(connection, invitationId, kind, booking, at) : [];
}

const isSlotId = (value: number): boolean => Number.isSafeInteger(value) && value > 0;

async function slotById(db: Database, slotId: number, campaignId: number): Promise<Slot | undefined> {
  const [rows] = await db.query<SlotRow[]>(`SELECT id, site, starts_at, capacity, booked FROM appointment_slots WHERE id = ? AND campaign_id = ?`, [slotId, campaignId]);
  return rows[0] && toSlot(rows[0]);
}

/**
 * Takes one seat in `slotId` for the session's invitation, or explains why not. Exactly one
 * booking per invitation and never more bookings than capacity, however many run at once.
 * With `change`, an existing booking moves to `slotId` (new seat taken, old seat given back,
 * in one transaction). The booking makes the invitation answered (responded_at), so reminders stop.
 */
export async function bookSlot(db: Database, sessionSecret: string, slotId: number, now: () => Date = () => new Date(), options: BookingOptions = {}): Promise<BookingResult> {
  const at = now();
  const session = await findSession(db, sessionSecret, at);
  if (session.outcome !== "valid") return session;
  const { invitationId, campaignId } = session;

  type Attempt = { outcome: "booked"; confirmedBy: readonly ConfirmationChannel[] } | { outcome: "moved"; previous: Booking; confirmedBy: readonly ConfirmationChannel[] } | { outcome: "lost" };
  const attempt = isSlotId(slotId)
    ? await inTransaction<Attempt>(db, async (connection, rollback) => {
        await lockInvitation(connection, invitationId);
        const [taken] = await connection.query<ResultSetHeader>(
          `UPDATE appointment_slots SET booked = booked + 1 WHERE id = ? AND campaign_id = ? AND booked < capacity AND starts_at > ?`,
          [slotId, campaignId, at],
        );
        if (taken.affectedRows !== 1) return rollback({ outcome: "lost" });
        try {
          await connection.query(`INSERT INTO bookings (invitation_id, slot_id, booked_at) VALUES (?, ?, ?)`, [invitationId, slotId, at]);
        } catch (error) {
          if ((error as { code?: string }).code !== "ER_DUP_ENTRY") throw error;
          // This invitation holds a booking (an earlier or a concurrent attempt committed first).
          if (!options.change) return rollback({ outcome: "lost" });
          const previous = await bookingOf(connection, invitationId);
          if (!previous || previous.slotId === slotId) return rollback({ outcome: "lost" });
          // Only the row we read moves: a concurrent move that committed first makes this one lose.
          const [moved] = await connection.query<ResultSetHeader>(`UPDATE bookings SET slot_id = ?, booked_at = ? WHERE invitation_id = ? AND slot_id = ?`, [slotId, at, invitationId, previous.slotId]);
          if (moved.affectedRows !== 1) return rollback({ outcome: "lost" });
          await connection.query(`UPDATE appointment_slots SET booked = booked - 1 WHERE id = ? AND booked > 0`, [previous.slotId]);
          await connection.query(`INSERT INTO booking_cancellations (invitation_id, slot_id, booked_at, cancelled_at, reason) VALUES (?, ?, ?, ?, 'moved')`, [invitationId, previous.slotId, previous.bookedAt, at]);
          return { outcome: "moved", previous, confirmedBy: await confirm(connection, invitationId, "changed", at) };
        }
        await connection.query(`UPDATE invitations SET responded_at = COALESCE(responded_at, ?) WHERE id = ?`, [at, invitationId]);
        return { outcome: "booked", confirmedBy: await confirm(connection, invitationId, "booked", at) };
      })
    : ({ outcome: "lost" } as Attempt);

  // Won or lost, the committed state now says which page to show.
  const booking = await bookingOf(db, invitationId);
  if (attempt.outcome === "booked" && booking) return { outcome: "booked", invitationId, booking, confirmedBy: attempt.confirmedBy };
  if (attempt.outcome === "moved" && booking) return { outcome: "moved", invitationId, booking, previous: attempt.previous, confirmedBy: attempt.confirmedBy };
  if (booking && (!options.change || booking.slotId === slotId)) return { outcome: "already-booked", invitationId, booking };
  const slot = isSlotId(slotId) ? await slotById(db, slotId, campaignId) : undefined;
  if (!slot || slot.startsAt.getTime() <= at.getTime()) return { outcome: "slot-unavailable", invitationId };
  return { outcome: "full", invitationId, slot };
}

export type CancelResult =
  | SessionProblem
  | { readonly outcome: "cancelled"; readonly invitationId: number; readonly booking: Booking; readonly confirmedBy: readonly ConfirmationChannel[] }
  /** Nothing to cancel (never booked, or cancelled already, e.g. a retried request): nothing changed. */
  | { readonly outcome: "not-booked"; readonly invitationId: number };

/**
 * Cancels the session's booking: the booking row goes (kept in booking_cancellations), its
 * seat is given back, and the invitation is unanswered again unless staff recorded an outcome,
 * all in one transaction. Only the row read under lock is removed, so a retry or a concurrent
 * cancel gives back one seat, once.
 */
export async function cancelBooking(db: Database, sessionSecret: string, now: () => Date = () => new Date()): Promise<CancelResult> {
  const at = now();
  const session = await findSession(db, sessionSecret, at);
  if (session.outcome !== "valid") return session;
  const { invitationId } = session;
  const cancelled = await inTransaction<{ booking: Booking; confirmedBy: readonly ConfirmationChannel[] } | undefined>(db, async (connection) => {
    await lockInvitation(connection, invitationId);
    // Locks the existing booking row only (a unique-key hit, no gap lock).
    const [rows] = await connection.query<RowDataPacket[]>(`SELECT slot_id, booked_at FROM bookings WHERE invitation_id = ? FOR UPDATE`, [invitationId]);
    if (rows.length === 0) return undefined;
    const booking = await bookingOf(connection, invitationId);
    await connection.query(`DELETE FROM bookings WHERE invitation_id = ?`, [invitationId]);
    await connection.query(`UPDATE appointment_slots SET booked = booked - 1 WHERE id = ? AND booked > 0`, [rows[0].slot_id]);
    await connection.query(`INSERT INTO booking_cancellations (invitation_id, slot_id, booked_at, cancelled_at, reason) VALUES (?, ?, ?, ?, 'patient')`, [invitationId, rows[0].slot_id, rows[0].booked_at, at]);
    await connection.query(`UPDATE invitations SET responded_at = NULL WHERE id = ? AND staff_outcome IS NULL`, [invitationId]);
    return booking && { booking, confirmedBy: await recordConfirmation(connection, invitationId, "cancelled", booking, at) };
  });
  return cancelled ? { outcome: "cancelled", invitationId, ...cancelled } : { outcome: "not-booked", invitationId };
}
