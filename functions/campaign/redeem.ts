/**
 * Redeeming a one-time invitation link.
 *
 * Looking (`inspectToken`, for GET) only reads: mail and SMS link scanners fetch every link,
 * and a fetch must never spend the patient's link or mark them as having responded.
 *
 * Redeeming (`redeemToken`, for POST) is one conditional UPDATE over the token and its
 * invitation: the token's row lock queues concurrent attempts, and the first to commit makes
 * the condition false for all the others, so its affected-row count names exactly one winner.
 * An invitation that already responded (through another of its links, or by phone) is not
 * redeemed again: one response, one booking session per invitation.
 * The winner's transaction also opens a booking session (a fresh random secret, stored as
 * SHA-256), so a spent link always leaves its patient able to book. A loser changes nothing
 * and only then reads the token's state, to say why.
 */
import type { ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { Database, DEFAULT_SLOT_LIST_LIMIT, freeSlots, inTransaction, Slot } from "./booking";
import { hashToken, mintToken, parseToken } from "./tokens";

export const DEFAULT_SESSION_TTL_MS = 2 * 60 * 60 * 1000;

/** Why a link cannot be redeemed. Each has its own page; none changed anything. */
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
  /** This link was already used. */
  | { readonly outcome: "already-used" }
  /** This link is unused, but the patient already responded through another of their links. */
  | { readonly outcome: "already-responded" };

export type TokenInspection = RejectedToken | { readonly outcome: "redeemable" };

export interface BookingSession {
  /** Travels only in the booking form; never stored (only its SHA-256) and never logged. */
  readonly secret: string;
  readonly expiresAt: Date;
}

export type RedemptionResult =
  | RejectedToken
  | { readonly outcome: "redeemed"; readonly invitationId: number; readonly campaignId: number; readonly session: BookingSession; readonly slots: Slot[] }
  /** Lost the UPDATE, yet the token reads as redeemable: cannot happen unless rows changed underneath. Retry later. */
  | { readonly outcome: "unavailable" };

export interface RedemptionOptions {
  /** @default DEFAULT_SESSION_TTL_MS (2 hours) */
  readonly sessionTtlMs?: number;
  /** @default DEFAULT_SLOT_LIST_LIMIT */
  readonly slotListLimit?: number;
}

interface TokenStateRow extends RowDataPacket {
  expires_at: Date;
  revoked_at: Date | null;
  redeemed_at: Date | null;
  responded_at: Date | null;
  newer_tokens: number;
}

/** Why a token is or is not redeemable at `now`, by reading only. The first matching reason wins. */
async function tokenState(db: Database, hash: Buffer, now: Date): Promise<TokenInspection> {
  const [rows] = await db.query<TokenStateRow[]>(
    `SELECT t.expires_at, t.revoked_at, t.redeemed_at, i.responded_at,
       (SELECT COUNT(*) FROM invitation_tokens n WHERE n.invitation_id = t.invitation_id AND n.round > t.round) AS newer_tokens
     FROM invitation_tokens t JOIN invitations i ON i.id = t.invitation_id
     WHERE t.token_hash = ?`,
    [hash],
  );
  const row = rows[0];
  if (!row) return { outcome: "unknown" };
  if (row.redeemed_at) return { outcome: "already-used" };
  // Responded through another link: more useful than "replaced" or "expired".
  if (row.responded_at) return { outcome: "already-responded" };
  if (row.revoked_at) return { outcome: Number(row.newer_tokens) > 0 ? "replaced" : "withdrawn" };
  if (row.expires_at.getTime() <= now.getTime()) return { outcome: "expired" };
  return { outcome: "redeemable" };
}

/** For GET: what the link would do if used. Reads only; a malformed token is never looked up. */
export async function inspectToken(db: Database, tokenText: unknown, now: () => Date = () => new Date()): Promise<TokenInspection> {
  const token = parseToken(tokenText);
  if (!token) return { outcome: "malformed" };
  return tokenState(db, hashToken(token), now());
}

interface InvitationRow extends RowDataPacket {
  invitation_id: number;
  campaign_id: number;
}

/**
 * For POST: spends the link if it is live, records the response and opens a booking session.
 * Of any number of concurrent calls with one token, exactly one returns "redeemed".
 */
export async function redeemToken(db: Database, tokenText: unknown, now: () => Date = () => new Date(), options: RedemptionOptions = {}): Promise<RedemptionResult> {
  const token = parseToken(tokenText);
  if (!token) return { outcome: "malformed" };
  const hash = hashToken(token);
  const at = now();
  const session = mintToken();
  const expiresAt = new Date(at.getTime() + (options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS));

  type Won = { won: true; invitationId: number; campaignId: number } | { won: false };
  const result = await inTransaction<Won>(db, async (connection, rollback) => {
    const [spent] = await connection.query<ResultSetHeader>(
      `UPDATE invitation_tokens t JOIN invitations i ON i.id = t.invitation_id
       SET t.redeemed_at = ?, i.responded_at = ?
       WHERE t.token_hash = ? AND t.redeemed_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > ?
         AND i.responded_at IS NULL`,
      [at, at, hash, at],
    );
    if (spent.affectedRows === 0) return rollback({ won: false });
    const [rows] = await connection.query<InvitationRow[]>(
      `SELECT t.invitation_id, i.campaign_id FROM invitation_tokens t JOIN invitations i ON i.id = t.invitation_id WHERE t.token_hash = ?`,
      [hash],
    );
    const invitationId = Number(rows[0].invitation_id);
    await connection.query(`INSERT INTO booking_sessions (session_hash, invitation_id, created_at, expires_at) VALUES (?, ?, ?, ?)`, [session.hash, invitationId, at, expiresAt]);
    return { won: true, invitationId, campaignId: Number(rows[0].campaign_id) };
  });

  if (!result.won) {
    const state = await tokenState(db, hash, at);
    return state.outcome === "redeemable" ? { outcome: "unavailable" } : state;
  }
  const slots = await freeSlots(db, result.campaignId, at, options.slotListLimit ?? DEFAULT_SLOT_LIST_LIMIT);
  return { outcome: "redeemed", invitationId: result.invitationId, campaignId: result.campaignId, session: { secret: session.token, expiresAt }, slots };
}
