/**
 * Opening an invitation link.
 *
 * Looking (`inspectToken`, for GET and HEAD) only reads: mail and SMS link scanners fetch
 * every link, and a fetch must never change anything.
 *
 * Opening (`redeemToken`, for POST) starts a booking session (a fresh random secret, stored as
 * SHA-256, remembering which link opened it) and nothing else: the patient has answered the
 * invitation only once they book (booking.ts sets `responded_at` in the booking's transaction)
 * or staff record an outcome (outcomes.ts). So the link stays usable until it expires or a
 * reminder replaces it: a session that runs out goes back to slot choice, a day with no free
 * seats leaves the patient a non-respondent (still reminded, still on the report), and a retry
 * after a lost response opens another session on the same state. Once booked, the same link
 * shows the booking, to view, change or cancel it. `redeemed_at` keeps when a link was first
 * opened, for the report; it no longer decides anything.
 */
import type { RowDataPacket } from "mysql2/promise";
import { Booking, bookingOf, Database, OpenedSession, openSession } from "./booking";
import { hashToken, parseToken } from "./tokens";

export const DEFAULT_SESSION_TTL_MS = 2 * 60 * 60 * 1000;

/** What staff recorded for a patient who answered outside the link (outcomes.ts). */
export type StaffOutcome = "booked-by-phone" | "vaccinated-elsewhere" | "declined";
export const STAFF_OUTCOMES: readonly StaffOutcome[] = ["booked-by-phone", "vaccinated-elsewhere", "declined"];

/** Why a link cannot be used. Each has its own page; none changed anything. */
export type RejectedToken =
  /** Not the shape of a token (22 base64url characters); never looked up. */
  | { readonly outcome: "malformed" }
  /** Well-formed but no such token: mistyped, truncated by a mail client, or forged. */
  | { readonly outcome: "unknown" }
  | { readonly outcome: "expired" }
  /** Revoked because a reminder carried a newer link for the same invitation. */
  | { readonly outcome: "replaced" }
  /** Revoked with no newer link (e.g. the campaign was withdrawn). */
  | { readonly outcome: "withdrawn" }
  /** Staff recorded that the patient booked by phone or was vaccinated elsewhere: nothing to book online. */
  | { readonly outcome: "answered-by-staff"; readonly staffOutcome: Exclude<StaffOutcome, "declined"> };

export type TokenInspection =
  | RejectedToken
  /** Live and not booked: the landing page's button opens slot choice. */
  | { readonly outcome: "redeemable"; readonly staffOutcome?: "declined" }
  /** Live and booked: the landing page shows the booking, with change and cancel. */
  | { readonly outcome: "booked"; readonly booking: Booking };

export type { OpenedSession as BookingSession };

export type RedemptionResult =
  | RejectedToken
  /** A booking session is open; `booking` is the appointment the invitation already holds, if any. */
  | { readonly outcome: "redeemed"; readonly invitationId: number; readonly campaignId: number; readonly session: OpenedSession; readonly booking: Booking | undefined };

export interface RedemptionOptions {
  /** @default DEFAULT_SESSION_TTL_MS (2 hours) */
  readonly sessionTtlMs?: number;
}

interface TokenStateRow extends RowDataPacket {
  invitation_id: number;
  campaign_id: number;
  expires_at: Date;
  revoked_at: Date | null;
  staff_outcome: StaffOutcome | null;
  newer_tokens: number;
}

type LiveLink = { readonly outcome: "live"; readonly invitationId: number; readonly campaignId: number; readonly staffOutcome: StaffOutcome | null };

/** Whether a token is live at `now`, by reading only. The first matching reason wins. */
async function tokenState(db: Database, hash: Buffer, now: Date): Promise<RejectedToken | LiveLink> {
  const [rows] = await db.query<TokenStateRow[]>(
    `SELECT t.invitation_id, i.campaign_id, t.expires_at, t.revoked_at, i.staff_outcome,
       (SELECT COUNT(*) FROM invitation_tokens n WHERE n.invitation_id = t.invitation_id AND n.round > t.round) AS newer_tokens
     FROM invitation_tokens t JOIN invitations i ON i.id = t.invitation_id
     WHERE t.token_hash = ?`,
    [hash],
  );
  const row = rows[0];
  if (!row) return { outcome: "unknown" };
  if (row.revoked_at) return { outcome: Number(row.newer_tokens) > 0 ? "replaced" : "withdrawn" };
  if (row.expires_at.getTime() <= now.getTime()) return { outcome: "expired" };
  return { outcome: "live", invitationId: Number(row.invitation_id), campaignId: Number(row.campaign_id), staffOutcome: row.staff_outcome };
}

/** A live link of an invitation staff answered (by phone, elsewhere) and the patient did not book online. */
const answeredByStaff = (staffOutcome: StaffOutcome | null): RejectedToken | undefined =>
  staffOutcome === "booked-by-phone" || staffOutcome === "vaccinated-elsewhere" ? { outcome: "answered-by-staff", staffOutcome } : undefined;

/** For GET: what the link shows. Reads only; a malformed token is never looked up. */
export async function inspectToken(db: Database, tokenText: unknown, now: () => Date = () => new Date()): Promise<TokenInspection> {
  const token = parseToken(tokenText);
  if (!token) return { outcome: "malformed" };
  const state = await tokenState(db, hashToken(token), now());
  if (state.outcome !== "live") return state;
  const booking = await bookingOf(db, state.invitationId);
  if (booking) return { outcome: "booked", booking };
  return answeredByStaff(state.staffOutcome) ?? (state.staffOutcome === "declined" ? { outcome: "redeemable", staffOutcome: "declined" } : { outcome: "redeemable" });
}

/**
 * For POST: opens a booking session on a live link (booked or not: a booked patient gets one to
 * change or cancel). Records only when the link was first opened; never answers the invitation.
 * Any number of calls, concurrent or retried, each open their own session on the same state.
 */
export async function redeemToken(db: Database, tokenText: unknown, now: () => Date = () => new Date(), options: RedemptionOptions = {}): Promise<RedemptionResult> {
  const token = parseToken(tokenText);
  if (!token) return { outcome: "malformed" };
  const hash = hashToken(token);
  const at = now();
  const state = await tokenState(db, hash, at);
  if (state.outcome !== "live") return state;
  const booking = await bookingOf(db, state.invitationId);
  if (!booking) {
    const answered = answeredByStaff(state.staffOutcome);
    if (answered) return answered;
  }
  await db.query(`UPDATE invitation_tokens SET redeemed_at = ? WHERE token_hash = ? AND redeemed_at IS NULL`, [at, hash]);
  const session = await openSession(db, state.invitationId, state.campaignId, hash, at, options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
  return { outcome: "redeemed", invitationId: state.invitationId, campaignId: state.campaignId, session, booking };
}
