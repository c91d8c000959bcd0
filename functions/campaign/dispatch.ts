/**
 * Dispatch: the planner issues rounds (invitation, then reminders) and the send worker
 * delivers them, once.
 *
 * Planner (`planCampaign`, and `runReminders` in remind.ts through the same `issueRounds`):
 * pages of patients by keyset, one transaction per page that creates the invitations, mints a
 * token per invitation (only its SHA-256 is stored) and inserts a `deliveries` row per channel;
 * the same transaction lists the page in `unqueued_rounds`; then the page's send requests go
 * to the queue (the raw token travels only in the encrypted queue message) and the listing is
 * deleted. A run killed anywhere is finished by the next: invitations still listed get a NEW
 * token (the old one revoked), so a message that did reach the queue before the kill is
 * recognisably stale.
 *
 * Worker (`sendInvitation`): per channel, claim before send with one atomic UPDATE
 * (`pending` -> `sending`) that also requires the request's token to be the live one and the
 * patient not to have opted out; a redelivered or stale message claims nothing and sends
 * nothing, and stays queued while another delivery still holds the claim (that worker may yet
 * put it back). Throttled -> claim released to `pending` and the message retried by the queue;
 * definite rejection -> `failed`; any outcome we cannot know -> `unknown`, for a person to
 * review, never resent automatically (`markStaleClaimsForReview` does the same for claims
 * whose worker died).
 */
import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendEmailCommand, SESClient } from "@aws-sdk/client-ses";
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { Channel, OPTED_OUT_DETAIL } from "./channels";
import { EMAIL_SQL, emailProblem, phoneProblem, UK_MOBILE_SQL } from "./contacts";
import { MessagingSettings, renderEmail, renderSms } from "./messages";
import { BackoffOptions, Clock, RateLimiter, StillThrottledError, sendWithBackoff, systemClock } from "./rate-limit";
import { hashToken, mintTokens, optOutCodeOf, parseToken } from "./tokens";


/** What one queue message asks for: send round `round` of invitation `invitationId`, with this token in the link. */
export interface SendRequest {
  readonly invitationId: number;
  readonly round: number;
  /** The raw token: only here (in the encrypted queue) and in the message itself, never in the database or a log. */
  readonly token: string;
}

/** Log sink (Powertools Logger fits). Ids and counts only: never a token, phone number or address. */
export interface DispatchLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

export const silentLogger: DispatchLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

// ---------------------------------------------------------------------------------------------
// The queue

/** Where send requests go. Implementations must throw unless every request was accepted. */
export interface SendQueue {
  send(requests: readonly SendRequest[]): Promise<void>;
}

export class SendQueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SendQueueError";
  }
}

/** SQS: SendMessageBatch, 10 per call; entries SQS reports as `Failed` are retried twice, then the page fails. */
export class SqsSendQueue implements SendQueue {
  constructor(private readonly sqs: SQSClient, private readonly queueUrl: string) {}

  async send(requests: readonly SendRequest[]): Promise<void> {
    for (let start = 0; start < requests.length; start += 10) {
      let entries = requests.slice(start, start + 10).map((request, i) => ({ Id: String(i), MessageBody: serializeSendRequest(request) }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const result = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        const failed = result.Failed ?? [];
        if (failed.length === 0) break;
        if (attempt >= 3 || failed.some((f) => f.SenderFault)) {
          throw new SendQueueError(`SQS refused ${failed.length} of ${entries.length} send requests (${[...new Set(failed.map((f) => f.Code))].join(", ")}); the planner stops and the next run re-issues them with new tokens.`);
        }
        const failedIds = new Set(failed.map((f) => f.Id));
        entries = entries.filter((entry) => failedIds.has(entry.Id));
      }
    }
  }
}

/**
 * A queue in memory: for the bench (selection + minting + rendering without a queue round
 * trip) and the demo. With `messaging`, renders the SMS and email of every request as the
 * worker would, so the rendering cost is measured too.
 */
export class InMemorySendQueue implements SendQueue {
  readonly requests: SendRequest[] = [];
  rendered = 0;

  constructor(private readonly options: { messaging?: MessagingSettings; keep?: boolean } = {}) {}

  async send(requests: readonly SendRequest[]): Promise<void> {
    const messaging = this.options.messaging;
    if (messaging) {
      for (const request of requests) {
        renderSms(messaging, request.round, request.token);
        renderEmail(messaging, request.round, request.token);
        this.rendered++;
      }
    }
    if (this.options.keep ?? true) this.requests.push(...requests);
  }

  /** The requests sent so far, removed from the queue. */
  take(): SendRequest[] {
    return this.requests.splice(0, this.requests.length);
  }
}

export const serializeSendRequest = (request: SendRequest): string => JSON.stringify({ invitationId: request.invitationId, round: request.round, token: request.token });

export class MalformedSendRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedSendRequestError";
  }
}

/** A queue message body back into a SendRequest; anything else is a MalformedSendRequestError that says what is wrong (never echoing the body). */
export function parseSendRequest(body: string | undefined): SendRequest {
  let value: unknown;
  try {
    value = JSON.parse(body ?? "");
  } catch {
    throw new MalformedSendRequestError("send request is not JSON; expected {\"invitationId\": <id>, \"round\": <n>, \"token\": <22 characters>}.");
  }
  const candidate = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const { invitationId, round, token } = candidate;
  if (typeof invitationId !== "number" || !Number.isSafeInteger(invitationId) || invitationId < 1) throw new MalformedSendRequestError("send request has no valid invitationId (a positive integer).");
  if (typeof round !== "number" || !Number.isInteger(round) || round < 0 || round > 20) throw new MalformedSendRequestError("send request has no valid round (an integer from 0 to 20).");
  if (parseToken(token) === undefined) throw new MalformedSendRequestError("send request has no well-formed token (22 base64url characters).");
  return { invitationId, round, token: token as string };
}

