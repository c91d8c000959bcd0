/**
 * What the demo and the bench share: a fresh local campaign database, SDK clients pointed at
 * moto with the SES identity and SQS queue the send worker needs, and the campaign row.
 */
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { SESClient, VerifyDomainIdentityCommand } from "@aws-sdk/client-ses";
import { SNSClient } from "@aws-sdk/client-sns";
import { S3Client } from "@aws-sdk/client-s3";
import { createConnection, Pool, ResultSetHeader } from "mysql2/promise";
import { DrainResult, SendQueue, SendRequest, sendInvitation, sendRequestsFromSqs, SqsSendQueue } from "../../../functions/campaign/dispatch";
import { MessagingSettings } from "../../../functions/campaign/messages";
import { RateLimiter } from "../../../functions/campaign/rate-limit";
import { migrate } from "../../../functions/campaign/schema/migrate";
import { createDatabasePool } from "../../../functions/lib/database";
import { LocalServices } from "../../dev/lib/services";
import { LUNG_CONDITION } from "./synthetic-patients";

export const LOCAL_REGION = "eu-west-2";
export const LOCAL_SENDER_DOMAIN = "medicare.example";
/** What the local campaign's messages say, and where their links point. */
export const LOCAL_MESSAGING: MessagingSettings = { practiceName: "Riverside Surgery", baseUrl: "https://book.medicare.example" };

/** Drops and recreates the database `name` on the local server and applies every migration. */
export async function createMigratedDatabase(services: LocalServices, name: string): Promise<void> {
  if (!/^[a-z][a-z0-9_]{0,63}$/i.test(name)) throw new Error(`database name ${JSON.stringify(name)} must be letters, digits and underscores`);
  const admin = await createConnection({ host: services.mysql.host, port: services.mysql.port, user: services.mysql.user, password: services.mysql.password });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.changeUser({ database: name });
    await migrate(admin);
  } finally {
    await admin.end();
  }
}

/** A freshly migrated database `name`, and a pool on it. */
export async function freshDatabase(services: LocalServices, name: string, connectionLimit = 16): Promise<Pool> {
  await createMigratedDatabase(services, name);
  return createDatabasePool(localDatabaseSettings(services, name), connectionLimit);
}

export const localDatabaseSettings = (services: LocalServices, database: string) => ({ kind: "password" as const, ...services.mysql, database });

export interface LocalAws {
  readonly sns: SNSClient;
  readonly ses: SESClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  readonly queueUrl: string;
}

/** Clients on moto, the verified sender domain, and a send queue named `queueName` (visibility timeout 60 s unless told). */
export async function localAws(services: LocalServices, queueName: string, options: { visibilityTimeoutSeconds?: number } = {}): Promise<LocalAws> {
  const config = { region: LOCAL_REGION, endpoint: services.awsEndpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" }, retryMode: "standard" as const, maxAttempts: 3 };
  const ses = new SESClient(config);
  const sqs = new SQSClient(config);
  await ses.send(new VerifyDomainIdentityCommand({ Domain: LOCAL_SENDER_DOMAIN }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: queueName, Attributes: { VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 60) } }));
  return { sns: new SNSClient(config), ses, sqs, s3: new S3Client({ ...config, forcePathStyle: true }), queueUrl: queue.QueueUrl! };
}

export interface CampaignRow {
  /** @default a unique name */
  readonly name?: string;
  /** @default the flu campaign's lung condition */
  readonly condition?: string;
  /** @default "draft" */
  readonly status?: "draft" | "running" | "completed" | "cancelled";
  readonly tokenTtlDays?: number;
  readonly reminderIntervalDays?: number;
  readonly maxReminders?: number;
}

export async function createCampaign(pool: Pool, campaign: CampaignRow = {}): Promise<number> {
  const [result] = await pool.query<ResultSetHeader>(
    "INSERT INTO campaigns (name, condition_code, status, token_ttl_days, reminder_interval_days, max_reminders) VALUES (?, ?, ?, ?, ?, ?)",
    [
      campaign.name ?? `campaign-${Math.random().toString(36).slice(2)}`,
      campaign.condition ?? LUNG_CONDITION,
      campaign.status ?? "draft",
      campaign.tokenTtlDays ?? 28,
      campaign.reminderIntervalDays ?? 7,
      campaign.maxReminders ?? 3,
    ],
  );
  return result.insertId;
}

