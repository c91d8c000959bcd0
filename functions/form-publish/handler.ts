/**
 * Lambda entry that publishes a form definition. Two callers:
 *   - the staff HTTP API (API Gateway HTTP API v2, JWT authorizer): body = the definition JSON;
 *     the publisher is the token's subject;
 *   - Step Functions (direct invocation): `{ "definition": {...}, "createdBy": "..." }`.
 * Invalid definitions get 400 with every error and its JSON path; nothing is stored then.
 * The result names the CDN paths to invalidate (the state machine's next step).
 *
 * Environment: FORMS_BUCKET, FORMS_KMS_KEY_ID, FORM_SUBMIT_BASE_URL (the public API's base
 * URL, e.g. https://forms-api.example.org), DB_* (see functions/lib/database.ts).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { S3Client } from "@aws-sdk/client-s3";
import { parseFormDefinition, validateFormDefinition } from "../forms/definition";
import { publishForm, PublishResult } from "../forms/publish";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";
import { readEnvironment } from "../lib/environment";

const SERVICE = "form-publish";
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({ namespace: "medicare/campaign", serviceName: SERVICE });

const read = readEnvironment();
const config = { bucket: read.string("FORMS_BUCKET"), kmsKeyId: read.string("FORMS_KMS_KEY_ID"), submitBaseUrl: read.string("FORM_SUBMIT_BASE_URL") };
const pool = createDatabasePool(databaseSettingsFromEnvironment(), 1);
const s3 = new S3Client({ retryMode: "standard", maxAttempts: 3 });

interface HttpApiEvent {
  readonly requestContext: { readonly http?: unknown; readonly authorizer?: { readonly jwt?: { readonly claims?: Record<string, unknown> } } };
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}
interface DirectEvent {
  readonly definition?: unknown;
  readonly createdBy?: unknown;
}
interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}
export type PublishOutcome = { readonly statusCode: 201; readonly published: PublishResult } | { readonly statusCode: 400 | 401; readonly errors: readonly string[] };

const isHttpApiEvent = (event: unknown): event is HttpApiEvent => typeof event === "object" && event !== null && "requestContext" in event;
const MAX_CREATED_BY = 128;

function publisherOf(claims: Record<string, unknown> | undefined): string | undefined {
  const value = claims?.["cognito:username"] ?? claims?.username ?? claims?.sub;
  return typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, MAX_CREATED_BY) : undefined;
}

async function publish(definitionInput: { text: string } | { value: unknown }, createdBy: string | undefined): Promise<PublishOutcome> {
  if (createdBy === undefined) return { statusCode: 401, errors: ["the publisher is not known: call through the staff API (signed in) or pass createdBy"] };
  const checked = "text" in definitionInput ? parseFormDefinition(definitionInput.text) : validateFormDefinition(definitionInput.value);
  if (!checked.ok) {
    logger.warn("form definition refused", { errors: checked.errors.length });
    metrics.addMetric("FormDefinitionsRefused", MetricUnit.Count, 1);
    return { statusCode: 400, errors: checked.errors };
  }
  const published = await publishForm({ pool, s3, ...config, now: () => new Date() }, checked.definition, createdBy);
  logger.info("form published", { slug: published.slug, version: published.version, formId: published.formId });
  metrics.addMetric("FormsPublished", MetricUnit.Count, 1);
  return { statusCode: 201, published };
}

export const handler = async (event: unknown): Promise<HttpResponse | PublishOutcome> => {
  try {
    if (isHttpApiEvent(event)) {
      const text = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "");
      const outcome = await publish({ text }, publisherOf(event.requestContext.authorizer?.jwt?.claims));
      return { statusCode: outcome.statusCode, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: JSON.stringify(outcome) };
    }
    const direct = (typeof event === "object" && event !== null ? event : {}) as DirectEvent;
    const definition = typeof direct.definition === "string" ? { text: direct.definition } : { value: direct.definition };
    const createdBy = typeof direct.createdBy === "string" && direct.createdBy.trim() !== "" ? direct.createdBy.trim().slice(0, MAX_CREATED_BY) : undefined;
    return await publish(definition, createdBy);
  } finally {
    metrics.publishStoredMetrics();
  }
};
