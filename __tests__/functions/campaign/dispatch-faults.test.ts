/**
 * Fault tests of dispatch, against the real MariaDB and moto with the recording proxy:
 * (1) the dispatcher killed with SIGKILL mid-plan and mid-send, then resumed;
 * (2) throttling answers from the provider; (3) duplicate queue deliveries, through the
 * Lambda handler and its Powertools batch processing.
 */
import { sendQueued } from "../../../functions/campaign/send-worker";
import { ChildProcess, spawn } from "child_process";
import { join } from "path";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { RowDataPacket } from "mysql2/promise";
import { countUnqueued, InMemorySendQueue, markStaleClaimsForReview, planCampaign, sendRequestsFromSqs, SqsSendQueue } from "../../../functions/campaign/dispatch";
import { RateLimiter } from "../../../functions/campaign/rate-limit";
import { awsClientConfig, createCampaign, createSendQueue, seedPatients, sendDependencies, syntheticPatients, verifyEmailSource } from "../../support/dispatch-fixtures";
import { FaultProxy, startFaultProxy } from "../../support/fault-proxy";
import { createTestDatabase, localServices, TestDatabase } from "../../support/local-services";

let db: TestDatabase;
let proxy: FaultProxy;
let moto: string;

beforeAll(async () => {
  db = await createTestDatabase("dispatch_faults");
  moto = (await localServices()).awsEndpoint;
  await verifyEmailSource(moto);
  // One proxy for the file; every test has its own condition code, patients and recipients.
  proxy = await startFaultProxy(moto);
});
afterAll(async () => {
  await proxy?.close();
  await db?.drop();
});
afterEach(() => proxy.setThrottleShare(0));

const ROOT = join(__dirname, "..", "..", "..");
const waitFor = async (condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};
const count = async (sql: string, values: unknown[] = []): Promise<number> => {
  const [rows] = await db.admin.query<RowDataPacket[]>(sql, values);
  return Number(rows[0].n);
};

/** Every delivery of the campaign with the recipient it goes to. */
async function deliveriesOf(campaignId: number): Promise<{ status: string; recipient: string; attempts: number; detail: string | null }[]> {
  const [rows] = await db.admin.query<RowDataPacket[]>(
    `SELECT d.status, d.attempts, d.status_detail AS detail, IF(d.channel = 'sms', p.phone_e164, p.email) AS recipient
     FROM deliveries d JOIN invitations i ON i.id = d.invitation_id JOIN patients p ON p.id = i.patient_id WHERE i.campaign_id = ?`,
    [campaignId],
  );
  return rows as { status: string; recipient: string; attempts: number; detail: string | null }[];
}

