/**
 * npm run campaign:demo [-- --patients N] [--out DIR] [--concurrency N] [--help]
 *
 * The flu campaign end to end on this machine: starts MariaDB and moto, seeds synthetic
 * patients (default 150,000, 75% with a lung condition), invites every eligible one by SMS
 * and e-mail through SQS, SNS and SES on moto, lets a share of patients redeem their link
 * and book, a week later sends reminders to the non-respondents, and writes the weekly
 * report (HTML and CSV) to S3 on moto and to a local folder (default reports/campaign-demo).
 * Simulated time: invitations go out on day 0, reminders on day 8, the report on day 15.
 * Delivery receipts (delivered / failed / undeliverable) take production's path: SNS SMS
 * delivery status log lines and SES events, handed to the campaign-delivery-events function's
 * own code (lib/delivery-receipts.ts), which records them; the demo writes no outcome itself.
 * Measured times are in docs/campaign-preview.md.
 */
import { CreateBucketCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { CreateTopicCommand } from "@aws-sdk/client-sns";
import { mkdirSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { Pool } from "mysql2/promise";
import { bookSlot, freeSlots } from "../../functions/campaign/booking";
import { campaignSpend, describeRun, estimatePlanRun } from "../../functions/campaign/cost";
import { loadCampaign, planCampaign, SendQueue } from "../../functions/campaign/dispatch";
import { messagePrices } from "../../modules/core/pricing";
import { redeemToken } from "../../functions/campaign/redeem";
import { runReminders } from "../../functions/campaign/remind";
import { notifyStaff } from "../../functions/campaign/report-notify";
import { buildCampaignReport, renderReportCsv, renderReportHtml, writeReport } from "../../functions/campaign/report";
import { createCampaign, freshDatabase, LOCAL_MESSAGING, LOCAL_PLAN_PAGE_SIZE, LOCAL_REGION, LocalAws, localAws, planAndSend } from "./lib/local-campaign";
import { ROOT } from "../paths";
import { ProgressBar } from "../dev/lib/progress";
import { ensureLocalServices, stopLocalServices } from "../dev/lib/services";
import { generator, LUNG_CONDITION, seedPatients } from "./lib/synthetic-patients";
import { deliverReceipts, ReceiptCounts } from "./lib/delivery-receipts";
import { ToolError } from "../platform/lib/tools";

const DAY = 24 * 60 * 60 * 1000;
/** Share of invited patients who open their link and respond, and of those who then book. */
const RESPONSE_SHARE = [0.35, 0.25];
const BOOKING_SHARE = 0.8;

interface DemoOptions {
  readonly patients: number;
  readonly out: string;
  readonly concurrency: number;
}

const USAGE = `usage: npm run campaign:demo [-- options]
  --patients N      synthetic patients to seed, 1000..1000000 (default 150000: ~40 min; 4000: ~5 min)
  --out DIR         where report.html and report.csv go (default reports/campaign-demo)
  --concurrency N   send workers in parallel, 1..16 (default 6)
  --help            this text
Each option takes its value as --name N or --name=N.`;

/** `--help` was asked for: print USAGE and stop (not an error). */
export class HelpRequested extends Error {}

export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  const options = { patients: 150_000, out: join(ROOT, "reports", "campaign-demo"), concurrency: 6 };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") throw new HelpRequested(USAGE);
    const match = /^(--[a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match || !["--patients", "--out", "--concurrency"].includes(match[1])) throw new ToolError(`unknown option ${JSON.stringify(arg)}.\n${USAGE}`);
    const flag = match[1];
    if (seen.has(flag)) throw new ToolError(`${flag} is given twice; give it once.\n${USAGE}`);
    seen.add(flag);
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new ToolError(`${flag} needs a value (${flag} N or ${flag}=N).\n${USAGE}`);
      i++;
    }
    const whole = (min: number, max: number): number => {
      // Digits only (an optional _ or , between thousands): "1e5", "12.5", " 7" and "" are refused.
      const n = /^[0-9]+([_,][0-9]{3})*$/.test(value!) ? Number(value!.replace(/[_,]/g, "")) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) throw new ToolError(`${flag} needs a whole number from ${min.toLocaleString("en-GB")} to ${max.toLocaleString("en-GB")}, got ${JSON.stringify(value)}.\n${USAGE}`);
      return n;
    };
    if (flag === "--patients") options.patients = whole(1000, 1_000_000);
    else if (flag === "--concurrency") options.concurrency = whole(1, 16);
    else {
      if (value.trim() === "") throw new ToolError(`--out needs a folder, got an empty value.\n${USAGE}`);
      options.out = resolve(value);
    }
  }
  return options;
}

