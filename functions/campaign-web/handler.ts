/**
 * Lambda entry of the patient-facing pages (API Gateway: REST API proxy events, or HTTP API
 * payload format 2.0; both read by lib/http-event.ts):
 *
 *   GET|HEAD /i/{token}  landing page; reads only (link scanners prefetch)
 *   POST     /i/{token}  redeem the link, then the list of free slots
 *   POST     /book       form fields `session` and `slot`: book that slot
 *   GET|HEAD /i/{token}/opt-out  asks which messages to stop; reads only
 *   POST     /i/{token}/opt-out  form field `channels` (both|sms|email): records the opt-out
 *   POST     /questions  form field `session`: the follow-up form (if configured), carrying the session
 *   GET|HEAD /assets/site-<hash>.css  the pages' stylesheet (lib/stylesheet.ts), cached for a year
 *
 * Opt-out accepts any token we ever issued, also revoked, used or expired ones (see
 * campaign/opt-out.ts), and needs no separate anti-forgery field: the 128-bit token in the
 * path is itself the secret a forged cross-site POST would have to know, exactly as the
 * session secret is for /book, and a prefetching GET changes nothing.
 *
 * The booking session's secret travels in a hidden form field, not a cookie: it is then the
 * form's own anti-forgery token (a cross-site page cannot know it, and no ambient credential
 * exists for it to ride on), it is never in a URL (so never in history, logs or a Referer),
 * and the pages are `no-store`. A cookie would add nothing but state the browser keeps after
 * the booking is done.
 *
 * Environment: PRACTICE_NAME, PRACTICE_PHONE, PRACTICE_TIME_ZONE (default Europe/London),
 * BOOKING_SESSION_MINUTES (default 120), optionally FOLLOW_UP_FORM_SLUG with
 * FORM_SUBMIT_BASE_URL (the public API form-submit answers on), and the DB_* variables of
 * lib/database.ts.
 * Logs and metrics carry routes, outcomes and invitation ids: never the path (it holds the
 * token), a session secret or a request body.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { bookSlot, Database, findSession, listSlots } from "../campaign/booking";
import { inspectOptOut, parseChannelChoice, recordOptOut } from "../campaign/opt-out";
import {
  badRequestPage,
  bookingPage,
  chooseAgainPage,
  FollowUpForm,
  followUpFormPage,
  landingPage,
  methodNotAllowedPage,
  notFoundPage,
  optOutPage,
  optOutResultPage,
  Practice,
  redemptionPage,
  RenderedPage,
  sessionProblemPage,
  unavailablePage,
} from "../campaign/pages";
import { DEFAULT_SESSION_TTL_MS, inspectToken, redeemToken } from "../campaign/redeem";
import { parseToken } from "../campaign/tokens";
import { SLUG_PATTERN } from "../forms/definition";
import { latestPublishedForm } from "../forms/submissions";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";
import { ConfigurationError, readEnvironment } from "../lib/environment";
import { HSTS, pageSecurityHeaders } from "../lib/html";
import { ApiGatewayEvent, HttpRequest, normalizeHttpEvent } from "../lib/http-event";
import { STYLESHEET, STYLESHEET_CACHE_CONTROL, STYLESHEET_CONTENT_TYPE, STYLESHEET_PATH } from "../lib/stylesheet";

const SERVICE_NAME = "campaign-web";

export type { ApiGatewayEvent };

export interface HttpApiResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly isBase64Encoded: false;
}

export type Route = "landing" | "redeem" | "book" | "opt-out-page" | "opt-out" | "questions" | "stylesheet" | "other";

/** What one request did, for logs and metrics: no token, no secret, no contact details. */
export interface RequestOutcome {
  readonly route: Route;
  readonly outcome: string;
  readonly status: number;
  readonly invitationId?: number;
}

export interface WebDependencies {
  readonly db: Database;
  readonly practice: Practice;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default DEFAULT_SESSION_TTL_MS */
  readonly sessionTtlMs?: number;
  /** The form booked patients are asked to fill in; none: no button, and /questions is 404. */
  readonly followUpForm?: FollowUpForm;
  /** Told about every request once it is answered. */
  readonly observe?: (outcome: RequestOutcome) => void;
  /** Told about an unexpected failure (the patient gets a 503 page). */
  readonly onError?: (error: unknown, route: Route) => void;
}