test("killed with SIGKILL mid-plan and mid-send, then resumed: nobody sent twice, nobody skipped", async () => {
  const PATIENTS = 300;
  const DRAIN_CONCURRENCY = 2;
  const KILLS = 2;
  // Claims that can be in flight when a process dies: receive loops x 10 messages x 2 channels.
  const IN_FLIGHT_BOUND = KILLS * DRAIN_CONCURRENCY * 10 * 2;
  const seeded = syntheticPatients(PATIENTS, { prefix: "K", first: 0, condition: "faults-kill" });
  await seedPatients(db.admin, seeded);
  const campaignId = await createCampaign(db.admin, { condition: "faults-kill" });
  const queueUrl = await createSendQueue(moto, `faults-kill-${Date.now()}`, 3);
  const expectedDeliveries = seeded.reduce((n, p) => n + (p.phone ? 1 : 0) + (p.email ? 1 : 0), 0);

  let child: ChildProcess | undefined;
  let exit: Promise<number | null> = Promise.resolve(null);
  const start = () => {
    child = spawn(process.execPath, ["--import", "tsx", join("__tests__", "support", "dispatch-worker.ts")], {
      cwd: ROOT,
      env: {
        ...process.env, ...db.environmentAs("campaign-plan"), SEND_DB_USER: db.environmentAs("campaign-send").DB_USER,
        CAMPAIGN_ID: String(campaignId), QUEUE_URL: queueUrl, SQS_ENDPOINT: moto, SEND_ENDPOINT: proxy.endpoint, DRAIN_CONCURRENCY: String(DRAIN_CONCURRENCY), PLAN_DELAY_MS: "40",
        // Past the queue's 3 s visibility timeout: a redelivery settles a killed run's claim as `unknown`.
        CLAIM_TIMEOUT_MS: "4000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    exit = new Promise((resolve) => child!.on("exit", (code) => {
      if (code !== 0 && code !== null) process.stderr.write(stderr);
      resolve(code);
    }));
  };
  const kill = async () => {
    child!.kill("SIGKILL");
    expect(await exit).toBeNull();
  };

  // 1: mid-plan (some pages committed, more to come) with sends under way.
  start();
  await waitFor(async () => (await count("SELECT COUNT(*) AS n FROM invitations WHERE campaign_id = ?", [campaignId])) >= 60 && proxy.sends.length > 0, "the first pages and sends");
  await kill();
  const invitedAtFirstKill = await count("SELECT COUNT(*) AS n FROM invitations WHERE campaign_id = ?", [campaignId]);
  expect(invitedAtFirstKill).toBeLessThan(PATIENTS);

  // 2: mid-send, after the plan has moved on.
  start();
  const sendsBefore = proxy.sends.length;
  await waitFor(() => proxy.sends.length >= sendsBefore + 100, "more sends after the restart");
  await kill();

  // 3: run to completion.
  start();
  expect(await exit).toBe(0);

  // Claims the dead processes held: unknown, for review, never resent (settled by a redelivery, or here by the sweep).
  await markStaleClaimsForReview(db.as("campaign-remind"), new Date(Date.now() + 1000));
  const all = await deliveriesOf(campaignId);
  const counts = proxy.countsByRecipient();

  // One invitation per patient, every usable channel has exactly one delivery row.
  expect(await count("SELECT COUNT(*) AS n FROM invitations WHERE campaign_id = ?", [campaignId])).toBe(PATIENTS);
  expect(all).toHaveLength(expectedDeliveries);
  // 0 duplicate sends.
  const duplicates = [...counts].filter(([, n]) => n > 1);
  expect(duplicates).toEqual([]);
  // 0 skipped: every delivery was sent, or was in flight at a kill and is now for review.
  const byStatus = all.reduce<Record<string, number>>((acc, d) => ({ ...acc, [d.status]: (acc[d.status] ?? 0) + 1 }), {});
  expect(Object.keys(byStatus).filter((s) => s !== "sent" && s !== "unknown")).toEqual([]);
  const unknown = all.filter((d) => d.status === "unknown");
  expect(unknown.filter((d) => d.detail !== "claimed, no outcome recorded (worker stopped); review before any resend")).toEqual([]);
  expect(unknown.length).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
  for (const d of all) {
    if (d.status === "sent") expect([d.recipient, counts.get(d.recipient)]).toEqual([d.recipient, 1]);
    else expect(counts.get(d.recipient) ?? 0).toBeLessThanOrEqual(1);
  }
  // Exactly one live token per invitation; every stale one revoked.
  expect(await count("SELECT COUNT(*) AS n FROM invitation_tokens t JOIN invitations i ON i.id = t.invitation_id WHERE i.campaign_id = ? AND t.revoked_at IS NULL", [campaignId])).toBe(PATIENTS);
  expect(await countUnqueued(db.admin, campaignId)).toBe(0);
}, 180_000);

test("throttling answers: the cap and backoff still deliver every message exactly once", async () => {
  const seeded = syntheticPatients(90, { prefix: "T", first: 1000, condition: "faults-throttle" });
  await seedPatients(db.admin, seeded);
  const campaignId = await createCampaign(db.admin, { condition: "faults-throttle" });
  const queueUrl = await createSendQueue(moto, `faults-throttle-${Date.now()}`, 1);
  const sqs = new SQSClient({ ...awsClientConfig(moto), maxAttempts: 3 });
  await planCampaign({ pool: db.as("campaign-plan"), queue: new SqsSendQueue(sqs, queueUrl) }, campaignId);
  proxy.setThrottleShare(0.5);
  // Two retries of our own: with half the sends throttled, some run out and go back to the queue.
  const deps = sendDependencies(db.as("campaign-send"), proxy.endpoint, { backoff: { baseMs: 2, maxMs: 20, retries: 1 }, limiters: { sms: new RateLimiter(200), email: new RateLimiter(200) } });
  const drained = await sendRequestsFromSqs({ sqs, queueUrl, handle: (request) => sendQueued(deps, request), concurrency: 2 });
  expect(proxy.throttled).toBeGreaterThan(0);
  expect(drained.retried).toBeGreaterThan(0);
  const all = await deliveriesOf(campaignId);
  expect(all).toHaveLength(seeded.reduce((n, p) => n + (p.phone ? 1 : 0) + (p.email ? 1 : 0), 0));
  expect(all.filter((d) => d.status !== "sent")).toEqual([]);
  expect(all.some((d) => d.attempts > 1)).toBe(true);
  const counts = proxy.countsByRecipient();
  for (const d of all) expect(counts.get(d.recipient)).toBe(1);
  const recipients = new Set(all.map((d) => d.recipient));
  expect(proxy.sends.filter((send) => recipients.has(send.recipient))).toHaveLength(all.length);
}, 120_000);