/**
 * Runs a planner (invitations or reminders) and the send worker together through SQS, SNS and
 * SES on moto, with a progress bar; returns the link each invitation received.
 */
async function planAndSendAll<T>(label: string, estimate: number, pool: Pool, aws: LocalAws, now: () => Date, concurrency: number, plan: (queue: SendQueue) => Promise<T>): Promise<{ planned: T; links: Map<number, string> }> {
  const bar = new ProgressBar(label, estimate, " invitations");
  const links = new Map<number, string>();
  const { planned } = await planAndSend(pool, aws, {
    concurrency,
    now,
    onHandled: (request) => {
      // The patient's phone or inbox now holds this link.
      links.set(request.invitationId, request.token);
      bar.advance(1);
    },
  }, plan);
  bar.finish();
  return { planned, links };
}

/** The receipts for everything sent so far, through the delivery-events function's code (see lib/delivery-receipts.ts). */
async function receiveDeliveryReceipts(label: string, pool: Pool, at: Date): Promise<ReceiptCounts> {
  const [[{ sent }]] = (await pool.query("SELECT COUNT(*) AS sent FROM deliveries WHERE status = 'sent' AND provider_message_id IS NOT NULL")) as unknown as [[{ sent: number }]];
  const bar = new ProgressBar(label, Number(sent), " messages");
  // Loaded here, after the demo quietened Powertools: the module makes its logger and metrics on load.
  const { createDeliveryEventsHandler } = await import("../../functions/campaign-delivery-events/handler");
  const counts = await deliverReceipts(pool, createDeliveryEventsHandler({ pool, now: () => at }), at, (n) => bar.advance(n));
  const unexpected = Object.entries(counts.outcomes).filter(([outcome]) => outcome !== "applied");
  bar.finish(`SMS ${counts.sms.delivered.toLocaleString("en-GB")} delivered, ${counts.sms.failed + counts.sms.undeliverable} not; e-mail ${counts.email.delivered.toLocaleString("en-GB")} delivered, ${counts.email.failed + counts.email.undeliverable} not`);
  if (unexpected.length > 0) throw new Error(`the delivery-events function did not apply every receipt: ${unexpected.map(([o, n]) => `${n} ${o}`).join(", ")}`);
  return counts;
}

/** A share of the patients holding a link redeem it (drawn with `seed`, a new draw each week); most of those book a slot. */
async function simulatePatients(label: string, pool: Pool, links: Map<number, string>, share: number, seed: number, now: () => Date): Promise<{ redeemed: number; booked: number }> {
  const random = generator(seed);
  const chosen = [...links.entries()].filter(() => random() < share);
  const bar = new ProgressBar(label, chosen.length, " patients");
  let redeemed = 0;
  let booked = 0;
  for (let start = 0; start < chosen.length; start += 16) {
    await Promise.all(
      chosen.slice(start, start + 16).map(async ([invitationId, token]) => {
        const result = await redeemToken(pool, token, now);
        if (result.outcome !== "redeemed") return;
        redeemed++;
        const slots = await freeSlots(pool, result.campaignId, now());
        if ((invitationId % 10) / 10 >= BOOKING_SHARE || slots.length === 0) return;
        const slot = slots[invitationId % slots.length];
        const booking = await bookSlot(pool, result.session.secret, slot.id, now);
        if (booking.outcome === "booked") booked++;
      }),
    );
    bar.advance(Math.min(16, chosen.length - start));
  }
  bar.finish(`${redeemed.toLocaleString("en-GB")} opened the link, ${booked.toLocaleString("en-GB")} booked`);
  return { redeemed, booked };
}

