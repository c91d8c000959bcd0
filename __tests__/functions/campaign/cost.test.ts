/**
 * What a campaign run costs, against MariaDB: the planner's estimate counts exactly the messages
 * the run then sends (opt-outs and patients without a usable channel left out, interrupted
 * rounds included), the budget stops a run above it before anything changes, and the report's
 * spend counts what the provider accepted. Segment counting (GSM-7, UCS-2) without a database.
 */
import type { RowDataPacket } from "mysql2/promise";
import {
  BudgetExceededError,
  campaignSpend,
  checkRunBudget,
  enforceReminderBudget,
  enforceRunBudget,
  estimatePlanRun,
  estimateReminderRun,
  messagePricesFromEnvironment,
  priceVolume,
  renderSpendSection,
  runBudgetFromEnvironment,
  smsSegments,
  smsSegmentsOfRound,
} from "../../../functions/campaign/cost";
import { InMemorySendQueue, loadCampaign, planCampaign } from "../../../functions/campaign/dispatch";
import { validateMessagingSettings } from "../../../functions/campaign/messages";
import { remindCampaign } from "../../../functions/campaign/remind";
import { renderReportHtml, buildCampaignReport } from "../../../functions/campaign/report";
import { readEnvironment } from "../../../functions/lib/environment";
import { createCampaign, seedPatients } from "../../support/dispatch-fixtures";
import { createTestDatabase, TestDatabase } from "../../support/local-services";

const SETTINGS = { practiceName: "Riverside Surgery", baseUrl: "https://book.example.org" };
const PRICES = { smsSegmentUsd: 0.05, emailPer1000Usd: 0.1, gbpPerUsd: 0.8 };

describe("SMS segments", () => {
  test("GSM-7: 160 septets in one segment, then 153 per part; extension characters take two", () => {
    expect(smsSegments("a".repeat(160))).toEqual({ encoding: "GSM-7", length: 160, segments: 1 });
    expect(smsSegments("a".repeat(161)).segments).toBe(2);
    expect(smsSegments("a".repeat(306)).segments).toBe(2);
    expect(smsSegments("a".repeat(307)).segments).toBe(3);
    expect(smsSegments("€".repeat(80))).toEqual({ encoding: "GSM-7", length: 160, segments: 1 });
    expect(smsSegments("€".repeat(81)).segments).toBe(2);
  });

  test("UCS-2 as soon as one character is outside GSM-7: 70 in one segment, then 67 per part", () => {
    expect(smsSegments(`${"a".repeat(69)}ł`)).toEqual({ encoding: "UCS-2", length: 70, segments: 1 });
    expect(smsSegments(`${"a".repeat(70)}ł`).segments).toBe(2);
    expect(smsSegments(`${"a".repeat(133)}ł`).segments).toBe(2);
    expect(smsSegments(`${"a".repeat(134)}ł`).segments).toBe(3);
    // An emoji is two UTF-16 code units.
    expect(smsSegments(`${"a".repeat(68)}💉`).length).toBe(70);
  });

  test("the real invitation and reminders fit one GSM-7 segment (the settings' validation keeps them there)", () => {
    for (const round of [0, 1, 3]) expect(smsSegmentsOfRound(SETTINGS, round)).toMatchObject({ encoding: "GSM-7", segments: 1 });
    // The longest settings the validation accepts (host shortened until it does) still fit one
    // segment in every round; one character longer is refused.
    let host = 40;
    const settingsWith = (length: number) => ({ practiceName: "A".repeat(30), baseUrl: `https://${"b".repeat(length)}` });
    while (host > 0 && !accepts(settingsWith(host))) host--;
    expect(host).toBeGreaterThan(0);
    expect(() => validateMessagingSettings(settingsWith(host + 1))).toThrow(/one segment/);
    for (const round of [0, 1, 3]) expect(smsSegmentsOfRound(settingsWith(host), round).segments).toBe(1);
  });

  test("prices: segments x price, e-mails per 1,000, GBP at the configured rate, to the cent", () => {
    expect(priceVolume({ sms: 112_500, smsSegments: 112_500, emails: 112_500 }, PRICES)).toEqual({
      sms: 112_500, smsSegments: 112_500, emails: 112_500, smsUsd: 5625, emailUsd: 11.25, totalUsd: 5636.25, totalGbp: 4509,
    });
  });
});

