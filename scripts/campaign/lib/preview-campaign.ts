/**
 * A small campaign to look at (npm run campaign:preview) and to drive a browser through (the
 * browser tests): a few synthetic patients invited by the real planner (so their links are
 * real tokens), appointment slots at two sites over the coming weeks, and a published form
 * (the real form-publish code, into a bucket on moto).
 */
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { Pool } from "mysql2/promise";
import { InMemorySendQueue, planCampaign } from "../../../functions/campaign/dispatch";
import { FormDefinition, validateFormDefinition } from "../../../functions/forms/definition";
import { publishForm, PublishResult } from "../../../functions/forms/publish";
import { createCampaign, LOCAL_REGION } from "./local-campaign";
import { seedPatients } from "./synthetic-patients";

const DAY = 24 * 60 * 60 * 1000;
export const PREVIEW_SITES = ["Riverside Surgery", "Hillside Health Centre"] as const;

/** A follow-up questionnaire in the shape staff publish (every field type a patient meets). */
export const PREVIEW_FORM: unknown = {
  slug: "flu-questions",
  title: "Before your flu vaccination",
  description: "Please answer these questions so the nurse can prepare. It takes about two minutes.",
  fields: [
    { name: "full_name", label: "Your full name", type: "text", required: true },
    { name: "date_of_birth", label: "Date of birth", type: "date", required: true, help: "For example, 27 March 1950" },
    { name: "phone", label: "A phone number we can call", type: "tel", required: false, help: "Only if we need to rearrange" },
    { name: "egg_allergy", label: "Have you ever had a serious allergic reaction to eggs?", type: "radio", options: ["Yes", "No", "Not sure"], required: true },
    { name: "unwell", label: "Are you unwell with a fever today?", type: "select", options: ["No", "Yes"], required: true },
    { name: "notes", label: "Anything else the nurse should know", type: "textarea", required: false, maxLength: 500 },
    { name: "consent", label: "I agree to have the flu vaccination", type: "consent", required: true },
  ],
};

export interface PreviewCampaign {
  readonly campaignId: number;
  /** One live link token per invited patient, in patient order. */
  readonly tokens: readonly string[];
  readonly slots: number;
  readonly form: { readonly definition: FormDefinition; readonly published: PublishResult };
}

export interface PreviewOptions {
  readonly pool: Pool;
  readonly s3: S3Client;
  readonly bucket: string;
  /** The API origin the published form posts to. */
  readonly submitBaseUrl: string;
  /** @default 6 */
  readonly patients?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** Every weekday of the next three weeks, 09:00-16:50 every 10 minutes, at both sites: plenty of times to choose from. */
async function createSlots(pool: Pool, campaignId: number, from: Date): Promise<number> {
  const rows: unknown[][] = [];
  for (let day = 1; day <= 21; day++) {
    const date = new Date(from.getTime() + day * DAY);
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
    for (let minute = 9 * 60; minute < 17 * 60; minute += 10) {
      for (const [i, site] of PREVIEW_SITES.entries()) {
        // Hillside opens only in the mornings; every fifth Riverside time is full.
        if (i === 1 && minute >= 12 * 60) continue;
        const full = i === 0 && minute % 50 === 0;
        rows.push([campaignId, site, new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), 0, minute)), 2, full ? 2 : 0]);
      }
    }
  }
  await pool.query("INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity, booked) VALUES ?", [rows]);
  return rows.length;
}

/** Seeds the patients, slots and campaign, invites everyone through the planner, publishes the form. */
export async function seedPreviewCampaign(options: PreviewOptions): Promise<PreviewCampaign> {
  const now = options.now ?? (() => new Date());
  // Every synthetic patient has the condition; a few have opted out of a channel (seedPatients).
  await seedPatients(options.pool, { patients: options.patients ?? 6, conditionShare: 1, seed: 17 });
  const campaignId = await createCampaign(options.pool, { name: "Flu vaccination (preview)", tokenTtlDays: 28 });
  const slots = await createSlots(options.pool, campaignId, now());
  const queue = new InMemorySendQueue();
  await planCampaign({ pool: options.pool, queue, now }, campaignId);
  const tokens = queue.take().sort((a, b) => a.invitationId - b.invitationId).map((request) => request.token);

  const validated = validateFormDefinition(PREVIEW_FORM);
  if (!validated.ok) throw new Error(`the preview form is not valid: ${validated.errors.join("; ")}`);
  await options.s3.send(new CreateBucketCommand({ Bucket: options.bucket, CreateBucketConfiguration: { LocationConstraint: LOCAL_REGION } })).catch((error) => {
    if ((error as { name?: string }).name !== "BucketAlreadyOwnedByYou") throw error;
  });
  const published = await publishForm(
    { pool: options.pool, s3: options.s3, bucket: options.bucket, kmsKeyId: "alias/medicare-local-data", submitBaseUrl: options.submitBaseUrl, now },
    validated.definition,
    "preview",
  );
  return { campaignId, tokens, slots, form: { definition: validated.definition, published } };
}