export interface LocalDrainOptions {
  /** Receive loops in parallel. */
  readonly concurrency: number;
  /** The worker's clock (the demo simulates time). */
  readonly now?: () => Date;
  /** Called with each request once the worker has handled it. */
  readonly onHandled?: (request: SendRequest) => void;
  /** Keep receiving until this returns true and the queue is empty. @default () => true */
  readonly until?: () => boolean;
}

/**
 * Runs the send worker over the local queue until it is empty, as the Lambda event source
 * would. No rate cap worth the name: the production cap is configuration (SMS_PER_SECOND,
 * EMAIL_PER_SECOND), and here the emulator is the limit.
 */
export async function drainSendQueue(pool: Pool, aws: LocalAws, options: LocalDrainOptions): Promise<DrainResult> {
  const settings = { ...LOCAL_MESSAGING, emailSource: `Riverside Surgery <invitations@${LOCAL_SENDER_DOMAIN}>` };
  const limiters = { sms: new RateLimiter(10_000), email: new RateLimiter(10_000) };
  const deps = { pool, sns: aws.sns, ses: aws.ses, settings, limiters, now: options.now };
  return sendRequestsFromSqs({
    sqs: aws.sqs,
    queueUrl: aws.queueUrl,
    concurrency: options.concurrency,
    until: options.until,
    handle: async (request) => {
      await sendInvitation(deps, request);
      options.onHandled?.(request);
    },
  });
}

/**
 * A send queue that holds the planner back while `limit` requests are enqueued and not yet
 * handled. Only for the emulator: moto's ReceiveMessage walks every message in the queue
 * (40 ms at 100 messages, 0.3 s at 400, seconds at a campaign's 100,000), where SQS does not
 * care how deep the queue is.
 */
export class BoundedSendQueue implements SendQueue {
  private outstanding = 0;
  private waiting: (() => void)[] = [];
  private failure: unknown;

  constructor(private readonly inner: SendQueue, private readonly limit: number) {}

  async send(requests: readonly SendRequest[]): Promise<void> {
    while (this.outstanding >= this.limit && this.failure === undefined) await new Promise<void>((wake) => this.waiting.push(wake));
    if (this.failure !== undefined) throw this.failure;
    this.outstanding += requests.length;
    await this.inner.send(requests);
  }

  /** One request left the queue (handled by the worker). */
  handled(): void {
    this.outstanding--;
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** The worker stopped: planners waiting for room fail instead of waiting forever. */
  fail(error: unknown): void {
    this.failure = error;
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/** Planner pages for the emulator: small, so the bounded queue stays shallow. */
export const LOCAL_PLAN_PAGE_SIZE = 50;

/**
 * Runs a planner (`plan`, e.g. planCampaign or runReminders, given the queue to enqueue on)
 * and the send worker at the same time, as the Lambda event source would, with the queue kept
 * shallow for the emulator. Returns what the planner returned once every request is handled,
 * and how many distinct invitations were handled: SQS delivers at least once, so a request
 * whose visibility timeout ran out is received and handled again (harmlessly: the claim makes
 * the second a no-op), and `drained.handled` counts it twice.
 */
export async function planAndSend<T>(pool: Pool, aws: LocalAws, options: LocalDrainOptions, plan: (queue: SendQueue) => Promise<T>): Promise<{ planned: T; drained: DrainResult; invitationsHandled: number; redeliveries: number }> {
  const queue = new BoundedSendQueue(new SqsSendQueue(aws.sqs, aws.queueUrl), options.concurrency * 10);
  let planning = true;
  const handled = new Set<number>();
  const drained = drainSendQueue(pool, aws, {
    ...options,
    until: () => !planning,
    onHandled: (request) => {
      // A redelivered request was counted into the bound once only.
      if (!handled.has(request.invitationId)) queue.handled();
      handled.add(request.invitationId);
      options.onHandled?.(request);
    },
  }).catch((error) => {
    queue.fail(error);
    throw error;
  });
  drained.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
  try {
    const planned = await plan(queue);
    planning = false;
    const result = await drained;
    return { planned, drained: result, invitationsHandled: handled.size, redeliveries: result.handled - handled.size };
  } catch (error) {
    planning = false;
    await drained.catch(() => undefined);
    throw error;
  }
}