describe("prices and budget from the function's environment", () => {
  test("read and checked, with the variable named when wrong", () => {
    const env = { SMS_SEGMENT_PRICE_USD: "0.045", EMAIL_PRICE_PER_1000_USD: "0.1", GBP_PER_USD: "0.79", RUN_BUDGET_GBP: "4500" };
    expect(runBudgetFromEnvironment(readEnvironment(env), SETTINGS)).toEqual({ settings: SETTINGS, prices: { smsSegmentUsd: 0.045, emailPer1000Usd: 0.1, gbpPerUsd: 0.79 }, budgetGbp: 4500 });
    expect(() => runBudgetFromEnvironment(readEnvironment({ ...env, RUN_BUDGET_GBP: "" }), SETTINGS)).toThrow(/RUN_BUDGET_GBP is not set/);
    expect(() => runBudgetFromEnvironment(readEnvironment({ ...env, RUN_BUDGET_GBP: "-5" }), SETTINGS)).toThrow(/RUN_BUDGET_GBP must be a number from 1/);
    expect(() => messagePricesFromEnvironment(readEnvironment({ ...env, SMS_SEGMENT_PRICE_USD: "free" }))).toThrow(/SMS_SEGMENT_PRICE_USD must be a number/);
    expect(() => messagePricesFromEnvironment(readEnvironment({ ...env, GBP_PER_USD: "79" }))).toThrow(/GBP_PER_USD must be a number from 0.1 to 10/);
  });
});

