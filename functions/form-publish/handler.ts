/**
 * Lambda entry that publishes a form definition. Two callers:
 *   - the staff API (API Gateway REST API with a Cognito user-pool authorizer, or an HTTP API
 *     with a JWT authorizer; both read by lib/http-event.ts): body = the definition JSON; the
 *     publisher is the verified token's user name (or subject);
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
import { publishForm, PublishDependencies, PublishResult } from "../forms/publish";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";
import { readEnvironment } from "../lib/environment";
import { isApiGatewayEvent, normalizeHttpEvent } from "../lib/http-event";

const SERVICE = "form-publish";
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({ namespace: "medicare/campaign", serviceName: SERVICE });

interface DirectEvent {
  readonly definition?: unknown;
  readonly createdBy?: unknown;
}
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}
export type PublishOutcome = { readonly statusCode: 201; readonly published: PublishResult } | { readonly statusCode: 400 | 401; readonly errors: readonly string[] };

const MAX_CREATED_BY = 128;

/** Who publishes: the verified token's user name (Cognito access and ID tokens name it differently), else its subject. */
export function publisherOf(claims: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = claims?.["cognito:username"] ?? claims?.username ?? claims?.sub;
  return typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, MAX_CREATED_BY) : undefined;
}

/** The handler over injected dependencies (tests and the Lambda entry alike). */
export function createFormPublishHandler(deps: PublishDependencies): (event: unknown) => Promise<HttpResponse | PublishOutcome> {
  async function publish(definitionInput: { text: string } | { value: unknown }, createdBy: string | undefined): Promise<PublishOutcome> {
    if (createdBy === undefined) return { statusCode: 401, errors: ["the publisher is not known: call through the staff API (signed in) or pass createdBy"] };
    const checked = "text" in definitionInput ? parseFormDefinition(definitionInput.text) : validateFormDefinition(definitionInput.value);
    if (!checked.ok) {
      logger.warn("form definition refused", { errors: checked.errors.length });
      metrics.addMetric("FormDefinitionsRefused", MetricUnit.Count, 1);
      return { statusCode: 400, errors: checked.errors };
    }
    const published = await publishForm(deps, checked.definition, createdBy);
    logger.info("form published", { slug: published.slug, version: published.version, formId: published.formId });
    metrics.addMetric("FormsPublished", MetricUnit.Count, 1);
    return { statusCode: 201, published };
  }

  return async (event) => {
    try {
      if (isApiGatewayEvent(event)) {
        const request = normalizeHttpEvent(event);
        const outcome: PublishOutcome = request
          ? await publish({ text: request.isBase64Encoded ? Buffer.from(request.body, "base64").toString("utf8") : request.body }, publisherOf(request.claims))
          : { statusCode: 400, errors: ["the request has no method or path: call through the staff API"] };
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
}

let coldStart: ((event: unknown) => Promise<HttpResponse | PublishOutcome>) | undefined;

/** Reads the configuration once per container, on the first event (a missing variable fails it loudly). */
export const handler = (event: unknown): Promise<HttpResponse | PublishOutcome> => {
  if (!coldStart) {
    const read = readEnvironment();
    coldStart = createFormPublishHandler({
      bucket: read.string("FORMS_BUCKET"),
      kmsKeyId: read.string("FORMS_KMS_KEY_ID"),
      submitBaseUrl: read.string("FORM_SUBMIT_BASE_URL"),
      pool: createDatabasePool(databaseSettingsFromEnvironment(), 1),
      s3: new S3Client({ retryMode: "standard", maxAttempts: 3 }),
      now: () => new Date(),
    });
  }
  return coldStart(event);
};
