/**
 * What a campaign run costs, before it starts and so far: the messages it will send (SMS
 * count and segments, GSM-7 or UCS-2, e-mails), their price (the UK SMS price per segment and
 * SES's price per 1,000 e-mails, from pricing/eu-west-2.json through the function's
 * environment) and the staff's budget per run, which the planner checks before it changes
 * anything. The weekly report's spend section is built here too, as a self-contained block.
 */
import { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { html, SafeHtml } from "../lib/html";
import { EnvironmentReader } from "../lib/environment";
import { COST_ENVIRONMENT } from "./cost-environment";
import { Campaign, CampaignError, CONTACT_COLUMNS, CONTACT_JOINS } from "./dispatch";
import { gsm7Length, isGsm7, MessagingSettings, renderSms, Round, TOKEN_LENGTH } from "./messages";
import { DUE_FOR_REMINDER, reminderCutoff } from "./remind";

/** One GSM-7 segment holds 160 septets; in a multipart message each part holds 153 (7 go to the header). */
const GSM7_SINGLE = 160;
const GSM7_PART = 153;
/** UCS-2: 70 UTF-16 code units in one segment, 67 per part of a multipart message. */
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

export interface SmsSegments {
  readonly encoding: "GSM-7" | "UCS-2";
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  readonly length: number;
  /** Parts the carrier bills for. */
  readonly segments: number;
}

/** How an SMS text is encoded and how many billed segments it takes. */
export function smsSegments(text: string): SmsSegments {
  if (isGsm7(text)) {
    const length = gsm7Length(text);
    return { encoding: "GSM-7", length, segments: length <= GSM7_SINGLE ? 1 : Math.ceil(length / GSM7_PART) };
  }
  const length = text.length;
  return { encoding: "UCS-2", length, segments: length <= UCS2_SINGLE ? 1 : Math.ceil(length / UCS2_PART) };
}

/** Segments of one SMS of `round` with these settings (tokens all have the same length, so every patient's SMS of a round is the same size). */
export function smsSegmentsOfRound(settings: MessagingSettings, round: Round): SmsSegments {
  return smsSegments(renderSms(settings, round, "A".repeat(TOKEN_LENGTH)).text);
}

export interface MessagePrices {
  /** UK SMS price per segment, USD (transactional, sender id). */
  readonly smsSegmentUsd: number;
  /** SES outbound e-mail, USD per 1,000 messages. */
  readonly emailPer1000Usd: number;
  /** The configured exchange rate: GBP per USD. */
  readonly gbpPerUsd: number;
}

export interface SendVolume {
  readonly sms: number;
  readonly smsSegments: number;
  readonly emails: number;
}

export interface PricedVolume extends SendVolume {
  readonly smsUsd: number;
  readonly emailUsd: number;
  readonly totalUsd: number;
  readonly totalGbp: number;
}

/** Rounded to whole cents: the same volume and prices always print the same numbers. */
const cents = (amount: number): number => Math.round(amount * 100) / 100;

export function priceVolume(volume: SendVolume, prices: MessagePrices): PricedVolume {
  const smsUsd = volume.smsSegments * prices.smsSegmentUsd;
  const emailUsd = (volume.emails / 1000) * prices.emailPer1000Usd;
  return { ...volume, smsUsd: cents(smsUsd), emailUsd: cents(emailUsd), totalUsd: cents(smsUsd + emailUsd), totalGbp: cents((smsUsd + emailUsd) * prices.gbpPerUsd) };
}

export interface RunEstimate extends PricedVolume {
  readonly campaignId: number;
  /** "plan": the first invitations; "remind": the weekly reminders. */
  readonly kind: "plan" | "remind";
  /** Invitations the run issues a round to: patients invited for the first time, or reminded. */
  readonly newInvitations: number;
  /** Invitations an interrupted run left unqueued, which this run re-issues. */
  readonly reissued: number;
  /** The first round's SMS (the invitation, or the first reminder), for its encoding. */
  readonly sms0: SmsSegments;
}

interface Volume {
  invitations: number;
  sms: number;
  smsSegments: number;
  emails: number;
}

/** Adds rows of (round, invitations, sms, emails) to `volume`, each SMS at the segments of its round's text. */
function addRounds(volume: Volume, rows: readonly RowDataPacket[], settings: MessagingSettings): Volume {
  for (const row of rows) {
    const sms = Number(row.sms);
    volume.invitations += Number(row.invitations);
    volume.sms += sms;
    volume.smsSegments += sms * smsSegmentsOfRound(settings, Number(row.round)).segments;
    volume.emails += Number(row.emails);
  }
  return volume;
}

/**
 * Usable channels of the selected contact rows (CONTACT_COLUMNS), by the round they will get.
 * A template literal, not String.replace: the contact patterns hold `$'`, which replace() would
 * expand into the rest of the query.
 */
const usableByRound = (rows: string): string => `SELECT c.round, COUNT(*) AS invitations,
       COALESCE(SUM(c.hasPhone AND NOT c.smsOut), 0) AS sms, COALESCE(SUM(c.hasEmail AND NOT c.emailOut), 0) AS emails
     FROM (${rows}) c
     WHERE (c.hasPhone AND NOT c.smsOut) OR (c.hasEmail AND NOT c.emailOut)
     GROUP BY c.round`;

/** The pending messages of invitations an interrupted run left unqueued (the next run of either kind re-issues them). */
async function unqueuedVolume(db: Pool | PoolConnection, campaign: Campaign, settings: MessagingSettings): Promise<Volume> {
  const [listed] = await db.query<RowDataPacket[]>("SELECT invitation_ids FROM unqueued_rounds WHERE campaign_id = ?", [campaign.id]);
  const ids = listed.flatMap((row) => JSON.parse(String(row.invitation_ids)) as number[]);
  const volume = { invitations: ids.length, sms: 0, smsSegments: 0, emails: 0 };
  if (ids.length === 0) return volume;
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT d.round, 0 AS invitations, SUM(d.channel = 'sms') AS sms, SUM(d.channel = 'email') AS emails
     FROM deliveries d JOIN invitations i ON i.id = d.invitation_id AND d.round = i.round
     WHERE i.campaign_id = ? AND i.id IN (?) AND d.status = 'pending' GROUP BY d.round`,
    [campaign.id, ids],
  );
  return addRounds(volume, rows, settings);
}

function runEstimate(kind: RunEstimate["kind"], campaign: Campaign, fresh: Volume, unqueued: Volume, settings: MessagingSettings, prices: MessagePrices, firstRound: number): RunEstimate {
  const volume = { sms: fresh.sms + unqueued.sms, smsSegments: fresh.smsSegments + unqueued.smsSegments, emails: fresh.emails + unqueued.emails };
  return { campaignId: campaign.id, kind, newInvitations: fresh.invitations, reissued: unqueued.invitations, sms0: smsSegmentsOfRound(settings, firstRound), ...priceVolume(volume, prices) };
}

/**
 * What planCampaign would send now: every eligible patient not yet invited (one SMS and one
 * e-mail per usable channel, as channelsOf decides) plus the pending messages of invitations an
 * interrupted run left unqueued. Reads only.
 */
export async function estimatePlanRun(db: Pool | PoolConnection, campaign: Campaign, settings: MessagingSettings, prices: MessagePrices): Promise<RunEstimate> {
  const [rows] = await db.query<RowDataPacket[]>(
    usableByRound(
      `SELECT 0 AS round, ${CONTACT_COLUMNS}
       FROM patient_conditions pc
       JOIN patients p ON p.id = pc.patient_id
       ${CONTACT_JOINS}
       LEFT JOIN invitations i ON i.campaign_id = ? AND i.patient_id = pc.patient_id
       WHERE pc.condition_code = ? AND i.id IS NULL`,
    ),
    [campaign.id, campaign.conditionCode],
  );
  const fresh = addRounds({ invitations: 0, sms: 0, smsSegments: 0, emails: 0 }, rows, settings);
  return runEstimate("plan", campaign, fresh, await unqueuedVolume(db, campaign, settings), settings, prices, 0);
}

/** What remindCampaign would send now: the next round to every non-respondent due a reminder, plus unqueued rounds. Reads only. */
export async function estimateReminderRun(db: Pool | PoolConnection, campaign: Campaign, settings: MessagingSettings, prices: MessagePrices, now: Date): Promise<RunEstimate> {
  const fresh = { invitations: 0, sms: 0, smsSegments: 0, emails: 0 };
  if (campaign.status === "running") {
    const cutoff = reminderCutoff(campaign, now);
    const [rows] = await db.query<RowDataPacket[]>(usableByRound(`SELECT n.round + 1 AS round, ${CONTACT_COLUMNS} ${DUE_FOR_REMINDER}`), [campaign.id, campaign.maxReminders, cutoff, cutoff]);
    addRounds(fresh, rows, settings);
  }
  return runEstimate("remind", campaign, fresh, await unqueuedVolume(db, campaign, settings), settings, prices, 1);
}

export class BudgetExceededError extends CampaignError {
  constructor(readonly estimate: RunEstimate, readonly budgetGbp: number) {
    super(
      `campaign ${estimate.campaignId}: this ${estimate.kind === "plan" ? "run" : "reminder run"} would send ${describeRun(estimate)}, ` +
        `above the run budget of GBP ${budgetGbp.toFixed(2)}. Nothing was changed. Raise campaign.runBudgetGbp ` +
        `(modules/config/environments.ts, then deploy) or send to fewer patients.`,
    );
    this.name = "BudgetExceededError";
  }
}

/** "N SMS (S segments, GSM-7) and M e-mails, USD x (GBP y)" */
export function describeRun(estimate: RunEstimate): string {
  const n = (value: number) => value.toLocaleString("en-GB");
  return `${n(estimate.sms)} SMS (${n(estimate.smsSegments)} segments, ${estimate.sms0.encoding}) and ${n(estimate.emails)} e-mails, costing USD ${estimate.totalUsd.toFixed(2)} (GBP ${estimate.totalGbp.toFixed(2)})`;
}

/** Throws BudgetExceededError when the run's estimate is above the budget. */
export function checkRunBudget(estimate: RunEstimate, budgetGbp: number): void {
  if (estimate.totalGbp > budgetGbp) throw new BudgetExceededError(estimate, budgetGbp);
}

/** The budget check the planner runs under its campaign lock, before it changes anything. */
export interface RunBudget {
  readonly settings: MessagingSettings;
  readonly prices: MessagePrices;
  readonly budgetGbp: number;
}

export async function enforceRunBudget(db: Pool | PoolConnection, campaign: Campaign, budget: RunBudget): Promise<RunEstimate> {
  const estimate = await estimatePlanRun(db, campaign, budget.settings, budget.prices);
  checkRunBudget(estimate, budget.budgetGbp);
  return estimate;
}

/** The same check for a reminder run of one campaign (each weekly run is capped like the first). */
export async function enforceReminderBudget(db: Pool | PoolConnection, campaign: Campaign, budget: RunBudget, now: Date): Promise<RunEstimate> {
  const estimate = await estimateReminderRun(db, campaign, budget.settings, budget.prices, now);
  checkRunBudget(estimate, budget.budgetGbp);
  return estimate;
}


export function messagePricesFromEnvironment(env: EnvironmentReader): MessagePrices {
  return {
    smsSegmentUsd: env.number(COST_ENVIRONMENT.smsSegmentUsd, { min: 0.0001, max: 10 }),
    emailPer1000Usd: env.number(COST_ENVIRONMENT.emailPer1000Usd, { min: 0.001, max: 100 }),
    gbpPerUsd: env.number(COST_ENVIRONMENT.gbpPerUsd, { min: 0.1, max: 10 }),
  };
}

export function runBudgetFromEnvironment(env: EnvironmentReader, settings: MessagingSettings): RunBudget {
  return { settings, prices: messagePricesFromEnvironment(env), budgetGbp: env.number(COST_ENVIRONMENT.budgetGbp, { min: 1, max: 1_000_000 }) };
}

// ---- Spend so far (the weekly report's block) ---------------------------------------------

export interface CampaignSpend extends PricedVolume {
  readonly prices: MessagePrices;
}

/** What the campaign has sent so far (every message the provider accepted, all rounds), priced. */
export async function campaignSpend(db: Pool | PoolConnection, campaignId: number, settings: MessagingSettings, prices: MessagePrices): Promise<CampaignSpend> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT d.channel, d.round, COUNT(*) AS n FROM deliveries d JOIN invitations i ON i.id = d.invitation_id
     WHERE i.campaign_id = ? AND (d.sent_at IS NOT NULL OR d.status IN ('sent', 'delivered', 'undeliverable'))
     GROUP BY d.channel, d.round`,
    [campaignId],
  );
  let sms = 0;
  let segments = 0;
  let emails = 0;
  for (const row of rows) {
    const n = Number(row.n);
    if (row.channel === "sms") {
      sms += n;
      segments += n * smsSegmentsOfRound(settings, Number(row.round)).segments;
    } else emails += n;
  }
  return { prices, ...priceVolume({ sms, smsSegments: segments, emails }, prices) };
}