describe("against MariaDB", () => {
  let db: TestDatabase;
  let ids: Map<string, number>;
  const PATIENTS = [
    { ref: "both", phone: "+447700900201", email: "both@example.org" },
    { ref: "phone-only", phone: "+447700900202" },
    { ref: "sms-out", phone: "+447700900203", email: "sms-out@example.org", optedOut: ["sms" as const] },
    { ref: "email-only-out", email: "gone@example.org", optedOut: ["email" as const] },
    { ref: "no-contact" },
    { ref: "other-condition", phone: "+447700900206", email: "other@example.org", conditions: ["diabetes"] },
  ];
  const count = async (sql: string, values: unknown[]): Promise<number> => Number(((await db.admin.query<RowDataPacket[]>(sql, values))[0][0] as { n: number }).n);

  beforeAll(async () => {
    db = await createTestDatabase("campaign_cost");
    ids = await seedPatients(db.admin, PATIENTS);
  });
  afterAll(async () => {
    await db?.drop();
  });

  test("the estimate counts exactly what the run then sends", async () => {
    const campaignId = await createCampaign(db.admin);
    const estimate = await estimatePlanRun(db.as("campaign-plan"), await loadCampaign(db.as("campaign-plan"), campaignId), SETTINGS, PRICES);
    // both (sms+email), phone-only (sms), sms-out (email); email-only-out and no-contact have no usable channel.
    expect(estimate).toMatchObject({ newInvitations: 3, reissued: 0, sms: 2, smsSegments: 2, emails: 2, smsUsd: 0.1, emailUsd: 0, totalUsd: 0.1, totalGbp: 0.08 });
    const queue = new InMemorySendQueue();
    const result = await planCampaign({ pool: db.as("campaign-plan"), queue }, campaignId);
    expect(result.invitations).toBe(estimate.newInvitations);
    expect(result.pendingDeliveries).toBe(estimate.sms + estimate.emails);
    const after = await estimatePlanRun(db.as("campaign-plan"), await loadCampaign(db.as("campaign-plan"), campaignId), SETTINGS, PRICES);
    expect(after).toMatchObject({ newInvitations: 0, sms: 0, emails: 0, totalUsd: 0 });
  });

  test("an interrupted run's unqueued round is in the next run's estimate", async () => {
    const campaignId = await createCampaign(db.admin);
    const failing = { send: async () => Promise.reject(new Error("queue unavailable")) };
    await expect(planCampaign({ pool: db.as("campaign-plan"), queue: failing }, campaignId)).rejects.toThrow(/queue unavailable/);
    const estimate = await estimatePlanRun(db.as("campaign-plan"), await loadCampaign(db.as("campaign-plan"), campaignId), SETTINGS, PRICES);
    expect(estimate).toMatchObject({ newInvitations: 0, reissued: 3, sms: 2, emails: 2 });
  });

  test("above the budget the run refuses to start and changes nothing", async () => {
    const campaignId = await createCampaign(db.admin);
    const queue = new InMemorySendQueue();
    const budget = { settings: SETTINGS, prices: { ...PRICES, smsSegmentUsd: 10 }, budgetGbp: 15 };
    const run = planCampaign({ pool: db.as("campaign-plan"), queue }, campaignId, { beforeChanges: (connection, campaign) => enforceRunBudget(connection, campaign, budget).then(() => undefined) });
    await expect(run).rejects.toThrow(BudgetExceededError);
    await expect(planCampaign({ pool: db.as("campaign-plan"), queue }, campaignId, { beforeChanges: (c, campaign) => enforceRunBudget(c, campaign, budget).then(() => undefined) })).rejects.toThrow(
      /this run would send 2 SMS \(2 segments, GSM-7\) and 2 e-mails, costing USD 20\.00 \(GBP 16\.00\), above the run budget of GBP 15\.00\. Nothing was changed\. Raise campaign\.runBudgetGbp/,
    );
    expect(queue.requests).toHaveLength(0);
    expect((await loadCampaign(db.as("campaign-plan"), campaignId)).status).toBe("draft");
    expect(await count("SELECT COUNT(*) AS n FROM invitations WHERE campaign_id = ?", [campaignId])).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM unqueued_rounds WHERE campaign_id = ?", [campaignId])).toBe(0);

    // At the budget exactly, it runs.
    const atBudget = { ...budget, budgetGbp: 16 };
    const result = await planCampaign({ pool: db.as("campaign-plan"), queue }, campaignId, { beforeChanges: (c, campaign) => enforceRunBudget(c, campaign, atBudget).then(() => undefined) });
    expect(result.invitations).toBe(3);
    expect((await loadCampaign(db.as("campaign-plan"), campaignId)).status).toBe("running");
  });

  describe("the planner Lambda", () => {
    let handler: (event: unknown) => Promise<any>;
    let closePool: () => Promise<void>;
    beforeAll(() => {
      Object.assign(process.env, {
        ...db.environmentAs("campaign-plan"),
        PRACTICE_NAME: SETTINGS.practiceName, PUBLIC_BASE_URL: SETTINGS.baseUrl, SEND_QUEUE_URL: "https://sqs.eu-west-2.amazonaws.com/111111111111/never-used", AWS_REGION: "eu-west-2",
        SMS_SEGMENT_PRICE_USD: "10", EMAIL_PRICE_PER_1000_USD: "0.1", GBP_PER_USD: "0.8", RUN_BUDGET_GBP: "15",
        POWERTOOLS_DEV: "false", POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true",
      });
      jest.isolateModules(() => {
        const loaded = require("../../../functions/campaign-plan/handler");
        handler = loaded.handler;
        closePool = () => loaded.pool.end();
      });
    });
    afterAll(async () => closePool?.());

    test("{dryRun: true} returns what the run would send and cost, changing nothing; a run above RUN_BUDGET_GBP stops before anything changes", async () => {
      const campaignId = await createCampaign(db.admin);
      const estimate = await handler({ campaignId, dryRun: true });
      expect(estimate).toMatchObject({ campaignId, newInvitations: 3, sms: 2, smsSegments: 2, emails: 2, totalUsd: 20, totalGbp: 16 });
      await expect(handler({ campaignId })).rejects.toThrow(/above the run budget of GBP 15\.00\. Nothing was changed/);
      await expect(handler({ campaignId, dryRun: "yes" })).rejects.toThrow(/dryRun must be true or false; got "yes"/);
      expect((await loadCampaign(db.as("campaign-plan"), campaignId)).status).toBe("draft");
      expect(await count("SELECT COUNT(*) AS n FROM invitations WHERE campaign_id = ?", [campaignId])).toBe(0);
    });
  });

  test("reminder runs: estimated like the first run, capped by the same budget, refused without a change", async () => {
    const day = (n: number) => new Date(Date.UTC(2026, 9, 5 + n, 9));
    const campaignId = await createCampaign(db.admin, { reminderIntervalDays: 7, maxReminders: 2 });
    await planCampaign({ pool: db.as("campaign-plan"), queue: new InMemorySendQueue(), now: () => day(0) }, campaignId);
    await db.admin.query("UPDATE invitations SET last_contacted_at = ? WHERE campaign_id = ?", [day(0), campaignId]);
    const campaign = await loadCampaign(db.as("campaign-plan"), campaignId);
    expect(await estimateReminderRun(db.as("campaign-remind"), campaign, SETTINGS, PRICES, day(6))).toMatchObject({ kind: "remind", newInvitations: 0, sms: 0, emails: 0 });
    const due = await estimateReminderRun(db.as("campaign-remind"), campaign, SETTINGS, PRICES, day(8));
    expect(due).toMatchObject({ kind: "remind", newInvitations: 3, sms: 2, smsSegments: 2, emails: 2, totalUsd: 0.1 });

    const tight = { settings: SETTINGS, prices: { ...PRICES, smsSegmentUsd: 10 }, budgetGbp: 15 };
    const queue = new InMemorySendQueue();
    await expect(remindCampaign({ pool: db.as("campaign-remind"), queue, now: () => day(8) }, campaignId, { beforeChanges: (c, k) => enforceReminderBudget(c, k, tight, day(8)).then(() => undefined) })).rejects.toThrow(
      /campaign \d+: this reminder run would send 2 SMS \(2 segments, GSM-7\) and 2 e-mails, costing USD 20\.00 \(GBP 16\.00\), above the run budget of GBP 15\.00\. Nothing was changed/,
    );
    expect(queue.requests).toHaveLength(0);
    expect(await count("SELECT COUNT(*) AS n FROM invitations WHERE campaign_id = ? AND round > 0", [campaignId])).toBe(0);

    const result = await remindCampaign({ pool: db.as("campaign-remind"), queue, now: () => day(8) }, campaignId, { beforeChanges: (c, k) => enforceReminderBudget(c, k, { ...tight, budgetGbp: 16 }, day(8)).then(() => undefined) });
    expect(result.invitations).toBe(due.newInvitations);
    expect(result.pendingDeliveries).toBe(due.sms + due.emails);
  });

  test("checkRunBudget compares in GBP and says what to change", () => {
    const estimate = { campaignId: 7, kind: "plan" as const, newInvitations: 1, reissued: 0, sms0: { encoding: "GSM-7" as const, length: 100, segments: 1 }, ...priceVolume({ sms: 1000, smsSegments: 1000, emails: 1000 }, PRICES) };
    expect(() => checkRunBudget(estimate, 40.08)).not.toThrow();
    expect(() => checkRunBudget(estimate, 40.07)).toThrow(/campaign 7: this run would send 1,000 SMS .* above the run budget of GBP 40\.07/);
  });

  test("spend so far: every message the provider accepted, in the report as its own section", async () => {
    const campaignId = await createCampaign(db.admin);
    await planCampaign({ pool: db.as("campaign-plan"), queue: new InMemorySendQueue() }, campaignId);
    // Outcomes: an SMS delivered, one failed before the provider took it; an e-mail sent, one undeliverable after acceptance.
    const rows = await db.admin.query<RowDataPacket[]>(
      "SELECT d.id, d.channel FROM deliveries d JOIN invitations i ON i.id = d.invitation_id WHERE i.campaign_id = ? AND d.status = 'pending' ORDER BY d.id",
      [campaignId],
    );
    const [sms1, sms2] = rows[0].filter((r) => r.channel === "sms");
    const [email1, email2] = rows[0].filter((r) => r.channel === "email");
    await db.admin.query("UPDATE deliveries SET status = 'delivered', sent_at = NOW(3) WHERE id IN (?)", [[sms1.id, email1.id]]);
    await db.admin.query("UPDATE deliveries SET status = 'failed' WHERE id = ?", [sms2.id]);
    await db.admin.query("UPDATE deliveries SET status = 'undeliverable' WHERE id = ?", [email2.id]);
    const spend = await campaignSpend(db.as("campaign-report"), campaignId, SETTINGS, PRICES);
    expect(spend).toMatchObject({ sms: 1, smsSegments: 1, emails: 2, smsUsd: 0.05, emailUsd: 0, totalUsd: 0.05, totalGbp: 0.04 });
    const page = renderReportHtml({ ...(await buildCampaignReport(db.as("campaign-report"), campaignId, () => new Date())), spend });
    expect(page).toContain("<h2>Spend so far</h2>");
    expect(page).toContain("USD 0.05 (GBP 0.04)");
    expect(renderSpendSection({ ...spend, prices: { ...PRICES, smsSegmentUsd: 0.0458 } }).markup).toContain("USD 0.0458 per segment");
    expect(renderSpendSection(spend).markup).not.toMatch(/@|\+44/);
    expect(ids.size).toBe(PATIENTS.length);
  });
});

function accepts(settings: { practiceName: string; baseUrl: string }): boolean {
  try {
    validateMessagingSettings(settings);
    return true;
  } catch {
    return false;
  }
}