// ---------------------------------------------------------------------------------------------
// Issuing rounds (planner and reminder)

export interface Campaign {
  readonly id: number;
  readonly name: string;
  readonly conditionCode: string;
  readonly status: "draft" | "running" | "completed" | "cancelled";
  readonly tokenTtlDays: number;
  readonly reminderIntervalDays: number;
  readonly maxReminders: number;
}

export class CampaignError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CampaignError";
  }
}

/** Another planner or reminder run holds the campaign; it (or the next run) finishes the work. */
export class CampaignBusyError extends CampaignError {
  constructor(readonly campaignId: number) {
    super(`another planner or reminder run holds campaign ${campaignId}; it will finish the work (or its successor will).`);
    this.name = "CampaignBusyError";
  }
}

export async function loadCampaign(db: Pool | PoolConnection, campaignId: number): Promise<Campaign> {
  const [rows] = await db.query<RowDataPacket[]>(
    "SELECT id, name, condition_code, status, token_ttl_days, reminder_interval_days, max_reminders FROM campaigns WHERE id = ?",
    [campaignId],
  );
  if (rows.length === 0) throw new CampaignError(`campaign ${campaignId} does not exist; check the campaignId in the event.`);
  const r = rows[0];
  return {
    id: Number(r.id), name: r.name, conditionCode: r.condition_code, status: r.status,
    tokenTtlDays: r.token_ttl_days, reminderIntervalDays: r.reminder_interval_days, maxReminders: r.max_reminders,
  };
}

/** One invitation to (re-)issue: new (no invitationId), a reminder (round + 1) or a re-issue of an unqueued round. */
export interface RoundCandidate {
  readonly invitationId?: number;
  readonly patientId: number;
  /** The round being issued. */
  readonly round: number;
  /** Delivery rows to create for this round; empty when they already exist (re-issue). */
  readonly channels: readonly { readonly channel: Channel; readonly optedOut: boolean }[];
}

export interface IssueCounts {
  invitations: number;
  pendingDeliveries: number;
  skippedOptedOut: number;
}

export const emptyCounts = (): IssueCounts => ({ invitations: 0, pendingDeliveries: 0, skippedOptedOut: 0 });
export const addCounts = (total: IssueCounts, page: IssueCounts): void => {
  total.invitations += page.invitations;
  total.pendingDeliveries += page.pendingDeliveries;
  total.skippedOptedOut += page.skippedOptedOut;
};

export interface IssueContext {
  readonly connection: PoolConnection;
  readonly campaign: Campaign;
  readonly queue: SendQueue;
  readonly now: () => Date;
}

/**
 * One page of rounds, the same for invitations, reminders and re-issues: in one transaction
 * create or advance the invitations, revoke their live tokens, store the new tokens' hashes
 * and the new delivery rows, and list the page in `unqueued_rounds` (deleting the listing it
 * re-issues, if any); then enqueue and delete the page's listing. A crash before that delete
 * leaves the page listed, and the next run re-issues it.
 */
export async function issueRounds(context: IssueContext, candidates: readonly RoundCandidate[], reissuing?: number): Promise<IssueCounts> {
  const counts = emptyCounts();
  if (candidates.length === 0) return counts;
  const { connection, campaign } = context;
  const now = context.now();
  const expiresAt = new Date(now.getTime() + campaign.tokenTtlDays * 86_400_000);
  const issued: { invitationId: number; round: number; token: string }[] = [];
  let unqueued = 0;
  await connection.beginTransaction();
  try {
    const fresh = candidates.filter((c) => c.invitationId === undefined);
    const idOf = new Map<number, number>();
    if (fresh.length > 0) {
      await connection.query("INSERT INTO invitations (campaign_id, patient_id, round, created_at, issued_at) VALUES ?", [fresh.map((c) => [campaign.id, c.patientId, c.round, now, now])]);
      // Ids by lookup, not from insertId: Aurora's interleaved auto-increment does not promise consecutive ids.
      const [rows] = await connection.query<RowDataPacket[]>("SELECT id, patient_id FROM invitations WHERE campaign_id = ? AND patient_id IN (?)", [campaign.id, fresh.map((c) => c.patientId)]);
      for (const row of rows) idOf.set(Number(row.patient_id), Number(row.id));
    }
    const existing = candidates.filter((c) => c.invitationId !== undefined);
    if (existing.length > 0) {
      const ids = existing.map((c) => c.invitationId!);
      const byRound = new Map<number, number[]>();
      for (const c of existing) byRound.set(c.round, [...(byRound.get(c.round) ?? []), c.invitationId!]);
      for (const [round, roundIds] of byRound) {
        await connection.query("UPDATE invitations SET round = ?, issued_at = ? WHERE id IN (?)", [round, now, roundIds]);
      }
      await connection.query("UPDATE invitation_tokens SET revoked_at = ? WHERE invitation_id IN (?) AND revoked_at IS NULL", [now, ids]);
    }
    const minted = mintTokens(candidates.length);
    const tokenRows: unknown[][] = [];
    const deliveryRows: unknown[][] = [];
    for (const candidate of candidates) {
      const invitationId = candidate.invitationId ?? idOf.get(candidate.patientId);
      if (invitationId === undefined) throw new CampaignError(`invitation for patient ${candidate.patientId} was not created in campaign ${campaign.id}`);
      const { token, hash } = minted[tokenRows.length];
      tokenRows.push([hash, hashToken(optOutCodeOf(token)), invitationId, candidate.round, now, expiresAt]);
      for (const { channel, optedOut } of candidate.channels) {
        deliveryRows.push([invitationId, candidate.round, channel, optedOut ? "skipped_opted_out" : "pending", now, optedOut ? OPTED_OUT_DETAIL : null]);
        if (optedOut) counts.skippedOptedOut++;
        else counts.pendingDeliveries++;
      }
      issued.push({ invitationId, round: candidate.round, token });
    }
    await connection.query("INSERT INTO invitation_tokens (token_hash, opt_out_hash, invitation_id, round, issued_at, expires_at) VALUES ?", [tokenRows]);
    if (deliveryRows.length > 0) {
      // A row that exists (a re-run of the same round) keeps its state: it may already be sent.
      await connection.query("INSERT INTO deliveries (invitation_id, round, channel, status, status_at, status_detail) VALUES ? ON DUPLICATE KEY UPDATE id = id", [deliveryRows]);
    }
    const [listed] = await connection.query<ResultSetHeader>("INSERT INTO unqueued_rounds (campaign_id, invitation_ids) VALUES (?, ?)", [campaign.id, JSON.stringify(issued.map((i) => i.invitationId))]);
    unqueued = listed.insertId;
    if (reissuing !== undefined) await connection.query("DELETE FROM unqueued_rounds WHERE id = ?", [reissuing]);
    await connection.commit();
  } catch (error) {
    await connection.rollback();
    throw error;
  }
  await context.queue.send(issued);
  await connection.query("DELETE FROM unqueued_rounds WHERE id = ?", [unqueued]);
  counts.invitations = issued.length;
  return counts;
}