async function createSlots(pool: Pool, campaignId: number, start: Date, patients: number): Promise<void> {
  // Two sites, weekdays 08:00-18:00 every 10 minutes for four weeks, enough seats for ~30% of patients.
  const perSlot = Math.max(1, Math.ceil((patients * 0.3) / (2 * 20 * 60)));
  const rows: unknown[][] = [];
  for (let day = 1; day <= 28; day++) {
    const date = new Date(start.getTime() + day * DAY);
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
    for (let minute = 8 * 60; minute < 18 * 60; minute += 10) {
      for (const site of ["Riverside Surgery", "Hillside Health Centre"]) {
        rows.push([campaignId, site, new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), 0, minute)), perSlot]);
      }
    }
  }
  await pool.query("INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity) VALUES ?", [rows]);
}

/** Invitations of round 0 that at least one message actually left for, and the messages (never planned ones). */
async function sentCounts(pool: Pool, campaignId: number, round: "first" | "reminders"): Promise<{ invitations: number; sms: number; email: number }> {
  const [[row]] = (await pool.query(
    `SELECT COUNT(DISTINCT d.invitation_id) AS invitations, COALESCE(SUM(d.channel = 'sms'), 0) AS sms, COALESCE(SUM(d.channel = 'email'), 0) AS email
       FROM deliveries d JOIN invitations i ON i.id = d.invitation_id
      WHERE i.campaign_id = ? AND d.sent_at IS NOT NULL AND d.round ${round === "first" ? "= 0" : "> 0"}`,
    [campaignId],
  )) as unknown as [[{ invitations: number; sms: number; email: number }]];
  return { invitations: Number(row.invitations), sms: Number(row.sms), email: Number(row.email) };
}

