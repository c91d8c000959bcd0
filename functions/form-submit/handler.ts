/**
 * Lambda entry of the public form endpoint, `POST /forms/{slug}` (API Gateway: REST API proxy
 * events, or HTTP API payload format 2.0; both read by lib/http-event.ts).
 * The body (form-urlencoded from the published page, or JSON) is validated against the latest
 * published version of the form and stored only when valid. Answers a page: 201 thank-you,
 * 400 listing every problem (escaped), 404 for an unknown form, 413/415 for unusable bodies,
 * 400 for an event that is not an API Gateway request.
 * Answers are never logged: only the form, its version and the number of problems.
 *
 * A form opened from the booking pages carries the booking session secret in the hidden field
 * `_session` (forms/submissions.ts SESSION_FIELD); a live session links the submission to its
 * invitation (logged by id), any other value is refused with 410/404 and nothing is stored,
 * and no field means an anonymous submission. The secret is never logged.
 *
 * A database outage (or any unexpected failure) answers the 503 "try again" page, as the
 * booking pages do, and logs the error's name, code and text (never the body).
 *
 * Environment: DB_* (see functions/lib/database.ts).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { FormDefinition } from "../forms/definition";
import type { Pool } from "mysql2/promise";
import { MAX_SUBMISSION_BYTES, parseSubmissionBody, SubmissionBodyError, SubmissionError, submitForm } from "../forms/submissions";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";
import { errorLogAttributes } from "../lib/error-log";
import { html, page, pageSecurityHeaders } from "../lib/html";
import { ApiGatewayEvent, normalizeHttpEvent } from "../lib/http-event";

const SERVICE = "form-submit";
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({ namespace: "medicare/campaign", serviceName: SERVICE });

export type { ApiGatewayEvent };
export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

// The pages' headers (lib/html.ts); these pages hold no form, so nothing may be posted from them.
const HEADERS = pageSecurityHeaders({ formAction: "'none'" });

const respond = (statusCode: number, title: string, body: ReturnType<typeof html>): HttpResponse => ({ statusCode, headers: HEADERS, body: page(title, body) });

const notFound = () => respond(404, "Form not found", html`<h1>Form not found</h1><p>This form does not exist or is no longer open. Check the link you were given.</p>`);

export function errorPage(definition: FormDefinition, errors: readonly SubmissionError[]): HttpResponse {
  const labelOf = (name: string | null) => (name === null ? undefined : definition.fields.find((f) => f.name === name)?.label);
  return respond(
    400,
    `There is a problem: ${definition.title}`,
    html`<div class="error"><h1>There is a problem with your answers</h1>
<ul>
${errors.map((e) => {
  const label = labelOf(e.field);
  return label !== undefined ? html`<li><strong>${label}</strong>: ${e.message}</li>\n` : html`<li>${e.message}</li>\n`;
})}</ul></div>
<p>Go back to the form, correct these answers and send it again. Nothing has been saved yet.</p>`,
  );
}

const sessionProblem = (reason: "session-unknown" | "session-expired") =>
  reason === "session-expired"
    ? respond(410, "This page has expired", html`<h1>This page has expired</h1><p>The time to answer these questions online has run out, so your answers have not been saved. Please call the practice.</p>`)
    : respond(404, "We cannot find your booking", html`<h1>We cannot find your booking</h1><p>These questions were not opened from a valid booking page, so your answers have not been saved. Please call the practice.</p>`);

const unavailable = () =>
  respond(503, "Sorry, something went wrong", html`<h1>Sorry, something went wrong</h1><p>We could not save your answers just now. Nothing has been saved. Please go back and send the form again in a few minutes.</p>`);

export interface FormSubmitDependencies {
  readonly pool: Pool;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Told about an unexpected failure (the sender gets the 503 page). @default logs it */
  readonly onError?: (error: unknown) => void;
}

/** The request handler over injected dependencies (tests and the Lambda entry alike). */
export const createFormSubmitHandler = ({ pool, now, onError }: FormSubmitDependencies) => async (event: ApiGatewayEvent): Promise<HttpResponse> => {
  try {
    return await answer(pool, now, event);
  } catch (error) {
    (onError ?? ((e: unknown) => logger.error("submission failed", { ...errorLogAttributes(e) })))(error);
    metrics.addMetric("FormSubmissionsFailed", MetricUnit.Count, 1);
    return unavailable();
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
};

async function answer(pool: Pool, now: (() => Date) | undefined, event: ApiGatewayEvent): Promise<HttpResponse> {
  const request = normalizeHttpEvent(event);
  if (!request) {
    logger.warn("not an API Gateway request; refused");
    return respond(400, "Cannot read the request", html`<h1>The form could not be read</h1><p>Send the form again from its page.</p>`);
  }
  const slug = request.pathParameters.slug ?? "";
  const raw = request.body;
  if ((request.isBase64Encoded ? (raw.length * 3) / 4 : Buffer.byteLength(raw)) > MAX_SUBMISSION_BYTES) {
    return respond(413, "Too large", html`<h1>Your answers are too long</h1><p>Shorten them and send the form again.</p>`);
  }
  const body = request.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  const contentType = request.headers["content-type"];
  let submitted;
  try {
    submitted = parseSubmissionBody(body, contentType);
  } catch (error) {
    if (!(error instanceof SubmissionBodyError)) throw error;
    return respond(415, "Cannot read the form", html`<h1>The form could not be read</h1><p>${error.message}</p>`);
  }
  const outcome = await submitForm(pool, slug, submitted, { now });
  if (outcome.kind === "unknown-form") return notFound();
  logger.appendKeys({ slug: outcome.form.definition.slug, version: outcome.form.version });
  if (outcome.kind === "session-invalid") {
    logger.info("submission refused: booking session not live", { reason: outcome.reason });
    metrics.addMetric("FormSubmissionsRefused", MetricUnit.Count, 1);
    return sessionProblem(outcome.reason);
  }
  if (outcome.kind === "invalid") {
    logger.info("submission refused", { problems: outcome.errors.length });
    metrics.addMetric("FormSubmissionsRefused", MetricUnit.Count, 1);
    return errorPage(outcome.form.definition, outcome.errors);
  }
  logger.info("submission stored", { submissionId: outcome.submissionId, invitationId: outcome.invitationId });
  metrics.addMetric("FormSubmissionsStored", MetricUnit.Count, 1);
  return respond(201, `Thank you: ${outcome.form.definition.title}`, html`<h1>Thank you</h1><p>Your answers to “${outcome.form.definition.title}” have been received. You can close this page.</p>`);
}

let coldStart: ((event: ApiGatewayEvent) => Promise<HttpResponse>) | undefined;

/** The pool is made once per container, on the first request (a bad DB_* setting fails it loudly). */
export const handler = (event: ApiGatewayEvent): Promise<HttpResponse> => {
  coldStart ??= createFormSubmitHandler({ pool: createDatabasePool(databaseSettingsFromEnvironment(), 2) });
  return coldStart(event);
};