/** Serializes planners and reminder runs of one campaign (a second run waits for nothing: it stops with a clear error). */
export async function withCampaignLock<T>(pool: Pool, campaignId: number, work: (connection: PoolConnection) => Promise<T>): Promise<T> {
  const connection = await pool.getConnection();
  try {
    // Named locks are server-wide: the schema's name keeps two databases on one server (tests,
    // demo, bench) from holding each other's campaign 1.
    const [[{ lockName }]] = await connection.query<RowDataPacket[]>("SELECT LEFT(CONCAT('medicare-campaign-', ?, '@', DATABASE()), 64) AS lockName", [campaignId]);
    const [rows] = await connection.query<RowDataPacket[]>("SELECT GET_LOCK(?, 0) AS acquired", [lockName]);
    if (rows[0].acquired !== 1) {
      throw new CampaignBusyError(campaignId);
    }
    try {
      return await work(connection);
    } finally {
      await connection.query("SELECT RELEASE_LOCK(?)", [lockName]);
    }
  } finally {
    connection.release();
  }
}

/** Re-issues (new token, old revoked) every invitation of the campaign whose current round never reached the queue. */
export async function reissueUnqueued(context: IssueContext): Promise<IssueCounts> {
  const total = emptyCounts();
  const [pages] = await context.connection.query<RowDataPacket[]>("SELECT id, invitation_ids FROM unqueued_rounds WHERE campaign_id = ? ORDER BY id", [context.campaign.id]);
  for (const page of pages) {
    const ids = parseInvitationIds(page.invitation_ids, Number(page.id));
    const [rows] = ids.length > 0
      ? await context.connection.query<RowDataPacket[]>("SELECT id, patient_id, round FROM invitations WHERE campaign_id = ? AND id IN (?) ORDER BY id", [context.campaign.id, ids])
      : [[] as RowDataPacket[]];
    const candidates = rows.map((r) => ({ invitationId: Number(r.id), patientId: Number(r.patient_id), round: Number(r.round), channels: [] }));
    if (candidates.length > 0) addCounts(total, await issueRounds(context, candidates, Number(page.id)));
    else await context.connection.query("DELETE FROM unqueued_rounds WHERE id = ?", [page.id]);
  }
  return total;
}

function parseInvitationIds(json: unknown, listing: number): number[] {
  const ids: unknown = JSON.parse(String(json));
  if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id) && id > 0)) {
    throw new CampaignError(`unqueued_rounds ${listing} does not hold a JSON array of invitation ids; fix or delete the row, then re-run.`);
  }
  return ids as number[];
}

/** Invitations of the campaign whose current round is issued but not on the queue (a later run re-issues them). */
export async function countUnqueued(db: Pool | PoolConnection, campaignId: number): Promise<number> {
  const [[row]] = await db.query<RowDataPacket[]>("SELECT COALESCE(SUM(JSON_LENGTH(invitation_ids)), 0) AS n FROM unqueued_rounds WHERE campaign_id = ?", [campaignId]);
  return Number(row.n);
}

/** Contact columns and opt-out flags of a patient, as the eligibility queries select them. */
export interface ContactRow {
  /** A UK mobile number (contacts.ts). */
  readonly hasPhone: number;
  /** A well-formed e-mail address (contacts.ts). */
  readonly hasEmail: number;
  /** A number is recorded (valid or not): one recorded but not a UK mobile is never texted, and reported. */
  readonly phoneRecorded: number;
  /** An address is recorded (valid or not): one that is not usable is never mailed, and reported. */
  readonly emailRecorded: number;
  readonly smsOut: number;
  readonly emailOut: number;
}

