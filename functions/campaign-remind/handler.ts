/**
 * Lambda entry of the weekly reminder (a schedule event; its content is ignored): first puts
 * booking confirmations whose enqueue was lost on the send queue (confirmations.ts
 * sweepUnqueuedConfirmations: campaign-web enqueues each after its booking commits, best
 * effort), then issues the next round to the non-respondents of every running campaign
 * (runReminders), then turns claims whose worker died into `unknown` for review
 * (markStaleClaimsForReview, and the same for confirmations).
 *
 * Environment: DB_*, SEND_QUEUE_URL, PRACTICE_NAME, PUBLIC_BASE_URL (validated before any
 * round is issued), STALE_CLAIM_MINUTES (default 30; must exceed the send queue's visibility
 * timeout), PLAN_PAGE_SIZE (default 1000), and the message prices and run budget of
 * functions/campaign/cost.ts: a campaign whose reminders would cost more than RUN_BUDGET_GBP
 * stops the run before its reminders change anything.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { SQSClient } from "@aws-sdk/client-sqs";
import { markStaleConfirmationClaims, sweepUnqueuedConfirmations } from "../campaign/confirmations";
import { describeRun, enforceReminderBudget, runBudgetFromEnvironment } from "../campaign/cost";
import { markStaleClaimsForReview, PLAN_DEFAULTS, SqsSendQueue } from "../campaign/dispatch";
import { validateMessagingSettings } from "../campaign/messages";
import { runReminders } from "../campaign/remind";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";
import { readEnvironment } from "../lib/environment";

const logger = new Logger({ serviceName: "campaign-remind" });
const metrics = new Metrics({ serviceName: "campaign-remind", namespace: "medicare/campaign" });
const env = readEnvironment();
const budget = runBudgetFromEnvironment(env, validateMessagingSettings({ practiceName: env.string("PRACTICE_NAME"), baseUrl: env.string("PUBLIC_BASE_URL") }));
const queueUrl = env.string("SEND_QUEUE_URL");
const staleClaimMinutes = env.integer("STALE_CLAIM_MINUTES", { min: 5, max: 1440, fallback: 30 });
const pageSize = env.integer("PLAN_PAGE_SIZE", { min: 10, max: 5000, fallback: PLAN_DEFAULTS.pageSize });
const pool = createDatabasePool(databaseSettingsFromEnvironment(), 1);
const queue = new SqsSendQueue(new SQSClient({ retryMode: "standard", maxAttempts: 3 }), queueUrl);

export const handler = async (): Promise<{ reminded: number; busyCampaigns: number[]; markedForReview: number; confirmationsSwept: number }> => {
  try {
    // Before the reminders: a budget stop or a busy campaign must not hold up a confirmation.
    const confirmationsSwept = await sweepUnqueuedConfirmations(pool, queue, new Date());
    if (confirmationsSwept > 0) logger.warn("booking confirmations whose enqueue was lost put on the queue", { confirmationsSwept });
    const result = await runReminders({ pool, queue, log: logger }, {
      pageSize,
      beforeChanges: async (connection, campaign) => {
        const estimate = await enforceReminderBudget(connection, campaign, budget, new Date());
        logger.info(`reminders within budget: ${describeRun(estimate)}; budget GBP ${budget.budgetGbp}`, { campaignId: campaign.id, estimate });
      },
    });
    const reminded = result.campaigns.reduce((sum, c) => sum + c.invitations, 0);
    const now = new Date();
    const staleBefore = new Date(now.getTime() - staleClaimMinutes * 60_000);
    const markedForReview = (await markStaleClaimsForReview(pool, staleBefore, now)) + (await markStaleConfirmationClaims(pool, staleBefore, now));
    if (markedForReview > 0) logger.warn("claims without an outcome marked unknown for review", { markedForReview });
    metrics.addMetric("remindersIssued", MetricUnit.Count, reminded);
    metrics.addMetric("deliveriesMarkedForReview", MetricUnit.Count, markedForReview);
    metrics.addMetric("confirmationsSwept", MetricUnit.Count, confirmationsSwept);
    return { reminded, busyCampaigns: [...result.busy], markedForReview, confirmationsSwept };
  } finally {
    metrics.publishStoredMetrics();
  }
};