describe("the send handler", () => {
  let handler: (event: unknown, context: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
  let closeHandlerPool: () => Promise<void>;
  afterAll(async () => closeHandlerPool?.());
  beforeAll(() => {
    Object.assign(process.env, {
      ...db.environmentAs("campaign-send"),
      PRACTICE_NAME: "Riverside Surgery", PUBLIC_BASE_URL: "https://book.example.org", EMAIL_SOURCE: "invitations@riverside.example.org", SES_CONFIGURATION_SET: "campaign",
      SMS_SENDER_ID: "Riverside", SMS_PER_SECOND: "100", EMAIL_PER_SECOND: "100", AWS_REGION: "eu-west-2", AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing",
      POWERTOOLS_DEV: "false", POWERTOOLS_LOG_LEVEL: "SILENT", POWERTOOLS_METRICS_DISABLED: "true",
    });
    // The handler reads its configuration once, at load (cold start); SNS and SES go to the proxy via AWS_ENDPOINT_URL.
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    jest.isolateModules(() => {
      const loaded = require("../../../functions/campaign-send/handler");
      handler = loaded.handler;
      closeHandlerPool = () => loaded.deps.pool.end();
    });
  });

  test("duplicate queue deliveries in one batch and across batches send once; a malformed record is dropped, not retried", async () => {
    const seeded = [{ ref: "H1", phone: "+447700955501", email: "h1@example.org", conditions: ["faults-handler"] }, { ref: "H2", email: "h2@example.org", conditions: ["faults-handler"] }];
    await seedPatients(db.admin, seeded);
    const campaignId = await createCampaign(db.admin, { condition: "faults-handler" });
    const queue = new InMemorySendQueue();
    await planCampaign({ pool: db.as("campaign-plan"), queue }, campaignId);
    expect(queue.requests).toHaveLength(2);
    const bodies = queue.requests.map((r) => JSON.stringify(r));
    const record = (id: string, body: string) => ({ messageId: id, receiptHandle: id, body, attributes: {}, messageAttributes: {}, md5OfBody: "", eventSource: "aws:sqs", eventSourceARN: "arn:aws:sqs:eu-west-2:000000000000:send", awsRegion: "eu-west-2" });
    const batch = { Records: [...bodies.map((b, i) => record(`a${i}`, b)), ...bodies.map((b, i) => record(`b${i}`, b)), record("bad", "not json")] };
    const first = await handler(batch, {});
    // Duplicates handled at the same moment as their twin may find its claim still open and
    // ask to be retried; nothing else fails, and the malformed record is never retried.
    for (const failure of first.batchItemFailures) expect(failure.itemIdentifier).toMatch(/^[ab][01]$/);
    const again = await handler({ Records: bodies.map((b, i) => record(`c${i}`, b)) }, {});
    expect(again.batchItemFailures).toEqual([]);
    const counts = proxy.countsByRecipient();
    for (const recipient of ["+447700955501", "h1@example.org", "h2@example.org"]) expect(counts.get(recipient)).toBe(1);
  });

  test("a throttled record is reported as a batch item failure, its delivery back to pending with the attempt counted", async () => {
    await seedPatients(db.admin, [{ ref: "H3", email: "h3@example.org", conditions: ["faults-throttled-handler"] }]);
    const campaignId = await createCampaign(db.admin, { condition: "faults-throttled-handler" });
    const queue = new InMemorySendQueue();
    await planCampaign({ pool: db.as("campaign-plan"), queue }, campaignId);
    expect(queue.requests).toHaveLength(1);
    const request = queue.requests[0];
    proxy.setThrottleShare(1);
    const result = await handler({ Records: [{ messageId: "t1", body: JSON.stringify(request) }] }, {});
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "t1" }]);
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT status, attempts, claimed_at FROM deliveries WHERE invitation_id = ?", [request.invitationId]);
    expect(rows[0]).toMatchObject({ status: "pending", attempts: 1, claimed_at: null });
    proxy.setThrottleShare(0);
    expect((await handler({ Records: [{ messageId: "t2", body: JSON.stringify(request) }] }, {})).batchItemFailures).toEqual([]);
    expect(proxy.countsByRecipient().get("h3@example.org")).toBe(1);
  }, 60_000);
});