async function main(): Promise<void> {
  const options = parseDemoOptions(process.argv.slice(2));
  // The delivery-events function logs every event at info level and publishes metrics per
  // invocation: right for Lambda, noise for a terminal running hundreds of thousands.
  process.env.POWERTOOLS_LOG_LEVEL ??= "ERROR";
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  const started = Date.now();
  const services = await ensureLocalServices("demo", (line) => process.stderr.write(`${line}\n`));
  const pool = await freshDatabase(services, "medicare_demo", 24).catch((error) => {
    stopLocalServices("demo");
    throw error;
  });
  try {
    const seeding = new ProgressBar("seeding patients", options.patients, " patients");
    await seedPatients(pool, { patients: options.patients, conditionShare: 0.75, seed: 2026 }, (n) => seeding.advance(n));
    seeding.finish();

    const day0 = new Date(Date.UTC(2026, 9, 5, 9, 0)); // Monday 5 October 2026, 10:00 in London
    const at = (day: number, hours = 0) => () => new Date(day0.getTime() + day * DAY + hours * 3_600_000);
    const campaignId = await createCampaign(pool, { name: "Flu vaccination 2026/27", reminderIntervalDays: 7, maxReminders: 3 });
    await createSlots(pool, campaignId, day0, options.patients);
    const aws = await localAws(services, `campaign-demo-${Date.now()}`);

    // The planner's dry run: what the first run will send and cost (prices of pricing/eu-west-2.json).
    const messaging = LOCAL_MESSAGING;
    const prices = messagePrices("eu-west-2");
    const dryRun = await estimatePlanRun(pool, await loadCampaign(pool, campaignId), messaging, prices);
    process.stderr.write(`  dry run: the first run will send ${describeRun(dryRun)}\n`);

    // Week 1: invite everyone eligible (the planner and the send worker run together).
    const [[{ withCondition }]] = (await pool.query("SELECT COUNT(*) AS withCondition FROM patient_conditions WHERE condition_code = ?", [LUNG_CONDITION])) as unknown as [[{ withCondition: number }]];
    const { planned: plan, links } = await planAndSendAll("inviting", Number(withCondition), pool, aws, at(0, 1), options.concurrency, (queue) =>
      planCampaign({ pool, queue, now: at(0) }, campaignId, { pageSize: LOCAL_PLAN_PAGE_SIZE }),
    );
    process.stderr.write(`  ${plan.invitations.toLocaleString("en-GB")} invitations, ${plan.ineligible.toLocaleString("en-GB")} patients without a usable channel\n`);
    await receiveDeliveryReceipts("week 1 receipts", pool, at(0, 2)());
    const week1 = await simulatePatients("week 1 responses", pool, links, RESPONSE_SHARE[0], 1, at(3));

    // Week 2: reminders to non-respondents whose last contact is over 7 days old.
    const [[{ nonRespondents }]] = (await pool.query("SELECT COUNT(*) AS nonRespondents FROM non_respondents WHERE campaign_id = ?", [campaignId])) as unknown as [[{ nonRespondents: number }]];
    const { planned: reminders, links: newLinks } = await planAndSendAll("reminding", Number(nonRespondents), pool, aws, at(8, 1), options.concurrency, (queue) =>
      runReminders({ pool, queue, now: at(8) }, { pageSize: LOCAL_PLAN_PAGE_SIZE }),
    );
    const reminded = reminders.campaigns.reduce((n, c) => n + c.invitations, 0);
    await receiveDeliveryReceipts("week 2 receipts", pool, at(8, 2)());
    const week2 = await simulatePatients("week 2 responses", pool, newLinks, RESPONSE_SHARE[1], 2, at(10));

    // The weekly report, to S3 (SSE-KMS) with a staff notification, and to the local folder.
    // Named per run, like the queue: the emulator keeps the last run's state while it runs.
    const bucket = `medicare-demo-reports-${Date.now()}`;
    await aws.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: LOCAL_REGION } }));
    const topic = await aws.sns.send(new CreateTopicCommand({ Name: "medicare-demo-staff" })); // CreateTopic is idempotent
    const report = { ...(await buildCampaignReport(pool, campaignId, at(15))), spend: await campaignSpend(pool, campaignId, messaging, prices) };
    const written = await writeReport({ s3: aws.s3, bucket, kmsKeyId: "alias/medicare-demo-messaging", region: LOCAL_REGION }, report);
    await notifyStaff(aws.sns, topic.TopicArn!, written);
    mkdirSync(options.out, { recursive: true });
    const html = await (await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: written.htmlKey }))).Body!.transformToString();
    if (html !== renderReportHtml(report)) throw new Error("the report read back from S3 differs from the one rendered");
    writeFileSync(join(options.out, "report.html"), html);
    writeFileSync(join(options.out, "report.csv"), renderReportCsv(report));

    const invited = await sentCounts(pool, campaignId, "first");
    const remindersSent = await sentCounts(pool, campaignId, "reminders");
    const minutes = ((Date.now() - started) / 60000).toFixed(1);
    process.stdout.write(
      [
        "",
        `campaign demo finished in ${minutes} min`,
        `  patients seeded          ${options.patients.toLocaleString("en-GB")}`,
        `  invitations sent         ${invited.invitations.toLocaleString("en-GB")} of ${plan.invitations.toLocaleString("en-GB")} planned (${invited.sms.toLocaleString("en-GB")} SMS, ${invited.email.toLocaleString("en-GB")} e-mails; ${plan.skippedOptedOut.toLocaleString("en-GB")} channels skipped: opted out)`,
        `  opened / booked          week 1 ${week1.redeemed.toLocaleString("en-GB")} / ${week1.booked.toLocaleString("en-GB")}, week 2 ${week2.redeemed.toLocaleString("en-GB")} / ${week2.booked.toLocaleString("en-GB")}`,
        `  reminders sent           ${remindersSent.invitations.toLocaleString("en-GB")} of ${reminded.toLocaleString("en-GB")} planned (${remindersSent.sms.toLocaleString("en-GB")} SMS, ${remindersSent.email.toLocaleString("en-GB")} e-mails)`,
        `  dry run before week 1    ${describeRun(dryRun)}`,
        `  spend so far             USD ${report.spend.totalUsd.toFixed(2)} (GBP ${report.spend.totalGbp.toFixed(2)}): ${report.spend.sms.toLocaleString("en-GB")} SMS, ${report.spend.emails.toLocaleString("en-GB")} e-mails`,
        `  report (S3, SSE-KMS)     s3://${bucket}/${written.htmlKey}`,
        `  report (local)           ${join(options.out, "report.html")} and report.csv`,
        "",
      ].join("\n"),
    );
  } finally {
    // An open pool would keep the process alive after a failure.
    await pool.end();
    stopLocalServices("demo");
  }
}

if (require.main === module) {
  main().catch((error) => {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${error.message}\n`);
      return;
    }
    process.stderr.write(`campaign:demo: ${error instanceof ToolError ? error.message : (error as Error).stack}\n`);
    process.exitCode = error instanceof ToolError ? 2 : 1;
  });
}