export const CONTACT_COLUMNS = `COALESCE(p.phone_e164 REGEXP ${UK_MOBILE_SQL}, 0) AS hasPhone, COALESCE(p.email REGEXP ${EMAIL_SQL} AND LENGTH(p.email) <= 254, 0) AS hasEmail,
  p.phone_e164 IS NOT NULL AS phoneRecorded, p.email IS NOT NULL AS emailRecorded,
  sms_pref.opted_out_at IS NOT NULL AS smsOut, email_pref.opted_out_at IS NOT NULL AS emailOut`;

/** Patients whose recorded details cannot be used, by id (never the details themselves), for the planner's report. */
export interface InvalidContact {
  readonly patientId: number;
  readonly channel: Channel;
}

/** The unusable details of a row of CONTACT_COLUMNS. */
export const invalidContactsOf = (patientId: number, row: ContactRow): InvalidContact[] => [
  ...(Number(row.phoneRecorded) === 1 && Number(row.hasPhone) !== 1 ? [{ patientId, channel: "sms" as const }] : []),
  ...(Number(row.emailRecorded) === 1 && Number(row.hasEmail) !== 1 ? [{ patientId, channel: "email" as const }] : []),
];

/** How many invalid contacts a plan lists by patient id (the count is always complete). */
export const INVALID_CONTACTS_LISTED = 1000;

/** The joins CONTACT_COLUMNS reads, on the patient aliased `p`: one primary-key lookup per channel. */
export const CONTACT_JOINS = `LEFT JOIN contact_preferences sms_pref ON sms_pref.patient_id = p.id AND sms_pref.channel = 'sms'
  LEFT JOIN contact_preferences email_pref ON email_pref.patient_id = p.id AND email_pref.channel = 'email'`;

/** The channels a patient has details for, each marked opted out or not; undefined when none is usable. */
export function channelsOf(row: ContactRow): RoundCandidate["channels"] | undefined {
  const channels: { channel: Channel; optedOut: boolean }[] = [];
  if (row.hasPhone) channels.push({ channel: "sms", optedOut: row.smsOut === 1 });
  if (row.hasEmail) channels.push({ channel: "email", optedOut: row.emailOut === 1 });
  return channels.some((c) => !c.optedOut) ? channels : undefined;
}

export interface PlanDependencies {
  readonly pool: Pool;
  readonly queue: SendQueue;
  /** @default () => new Date() */
  readonly now?: () => Date;
  readonly log?: DispatchLogger;
}

/**
 * How the planner Lambda pages by default (PLAN_PAGE_SIZE, PLAN_WRITERS); the bench measures
 * the same. Three writers: on the 2-core bench machine 1, 2 and 3 writers planned about 18k,
 * 25k and 26-27k patients/s (the selection stays sequential; the page writes overlap).
 */
export const PLAN_DEFAULTS = { pageSize: 1000, writers: 3 } as const;

export interface PlanOptions {
  /** Patients per page (one transaction each). @default 1000 */
  readonly pageSize?: number;
  /**
   * Pages written at the same time, each on its own pool connection (the pool needs this many
   * connections plus one for the selection). The selection stays sequential (keyset order);
   * only the page transactions overlap. @default 1
   */
  readonly writers?: number;
  /** Called after every page, e.g. for a progress bar. */
  readonly onPage?: (progress: { readonly invitations: number; readonly lastPatientId: number }) => void;
  /**
   * Runs under the campaign lock before the run changes anything (e.g. the budget check of
   * functions/campaign/cost.ts); throwing stops the run with the campaign as it was.
   */
  readonly beforeChanges?: (connection: PoolConnection, campaign: Campaign) => Promise<void>;
}

export interface PlanResult extends IssueCounts {
  readonly campaignId: number;
  /** Invitations of an earlier, interrupted run that were re-issued (new token) and enqueued now. */
  readonly reissued: number;
  /** Patients with the condition but no usable channel (no details, invalid ones, or opted out of every one). */
  readonly ineligible: number;
  /** Recorded details that are not a UK mobile or a usable e-mail address: never sent to. */
  readonly invalidContacts: number;
  /** The first INVALID_CONTACTS_LISTED of them, by patient id and channel, for the practice to correct. */
  readonly invalidContactList: readonly InvalidContact[];
}

/**
 * Runs page writes on up to `writers` connections of the pool, in parallel; `drain()` waits for
 * all and rethrows the first failure (pages already committed stay committed: the next run
 * re-issues whatever was left unqueued and invites whoever was left out).
 */
