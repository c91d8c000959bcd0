/**
 * What the demo and the bench share: a fresh local campaign database, SDK clients pointed at
 * moto with the SES identity and SQS queue the send worker needs, and the campaign row.
 */
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { SESClient, VerifyDomainIdentityCommand } from "@aws-sdk/client-ses";
import { SNSClient } from "@aws-sdk/client-sns";
import { S3Client } from "@aws-sdk/client-s3";
import { Connection, createConnection, Pool, ResultSetHeader } from "mysql2/promise";
import { DrainResult, isConfirmationRequest, SendQueue, SendRequest, sendRequestsFromSqs, SqsSendQueue } from "../../../functions/campaign/dispatch";
import { sendQueued } from "../../../functions/campaign/send-worker";
import { MessagingSettings } from "../../../functions/campaign/messages";
import { RateLimiter } from "../../../functions/campaign/rate-limit";
import { upgradeDatabase } from "../../../functions/campaign/schema/upgrade";
import { UserPasswords, userNameOf } from "../../../functions/campaign/schema/users";
import { createDatabasePool, DatabaseSettings } from "../../../functions/lib/database";
import { LocalServices } from "../../dev/lib/services";
import { LUNG_CONDITION } from "./synthetic-patients";

export const LOCAL_REGION = "eu-west-2";
export const LOCAL_SENDER_DOMAIN = "medicare.example";
/** What the local campaign's messages say, and where their links point. */
export const LOCAL_MESSAGING: MessagingSettings = { practiceName: "Riverside Surgery", baseUrl: "https://book.medicare.example" };

/**
 * The password of every database user on the local server (MariaDB for tests, demo and bench).
 * In AWS each user's password is random and lives only in its own secret (secret-passwords.ts).
 */
export const LOCAL_USER_PASSWORD = "local-only-password";
const localPasswords: UserPasswords = { passwordFor: async () => LOCAL_USER_PASSWORD };

/**
 * Step 1 of the bootstrap in docs/database-access.md, done locally by the server's root (the
 * stand-in for the master user): the schema owner db-migrate signs in as, with exactly the
 * rights the document gives it on `database`. Running db-migrate's own path as that user is
 * what shows those rights suffice.
 */
export async function bootstrapSchemaOwner(root: Connection, database: string): Promise<void> {
  const owner = `'${userNameOf("db-migrate")}'@'%'`;
  await root.query(`CREATE USER IF NOT EXISTS ${owner} IDENTIFIED BY ?`, [LOCAL_USER_PASSWORD]);
  await root.query(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO ${owner} WITH GRANT OPTION`);
  await root.query(`GRANT CREATE USER ON *.* TO ${owner}`);
  // It reads users and their grants from the grant tables (users.ts says why not information_schema).
  for (const table of ["user", "db", "tables_priv", "columns_priv"]) await root.query(`GRANT SELECT ON mysql.${table} TO ${owner}`);
}

/**
 * Drops and recreates the database `name` on the local server, then brings it up as db-migrate
 * does in AWS (upgradeDatabase, signed in as the schema owner): every migration, and every
 * function and persona user with exactly its grants on `name`.
 */
export async function createMigratedDatabase(services: LocalServices, name: string): Promise<void> {
  if (!/^[a-z][a-z0-9_]{0,63}$/i.test(name)) throw new Error(`database name ${JSON.stringify(name)} must be letters, digits and underscores`);
  const root = await createConnection({ host: services.mysql.host, port: services.mysql.port, user: services.mysql.user, password: services.mysql.password });
  try {
    await root.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await forgetGrantsOn(root, name);
    await root.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await bootstrapSchemaOwner(root, name);
  } finally {
    await root.end();
  }
  const owner = await createConnection({ host: services.mysql.host, port: services.mysql.port, user: userNameOf("db-migrate"), password: LOCAL_USER_PASSWORD, database: name });
  try {
    await upgradeDatabase(owner, { passwords: localPasswords });
  } finally {
    await owner.end();
  }
}

/**
 * Removes every user's grants on the database `name` (dropping a database keeps them, and the
 * local users serve many short-lived test databases). Root only.
 */
export async function forgetGrantsOn(root: Connection, name: string): Promise<void> {
  for (const table of ["db", "tables_priv", "columns_priv"]) await root.query(`DELETE FROM mysql.${table} WHERE Db = ?`, [name]);
  await root.query("FLUSH PRIVILEGES");
}

/** Connection settings of `fn`'s own database user on the local database `database` (e.g. "campaign-web" -> fn_campaign_web). */
export function localFunctionSettings(services: LocalServices, database: string, fn: string): DatabaseSettings & { kind: "password" } {
  return { kind: "password", host: services.mysql.host, port: services.mysql.port, user: userNameOf(fn), password: LOCAL_USER_PASSWORD, database };
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
  /** Called with each invitation round's request once the worker has handled it. */
  readonly onHandled?: (request: SendRequest) => void;
  /** Called once the worker has handled a booking confirmation's request. */
  readonly onConfirmationHandled?: () => void;
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
      await sendQueued(deps, request);
      // A booking confirmation carries no link to hand back: it is only counted.
      if (isConfirmationRequest(request)) options.onConfirmationHandled?.();
      else options.onHandled?.(request);
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
