/**
 * Opting out from a link: every email carries `/i/{token}/opt-out` (messages.ts `optOutUrl`),
 * every SMS the token's short code `/s/{code}` (tokens.ts optOutCodeOf, looked up by its hash
 * in invitation_tokens.opt_out_hash), and every page of a booking session a button that posts
 * the session to `/stop` (the token is not on those pages). All three lead to the same choice.
 *
 * Which links work: any token the patient was ever sent, whatever its state. A link that was
 * revoked by a reminder, already used to book, or past its expiry still opts out: "stop" must
 * work from the oldest message in the inbox, and it only ever reduces what we send. Only a
 * token we never issued (unknown) or one without a token's shape (malformed, never looked up)
 * is refused, and changes nothing. Tokens are looked up by their SHA-256 only.
 *
 * Looking (`inspectOptOut`, for GET) only reads: link scanners prefetch every link in an email.
 * Recording (`recordOptOut`, for POST) sets contact_preferences.opted_out_at (source 'patient')
 * for the chosen channels of the invitation's patient, keeping an earlier opt-out (and its
 * source) as it is, and in the same transaction turns the patient's still-`pending` deliveries
 * on those channels into `skipped_opted_out`, the status the send worker's claim leaves alone
 * (it claims `pending` only). A delivery already claimed (`sending`) is in flight and cannot be
 * recalled; the worker's claim also re-checks contact_preferences, so nothing claimed after
 * the commit is sent. The planner and the reminder read contact_preferences for every later round.
 * The same recording (`optOutPatient`) serves SES complaints (delivery-events.ts, source 'complaint').
 */
