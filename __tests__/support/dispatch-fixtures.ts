/** Seeding and SDK wiring shared by the dispatch, fault and reminder tests (and the dispatch worker script). */
import { SESClient, VerifyEmailIdentityCommand } from "@aws-sdk/client-ses";
import { SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Pool } from "mysql2/promise";
import { Channel } from "../../functions/campaign/channels";
import { SendDependencies } from "../../functions/campaign/dispatch";
import { RateLimiter } from "../../functions/campaign/rate-limit";

export const EMAIL_SOURCE = "invitations@riverside.example.org";
export const CONDITION = "chronic-respiratory";

export interface SeedPatient {
  readonly ref: string;
  readonly phone?: string;
  readonly email?: string;
  readonly conditions?: readonly string[];
  readonly optedOut?: readonly Channel[];
}

/** Inserts the patients (multi-row), their conditions and opt-outs; returns their ids by ref. */
export async function seedPatients(pool: Pool, patients: readonly SeedPatient[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let start = 0; start < patients.length; start += 1000) {
    const page = patients.slice(start, start + 1000);
    await pool.query("INSERT INTO patients (external_ref, given_name, family_name, phone_e164, email) VALUES ?", [
      page.map((p) => [p.ref, "Test", "Patient", p.phone ?? null, p.email ?? null]),
    ]);
  }
  const [rows] = await pool.query("SELECT id, external_ref FROM patients");
  for (const row of rows as { id: number; external_ref: string }[]) ids.set(row.external_ref, Number(row.id));
  const conditions = patients.flatMap((p) => (p.conditions ?? [CONDITION]).map((code) => [ids.get(p.ref), code]));
  if (conditions.length > 0) await pool.query("INSERT INTO patient_conditions (patient_id, condition_code) VALUES ?", [conditions]);
  const optOuts = patients.flatMap((p) => (p.optedOut ?? []).map((channel) => [ids.get(p.ref), channel, new Date(), "patient"]));
  if (optOuts.length > 0) await pool.query("INSERT INTO contact_preferences (patient_id, channel, opted_out_at, opt_out_source) VALUES ?", [optOuts]);
  return ids;
}

/**
 * `count` patients with `condition`: both channels, phone only or email only in turn. Numbers
 * and addresses are unique across calls with different `first` (numbers of 5 digits after
 * +4477009, never ending in 99: moto reports those as opted out).
 */
export function syntheticPatients(count: number, options: { prefix: string; first: number; condition?: string }): SeedPatient[] {
  return Array.from({ length: count }, (_, n) => {
    const i = options.first + n;
    const phone = `+4477009${String(i * 10 + 1).padStart(5, "0")}`;
    const email = `${options.prefix.toLowerCase()}${i}@patients.example.org`;
    const kind = i % 3;
    return { ref: `${options.prefix}${i}`, phone: kind !== 2 ? phone : undefined, email: kind !== 1 ? email : undefined, conditions: [options.condition ?? CONDITION] };
  });
}

/** Campaign rows: the same helper the demo and bench use. */
export { createCampaign } from "../../scripts/campaign/lib/local-campaign";

export const awsClientConfig = (endpoint: string) => ({
  region: "eu-west-2",
  endpoint,
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  // Our own backoff is under test: the SDK makes one attempt.
  maxAttempts: 1,
});

export async function verifyEmailSource(endpoint: string): Promise<void> {
  await new SESClient(awsClientConfig(endpoint)).send(new VerifyEmailIdentityCommand({ EmailAddress: EMAIL_SOURCE }));
}

export async function createSendQueue(endpoint: string, name: string, visibilityTimeoutSeconds = 30): Promise<string> {
  const sqs = new SQSClient({ ...awsClientConfig(endpoint), maxAttempts: 3 });
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: String(visibilityTimeoutSeconds) } }));
  return out.QueueUrl!;
}

/** Worker dependencies with SNS and SES behind `endpoint` (moto, or the fault proxy in front of it). */
export function sendDependencies(pool: Pool, endpoint: string, overrides: Partial<SendDependencies> = {}): SendDependencies {
  return {
    pool,
    sns: new SNSClient(awsClientConfig(endpoint)),
    ses: new SESClient(awsClientConfig(endpoint)),
    settings: { practiceName: "Riverside Surgery", baseUrl: "https://book.example.org", emailSource: EMAIL_SOURCE, configurationSetName: undefined, smsSenderId: "Riverside" },
    limiters: { sms: new RateLimiter(500), email: new RateLimiter(500) },
    backoff: { baseMs: 5, maxMs: 50, retries: 6 },
    ...overrides,
  };
}
