/**
 * The weekly reminder: every non-respondent of a running campaign whose last contact is older
 * than the campaign's reminder interval, and who has had fewer than max_reminders reminders,
 * gets the next round: old token revoked, new token, new pending deliveries, enqueued. It is
 * the planner's own round-issuing code (dispatch.ts `issueRounds`), so a run killed half-way
 * is finished by the next one, and a second run in the same week finds nothing to do.
 */
import type { Pool, RowDataPacket } from "mysql2/promise";
import {
  addCounts, CampaignBusyError, channelsOf, CONTACT_COLUMNS, CONTACT_JOINS, ContactRow, DispatchLogger, emptyCounts, IssueContext, IssueCounts, issueRounds,
  loadCampaign, PlanDependencies, PlanOptions, reissueUnqueued, RoundCandidate, SendQueue, silentLogger, withCampaignLock,
} from "./dispatch";

/**
 * Who is due a reminder (the joins and conditions after SELECT): non-respondents of the campaign
 * past the interval, under the maximum. Parameters: campaign id, cutoff (twice), max reminders.
 * Shared by the reminder run and its cost estimate (functions/campaign/cost.ts).
 */
export const DUE_FOR_REMINDER = `FROM non_respondents n
         JOIN invitations i ON i.id = n.invitation_id
         JOIN patients p ON p.id = n.patient_id
         ${CONTACT_JOINS}
         WHERE n.campaign_id = ? AND n.round < ? AND n.last_contacted_at < ? AND i.issued_at < ?`;

/** The reminder interval's cutoff: last contact and issue before it. */
export const reminderCutoff = (campaign: { reminderIntervalDays: number }, now: Date): Date => new Date(now.getTime() - campaign.reminderIntervalDays * 86_400_000);

export interface ReminderResult extends IssueCounts {
  readonly campaignId: number;
  readonly reissued: number;
}

/**
 * Issues the next round to every non-respondent of the campaign whose last contact is older
 * than the reminder interval, whose current round was issued before that too (so a second
 * run in the same week finds nothing) and who has had fewer than max_reminders reminders.
 */
export async function remindCampaign(deps: PlanDependencies, campaignId: number, options: PlanOptions = {}): Promise<ReminderResult> {
  const pageSize = options.pageSize ?? 1000;
  const now = deps.now ?? (() => new Date());
  return withCampaignLock(deps.pool, campaignId, async (connection) => {
    const campaign = await loadCampaign(connection, campaignId);
    await options.beforeChanges?.(connection, campaign);
    const context: IssueContext = { connection, campaign, queue: deps.queue, now };
    const reissued = await reissueUnqueued(context);
    const total = emptyCounts();
    if (campaign.status !== "running") return { campaignId, ...total, reissued: reissued.invitations };
    const cutoff = reminderCutoff(campaign, now());
    let after = 0;
    for (;;) {
      const [rows] = await connection.query<RowDataPacket[]>(
        `SELECT n.invitation_id AS invitationId, n.patient_id AS patientId, n.round, ${CONTACT_COLUMNS}
         ${DUE_FOR_REMINDER} AND n.invitation_id > ?
         ORDER BY n.invitation_id LIMIT ?`,
        [campaignId, campaign.maxReminders, cutoff, cutoff, after, pageSize],
      );
      if (rows.length === 0) break;
      after = Number(rows[rows.length - 1].invitationId);
      const candidates: RoundCandidate[] = [];
      for (const row of rows) {
        const channels = channelsOf(row as unknown as ContactRow);
        if (channels) candidates.push({ invitationId: Number(row.invitationId), patientId: Number(row.patientId), round: Number(row.round) + 1, channels });
      }
      addCounts(total, await issueRounds(context, candidates));
      options.onPage?.({ invitations: total.invitations, lastPatientId: after });
    }
    return { campaignId, ...total, reissued: reissued.invitations };
  });
}

export interface RunRemindersResult {
  readonly campaigns: readonly ReminderResult[];
  /** Campaigns skipped because another planner or reminder run held them. */
  readonly busy: readonly number[];
}

/** Reminds every running campaign in turn (the weekly schedule's entry point). */
export async function runReminders(deps: { pool: Pool; queue: SendQueue; now?: () => Date; log?: DispatchLogger }, options: PlanOptions = {}): Promise<RunRemindersResult> {
  const log = deps.log ?? silentLogger;
  const [rows] = await deps.pool.query<RowDataPacket[]>("SELECT id FROM campaigns WHERE status = 'running' ORDER BY id");
  const campaigns: ReminderResult[] = [];
  const busy: number[] = [];
  for (const row of rows) {
    const campaignId = Number(row.id);
    try {
      const result = await remindCampaign(deps, campaignId, options);
      campaigns.push(result);
      log.info("reminders issued", { campaignId, reminded: result.invitations, reissued: result.reissued });
    } catch (error) {
      if (!(error instanceof CampaignBusyError)) throw error;
      log.warn("campaign busy; its running planner finishes the work", { campaignId });
      busy.push(campaignId);
    }
  }
  return { campaigns, busy };
}