function pageWriters(pool: Pool, writers: number, base: Omit<IssueContext, "connection">) {
  const idle: PoolConnection[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const total = emptyCounts();
  const take = async (): Promise<PoolConnection> => {
    return idle.pop() ?? pool.getConnection();
  };
  return {
    total,
    async write(candidates: RoundCandidate[]): Promise<void> {
      if (failure !== undefined) throw failure;
      while (inFlight.size >= writers) await Promise.race(inFlight);
      if (failure !== undefined) throw failure;
      const connection = await take();
      const task: Promise<void> = issueRounds({ ...base, connection }, candidates)
        .then((counts) => addCounts(total, counts))
        .catch((error) => {
          failure ??= error;
        })
        .finally(() => {
          idle.push(connection);
          inFlight.delete(task);
        });
      inFlight.add(task);
    },
    async drain(): Promise<IssueCounts> {
      await Promise.all(inFlight);
      for (const connection of idle.splice(0)) connection.release();
      if (failure !== undefined) throw failure;
      return total;
    },
  };
}

/**
 * Invites every eligible patient of the campaign who has no invitation yet: has the
 * campaign's condition code and at least one channel with contact details and no opt-out.
 * Opted-out channels get a `skipped_opted_out` row (the report counts them). Safe to re-run at
 * any time: it first re-issues invitations an interrupted run left unqueued, then continues.
 */
export async function planCampaign(deps: PlanDependencies, campaignId: number, options: PlanOptions = {}): Promise<PlanResult> {
  const pageSize = options.pageSize ?? 1000;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? silentLogger;
  return withCampaignLock(deps.pool, campaignId, async (connection) => {
    const campaign = await loadCampaign(connection, campaignId);
    if (campaign.status === "completed" || campaign.status === "cancelled") {
      throw new CampaignError(`campaign ${campaignId} is ${campaign.status}; only a draft or running campaign sends invitations.`);
    }
    await options.beforeChanges?.(connection, campaign);
    if (campaign.status === "draft") await connection.query("UPDATE campaigns SET status = 'running' WHERE id = ? AND status = 'draft'", [campaignId]);
    const context: IssueContext = { connection, campaign, queue: deps.queue, now };
    const reissued = await reissueUnqueued(context);
    if (reissued.invitations > 0) log.warn("re-issued invitations an interrupted run left unqueued", { campaignId, reissued: reissued.invitations });
    const writer = options.writers !== undefined && options.writers > 1 ? pageWriters(deps.pool, options.writers, { campaign, queue: deps.queue, now }) : undefined;
    const single = emptyCounts();
    let ineligible = 0;
    let invalidContacts = 0;
    const invalidContactList: InvalidContact[] = [];
    let after = 0;
    let stopped: unknown;
    try {
      for (;;) {
        // FORCE INDEX: without it MariaDB reads the condition's index from its first entry on
        // every page (ref access on the code alone), which makes planning quadratic. The
        // anti-join is a LEFT JOIN, not NOT EXISTS, for the same reason: MariaDB materializes
        // the campaign's invitations for NOT EXISTS on every page.
        const [rows] = await connection.query<RowDataPacket[]>(
          `SELECT pc.patient_id AS patientId, ${CONTACT_COLUMNS}
           FROM patient_conditions pc FORCE INDEX (patient_conditions_by_code)
           JOIN patients p ON p.id = pc.patient_id
           ${CONTACT_JOINS}
           LEFT JOIN invitations i ON i.campaign_id = ? AND i.patient_id = pc.patient_id
           WHERE pc.condition_code = ? AND pc.patient_id > ? AND i.id IS NULL
           ORDER BY pc.patient_id LIMIT ?`,
          [campaignId, campaign.conditionCode, after, pageSize],
        );
        if (rows.length === 0) break;
        after = Number(rows[rows.length - 1].patientId);
        const candidates: RoundCandidate[] = [];
        for (const row of rows) {
          const channels = channelsOf(row as unknown as ContactRow);
          if (channels) candidates.push({ patientId: Number(row.patientId), round: 0, channels });
          else ineligible++;
          for (const invalid of invalidContactsOf(Number(row.patientId), row as unknown as ContactRow)) {
            invalidContacts++;
            if (invalidContactList.length < INVALID_CONTACTS_LISTED) invalidContactList.push(invalid);
          }
        }
        if (writer) await writer.write(candidates);
        else addCounts(single, await issueRounds(context, candidates));
        options.onPage?.({ invitations: (writer?.total ?? single).invitations, lastPatientId: after });
      }
    } catch (error) {
      stopped = error;
    }
    // Pages in flight are always waited for (and their connections released), even after a failure.
    const total = writer ? await writer.drain().catch((error) => Promise.reject(stopped ?? error)) : single;
    if (stopped !== undefined) throw stopped;
    log.info("campaign planned", { campaignId, invited: total.invitations, reissued: reissued.invitations, ineligible, invalidContacts });
    if (invalidContacts > 0) {
      log.warn("patients with contact details that are not a UK mobile or a usable e-mail address; not sent to", { campaignId, invalidContacts, patients: invalidContactList });
    }
    return { campaignId, ...total, reissued: reissued.invitations, ineligible, invalidContacts, invalidContactList };
  });
}

// ---------------------------------------------------------------------------------------------
// The send worker

export interface SendSettings extends MessagingSettings {
  /** Verified SES identity the email comes from, e.g. "Riverside Surgery <invitations@example.org>". */
  readonly emailSource: string;
  /** SES configuration set (click and open tracking off; event destinations for delivery status). */
  readonly configurationSetName?: string;
  /** SNS alphanumeric sender ID (1-11 characters) where the destination country supports it. */
  readonly smsSenderId?: string;
}

export interface SendDependencies {
  readonly pool: Pool;
  readonly sns: SNSClient;
  readonly ses: SESClient;
  readonly settings: SendSettings;
  /** One per channel, shared by every send of this worker. */
  readonly limiters: Readonly<Record<Channel, RateLimiter>>;
  readonly backoff?: BackoffOptions;
  readonly clock?: Clock;
  /** @default () => new Date() */
  readonly now?: () => Date;
  readonly log?: DispatchLogger;
  /**
   * How long a claim may stay open before a redelivery settles it as `unknown` (its worker
   * died). At least the queue's visibility timeout, which a live worker finishes within.
   * @default DEFAULT_CLAIM_TIMEOUT_MS
   */
  readonly claimTimeoutMs?: number;
}

/** Lambda's longest timeout: no live invocation holds a claim longer. */
export const DEFAULT_CLAIM_TIMEOUT_MS = 15 * 60_000;

export type ChannelOutcome =
  | "sent"
  | "failed"
  | "unknown"
  | "skipped_opted_out"
  /** Throttled or stopped before sending: back to `pending`, the queue retries the request. */
  | "released"
  /** Finished by an earlier delivery of this request (sent, failed, skipped, or unknown for review): nothing sent. */
  | "already_claimed"
  /**
   * Another delivery of this request holds the claim and has not recorded an outcome yet:
   * nothing sent, and the message must stay queued, because that worker may still put the
   * claim back (throttled) and would then rely on this message. It settles when the claim
   * does: sent or failed, released and sent by a redelivery, or `unknown` once the claim is
   * older than the claim timeout (then this outcome is `unknown`).
   */
  | "claimed_elsewhere"
  /** The request's token is not the invitation's live token (superseded, revoked or expired): nothing sent. */
  | "superseded";

export interface SendResult {
  readonly invitationId: number;
  readonly round: number;
  readonly outcomes: Partial<Record<Channel, ChannelOutcome>>;
}

/** Outcomes that leave a channel unsettled, so the queue message must be delivered again. */
const RETRY_OUTCOMES: ReadonlySet<ChannelOutcome> = new Set(["released", "claimed_elsewhere"]);

/** Some channel is not settled (put back to `pending`, or claimed by another delivery): the queue message must be retried (report it as a batch item failure). */
export class RetryLaterError extends Error {
  constructor(readonly result: SendResult) {
    super(`invitation ${result.invitationId} round ${result.round}: ${Object.entries(result.outcomes).filter(([, o]) => RETRY_OUTCOMES.has(o)).map(([c, o]) => `${c} ${o}`).join(", ")}; retry the request`);
    this.name = "RetryLaterError";
  }
}

interface DeliveryRow {
  readonly channel: Channel;
  readonly status: string;
  readonly claimedAt: Date | null;
  readonly patientId: number;
  readonly phone: string | null;
  readonly email: string | null;
}

/**
 * Sends one request: each pending channel of the invitation's round, claimed first.
 * Resolves with what happened per channel; throws RetryLaterError when a channel must be
 * retried (throttled), after the other channels are done.
 */
export async function sendInvitation(deps: SendDependencies, request: SendRequest): Promise<SendResult> {
  const log = deps.log ?? silentLogger;
  const [rows] = await deps.pool.query<RowDataPacket[]>(
    `SELECT d.channel, d.status, d.claimed_at AS claimedAt, i.patient_id AS patientId, p.phone_e164 AS phone, p.email
     FROM deliveries d JOIN invitations i ON i.id = d.invitation_id JOIN patients p ON p.id = i.patient_id
     WHERE d.invitation_id = ? AND d.round = ?`,
    [request.invitationId, request.round],
  );
  const outcomes: Partial<Record<Channel, ChannelOutcome>> = {};
  await Promise.all(
    (rows as DeliveryRow[]).map(async (row) => {
      if (row.status === "sending") {
        outcomes[row.channel] = await settleIfAbandoned(deps, request, row);
        return;
      }
      if (row.status !== "pending") {
        if (row.status !== "skipped_opted_out") outcomes[row.channel] = "already_claimed";
        return;
      }
      outcomes[row.channel] = await sendChannel(deps, request, row);
    }),
  );
  const result = { invitationId: request.invitationId, round: request.round, outcomes };
  if (rows.length === 0) log.warn("send request matches no deliveries; dropped", { invitationId: request.invitationId, round: request.round });
  if (Object.values(outcomes).some((outcome) => RETRY_OUTCOMES.has(outcome))) throw new RetryLaterError(result);
  return result;
}

async function sendChannel(deps: SendDependencies, request: SendRequest, row: DeliveryRow): Promise<ChannelOutcome> {
  const log = deps.log ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  const ids = { invitationId: request.invitationId, round: request.round, channel: row.channel };
  const tokenHash = hashToken(request.token);
  const claimedAt = now();
  const [claim] = await deps.pool.query<ResultSetHeader>(
    `UPDATE deliveries d JOIN invitation_tokens t ON t.invitation_id = d.invitation_id AND t.round = d.round
     SET d.status = 'sending', d.attempts = d.attempts + 1, d.claimed_at = ?, d.status_at = ?
     WHERE d.invitation_id = ? AND d.round = ? AND d.channel = ? AND d.status = 'pending'
       AND t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ?
       AND NOT EXISTS (SELECT 1 FROM contact_preferences c WHERE c.patient_id = ? AND c.channel = ? AND c.opted_out_at IS NOT NULL)`,
    [claimedAt, claimedAt, request.invitationId, request.round, row.channel, tokenHash, claimedAt, row.patientId, row.channel],
  );
  if (claim.affectedRows !== 1) return explainLostClaim(deps, request, row, tokenHash, claimedAt);

  const backoff = { ...deps.backoff, clock: deps.clock ?? systemClock };
  const finish = async (status: "sent" | "failed" | "unknown" | "skipped_opted_out" | "pending", detail: string | null, messageId?: string): Promise<void> => {
    const at = now();
    if (status === "sent") {
      await deps.pool.query(
        `UPDATE deliveries d JOIN invitations i ON i.id = d.invitation_id
         SET d.status = 'sent', d.sent_at = ?, d.status_at = ?, d.provider_message_id = ?, d.status_detail = NULL, i.last_contacted_at = ?
         WHERE d.invitation_id = ? AND d.round = ? AND d.channel = ? AND d.status = 'sending'`,
        [at, at, messageId ?? null, at, request.invitationId, request.round, row.channel],
      );
    } else {
      await deps.pool.query(
        `UPDATE deliveries SET status = ?, status_at = ?, status_detail = ?, claimed_at = IF(? = 'pending', NULL, claimed_at)
         WHERE invitation_id = ? AND round = ? AND channel = ? AND status = 'sending'`,
        [status, at, detail, status, request.invitationId, request.round, row.channel],
      );
    }
  };

  // The planner selected only valid details; they may have changed since. Never send to invalid ones.
  const invalid = row.channel === "sms" ? phoneProblem(row.phone) : emailProblem(row.email);
  if (invalid !== undefined) {
    await finish("failed", `invalid contact details: ${invalid}`);
    log.warn("contact details invalid; not sent", { ...ids, patientId: row.patientId, reason: invalid });
    return "failed";
  }

  // Until the provider has been asked to send, every failure is a definite "not sent": release the claim.
  let text: { sms?: string; email?: ReturnType<typeof renderEmail> };
  try {
    if (row.channel === "sms") {
      text = { sms: renderSms(deps.settings, request.round, request.token).text };
      const check = await sendWithBackoff(() => deps.sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: row.phone! })), backoff);
      if (check.isOptedOut) {
        await finish("skipped_opted_out", "on the SNS opt-out list");
        await recordCarrierOptOut(deps.pool, row.patientId, now());
        log.info("phone number is on the SNS opt-out list; SMS skipped", ids);
        return "skipped_opted_out";
      }
    } else {
      text = { email: renderEmail(deps.settings, request.round, request.token) };
    }
  } catch (error) {
    await finish("pending", `not sent: ${errorName(error)}; will retry`);
    log.warn("delivery released before sending", { ...ids, error: errorName(error) });
    return "released";
  }

  try {
    const messageId = await sendWithBackoff(
      async () => {
        if (row.channel === "sms") {
          const attributes: Record<string, { DataType: string; StringValue: string }> = { "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" } };
          if (deps.settings.smsSenderId) attributes["AWS.SNS.SMS.SenderID"] = { DataType: "String", StringValue: deps.settings.smsSenderId };
          const out = await deps.sns.send(new PublishCommand({ PhoneNumber: row.phone!, Message: text.sms!, MessageAttributes: attributes }));
          return out.MessageId;
        }
        const email = text.email!;
        const out = await deps.ses.send(
          new SendEmailCommand({
            Source: deps.settings.emailSource,
            Destination: { ToAddresses: [row.email!] },
            Message: {
              Subject: { Data: email.subject, Charset: "UTF-8" },
              Body: { Text: { Data: email.text, Charset: "UTF-8" }, Html: { Data: email.html, Charset: "UTF-8" } },
            },
            ConfigurationSetName: deps.settings.configurationSetName,
          }),
        );
        return out.MessageId;
      },
      { ...backoff, limiter: deps.limiters[row.channel] },
    );
    await finish("sent", null, messageId);
    return "sent";
  } catch (error) {
    if (error instanceof StillThrottledError) {
      await finish("pending", `throttled ${error.attempts} times; will retry`);
      log.warn("still throttled; delivery put back for a retry", ids);
      return "released";
    }
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // The provider answered and refused: nothing was sent.
      await finish("failed", `rejected: ${errorName(error)}`);
      log.warn("provider rejected the message", { ...ids, error: errorName(error), httpStatus: status });
      return "failed";
    }
    // Timeout, reset connection, 5xx after the SDK's retries: it may or may not have gone out.
    await finish("unknown", `outcome unknown: ${errorName(error)}; review before any resend`);
    log.error("send outcome unknown; marked for review, not resent", { ...ids, error: errorName(error), httpStatus: status });
    return "unknown";
  }
}

