/**
 * The dispatcher as a separate process, for the kill -9 fault test: plans the campaign into
 * moto SQS (each batch slowed a little so a kill can land mid-plan) while draining the queue
 * through sendInvitation with SNS and SES behind the fault proxy. Exits 0 once the plan is
 * done and the queue is empty. Run: node --import tsx __tests__/support/dispatch-worker.ts
 *
 * Environment: DB_HOST, DB_PORT, DB_USER (the planner's database user), SEND_DB_USER (the send
 * worker's; both with DB_PASSWORD), DB_NAME, CAMPAIGN_ID, QUEUE_URL,
 * SQS_ENDPOINT (moto), SEND_ENDPOINT (the proxy), DRAIN_CONCURRENCY, PLAN_DELAY_MS,
 * CLAIM_TIMEOUT_MS (claims older than this, left by a killed run, are settled as `unknown`).
 */
import { sendQueued } from "../../functions/campaign/send-worker";
import { SQSClient } from "@aws-sdk/client-sqs";
import { planCampaign, SendQueue, sendRequestsFromSqs, SqsSendQueue } from "../../functions/campaign/dispatch";
import { createDatabasePool } from "../../functions/lib/database";
import { awsClientConfig, sendDependencies } from "./dispatch-fixtures";

async function main(): Promise<void> {
  const env = process.env;
  // Two Lambdas in one process: each signs in as its own database user, as in AWS.
  const poolOf = (user: string) => createDatabasePool({ kind: "password", host: env.DB_HOST!, port: Number(env.DB_PORT), user, password: env.DB_PASSWORD ?? "", database: env.DB_NAME! }, 8);
  const planPool = poolOf(env.DB_USER!);
  const sendPool = poolOf(env.SEND_DB_USER ?? env.DB_USER!);
  const sqs = new SQSClient({ ...awsClientConfig(env.SQS_ENDPOINT!), maxAttempts: 3 });
  const sqsQueue = new SqsSendQueue(sqs, env.QUEUE_URL!);
  const delay = Number(env.PLAN_DELAY_MS ?? "0");
  const slowQueue: SendQueue = {
    async send(requests) {
      await sqsQueue.send(requests);
      await new Promise((resolve) => setTimeout(resolve, delay));
    },
  };
  let planned = false;
  const plan = planCampaign({ pool: planPool, queue: slowQueue }, Number(env.CAMPAIGN_ID), { pageSize: 20, writers: 2 }).then((result) => {
    planned = true;
    return result;
  });
  const deps = sendDependencies(sendPool, env.SEND_ENDPOINT!, env.CLAIM_TIMEOUT_MS ? { claimTimeoutMs: Number(env.CLAIM_TIMEOUT_MS) } : {});
  const drain = sendRequestsFromSqs({ sqs, queueUrl: env.QUEUE_URL!, handle: (request) => sendQueued(deps, request), concurrency: Number(env.DRAIN_CONCURRENCY ?? "2"), until: () => planned });
  const [planResult, drainResult] = await Promise.all([plan, drain]);
  process.stdout.write(JSON.stringify({ plan: planResult, drain: drainResult }) + "\n");
  await Promise.all([planPool.end(), sendPool.end()]);
}

main().catch((error) => {
  process.stderr.write(`dispatch worker failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