/** The headers of every page (lib/html.ts): the strict CSP (`style-src 'self'`, nothing inline) among them. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = pageSecurityHeaders();

/** The stylesheet every page links (lib/stylesheet.ts): content-addressed, so cached for a year. */
export const STYLESHEET_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": STYLESHEET_CONTENT_TYPE,
  "Cache-Control": STYLESHEET_CACHE_CONTROL,
  "X-Content-Type-Options": "nosniff",
  "Strict-Transport-Security": HSTS,
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** A booking form is two short fields; anything much larger is not one. */
export const MAX_BODY_BYTES = 4096;

const LINK_PATH = /^\/i\/([^/]*)$/;
const OPT_OUT_PATH = /^\/i\/([^/]*)\/opt-out$/;
const SLOT_ID = /^[1-9][0-9]{0,14}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const routeOf = (method: string, path: string): Route =>
  LINK_PATH.test(path)
    ? method === "POST" ? "redeem" : "landing"
    : OPT_OUT_PATH.test(path)
      ? method === "POST" ? "opt-out" : "opt-out-page"
      : path === "/book" ? "book" : path === "/questions" ? "questions" : "other";

type Answer = {
  readonly page: RenderedPage;
  readonly outcome: string;
  readonly invitationId?: number;
  readonly allow?: string;
  /** Replaces SECURITY_HEADERS' form-action: the follow-up form posts to form-submit. */
  readonly formAction?: string;
};

