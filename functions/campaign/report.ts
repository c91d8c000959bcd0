/**
 * The weekly campaign report: aggregate counts from the database, per channel and per week,
 * rendered as an HTML page staff open in a browser and as CSV for spreadsheets, written to
 * the encrypted reports bucket, and announced to staff over SNS.
 *
 * Aggregates only: every query returns counts, so no name, phone number, email address,
 * external reference or token can reach the report, the bucket or the notification.
 *
 * Weeks are ISO weeks in Europe/London time (Monday 00:00 local to Sunday 24:00 local, so
 * they follow the clocks through BST). The database groups by UTC hour; the hours are mapped
 * to London weeks here, which is exact because UK clock changes fall on whole UTC hours and
 * needs no time zone tables in the database.
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Pool, RowDataPacket } from "mysql2/promise";
import { html, page, SafeHtml } from "../lib/html";
import { Channel, CHANNELS } from "./channels";
import { CampaignSpend, renderSpendSection } from "./cost";

export const REPORT_TIME_ZONE = "Europe/London";
/** A row's channel: one of the two, or both together ("all"). */
export type ReportChannel = Channel | "all";
const REPORT_CHANNELS: readonly ReportChannel[] = [...CHANNELS, "all"];

export interface ReportCounts {
  /**
   * Patients invited: invitations created (one per patient), in the week their invitation was
   * created. Per channel: those whose first invitation was addressed on that channel.
   */
  invited: number;
  /** Messages addressed to patients (every delivery row: first invitations and reminders). */
  messages: number;
  /** Messages the provider accepted (SNS or SES returned a message id). */
  sent: number;
  delivered: number;
  failed: number;
  undeliverable: number;
  /** Messages not sent because the patient had opted out of the channel. */
  optedOutSkipped: number;
  /** Patients of this campaign who opted out of the channel while the campaign ran. */
  optedOutNew: number;
  /** optedOutSkipped + optedOutNew. */
  optedOut: number;
  /** Sent or not is not known (the sender stopped mid-send): for review, never resent automatically. */
  unknown: number;
  /** Waiting to be sent or being sent now. */
  inProgress: number;
  /** Invitations answered: an appointment booked online, or an outcome recorded by staff. */
  responded: number;
  /** Appointments booked online (and not cancelled). */
  booked: number;
}

/** Where the campaign's patients stand, one figure per patient (the summary). */
export interface PatientFigures {
  readonly invited: number;
  /** Answered: booked online or an outcome recorded by staff. */
  readonly respondents: number;
  readonly bookedOnline: number;
  /** Answered without an online booking: staff recorded booked by phone, vaccinated elsewhere or declined. */
  readonly respondedNotBooked: number;
  readonly bookedByPhone: number;
  readonly vaccinatedElsewhere: number;
  readonly declined: number;
  /** Not answered yet (reminders continue). */
  readonly nonRespondents: number;
  /** Non-respondents who opened their link but have not booked (e.g. no free time suited them). */
  readonly openedNotBooked: number;
}

export interface ReportRow {
  /** ISO week label, e.g. 2026-W47. */
  readonly week: string;
  /** The Monday that starts the week, London date (yyyy-mm-dd). */
  readonly weekStart: string;
  readonly channel: ReportChannel;
  readonly counts: Readonly<ReportCounts>;
}

export interface ChannelTotals {
  readonly channel: ReportChannel;
  readonly counts: Readonly<ReportCounts>;
  /** Invitations with at least one message sent on the channel (on either, for "all"): the rates' denominator. */
  readonly reached: number;
  /** responded / reached, or null when nobody was reached. */
  readonly responseRate: number | null;
  readonly bookingRate: number | null;
}

export interface CampaignReport {
  readonly campaign: { readonly id: number; readonly name: string; readonly status: string; readonly createdAt: Date };
  readonly generatedAt: Date;
  readonly timeZone: typeof REPORT_TIME_ZONE;
  /** Invitations in the campaign (one per patient). */
  readonly invitations: number;
  readonly patients: PatientFigures;
  /** Week by week, oldest first, no week left out between the first and the last; channels sms, email, all in each week. */
  readonly rows: readonly ReportRow[];
  readonly totals: readonly ChannelTotals[];
  /** What the messages sent so far cost (functions/campaign/cost.ts); the page shows it when present. */
  readonly spend?: CampaignSpend;
}