/** Why a claim found nothing to claim; an opt-out recorded since planning turns the row into `skipped_opted_out`. */
async function explainLostClaim(deps: SendDependencies, request: SendRequest, row: DeliveryRow, tokenHash: Buffer, at: Date): Promise<ChannelOutcome> {
  const [tokens] = await deps.pool.query<RowDataPacket[]>(
    "SELECT 1 FROM invitation_tokens WHERE token_hash = ? AND invitation_id = ? AND round = ? AND revoked_at IS NULL AND expires_at > ?",
    [tokenHash, request.invitationId, request.round, at],
  );
  if (tokens.length === 0) {
    (deps.log ?? silentLogger).info("stale send request (token superseded, revoked or expired); dropped", { invitationId: request.invitationId, round: request.round, channel: row.channel });
    return "superseded";
  }
  const [skipped] = await deps.pool.query<ResultSetHeader>(
    `UPDATE deliveries SET status = 'skipped_opted_out', status_at = ?, status_detail = 'opted out before sending'
     WHERE invitation_id = ? AND round = ? AND channel = ? AND status = 'pending'
       AND EXISTS (SELECT 1 FROM contact_preferences c WHERE c.patient_id = ? AND c.channel = ? AND c.opted_out_at IS NOT NULL)`,
    [at, request.invitationId, request.round, row.channel, row.patientId, row.channel],
  );
  if (skipped.affectedRows === 1) return "skipped_opted_out";
  // Another delivery of the request got there first: settled, or still in its hands.
  const [current] = await deps.pool.query<RowDataPacket[]>("SELECT status FROM deliveries WHERE invitation_id = ? AND round = ? AND channel = ?", [request.invitationId, request.round, row.channel]);
  const status = current[0]?.status;
  return status === "sending" || status === "pending" ? "claimed_elsewhere" : "already_claimed";
}