/** The report's "Spend so far" section: counts and money only, no patient data. */
export function renderSpendSection(spend: CampaignSpend): SafeHtml {
  const n = (value: number) => value.toLocaleString("en-GB");
  const usd = (value: number) => `USD ${value.toFixed(2)}`;
  // Unit prices as configured (a UK segment is a few cents: two decimals would misstate it).
  const unitUsd = (value: number) => `USD ${value}`;
  return html`<section id="spend">
<h2>Spend so far</h2>
<table>
<thead><tr><th scope="col">Channel</th><th scope="col">Messages sent</th><th scope="col">Billed units</th><th scope="col">Price</th><th scope="col">Cost</th></tr></thead>
<tbody>
<tr><th scope="row">SMS</th><td>${n(spend.sms)}</td><td>${n(spend.smsSegments)} segments</td><td>${unitUsd(spend.prices.smsSegmentUsd)} per segment</td><td>${usd(spend.smsUsd)}</td></tr>
<tr><th scope="row">E-mail</th><td>${n(spend.emails)}</td><td>${n(spend.emails)} e-mails</td><td>${unitUsd(spend.prices.emailPer1000Usd)} per 1,000</td><td>${usd(spend.emailUsd)}</td></tr>
<tr><th scope="row">Total</th><td>${n(spend.sms + spend.emails)}</td><td></td><td></td><td><strong>${usd(spend.totalUsd)} (GBP ${spend.totalGbp.toFixed(2)})</strong></td></tr>
</tbody>
</table>
<p>Every message the provider accepted, invitations and reminders, at list prices (GBP at ${spend.prices.gbpPerUsd} per USD). AWS's bill is the authority; this is an estimate from the counts above.</p>
</section>`;
}
