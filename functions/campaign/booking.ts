/**
 * Booking: a patient who redeemed their link holds a booking session (a random secret of
 * which only the SHA-256 is stored) and picks one of the campaign's free slots.
 *
 * Capacity is enforced by the database, not by reading and then writing: one
 * `UPDATE ... SET booked = booked + 1 WHERE ... AND booked < capacity` takes the seat (its
 * affected-row count decides, and concurrent bookers queue on the slot's row lock), and the
 * booking row is inserted in the same transaction; its UNIQUE invitation_id turns a second
 * attempt for the same invitation into a rollback that also gives the seat back.
 */
import type { Connection, Pool, PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { hashToken, parseToken } from "./tokens";

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
  readonly slotId: number;
  readonly site: string;
  readonly startsAt: Date;
  readonly bookedAt: Date;
}

/** How many free slots a page lists: the earliest first; a campaign may have thousands. */
export const DEFAULT_SLOT_LIST_LIMIT = 100;

export type SessionProblem = { readonly outcome: "session-unknown" } | { readonly outcome: "session-expired" };

export type SlotListing =
  | SessionProblem
  | { readonly outcome: "open"; readonly invitationId: number; readonly campaignId: number; readonly sessionExpiresAt: Date; readonly slots: Slot[]; readonly booking: Booking | undefined };

export type BookingResult =
  | SessionProblem
  | { readonly outcome: "booked"; readonly invitationId: number; readonly booking: Booking }
  /** This invitation already holds a booking (an earlier or a concurrent attempt won); nothing changed. */
  | { readonly outcome: "already-booked"; readonly invitationId: number; readonly booking: Booking }
  /** The slot filled up; nothing changed. `slots` are the ones still free. */
  | { readonly outcome: "full"; readonly invitationId: number; readonly slots: Slot[] }
  /** No such slot in this campaign, or it has started; nothing changed. */
  | { readonly outcome: "slot-unavailable"; readonly invitationId: number; readonly slots: Slot[] };

export interface BookingOptions {
  /** @default DEFAULT_SLOT_LIST_LIMIT */
  readonly slotListLimit?: number;
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
  return row && { slotId: Number(row.slot_id), site: row.site, startsAt: row.starts_at, bookedAt: row.booked_at };
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

/** What a session may book: the free slots and, if there is one, the booking it already holds. Reads only. */
export async function listSlots(db: Database, sessionSecret: string, now: () => Date = () => new Date(), options: BookingOptions = {}): Promise<SlotListing> {
  const at = now();
  const session = await findSession(db, sessionSecret, at);
  if (session.outcome !== "valid") return session;
  const [slots, booking] = await Promise.all([freeSlots(db, session.campaignId, at, options.slotListLimit), bookingOf(db, session.invitationId)]);
  return { outcome: "open", invitationId: session.invitationId, campaignId: session.campaignId, sessionExpiresAt: session.expiresAt, slots, booking };
}

const isSlotId = (value: number): boolean => Number.isSafeInteger(value) && value > 0;

/**
 * Takes one seat in `slotId` for the session's invitation, or explains why not. Exactly one
 * booking per invitation and never more bookings than capacity, however many run at once.
 */
export async function bookSlot(db: Database, sessionSecret: string, slotId: number, now: () => Date = () => new Date(), options: BookingOptions = {}): Promise<BookingResult> {
  const at = now();
  const session = await findSession(db, sessionSecret, at);
  if (session.outcome !== "valid") return session;
  const { invitationId, campaignId } = session;
  const slotsLeft = () => freeSlots(db, campaignId, at, options.slotListLimit);

  type Attempt = { outcome: "booked" } | { outcome: "lost" };
  const attempt = isSlotId(slotId)
    ? await inTransaction<Attempt>(db, async (connection, rollback) => {
        const [taken] = await connection.query<ResultSetHeader>(
          `UPDATE appointment_slots SET booked = booked + 1 WHERE id = ? AND campaign_id = ? AND booked < capacity AND starts_at > ?`,
          [slotId, campaignId, at],
        );
        if (taken.affectedRows !== 1) return rollback({ outcome: "lost" });
        try {
          await connection.query(`INSERT INTO bookings (invitation_id, slot_id, booked_at) VALUES (?, ?, ?)`, [invitationId, slotId, at]);
        } catch (error) {
          // Another attempt for this invitation committed first: give the seat back.
          if ((error as { code?: string }).code === "ER_DUP_ENTRY") return rollback({ outcome: "lost" });
          throw error;
        }
        return { outcome: "booked" };
      })
    : ({ outcome: "lost" } as Attempt);

  // Won or lost, the committed state now says which page to show.
  const booking = await bookingOf(db, invitationId);
  if (attempt.outcome === "booked" && booking) return { outcome: "booked", invitationId, booking };
  if (booking) return { outcome: "already-booked", invitationId, booking };
  if (!isSlotId(slotId)) return { outcome: "slot-unavailable", invitationId, slots: await slotsLeft() };
  const [rows] = await db.query<RowDataPacket[]>(`SELECT 1 FROM appointment_slots WHERE id = ? AND campaign_id = ? AND starts_at > ?`, [slotId, campaignId, at]);
  return { outcome: rows.length === 1 ? "full" : "slot-unavailable", invitationId, slots: await slotsLeft() };
}
