/**
 * The send worker's one entry for every queue message (`sendQueued`): an invitation round goes
 * to dispatch.ts sendInvitation, a booking confirmation to `sendConfirmation` here.
 *
 * A confirmation is sent exactly once, as an invitation is: one claim (`pending` -> `sending`)
 * under the row locks of the invitation's confirmations on that channel, so a redelivered
 * message claims nothing and sends nothing. The claim also decides, in that same lock:
 * - a later change of the same booking was recorded before this one went out: this row becomes
 *   `superseded` and nothing is sent (the patient gets only the message about how things now
 *   stand, e.g. only "moved to 11:00" after booking 10:00 and moving within seconds);
 * - an earlier confirmation on that channel is still being sent (claimed, no outcome yet): this
 *   one waits (the queue retries it), so two messages that both go out arrive in order;
 * - the patient opted out of the channel since the booking: `skipped_opted_out`.
 * The claim mints the message's own link (a new live token for the invitation's current round,
 * lasting until after the appointment): the patient's change/cancel link and the opt-out code
 * in the SMS both come from it. The raw token exists only in this worker's memory and in the
 * message; the queue message carries only the row id. Sending and settling are dispatch.ts
 * deliverClaimed, the same as for invitations (invalid details, SNS opt-out list, throttling,
 * unknown outcomes); the provider's message id goes on the row, so delivery events apply.
 */
import type { Connection, RowDataPacket } from "mysql2/promise";
import { inTransaction } from "./booking";
import { Channel, OPTED_OUT_DETAIL } from "./channels";
import { markStaleConfirmationClaims } from "./confirmations";
import {
  ChannelOutcome, ConfirmationResult, DEFAULT_CLAIM_TIMEOUT_MS, deliverClaimed, FinishClaim, RETRY_OUTCOMES, RetryLaterError, sendInvitation, SendDependencies, SendResult, silentLogger,
} from "./dispatch";
import { ConfirmationKind, renderConfirmationEmail, renderConfirmationSms } from "./messages";
import { ConfirmationRequest, isConfirmationRequest, QueueRequest } from "./send-queue";
import { hashToken, mintToken, optOutCodeOf } from "./tokens";

/** Sends whatever one queue message asks for. Throws RetryLaterError when the message must come back. */
export async function sendQueued(deps: SendDependencies, request: QueueRequest): Promise<SendResult | ConfirmationResult> {
  return isConfirmationRequest(request) ? sendConfirmation(deps, request) : sendInvitation(deps, request);
}

interface ConfirmationRow extends RowDataPacket {
  invitation_id: number;
  kind: ConfirmationKind;
  site: string;
  starts_at: Date;
  channel: Channel;
  status: string;
  claimed_at: Date | null;
  patient_id: number;
  phone: string | null;
  email: string | null;
  round: number;
  token_ttl_days: number;
}

const SUPERSEDED_DETAIL = "a later change of this booking was confirmed instead";
const DAY_MS = 86_400_000;

/** Sends one booking confirmation (see the module comment); resolves with its outcome. */
export async function sendConfirmation(deps: SendDependencies, request: ConfirmationRequest): Promise<ConfirmationResult> {
  const log = deps.log ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  const { confirmationId } = request;
  const [rows] = await deps.pool.query<ConfirmationRow[]>(
    `SELECT c.invitation_id, c.kind, c.site, c.starts_at, c.channel, c.status, c.claimed_at, i.patient_id, p.phone_e164 AS phone, p.email, i.round, k.token_ttl_days
     FROM booking_confirmations c JOIN invitations i ON i.id = c.invitation_id JOIN patients p ON p.id = i.patient_id JOIN campaigns k ON k.id = i.campaign_id
     WHERE c.id = ?`,
    [confirmationId],
  );
  const row = rows[0];
  const done = (outcome: ConfirmationResult["outcome"]): ConfirmationResult => {
    const result = { confirmationId, outcome };
    if (RETRY_OUTCOMES.has(outcome)) throw new RetryLaterError(result);
    return result;
  };
  if (!row) {
    log.warn("confirmation request matches no confirmation; dropped", { confirmationId });
    return done("missing");
  }
  if (row.status === "sending") return done(await settleIfAbandoned(deps, confirmationId, row.claimed_at));
  if (row.status !== "pending") return done("already_claimed");

  const ids = { confirmationId, invitationId: Number(row.invitation_id), channel: row.channel, kind: row.kind };
  const claim = await claimConfirmation(deps, confirmationId, row);
  if (claim.outcome !== "claimed") {
    if (claim.outcome === "superseded") log.info("confirmation superseded by a later change; not sent", ids);
    if (claim.outcome === "skipped_opted_out") log.info("patient opted out of the channel; confirmation skipped", ids);
    return done(claim.outcome);
  }
  const { token, tokenHash } = claim;
  const finish: FinishClaim = async (status, detail, messageId) => {
    const at = now();
    if (status === "sent") {
      await deps.pool.query(
        `UPDATE booking_confirmations SET status = 'sent', sent_at = ?, status_at = ?, provider_message_id = ?, status_detail = NULL WHERE id = ? AND status = 'sending'`,
        [at, at, messageId ?? null, confirmationId],
      );
      return;
    }
    await deps.pool.query(
      `UPDATE booking_confirmations SET status = ?, status_at = ?, status_detail = ?, claimed_at = IF(? = 'pending', NULL, claimed_at), token_hash = IF(? = 'pending', NULL, token_hash)
       WHERE id = ? AND status = 'sending'`,
      [status, at, detail, status, status, confirmationId],
    );
    // A link no message carried must not stay live; the next claim mints another.
    if (status === "pending") await deps.pool.query(`UPDATE invitation_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`, [at, tokenHash]);
  };
  const appointment = { site: row.site, startsAt: row.starts_at };
  const timeZone = deps.settings.timeZone ?? "Europe/London";
  return done(
    await deliverClaimed(deps, {
      channel: row.channel,
      patientId: Number(row.patient_id),
      phone: row.phone,
      email: row.email,
      ids,
      render: () =>
        row.channel === "sms"
          ? { sms: renderConfirmationSms(deps.settings, row.kind, appointment, token, timeZone).text }
          : { email: renderConfirmationEmail(deps.settings, row.kind, appointment, token, timeZone) },
      finish,
    }),
  );
}