export class CampaignNotFoundError extends Error {
  constructor(campaignId: number) {
    super(`campaign ${campaignId} does not exist; check the schedule's campaignId`);
    this.name = "CampaignNotFoundError";
  }
}

/** Every count at zero: the start of each aggregate, and of an empty week. */
export const zeroReportCounts = (): ReportCounts => ({
  invited: 0,
  messages: 0,
  sent: 0,
  delivered: 0,
  failed: 0,
  undeliverable: 0,
  optedOutSkipped: 0,
  optedOutNew: 0,
  optedOut: 0,
  unknown: 0,
  inProgress: 0,
  responded: 0,
  booked: 0,
});

// A message counts as sent once the provider accepted it; a later failure report keeps sent_at.
const WAS_SENT = "(d.sent_at IS NOT NULL OR d.status IN ('sent', 'delivered', 'undeliverable'))";
const REACHED_BY = (channel: Channel) =>
  `EXISTS (SELECT 1 FROM deliveries d WHERE d.invitation_id = i.id AND d.channel = '${channel}' AND ${WAS_SENT})`;
// UTC hour buckets: the week is worked out in code (see the file comment).
const HOUR = (column: string) => `DATE_FORMAT(${column}, '%Y-%m-%d %H')`;

/** Reads the campaign's aggregates and arranges them by week and channel. */
export async function buildCampaignReport(pool: Pool, campaignId: number, now: () => Date): Promise<CampaignReport> {
  const generatedAt = now();
  const [campaigns] = await pool.query<RowDataPacket[]>("SELECT id, name, status, created_at FROM campaigns WHERE id = ?", [campaignId]);
  if (campaigns.length === 0) throw new CampaignNotFoundError(campaignId);
  const campaign = { id: Number(campaigns[0].id), name: String(campaigns[0].name), status: String(campaigns[0].status), createdAt: campaigns[0].created_at as Date };

  const [deliveries] = await pool.query<RowDataPacket[]>(
    `SELECT d.channel, d.status, ${WAS_SENT} AS was_sent,
       ${HOUR("COALESCE(d.claimed_at, d.sent_at, d.status_at, i.issued_at, i.created_at)")} AS hour, COUNT(*) AS n
     FROM deliveries d JOIN invitations i ON i.id = d.invitation_id
     WHERE i.campaign_id = ?
     GROUP BY d.channel, d.status, was_sent, hour`,
    [campaignId],
  );
  const [responses] = await pool.query<RowDataPacket[]>(
    `SELECT ${HOUR("i.responded_at")} AS hour, ${REACHED_BY("sms")} AS via_sms, ${REACHED_BY("email")} AS via_email, COUNT(*) AS n
     FROM invitations i
     WHERE i.campaign_id = ? AND i.responded_at IS NOT NULL
     GROUP BY hour, via_sms, via_email`,
    [campaignId],
  );
  const [bookings] = await pool.query<RowDataPacket[]>(
    `SELECT ${HOUR("b.booked_at")} AS hour, ${REACHED_BY("sms")} AS via_sms, ${REACHED_BY("email")} AS via_email, COUNT(*) AS n
     FROM bookings b JOIN invitations i ON i.id = b.invitation_id
     WHERE i.campaign_id = ?
     GROUP BY hour, via_sms, via_email`,
    [campaignId],
  );
  const [optOuts] = await pool.query<RowDataPacket[]>(
    `SELECT cp.channel, ${HOUR("cp.opted_out_at")} AS hour, COUNT(*) AS n
     FROM contact_preferences cp JOIN invitations i ON i.patient_id = cp.patient_id
     WHERE i.campaign_id = ? AND cp.opted_out_at >= ? AND cp.opted_out_at <= ?
     GROUP BY cp.channel, hour`,
    [campaignId, campaign.createdAt, generatedAt],
  );
  const FIRST_ADDRESSED_BY = (channel: Channel) => `EXISTS (SELECT 1 FROM deliveries d WHERE d.invitation_id = i.id AND d.round = 0 AND d.channel = '${channel}')`;
  const [invitedRows] = await pool.query<RowDataPacket[]>(
    `SELECT ${HOUR("i.created_at")} AS hour, ${FIRST_ADDRESSED_BY("sms")} AS via_sms, ${FIRST_ADDRESSED_BY("email")} AS via_email, COUNT(*) AS n
     FROM invitations i WHERE i.campaign_id = ?
     GROUP BY hour, via_sms, via_email`,
    [campaignId],
  );
  const [figures] = await pool.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS invited,
       COALESCE(SUM(i.responded_at IS NOT NULL), 0) AS respondents,
       COALESCE(SUM(booked), 0) AS booked_online,
       COALESCE(SUM(i.responded_at IS NOT NULL AND NOT booked), 0) AS responded_not_booked,
       COALESCE(SUM(NOT booked AND i.staff_outcome = 'booked-by-phone'), 0) AS booked_by_phone,
       COALESCE(SUM(NOT booked AND i.staff_outcome = 'vaccinated-elsewhere'), 0) AS vaccinated_elsewhere,
       COALESCE(SUM(NOT booked AND i.staff_outcome = 'declined'), 0) AS declined,
       COALESCE(SUM(i.responded_at IS NULL AND opened), 0) AS opened_not_booked
     FROM (SELECT i.id, i.responded_at, i.staff_outcome,
             EXISTS (SELECT 1 FROM bookings b WHERE b.invitation_id = i.id) AS booked,
             EXISTS (SELECT 1 FROM invitation_tokens t WHERE t.invitation_id = i.id AND t.redeemed_at IS NOT NULL) AS opened
           FROM invitations i WHERE i.campaign_id = ?) i`,
    [campaignId],
  );
  const [reach] = await pool.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS invitations, COALESCE(SUM(via_sms), 0) AS sms, COALESCE(SUM(via_email), 0) AS email, COALESCE(SUM(via_sms OR via_email), 0) AS any_channel
     FROM (SELECT ${REACHED_BY("sms")} AS via_sms, ${REACHED_BY("email")} AS via_email FROM invitations i WHERE i.campaign_id = ?) reached`,
    [campaignId],
  );

  const weeks = new Map<string, { counts: Record<ReportChannel, ReportCounts> }>();
  const countsFor = (hour: string, channel: ReportChannel): ReportCounts => {
    const { weekStart } = londonWeekOfUtcHour(hour);
    let entry = weeks.get(weekStart);
    if (!entry) {
      entry = { counts: { sms: zeroReportCounts(), email: zeroReportCounts(), all: zeroReportCounts() } };
      weeks.set(weekStart, entry);
    }
    return entry.counts[channel];
  };
  const addToChannelAndAll = (hour: string, channel: Channel, apply: (c: ReportCounts) => void) => {
    apply(countsFor(hour, channel));
    apply(countsFor(hour, "all"));
  };

  for (const row of deliveries) {
    const n = Number(row.n);
    const status = String(row.status);
    addToChannelAndAll(String(row.hour), row.channel as Channel, (c) => {
      c.messages += n;
      if (Number(row.was_sent) === 1) c.sent += n;
      if (status === "delivered") c.delivered += n;
      else if (status === "failed") c.failed += n;
      else if (status === "undeliverable") c.undeliverable += n;
      else if (status === "skipped_opted_out") c.optedOutSkipped += n;
      else if (status === "unknown") c.unknown += n;
      else if (status === "pending" || status === "sending") c.inProgress += n;
    });
  }
  for (const row of optOuts) {
    addToChannelAndAll(String(row.hour), row.channel as Channel, (c) => (c.optedOutNew += Number(row.n)));
  }
  for (const [rows, key] of [
    [invitedRows, "invited"],
    [responses, "responded"],
    [bookings, "booked"],
  ] as const) {
    for (const row of rows) {
      const n = Number(row.n);
      // Per channel: among invitations reached on that channel; "all": every invitation once.
      if (Number(row.via_sms) === 1) countsFor(String(row.hour), "sms")[key] += n;
      if (Number(row.via_email) === 1) countsFor(String(row.hour), "email")[key] += n;
      countsFor(String(row.hour), "all")[key] += n;
    }
  }

  const rows: ReportRow[] = [];
  const totals: Record<ReportChannel, ReportCounts> = { sms: zeroReportCounts(), email: zeroReportCounts(), all: zeroReportCounts() };
  for (const weekStart of consecutiveWeeks([...weeks.keys()])) {
    const entry = weeks.get(weekStart);
    for (const channel of REPORT_CHANNELS) {
      const counts = entry ? entry.counts[channel] : zeroReportCounts();
      counts.optedOut = counts.optedOutSkipped + counts.optedOutNew;
      rows.push({ week: isoWeekLabel(weekStart), weekStart, channel, counts });
      for (const key of Object.keys(totals[channel]) as (keyof ReportCounts)[]) totals[channel][key] += counts[key];
    }
  }
  const reached: Record<ReportChannel, number> = { sms: Number(reach[0].sms), email: Number(reach[0].email), all: Number(reach[0].any_channel) };
  const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);
  return {
    campaign,
    generatedAt,
    timeZone: REPORT_TIME_ZONE,
    invitations: Number(reach[0].invitations),
    patients: {
      invited: Number(figures[0].invited),
      respondents: Number(figures[0].respondents),
      bookedOnline: Number(figures[0].booked_online),
      respondedNotBooked: Number(figures[0].responded_not_booked),
      bookedByPhone: Number(figures[0].booked_by_phone),
      vaccinatedElsewhere: Number(figures[0].vaccinated_elsewhere),
      declined: Number(figures[0].declined),
      nonRespondents: Number(figures[0].invited) - Number(figures[0].respondents),
      openedNotBooked: Number(figures[0].opened_not_booked),
    },
    rows,
    totals: REPORT_CHANNELS.map((channel) => ({
      channel,
      counts: totals[channel],
      reached: reached[channel],
      responseRate: rate(totals[channel].responded, reached[channel]),
      bookingRate: rate(totals[channel].booked, reached[channel]),
    })),
  };
}

