/**
 * Lambda entry of the campaign planner, started by a schedule or a Step Functions task with
 * `{ "campaignId": <id> }`: invites every eligible patient not yet invited (planCampaign), in
 * pages, and hands the send requests to the send queue. Re-running it is always safe: it
 * finishes an interrupted run and invites only patients without an invitation.
 *
 * Environment: DB_* (functions/lib/database.ts), SEND_QUEUE_URL, PRACTICE_NAME and
 * PUBLIC_BASE_URL (checked here too, so bad messaging settings stop the campaign before any
 * invitation exists), PLAN_PAGE_SIZE (default 1000), PLAN_WRITERS (pages written in parallel,
 * default 3; the function opens that many database connections plus one).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { SQSClient } from "@aws-sdk/client-sqs";
import { describeRun, enforceRunBudget, estimatePlanRun, RunEstimate, runBudgetFromEnvironment } from "../campaign/cost";
import { CampaignError, loadCampaign, PLAN_DEFAULTS, planCampaign, PlanResult, SqsSendQueue } from "../campaign/dispatch";
import { validateMessagingSettings } from "../campaign/messages";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";
import { readEnvironment } from "../lib/environment";

const logger = new Logger({ serviceName: "campaign-plan" });
const metrics = new Metrics({ serviceName: "campaign-plan", namespace: "medicare/campaign" });
const env = readEnvironment();
const messaging = validateMessagingSettings({ practiceName: env.string("PRACTICE_NAME"), baseUrl: env.string("PUBLIC_BASE_URL") });
const budget = runBudgetFromEnvironment(env, messaging);
const queueUrl = env.string("SEND_QUEUE_URL");
const pageSize = env.integer("PLAN_PAGE_SIZE", { min: 10, max: 5000, fallback: PLAN_DEFAULTS.pageSize });
const writers = env.integer("PLAN_WRITERS", { min: 1, max: 8, fallback: PLAN_DEFAULTS.writers });
/** Exported so a test can close it. */
export const pool = createDatabasePool(databaseSettingsFromEnvironment(), writers + 1);
const queue = new SqsSendQueue(new SQSClient({ retryMode: "standard", maxAttempts: 3 }), queueUrl);

/** The campaign id from `{ campaignId }` (a number or a numeric string); anything else says what to send. */
export function campaignIdFrom(event: unknown): number {
  const raw = typeof event === "object" && event !== null ? (event as Record<string, unknown>).campaignId : undefined;
  const id = typeof raw === "string" && /^[0-9]+$/.test(raw) ? Number(raw) : raw;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) {
    throw new CampaignError(`the event must be {"campaignId": <positive integer>}; got campaignId ${JSON.stringify(raw ?? null)}.`);
  }
  return id;
}

/** True for `{ "dryRun": true }`; any other dryRun value is refused rather than read as a real run. */
export function isDryRun(event: unknown): boolean {
  const raw = typeof event === "object" && event !== null ? (event as Record<string, unknown>).dryRun : undefined;
  if (raw === undefined || raw === false) return false;
  if (raw === true) return true;
  throw new CampaignError(`dryRun must be true or false; got ${JSON.stringify(raw)}.`);
}

export const handler = async (event: unknown): Promise<PlanResult | RunEstimate> => {
  const campaignId = campaignIdFrom(event);
  logger.appendKeys({ campaignId });
  try {
    if (isDryRun(event)) {
      const estimate = await estimatePlanRun(pool, await loadCampaign(pool, campaignId), budget.settings, budget.prices);
      logger.info(`dry run: the run would send ${describeRun(estimate)}; budget GBP ${budget.budgetGbp}`, { estimate });
      return estimate;
    }
    const result = await planCampaign({ pool, queue, log: logger }, campaignId, {
      pageSize,
      writers,
      onPage: (progress) => logger.debug("page planned", progress),
      beforeChanges: async (connection, campaign) => {
        const estimate = await enforceRunBudget(connection, campaign, budget);
        logger.info(`run within budget: ${describeRun(estimate)}; budget GBP ${budget.budgetGbp}`, { estimate });
      },
    });
    metrics.addMetric("invitationsIssued", MetricUnit.Count, result.invitations + result.reissued);
    metrics.addMetric("deliveriesSkippedOptedOut", MetricUnit.Count, result.skippedOptedOut);
    return result;
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
};