type Claim = { readonly outcome: "claimed"; readonly token: string; readonly tokenHash: Buffer } | { readonly outcome: Extract<ChannelOutcome, "superseded" | "claimed_elsewhere" | "already_claimed" | "skipped_opted_out"> };

interface SiblingRow extends RowDataPacket {
  id: number;
  status: string;
}

/** The claim, in one transaction under the row locks of the invitation's confirmations on this channel. */
async function claimConfirmation(deps: SendDependencies, confirmationId: number, row: ConfirmationRow): Promise<Claim> {
  const now = deps.now ?? (() => new Date());
  return inTransaction<Claim>(deps.pool, async (connection: Connection) => {
    const at = now();
    const [siblings] = await connection.query<SiblingRow[]>(
      `SELECT id, status FROM booking_confirmations WHERE invitation_id = ? AND channel = ? ORDER BY id FOR UPDATE`,
      [row.invitation_id, row.channel],
    );
    const mine = siblings.find((s) => Number(s.id) === confirmationId);
    if (!mine || mine.status !== "pending") return { outcome: mine?.status === "sending" ? "claimed_elsewhere" : "already_claimed" };
    if (siblings.some((s) => Number(s.id) > confirmationId)) {
      await connection.query(`UPDATE booking_confirmations SET status = 'superseded', status_at = ?, status_detail = ? WHERE id = ? AND status = 'pending'`, [at, SUPERSEDED_DETAIL, confirmationId]);
      return { outcome: "superseded" };
    }
    // Keep the order: an earlier message on this channel is on its way; this one follows it.
    if (siblings.some((s) => Number(s.id) < confirmationId && s.status === "sending")) return { outcome: "claimed_elsewhere" };
    const [optedOut] = await connection.query<RowDataPacket[]>(
      `SELECT 1 FROM contact_preferences WHERE patient_id = ? AND channel = ? AND opted_out_at IS NOT NULL`,
      [row.patient_id, row.channel],
    );
    if (optedOut.length > 0) {
      await connection.query(`UPDATE booking_confirmations SET status = 'skipped_opted_out', status_at = ?, status_detail = ? WHERE id = ? AND status = 'pending'`, [at, OPTED_OUT_DETAIL, confirmationId]);
      return { outcome: "skipped_opted_out" };
    }
    // The link works until the token lifetime or a day after the appointment, whichever is later.
    const lifetime = new Date(at.getTime() + Number(row.token_ttl_days) * DAY_MS);
    const afterAppointment = new Date(row.starts_at.getTime() + DAY_MS);
    const expiresAt = row.kind !== "cancelled" && afterAppointment > lifetime ? afterAppointment : lifetime;
    const { token, hash } = mintToken();
    await connection.query(
      `INSERT INTO invitation_tokens (token_hash, opt_out_hash, invitation_id, round, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [hash, hashToken(optOutCodeOf(token)), row.invitation_id, row.round, at, expiresAt],
    );
    await connection.query(
      `UPDATE booking_confirmations SET status = 'sending', attempts = attempts + 1, claimed_at = ?, status_at = ?, token_hash = ? WHERE id = ? AND status = 'pending'`,
      [at, at, hash, confirmationId],
    );
    return { outcome: "claimed", token, tokenHash: hash };
  });
}

/** A row another delivery of this message claimed: `unknown` if that claim is past the timeout (its worker died), otherwise still theirs. */
async function settleIfAbandoned(deps: SendDependencies, confirmationId: number, claimedAt: Date | null): Promise<ChannelOutcome> {
  const now = (deps.now ?? (() => new Date()))();
  const olderThan = new Date(now.getTime() - (deps.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS));
  if (claimedAt === null || claimedAt >= olderThan) return "claimed_elsewhere";
  const marked = await markStaleConfirmationClaims(deps.pool, olderThan, now, confirmationId);
  if (marked === 1) (deps.log ?? silentLogger).warn("abandoned confirmation claim marked for review, not resent", { confirmationId });
  return marked === 1 ? "unknown" : "claimed_elsewhere";
}