/** The form fields of a urlencoded body, or undefined if the body is not one. */
export function formFields(request: HttpRequest): URLSearchParams | undefined {
  const contentType = request.headers["content-type"];
  if (!contentType || contentType.split(";")[0].trim().toLowerCase() !== "application/x-www-form-urlencoded") return undefined;
  const body = request.body;
  let bytes: Buffer;
  if (request.isBase64Encoded) {
    if (!BASE64.test(body)) return undefined;
    bytes = Buffer.from(body, "base64");
  } else {
    bytes = Buffer.from(body, "utf8");
  }
  if (bytes.length > MAX_BODY_BYTES) return undefined;
  try {
    return new URLSearchParams(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/** The request handler over injected dependencies: plain in, plain out, for tests and the Lambda entry alike. */
export function createWebHandler(deps: WebDependencies): (event: ApiGatewayEvent) => Promise<HttpApiResult> {
  const { db, practice } = deps;
  const now = deps.now ?? (() => new Date());
  const sessionTtlMs = deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;

  async function book(request: HttpRequest): Promise<Answer> {
    const fields = formFields(request);
    const sessions = fields?.getAll("session") ?? [];
    const slots = fields?.getAll("slot") ?? [];
    const session = sessions.length === 1 ? parseToken(sessions[0]) : undefined;
    if (!fields || !session || slots.length > 1 || (slots.length === 1 && !SLOT_ID.test(slots[0]))) {
      return { page: badRequestPage(practice), outcome: "bad-request" };
    }
    if (slots.length === 0) {
      // The patient pressed the button without choosing a time: show the list again.
      const listing = await listSlots(db, session, now);
      return { page: chooseAgainPage(practice, session, listing, deps.followUpForm), outcome: listing.outcome === "open" ? "no-slot-chosen" : listing.outcome, invitationId: listing.outcome === "open" ? listing.invitationId : undefined };
    }
    const result = await bookSlot(db, session, Number(slots[0]), now);
    return { page: bookingPage(practice, session, result, deps.followUpForm), outcome: result.outcome, invitationId: "invitationId" in result ? result.invitationId : undefined };
  }

  async function optOut(request: HttpRequest, token: string): Promise<Answer> {
    const fields = formFields(request);
    const choices = fields?.getAll("channels") ?? [];
    const channels = choices.length === 1 ? parseChannelChoice(choices[0]) : undefined;
    if (!channels) return { page: badRequestPage(practice), outcome: "bad-request" };
    const result = await recordOptOut(db, token, channels, now);
    return { page: optOutResultPage(practice, result), outcome: result.outcome, invitationId: "invitationId" in result ? result.invitationId : undefined };
  }

  /** The follow-up form with the session in a hidden field; the session must be live, as for booking. */
  async function questions(request: HttpRequest, followUp: FollowUpForm): Promise<Answer> {
    const sessions = formFields(request)?.getAll("session") ?? [];
    const secret = sessions.length === 1 ? parseToken(sessions[0]) : undefined;
    if (!secret) return { page: badRequestPage(practice), outcome: "bad-request" };
    const session = await findSession(db, secret, now());
    if (session.outcome !== "valid") return { page: sessionProblemPage(practice, session.outcome), outcome: session.outcome };
    const form = await latestPublishedForm(db, followUp.slug);
    if (!form) return { page: notFoundPage(practice), outcome: "form-not-published", invitationId: session.invitationId };
    const page = followUpFormPage(form.definition, followUp.submitUrl, secret);
    return { page, outcome: "form-shown", invitationId: session.invitationId, formAction: new URL(followUp.submitUrl).origin };
  }

  async function route(request: HttpRequest): Promise<[Route, Answer]> {
    const { method, path } = request;
    const optOutLink = OPT_OUT_PATH.exec(path);
    if (optOutLink) {
      const token = optOutLink[1];
      if (method === "GET" || method === "HEAD") {
        const inspection = await inspectOptOut(db, token);
        return ["opt-out-page", { page: optOutPage(practice, token, inspection), outcome: inspection.outcome, invitationId: inspection.outcome === "found" ? inspection.invitationId : undefined }];
      }
      if (method === "POST") return ["opt-out", await optOut(request, token)];
      return ["other", { page: methodNotAllowedPage(practice), outcome: "method-not-allowed", allow: "GET, HEAD, POST" }];
    }
    if (path === "/questions" && deps.followUpForm) {
      if (method === "POST") return ["questions", await questions(request, deps.followUpForm)];
      return ["other", { page: methodNotAllowedPage(practice), outcome: "method-not-allowed", allow: "POST" }];
    }
    const link = LINK_PATH.exec(path);
    if (link) {
      const token = link[1];
      if (method === "GET" || method === "HEAD") {
        const inspection = await inspectToken(db, token, now);
        return ["landing", { page: landingPage(practice, token, inspection), outcome: inspection.outcome }];
      }
      if (method === "POST") {
        const result = await redeemToken(db, token, now, { sessionTtlMs });
        return ["redeem", { page: redemptionPage(practice, result), outcome: result.outcome, invitationId: result.outcome === "redeemed" ? result.invitationId : undefined }];
      }
      return ["other", { page: methodNotAllowedPage(practice), outcome: "method-not-allowed", allow: "GET, HEAD, POST" }];
    }
    if (path === "/book") {
      if (method === "POST") return ["book", await book(request)];
      return ["other", { page: methodNotAllowedPage(practice), outcome: "method-not-allowed", allow: "POST" }];
    }
    return ["other", { page: notFoundPage(practice), outcome: "not-found" }];
  }

  return async (event) => {
    const request = normalizeHttpEvent(event);
    // The stylesheet: no database, no page; any other name under /assets/ is a 404 page.
    if (request && request.path === STYLESHEET_PATH && (request.method === "GET" || request.method === "HEAD")) {
      deps.observe?.({ route: "stylesheet", outcome: "served", status: 200 });
      return { statusCode: 200, headers: { ...STYLESHEET_HEADERS }, body: request.method === "HEAD" ? "" : STYLESHEET, isBase64Encoded: false };
    }
    let routeName: Route = "other";
    let answer: Answer;
    if (!request) {
      answer = { page: badRequestPage(practice), outcome: "malformed-event" };
    } else {
      routeName = routeOf(request.method, request.path);
      try {
        [routeName, answer] = await route(request);
      } catch (error) {
        deps.onError?.(error, routeName);
        answer = { page: unavailablePage(practice), outcome: "error" };
      }
    }
    deps.observe?.({ route: routeName, outcome: answer.outcome, status: answer.page.status, ...(answer.invitationId !== undefined ? { invitationId: answer.invitationId } : {}) });
    return {
      statusCode: answer.page.status,
      headers: {
        ...SECURITY_HEADERS,
        ...(answer.allow ? { Allow: answer.allow } : {}),
        ...(answer.formAction ? pageSecurityHeaders({ formAction: answer.formAction }) : {}),
      },
      body: request?.method === "HEAD" ? "" : answer.page.html,
      isBase64Encoded: false,
    };
  };
}

/** The practice details and session length from the environment; throws ConfigurationError naming what to fix. */
export function webConfigurationFromEnvironment(env: NodeJS.ProcessEnv): { practice: Practice; sessionTtlMs: number; followUpForm?: FollowUpForm } {
  const read = readEnvironment(env);
  const timeZone = read.string("PRACTICE_TIME_ZONE", "Europe/London");
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone });
  } catch {
    throw new ConfigurationError(`PRACTICE_TIME_ZONE must be an IANA time zone such as Europe/London, got ${JSON.stringify(timeZone)}.`);
  }
  const slug = env.FOLLOW_UP_FORM_SLUG?.trim() || undefined;
  const submitBase = env.FORM_SUBMIT_BASE_URL?.trim() || undefined;
  let followUpForm: FollowUpForm | undefined;
  if (slug !== undefined || submitBase !== undefined) {
    if (slug === undefined || !SLUG_PATTERN.test(slug) || slug.length > 64) {
      throw new ConfigurationError(`FOLLOW_UP_FORM_SLUG must be a published form's slug (lowercase letters, digits and single hyphens) when FORM_SUBMIT_BASE_URL is set, got ${JSON.stringify(env.FOLLOW_UP_FORM_SLUG ?? "")}.`);
    }
    if (submitBase === undefined || !/^https:\/\/[a-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~-]+)*\/?$/.test(submitBase)) {
      throw new ConfigurationError(`FORM_SUBMIT_BASE_URL must be the https URL form-submit answers on (e.g. https://forms.example.org) when FOLLOW_UP_FORM_SLUG is set, got ${JSON.stringify(env.FORM_SUBMIT_BASE_URL ?? "")}.`);
    }
    // The URL forms/publish.ts submitUrlFor builds (not imported: it would bring the S3 client into this bundle).
    const submitUrl = `${submitBase.replace(/\/+$/, "")}/forms/${slug}`;
    followUpForm = { slug, submitUrl, prompt: "Please answer a few questions before your appointment." };
  }
  return {
    practice: { name: read.string("PRACTICE_NAME"), phone: read.string("PRACTICE_PHONE"), timeZone },
    sessionTtlMs: read.integer("BOOKING_SESSION_MINUTES", { min: 10, max: 1440, fallback: 120 }) * 60_000,
    ...(followUpForm ? { followUpForm } : {}),
  };
}

const logger = new Logger({ serviceName: SERVICE_NAME });
const metrics = new Metrics({ namespace: "medicare/campaign", serviceName: SERVICE_NAME });

function recordOutcome(outcome: RequestOutcome): void {
  logger.info("request answered", { ...outcome });
  metrics.addDimensions({ route: outcome.route, outcome: outcome.outcome });
  metrics.addMetric("Requests", MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

function recordError(error: unknown, route: Route): void {
  const { name, message, code } = error as { name?: string; message?: string; code?: string };
  logger.error("request failed", { route, name, code, message });
}

let coldStart: ((event: ApiGatewayEvent) => Promise<HttpApiResult>) | undefined;

/** Reads the configuration once per container (a bad value fails the first request, loudly). */
export async function handler(event: ApiGatewayEvent): Promise<HttpApiResult> {
  if (!coldStart) {
    const { practice, sessionTtlMs, followUpForm } = webConfigurationFromEnvironment(process.env);
    const db = createDatabasePool(databaseSettingsFromEnvironment(process.env), 2);
    coldStart = createWebHandler({ db, practice, sessionTtlMs, followUpForm, observe: recordOutcome, onError: recordError });
  }
  return coldStart(event);
}