import type { Connection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { Database, inTransaction } from "./booking";
import { Channel, CHANNELS, OPTED_OUT_DETAIL } from "./channels";
import { findSession } from "./booking";
import { hashToken, parseOptOutCode, parseToken } from "./tokens";

/** What identifies the patient: a token, a token's short opt-out code, or a live booking session's secret. */
export type OptOutKey = { readonly token: unknown } | { readonly code: unknown } | { readonly session: unknown };

export type OptOutRefusal =
  /** Not the shape of a token; never looked up. */
  | { readonly outcome: "malformed" }
  /** Well-formed, but we never issued it (mistyped, truncated, forged). */
  | { readonly outcome: "unknown" };

export type OptOutInspection =
  | OptOutRefusal
  | { readonly outcome: "found"; readonly invitationId: number; readonly patientId: number; readonly optedOut: readonly Channel[] };

export type OptOutResult =
  | OptOutRefusal
  /** At least one chosen channel was opted out now. */
  | {
      readonly outcome: "opted-out";
      readonly invitationId: number;
      readonly patientId: number;
      /** Chosen channels opted out by this request. */
      readonly channels: readonly Channel[];
      /** Chosen channels that were opted out already (left as they were). */
      readonly alreadyOptedOut: readonly Channel[];
      /** Pending deliveries of the patient on the chosen channels that will now not be sent. */
      readonly skippedDeliveries: number;
    }
  /** Every chosen channel was opted out already: nothing changed. */
  | { readonly outcome: "already-opted-out"; readonly invitationId: number; readonly patientId: number; readonly channels: readonly Channel[] };


interface InvitationRow extends RowDataPacket {
  invitation_id: number;
  patient_id: number;
}

type Owner = { readonly invitationId: number; readonly patientId: number };

/** The key in its parsed form, or undefined when it does not have its shape (never looked up). */
type ParsedKey = { readonly column: "token_hash" | "opt_out_hash"; readonly hash: Buffer } | { readonly session: string };

function parseKey(key: OptOutKey): ParsedKey | undefined {
  if ("token" in key) {
    const token = parseToken(key.token);
    return token ? { column: "token_hash", hash: hashToken(token) } : undefined;
  }
  if ("code" in key) {
    const code = parseOptOutCode(key.code);
    return code ? { column: "opt_out_hash", hash: hashToken(code) } : undefined;
  }
  const session = parseToken(key.session);
  return session ? { session } : undefined;
}

async function ownerOf(db: Database | Connection, key: ParsedKey, now: Date): Promise<Owner | undefined> {
  if ("session" in key) {
    // A session page's stop button: the session must be live, as for booking.
    const session = await findSession(db as Database, key.session, now);
    if (session.outcome !== "valid") return undefined;
    const [rows] = await db.query<InvitationRow[]>(`SELECT id AS invitation_id, patient_id FROM invitations WHERE id = ?`, [session.invitationId]);
    return rows[0] && { invitationId: Number(rows[0].invitation_id), patientId: Number(rows[0].patient_id) };
  }
  // The column name is one of two constants, never input.
  const [rows] = await db.query<InvitationRow[]>(
    `SELECT t.invitation_id, i.patient_id FROM invitation_tokens t JOIN invitations i ON i.id = t.invitation_id WHERE t.${key.column} = ? LIMIT 2`,
    [key.hash],
  );
  // Two tokens sharing a 60-bit code (astronomically unlikely) are ambiguous: refuse rather than guess.
  if (rows.length !== 1) return undefined;
  return { invitationId: Number(rows[0].invitation_id), patientId: Number(rows[0].patient_id) };
}

async function optedOutChannels(db: Database | Connection, patientId: number): Promise<Channel[]> {
  const [rows] = await db.query<RowDataPacket[]>(`SELECT channel FROM contact_preferences WHERE patient_id = ? AND opted_out_at IS NOT NULL ORDER BY channel`, [patientId]);
  const out = new Set(rows.map((row) => row.channel as Channel));
  return CHANNELS.filter((channel) => out.has(channel));
}

/** For GET: whose link this is and what they have already opted out of. Reads only. */
export async function inspectOptOut(db: Database, key: OptOutKey, now: () => Date = () => new Date()): Promise<OptOutInspection> {
  const parsed = parseKey(key);
  if (!parsed) return { outcome: "malformed" };
  const owner = await ownerOf(db, parsed, now());
  if (!owner) return { outcome: "unknown" };
  return { outcome: "found", ...owner, optedOut: await optedOutChannels(db, owner.patientId) };
}

/** The channels a request may name; anything else is refused before any lookup. */
export function parseChannelChoice(choice: unknown): readonly Channel[] | undefined {
  if (choice === "both") return CHANNELS;
  return CHANNELS.find((channel) => channel === choice) ? [choice as Channel] : undefined;
}

/**
 * For POST: opts the link's patient out of `channels` at `now`. Idempotent: channels already
 * opted out are left alone, and a request that finds all of them opted out changes nothing.
 */
export async function recordOptOut(db: Database, key: OptOutKey, channels: readonly Channel[], now: () => Date = () => new Date()): Promise<OptOutResult> {
  const parsed = parseKey(key);
  if (!parsed) return { outcome: "malformed" };
  const chosen = CHANNELS.filter((channel) => channels.includes(channel));
  if (chosen.length === 0) throw new RangeError("recordOptOut needs at least one channel (sms, email)");
  const at = now();
  return inTransaction<OptOutResult>(db, async (connection) => {
    const owner = await ownerOf(connection, parsed, at);
    if (!owner) return { outcome: "unknown" };
    const { fresh, alreadyOptedOut, skippedDeliveries } = await optOutPatient(connection, owner.patientId, chosen, "patient", at);
    if (fresh.length === 0) return { outcome: "already-opted-out", ...owner, channels: chosen };
    return { outcome: "opted-out", ...owner, channels: fresh, alreadyOptedOut, skippedDeliveries };
  });
}

/** Who asked us to stop: stored in contact_preferences.opt_out_source (VARCHAR(16)). */
export type OptOutSource =
  /** The opt-out link (or a reply STOP). */
  | "patient"
  | "staff"
  /** The phone number is on the SNS opt-out list (dispatch.ts). */
  | "carrier"
  | "bounce"
  /** The recipient marked an invitation email as spam (SES complaint event, delivery-events.ts). */
  | "complaint";

export interface PatientOptOut {
  /** Channels opted out by this call. */
  readonly fresh: readonly Channel[];
  /** Channels that were opted out already (time and source left as they were). */
  readonly alreadyOptedOut: readonly Channel[];
  /** The patient's `pending` deliveries on `channels` turned into `skipped_opted_out`. */
  readonly skippedDeliveries: number;
}

/**
 * Opts a patient out of `channels` at `at`, inside the caller's transaction: the one mechanism
 * behind the opt-out link and SES complaints. An earlier opt-out keeps its time and source.
 * The patient's `pending` deliveries on those channels become `skipped_opted_out` (also on
 * channels opted out earlier: a carrier or staff opt-out may have left pending rows), which
 * the send worker's claim leaves alone.
 */
export async function optOutPatient(connection: Connection, patientId: number, channels: readonly Channel[], source: OptOutSource, at: Date): Promise<PatientOptOut> {
  const chosen = CHANNELS.filter((channel) => channels.includes(channel));
  if (chosen.length === 0) throw new RangeError("optOutPatient needs at least one channel (sms, email)");
  // No locking read over the patient's rows: where a row is missing, `SELECT ... FOR UPDATE`
  // locks the gap, and concurrent opt-outs of neighbouring patients then deadlock on each
  // other's inserts. Each channel is instead decided by one write on its own primary key:
  // an existing row is updated only if it is not opted out yet (a record lock), a missing one
  // inserted (INSERT IGNORE: a concurrent insert of the same row makes this one a no-op, then
  // the update decides). Affected rows say which request opted out, so two concurrent
  // requests of one patient still agree on who changed what.
  const [existingRows] = await connection.query<RowDataPacket[]>(`SELECT channel FROM contact_preferences WHERE patient_id = ?`, [patientId]);
  const existing = new Set(existingRows.map((row) => row.channel as Channel));
  const fresh: Channel[] = [];
  for (const channel of chosen) {
    if (!existing.has(channel)) {
      const [inserted] = await connection.query<ResultSetHeader>(
        `INSERT IGNORE INTO contact_preferences (patient_id, channel, opted_out_at, opt_out_source) VALUES (?, ?, ?, ?)`,
        [patientId, channel, at, source],
      );
      if (inserted.affectedRows === 1) {
        fresh.push(channel);
        continue;
      }
    }
    const [updated] = await connection.query<ResultSetHeader>(
      `UPDATE contact_preferences SET opted_out_at = ?, opt_out_source = ? WHERE patient_id = ? AND channel = ? AND opted_out_at IS NULL`,
      [at, source, patientId, channel],
    );
    if (updated.affectedRows === 1) fresh.push(channel);
  }
  const alreadyOptedOut = chosen.filter((channel) => !fresh.includes(channel));
  // The patient's pending deliveries, found by a plain read and then skipped by primary key
  // (still only if pending): an UPDATE joined over invitations would lock every row it scans.
  const [pending] = await connection.query<RowDataPacket[]>(
    `SELECT d.id FROM deliveries d JOIN invitations i ON i.id = d.invitation_id WHERE i.patient_id = ? AND d.channel IN (?) AND d.status = 'pending'`,
    [patientId, chosen],
  );
  let skippedDeliveries = 0;
  if (pending.length > 0) {
    const [skipped] = await connection.query<ResultSetHeader>(
      `UPDATE deliveries SET status = 'skipped_opted_out', status_at = ?, status_detail = ? WHERE id IN (?) AND status = 'pending'`,
      [at, OPTED_OUT_DETAIL, pending.map((row) => row.id)],
    );
    skippedDeliveries = skipped.affectedRows;
  }
  return { fresh, alreadyOptedOut, skippedDeliveries };
}