// ---- Europe/London weeks -------------------------------------------------------------------

const LONDON_DATE = new Intl.DateTimeFormat("en-GB", { timeZone: REPORT_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short" });
const ISO_WEEKDAY: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const DAY_MS = 86_400_000;

/** The London calendar date (yyyy-mm-dd) and ISO weekday (1 = Monday) of an instant. */
export function londonDate(instant: Date): { date: string; isoWeekday: number } {
  const parts = Object.fromEntries(LONDON_DATE.formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, isoWeekday: ISO_WEEKDAY[parts.weekday] };
}

/** The London week (Monday date and ISO label) an instant falls in. */
export function londonWeek(instant: Date): { week: string; weekStart: string } {
  const { date, isoWeekday } = londonDate(instant);
  const monday = new Date(Date.parse(`${date}T00:00:00Z`) - (isoWeekday - 1) * DAY_MS).toISOString().slice(0, 10);
  return { week: isoWeekLabel(monday), weekStart: monday };
}

/** ISO 8601 week label (e.g. 2026-W01) of the week starting on the given Monday. */
export function isoWeekLabel(monday: string): string {
  const thursday = new Date(Date.parse(`${monday}T00:00:00Z`) + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

const weekOfHour = new Map<string, { week: string; weekStart: string }>();
function londonWeekOfUtcHour(hour: string): { week: string; weekStart: string } {
  let week = weekOfHour.get(hour);
  if (!week) {
    week = londonWeek(new Date(`${hour.replace(" ", "T")}:00:00Z`));
    weekOfHour.set(hour, week);
  }
  return week;
}

/** Every Monday from the earliest to the latest given, so a quiet week shows as zeros rather than vanishing. */
function consecutiveWeeks(mondays: readonly string[]): string[] {
  if (mondays.length === 0) return [];
  const times = mondays.map((m) => Date.parse(`${m}T00:00:00Z`));
  const result: string[] = [];
  for (let t = Math.min(...times); t <= Math.max(...times); t += 7 * DAY_MS) result.push(new Date(t).toISOString().slice(0, 10));
  return result;
}

// ---- HTML ---------------------------------------------------------------------------------

const CHANNEL_NAMES: Readonly<Record<ReportChannel, string>> = { sms: "SMS", email: "Email", all: "Both channels" };
const NUMBER = new Intl.NumberFormat("en-GB");
const LONDON_TIME = new Intl.DateTimeFormat("en-GB", { timeZone: REPORT_TIME_ZONE, dateStyle: "long", timeStyle: "short" });

const percent = (rate: number | null) => (rate === null ? "–" : `${(rate * 100).toFixed(1)}%`);

/** Columns of the CSV, in order (every count). */
const COLUMNS: readonly { key: keyof ReportCounts; heading: string; csv: string }[] = [
  { key: "invited", heading: "Invited", csv: "invited" },
  { key: "messages", heading: "Messages", csv: "messages" },
  { key: "sent", heading: "Sent", csv: "sent" },
  { key: "delivered", heading: "Delivered", csv: "delivered" },
  { key: "failed", heading: "Failed", csv: "failed" },
  { key: "undeliverable", heading: "Undeliverable", csv: "undeliverable" },
  { key: "optedOut", heading: "Opted out", csv: "opted_out" },
  { key: "optedOutSkipped", heading: "(skipped)", csv: "opted_out_skipped" },
  { key: "optedOutNew", heading: "(new opt-outs)", csv: "opted_out_new" },
  { key: "unknown", heading: "Unknown (review)", csv: "unknown" },
  { key: "inProgress", heading: "In progress", csv: "in_progress" },
  { key: "responded", heading: "Responded", csv: "responded" },
  { key: "booked", heading: "Booked", csv: "booked" },
];

/**
 * The page's tables are narrow enough for a 640 px column: patients (invited, responded, booked)
 * first, messages in a table of their own; every count is in the CSV.
 */
type HtmlColumn = { readonly heading: string; readonly value: (c: Readonly<ReportCounts>) => number };
const PATIENT_COLUMNS: readonly HtmlColumn[] = [
  { heading: "Invited", value: (c) => c.invited },
  { heading: "Responded", value: (c) => c.responded },
  { heading: "Booked", value: (c) => c.booked },
];
const MESSAGE_COLUMNS: readonly HtmlColumn[] = [
  { heading: "Messages", value: (c) => c.messages },
  { heading: "Sent", value: (c) => c.sent },
  { heading: "Delivered", value: (c) => c.delivered },
  { heading: "Not delivered", value: (c) => c.failed + c.undeliverable },
  { heading: "Opted out", value: (c) => c.optedOut },
  { heading: "Unknown", value: (c) => c.unknown },
];

const LEGEND: readonly [string, string][] = [
  ["Invited", "patients invited (one invitation each), in the week their invitation was created. Per channel: patients whose first invitation went by that channel; a patient with both counts in both, and once under both channels."],
  ["Responded", "patients who answered: booked an appointment online, or told the practice (staff recorded booked by phone, vaccinated elsewhere or declined). Opening the link alone is not an answer. Counted in the week of the answer, per channel among patients reached on that channel."],
  ["Booked", "appointments booked online and not cancelled, in the week of booking, split by channel like Responded."],
  ["Non-respondents", "patients who have not answered; they keep getting reminders. Those who opened their link without booking may have found no time that suited them."],
  ["Messages", "messages addressed to patients: first invitations and weekly reminders, whatever happened to them next. A message counts in the week it was first handed to the sender."],
  ["Sent", "messages the SMS or email provider accepted."],
  ["Delivered", "the provider confirmed delivery to the phone or mailbox."],
  ["Not delivered", "failed (the provider refused the message or reported a temporary failure) plus undeliverable (the number or address does not work). The CSV has both."],
  ["Opted out", "messages not sent because the patient had opted out of that channel, plus patients of this campaign who opted out of that channel during the campaign."],
  ["Unknown", "the sender stopped before recording the outcome, so whether the message went is not known. These are never resent automatically: staff review them."],
  ["Response and booking rates", "responded or booked divided by the patients reached (at least one message sent) on that channel."],
];

export function renderReportHtml(report: CampaignReport): string {
  const all = report.totals.find((t) => t.channel === "all") as ChannelTotals;
  const p = report.patients;
  const table = (caption: string, firstHeading: string, columns: readonly HtmlColumn[], rows: readonly { label: string; counts: Readonly<ReportCounts> }[]): SafeHtml => html`<div class="table-scroll">
<table>
<caption>${caption}</caption>
<thead><tr><th scope="col">${firstHeading}</th>${columns.map((c) => html`<th scope="col">${c.heading}</th>`)}</tr></thead>
<tbody>
${rows.map((r) => html`<tr><th scope="row">${r.label}</th>${columns.map((c) => html`<td>${NUMBER.format(c.value(r.counts))}</td>`)}</tr>\n`)}</tbody>
</table>
</div>`;
  const byChannel = report.totals.map((t) => ({ label: CHANNEL_NAMES[t.channel], counts: t.counts }));
  const body = html`<main>
<h1>Campaign report: ${report.campaign.name}</h1>
<p>Campaign status: ${report.campaign.status}. Generated ${LONDON_TIME.format(report.generatedAt)} (UK time; ${report.generatedAt.toISOString()} UTC).
Weeks run Monday to Sunday, UK time (${report.timeZone}), and are labelled with their ISO week number.</p>
<h2>Summary</h2>
<ul>
<li>Patients invited: <strong>${NUMBER.format(report.invitations)}</strong>; reached by at least one message: <strong>${NUMBER.format(all.reached)}</strong></li>
<li>Responded: <strong>${NUMBER.format(p.respondents)}</strong> (${percent(all.responseRate)}); booked online: <strong>${NUMBER.format(p.bookedOnline)}</strong> (${percent(all.bookingRate)})</li>
<li>Responded, not booked online: <strong>${NUMBER.format(p.respondedNotBooked)}</strong> (recorded by staff: booked by phone ${NUMBER.format(p.bookedByPhone)}, vaccinated elsewhere ${NUMBER.format(p.vaccinatedElsewhere)}, declined ${NUMBER.format(p.declined)})</li>
<li>Non-respondents: <strong>${NUMBER.format(p.nonRespondents)}</strong>, of whom ${NUMBER.format(p.openedNotBooked)} opened their link without booking</li>
<li>Messages sent: <strong>${NUMBER.format(all.counts.sent)}</strong> of ${NUMBER.format(all.counts.messages)}; delivered ${NUMBER.format(all.counts.delivered)}, failed ${NUMBER.format(all.counts.failed)}, undeliverable ${NUMBER.format(all.counts.undeliverable)}</li>
<li>Opted out: <strong>${NUMBER.format(all.counts.optedOut)}</strong>; unknown outcome, for review: <strong>${NUMBER.format(all.counts.unknown)}</strong></li>
</ul>
${report.spend ? renderSpendSection(report.spend) : ""}
<h2>Totals by channel</h2>
${table("Patients by channel", "Channel", PATIENT_COLUMNS, byChannel)}
<div class="table-scroll">
<table>
<caption>Response and booking rates by channel</caption>
<thead><tr><th scope="col">Channel</th><th scope="col">Reached</th><th scope="col">Response rate</th><th scope="col">Booking rate</th></tr></thead>
<tbody>
${report.totals.map((t) => html`<tr><th scope="row">${CHANNEL_NAMES[t.channel]}</th><td>${NUMBER.format(t.reached)}</td><td>${percent(t.responseRate)}</td><td>${percent(t.bookingRate)}</td></tr>\n`)}</tbody>
</table>
</div>
${table("Messages by channel", "Channel", MESSAGE_COLUMNS, byChannel)}
${REPORT_CHANNELS.map((channel) => {
  const weeks = report.rows.filter((r) => r.channel === channel).map((r) => ({ label: `${r.week} (from ${r.weekStart})`, counts: r.counts }));
  return html`<h2>${CHANNEL_NAMES[channel]}, week by week</h2>
${report.rows.length === 0 ? html`<p>Nothing has been sent yet.</p>` : html`${table(`${CHANNEL_NAMES[channel]}: patients by week`, "Week", PATIENT_COLUMNS, weeks)}
${table(`${CHANNEL_NAMES[channel]}: messages by week`, "Week", MESSAGE_COLUMNS, weeks)}`}
`;
})}
<h2>What the numbers mean</h2>
<dl>
${LEGEND.map(([term, meaning]) => html`<dt><strong>${term}</strong></dt><dd>${meaning}</dd>\n`)}</dl>
<p>This report holds counts only: no patient is named or identified in it. The CSV file has every count, week by week.</p>
</main>`;
  // Staff open the report from a file: the stylesheet travels inside it.
  return page(`Campaign report: ${report.campaign.name}`, body, { standalone: true });
}

// ---- CSV ----------------------------------------------------------------------------------

/**
 * What a spreadsheet may run as a formula: a first visible character of = + - @ (or their
 * full-width forms ＝ ＋ － ＠, which some programs fold to ASCII), after any leading white
 * space (spaces, non-breaking and other Unicode spaces, which some programs trim), or a cell
 * starting with a tab, carriage return or line feed.
 */
const FORMULA_START = /^(?:[\t\r\n]|[\s\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000\uFEFF]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/**
 * One CSV cell, RFC 4180 quoted when needed. A cell a spreadsheet would run as a formula
 * (FORMULA_START) gets a leading apostrophe so it is shown as text.
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? "" : String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = ["campaign", "week", "week_start", "channel", ...COLUMNS.map((c) => c.csv), "reached", "response_rate", "booking_rate"];

/** One row per week and channel (sms, email, all), then one total row per channel; CRLF line ends. */
export function renderReportCsv(report: CampaignReport): string {
  const rate = (r: number | null) => (r === null ? null : Number(r.toFixed(4)));
  const lines: (string | number | null)[][] = [CSV_HEADER];
  for (const row of report.rows) {
    lines.push([report.campaign.name, row.week, row.weekStart, row.channel, ...COLUMNS.map((c) => row.counts[c.key]), null, null, null]);
  }
  for (const total of report.totals) {
    lines.push([report.campaign.name, "total", null, total.channel, ...COLUMNS.map((c) => total.counts[c.key]), total.reached, rate(total.responseRate), rate(total.bookingRate)]);
  }
  return lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

// ---- Writing and announcing --------------------------------------------------------------

export interface WriteReportDependencies {
  readonly s3: Pick<S3Client, "send">;
  readonly bucket: string;
  readonly kmsKeyId: string;
  /** For the console link in the notification. */
  readonly region: string;
}

export interface WrittenReport {
  readonly htmlKey: string;
  readonly csvKey: string;
  /**
   * The staff notification: where the report is and the totals line, no patient data. The
   * Lambda returns it and its on-success destination publishes it to the staff topic, so the
   * function carries no SNS client (its bundle is near the 1 MiB budget); see notifyStaff.
   */
  readonly notification: string;
}

/** The S3 prefix of a report: reports/<campaign-id>/<London date of generation>/. */
export const reportPrefix = (report: CampaignReport) => `reports/${report.campaign.id}/${londonDate(report.generatedAt).date}/`;

/** Puts report.html and report.csv (SSE-KMS with the reports key) and tells staff where they are. */
export async function writeReport(deps: WriteReportDependencies, report: CampaignReport): Promise<WrittenReport> {
  const prefix = reportPrefix(report);
  const htmlKey = `${prefix}report.html`;
  const csvKey = `${prefix}report.csv`;
  const put = (Key: string, Body: string, ContentType: string) =>
    deps.s3.send(
      new PutObjectCommand({
        Bucket: deps.bucket,
        Key,
        Body,
        ContentType,
        ContentDisposition: Key.endsWith(".csv") ? 'attachment; filename="report.csv"' : undefined,
        CacheControl: "no-store",
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: deps.kmsKeyId,
      }),
    );
  await put(htmlKey, renderReportHtml(report), "text/html; charset=utf-8");
  await put(csvKey, renderReportCsv(report), "text/csv; charset=utf-8; header=present");
  return { htmlKey, csvKey, notification: notificationText(deps, report, htmlKey, csvKey) };
}

/** The staff notification: campaign name, where the report is, the totals line. Nothing about any patient. */
export function notificationText(deps: Pick<WriteReportDependencies, "bucket" | "region">, report: CampaignReport, htmlKey: string, csvKey: string): string {
  const all = report.totals.find((t) => t.channel === "all") as ChannelTotals;
  const consoleLink = (key: string) =>
    `https://${deps.region}.console.aws.amazon.com/s3/object/${deps.bucket}?region=${deps.region}&prefix=${encodeURIComponent(key)}`;
  return [
    `The weekly report for campaign "${report.campaign.name}" (id ${report.campaign.id}) is ready.`,
    "",
    `Report: s3://${deps.bucket}/${htmlKey}`,
    `Open in the console: ${consoleLink(htmlKey)}`,
    `CSV: s3://${deps.bucket}/${csvKey}`,
    "",
    `Patients: ${report.patients.invited} invited, ${report.patients.respondents} responded, ${report.patients.bookedOnline} booked online, ` +
      `${report.patients.respondedNotBooked} responded without booking online, ${report.patients.nonRespondents} not responded yet.`,
    `Messages: ${all.counts.messages} addressed, ${all.counts.sent} sent, ${all.counts.delivered} delivered, ${all.counts.failed} failed, ` +
      `${all.counts.undeliverable} undeliverable, ${all.counts.optedOut} opted out, ${all.counts.unknown} unknown.`,
  ].join("\n");
}