async function recordCarrierOptOut(pool: Pool, patientId: number, at: Date): Promise<void> {
  // Source first: MySQL assigns left to right, and the source must see whether opted_out_at was already set.
  await pool.query(
    `INSERT INTO contact_preferences (patient_id, channel, opted_out_at, opt_out_source) VALUES (?, 'sms', ?, 'carrier')
     ON DUPLICATE KEY UPDATE opt_out_source = IF(opted_out_at IS NULL, VALUES(opt_out_source), opt_out_source), opted_out_at = COALESCE(opted_out_at, VALUES(opted_out_at))`,
    [patientId, at],
  );
}

export const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);

/**
 * Claims whose worker never recorded an outcome (it crashed, or timed out mid-send) become
 * `unknown`: the message may have gone out, so nothing resends it; a person reviews them.
 * `olderThan` should be at least the queue's visibility timeout (a live worker is done by then).
 */
export async function markStaleClaimsForReview(pool: Pool, olderThan: Date, now: Date = new Date()): Promise<number> {
  return markStaleClaims(pool, olderThan, now);
}

/** markStaleClaimsForReview, for every delivery or for one. */
async function markStaleClaims(pool: Pool, olderThan: Date, now: Date, delivery?: { invitationId: number; round: number; channel: Channel }): Promise<number> {
  const [result] = await pool.query<ResultSetHeader>(
    `UPDATE deliveries SET status = 'unknown', status_at = ?, status_detail = 'claimed, no outcome recorded (worker stopped); review before any resend'
     WHERE status = 'sending' AND claimed_at < ?${delivery ? " AND invitation_id = ? AND round = ? AND channel = ?" : ""}`,
    [now, olderThan, ...(delivery ? [delivery.invitationId, delivery.round, delivery.channel] : [])],
  );
  return result.affectedRows;
}

/** A channel another delivery has claimed: `unknown` if that claim is past the timeout (its worker died), otherwise still theirs. */
async function settleIfAbandoned(deps: SendDependencies, request: SendRequest, row: DeliveryRow): Promise<ChannelOutcome> {
  const now = (deps.now ?? (() => new Date()))();
  const olderThan = new Date(now.getTime() - (deps.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS));
  if (row.claimedAt === null || row.claimedAt >= olderThan) return "claimed_elsewhere";
  const marked = await markStaleClaims(deps.pool, olderThan, now, { invitationId: request.invitationId, round: request.round, channel: row.channel });
  if (marked === 1) (deps.log ?? silentLogger).warn("abandoned claim marked for review, not resent", { invitationId: request.invitationId, round: request.round, channel: row.channel });
  // Not marked: its worker recorded an outcome meanwhile; the next delivery sees which.
  return marked === 1 ? "unknown" : "claimed_elsewhere";
}

// ---------------------------------------------------------------------------------------------
// Running the worker without Lambda (demo, bench, fault tests)

export interface DrainOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly handle: (request: SendRequest) => Promise<unknown>;
  /** Receive loops in parallel (each handles up to 10 messages at a time). @default 4 */
  readonly concurrency?: number;
  /** Stop once this returns true and the queue is empty (visible and in flight). @default () => true */
  readonly until?: () => boolean;
  readonly log?: DispatchLogger;
}

export interface DrainResult {
  handled: number;
  /** Handler threw: the message stays and SQS redelivers it after the visibility timeout. */
  retried: number;
  /** Not a send request: deleted, with a log line (retrying could never succeed). */
  malformed: number;
}

/**
 * Receives send requests from SQS and hands each to `handle` (usually sendInvitation), like
 * the Lambda event source: deleted on success, left for redelivery on failure.
 */
export async function sendRequestsFromSqs(options: DrainOptions): Promise<DrainResult> {
  const result: DrainResult = { handled: 0, retried: 0, malformed: 0 };
  const log = options.log ?? silentLogger;
  const until = options.until ?? (() => true);
  const queueIsEmpty = async (): Promise<boolean> => {
    const attributes = await options.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
    );
    return Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) === 0;
  };
  let done = false;
  const loop = async (): Promise<void> => {
    while (!done) {
      const received = await options.sqs.send(new ReceiveMessageCommand({ QueueUrl: options.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const messages = received.Messages ?? [];
      if (messages.length === 0) {
        if (until() && (await queueIsEmpty())) done = true;
        continue;
      }
      const finished: { Id: string; ReceiptHandle: string }[] = [];
      await Promise.all(
        messages.map(async (message, i) => {
          let request: SendRequest;
          try {
            request = parseSendRequest(message.Body);
          } catch (error) {
            log.error("malformed send request deleted", { messageId: message.MessageId, reason: (error as Error).message });
            result.malformed++;
            finished.push({ Id: String(i), ReceiptHandle: message.ReceiptHandle! });
            return;
          }
          try {
            await options.handle(request);
            result.handled++;
            finished.push({ Id: String(i), ReceiptHandle: message.ReceiptHandle! });
          } catch (error) {
            result.retried++;
            log.warn("send request will be retried", { invitationId: request.invitationId, error: errorName(error) });
          }
        }),
      );
      if (finished.length > 0) await options.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: finished }));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, loop));
  return result;
}
