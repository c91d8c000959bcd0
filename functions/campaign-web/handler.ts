/**
 * Lambda entry of the patient-facing pages (API Gateway: REST API proxy events, or HTTP API
 * payload format 2.0; both read by lib/http-event.ts):
 *
 *   GET|HEAD /i/{token}[/]  landing page (or the booking it holds); reads only (link scanners prefetch)
 *   POST     /i/{token}[/]  opens a booking session: the days to choose from, or the booking to change or cancel
 *   GET|HEAD /i/{token}/calendar      the booked appointment as a calendar file; reads only
 *   POST     /book       form field `session`, and `day` (the times of that day), `slot` (book it;
 *                        with `change=1` move the booking there), or `view=days|booking`
 *   POST     /cancel     form field `session`: asks to confirm; with `confirm=yes` cancels
 *   POST     /calendar   form field `session`: the booked appointment as a calendar file
 *   GET|HEAD /i/{token}/opt-out  asks which messages to stop; reads only
 *   POST     /i/{token}/opt-out  form field `channels` (both|sms|email): records the opt-out
 *   GET|HEAD /s/{code}   the same, by the token's short opt-out code (the SMS's link); reads only
 *   POST     /s/{code}   form field `channels`: records the opt-out
 *   POST     /stop       form field `session` (every session page's "stop messages" button): asks
 *                        which messages to stop; with `channels`, records the opt-out
 *   POST     /questions  form field `session`: the follow-up form (if configured), carrying the session
 *   GET|HEAD /assets/site-<hash>.css  the pages' stylesheet (lib/stylesheet.ts), cached for a year
 *
 * A booking session that ran out goes back to choosing (a fresh session) while the link that
 * opened it is live; nothing is booked from an expired session.
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
import { availableDays, bookingOf, bookSlot, cancelBooking, Database, findSession, isCalendarDate, localDate, renewSession, slotsOnDay } from "../campaign/booking";
import { appointmentCalendar } from "../campaign/calendar";
import { inspectOptOut, parseChannelChoice, recordOptOut } from "../campaign/opt-out";
import {
  badRequestPage,
  bookingPage,
  cancelConfirmPage,
  cancelResultPage,
  chooseDayPage,
  FollowUpForm,
  followUpFormPage,
  landingPage,
  methodNotAllowedPage,
  BOOK_PATH,
  CALENDAR_PATH,
  CANCEL_PATH,
  QUESTIONS_PATH,
  STOP_PATH,
  OptOutVia,
  notFoundPage,
  optOutPage,
  optOutResultPage,
  Practice,
  redemptionPage,
  RenderedPage,
  sessionProblemPage,
  timesPage,
  unavailablePage,
} from "../campaign/pages";
import { DEFAULT_SESSION_TTL_MS, inspectToken, redeemToken } from "../campaign/redeem";
import { parseToken } from "../campaign/tokens";
import { SLUG_PATTERN } from "../forms/definition";
import { latestPublishedForm } from "../forms/submissions";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";
import { ConfigurationError, readEnvironment } from "../lib/environment";
import { errorLogAttributes } from "../lib/error-log";
import { contentSecurityPolicy, HSTS, pageSecurityHeaders } from "../lib/html";
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

export type Route = "landing" | "redeem" | "calendar" | "book" | "cancel" | "opt-out-page" | "opt-out" | "questions" | "stylesheet" | "other";

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

// A trailing slash is the same page: some mail clients and patients add one.
const LINK_PATH = /^\/i\/([^/]*)\/?$/;
const OPT_OUT_PATH = /^\/i\/([^/]*)\/opt-out\/?$/;
const SHORT_OPT_OUT_PATH = /^\/s\/([^/]*)\/?$/;
const CALENDAR_LINK_PATH = /^\/i\/([^/]*)\/calendar\/?$/;
const SLOT_ID = /^[1-9][0-9]{0,14}$/;
/** A day radio's value: the local date, a space, the site name (pages.ts dayValue). */
const DAY_VALUE = /^([0-9]{4}-[0-9]{2}-[0-9]{2}) (.{1,120})$/s;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const SESSION_ROUTES: Readonly<Record<string, Route>> = { [BOOK_PATH]: "book", [CANCEL_PATH]: "cancel", [CALENDAR_PATH]: "calendar", [QUESTIONS_PATH]: "questions", [STOP_PATH]: "opt-out" };

const routeOf = (method: string, path: string): Route =>
  LINK_PATH.test(path)
    ? method === "POST" ? "redeem" : "landing"
    : OPT_OUT_PATH.test(path) || SHORT_OPT_OUT_PATH.test(path)
      ? method === "POST" ? "opt-out" : "opt-out-page"
      : CALENDAR_LINK_PATH.test(path) ? "calendar" : SESSION_ROUTES[path] ?? "other";

/** A file to download instead of a page (the .ics). */
interface Download {
  readonly contentType: string;
  readonly filename: string;
}

type Answer = {
  readonly page: RenderedPage;
  readonly download?: Download;
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

  const ICS: Download = { contentType: "text/calendar; charset=utf-8", filename: "appointment.ics" };

  /** The one `session` field of a session form, and the form; undefined if either is missing or malformed. */
  function sessionForm(request: HttpRequest): { fields: URLSearchParams; secret: string } | undefined {
    const fields = formFields(request);
    const sessions = fields?.getAll("session") ?? [];
    const secret = sessions.length === 1 ? parseToken(sessions[0]) : undefined;
    return fields && secret ? { fields, secret } : undefined;
  }

  /** At most one value of `name` (undefined if absent); null if the field was given twice. */
  const single = (fields: URLSearchParams, name: string): string | undefined | null => {
    const values = fields.getAll(name);
    return values.length > 1 ? null : values[0];
  };

  /**
   * A session that ran out goes back to choosing while its link is live: a fresh session and
   * the day choice (or the booking it holds). Undefined when the session is valid.
   */
  async function expiredSession(secret: string): Promise<Answer | undefined> {
    const at = now();
    const renewed = await renewSession(db, secret, at, sessionTtlMs);
    if (renewed === undefined) return undefined;
    if (!("secret" in renewed)) return { page: sessionProblemPage(practice, renewed.outcome), outcome: renewed.outcome };
    const booking = await bookingOf(db, renewed.invitationId);
    const lead = "Your time to choose ran out, so nothing was changed. Please choose again.";
    if (booking) {
      return { page: redemptionPage(practice, { outcome: "redeemed", invitationId: renewed.invitationId, campaignId: renewed.campaignId, session: renewed, booking }, [], deps.followUpForm), outcome: "session-renewed", invitationId: renewed.invitationId };
    }
    const days = await availableDays(db, renewed.campaignId, at, practice.timeZone);
    return { page: chooseDayPage(practice, renewed.secret, days, { lead }), outcome: "session-renewed", invitationId: renewed.invitationId };
  }

  async function book(request: HttpRequest): Promise<Answer> {
    const form = sessionForm(request);
    const slot = form && single(form.fields, "slot");
    const day = form && single(form.fields, "day");
    const view = form && single(form.fields, "view");
    const changeField = form && single(form.fields, "change");
    const dayMatch = typeof day === "string" ? DAY_VALUE.exec(day) : undefined;
    if (
      !form || slot === null || day === null || view === null || changeField === null ||
      (slot !== undefined && !SLOT_ID.test(slot)) ||
      (day !== undefined && (!dayMatch || !isCalendarDate(dayMatch[1]))) ||
      (view !== undefined && view !== "days" && view !== "booking") ||
      (changeField !== undefined && changeField !== "1")
    ) {
      return { page: badRequestPage(practice), outcome: "bad-request" };
    }
    const { secret } = form;
    const change = changeField === "1";
    const expired = await expiredSession(secret);
    if (expired) return expired;
    const at = now();
    const session = await findSession(db, secret, at);
    if (session.outcome !== "valid") return { page: sessionProblemPage(practice, session.outcome), outcome: session.outcome };
    const { invitationId, campaignId } = session;
    if (slot !== undefined) {
      const result = await bookSlot(db, secret, Number(slot), now, { change });
      const again =
        result.outcome === "full"
          ? { days: [], slots: await slotsOnDay(db, campaignId, result.slot.site, localDate(result.slot.startsAt, practice.timeZone), practice.timeZone, at) }
          : result.outcome === "slot-unavailable" ? { days: await availableDays(db, campaignId, at, practice.timeZone) } : undefined;
      return { page: bookingPage(practice, secret, result, deps.followUpForm, again), outcome: result.outcome, invitationId };
    }
    const booking = await bookingOf(db, invitationId);
    if (booking && !change) {
      // Back to the booking ("keep it"), or a form of the booking flow posted again after booking.
      return { page: bookingPage(practice, secret, { outcome: "already-booked", invitationId, booking }, deps.followUpForm), outcome: view === "booking" ? "booking-shown" : "already-booked", invitationId };
    }
    if (dayMatch) {
      const choice = { date: dayMatch[1], site: dayMatch[2] };
      const slots = await slotsOnDay(db, campaignId, choice.site, choice.date, practice.timeZone, at);
      return { page: timesPage(practice, secret, choice, slots, { change, status: slots.length === 0 ? 404 : 200 }), outcome: slots.length === 0 ? "day-full" : "times-shown", invitationId };
    }
    const days = await availableDays(db, campaignId, at, practice.timeZone);
    // The button without a choice (browsers without `required`): say what is missing.
    const status = view === undefined ? 400 : 200;
    const lead = view === undefined ? "Please choose a day and a place, then press the button." : undefined;
    return { page: chooseDayPage(practice, secret, days, { status, lead, change }), outcome: view === undefined ? "nothing-chosen" : "days-shown", invitationId };
  }

  async function cancel(request: HttpRequest): Promise<Answer> {
    const form = sessionForm(request);
    const confirm = form && single(form.fields, "confirm");
    if (!form || confirm === null || (confirm !== undefined && confirm !== "yes")) return { page: badRequestPage(practice), outcome: "bad-request" };
    const expired = await expiredSession(form.secret);
    if (expired) return expired;
    const at = now();
    const session = await findSession(db, form.secret, at);
    if (session.outcome !== "valid") return { page: sessionProblemPage(practice, session.outcome), outcome: session.outcome };
    if (confirm === undefined) {
      const booking = await bookingOf(db, session.invitationId);
      if (booking) return { page: cancelConfirmPage(practice, form.secret, booking), outcome: "confirm-cancel", invitationId: session.invitationId };
    }
    const result = confirm === "yes" ? await cancelBooking(db, form.secret, now) : ({ outcome: "not-booked", invitationId: session.invitationId } as const);
    const days = await availableDays(db, session.campaignId, at, practice.timeZone);
    return { page: cancelResultPage(practice, form.secret, result, days), outcome: result.outcome, invitationId: session.invitationId };
  }

  /** POST /calendar with a session, or GET /i/{token}/calendar: the booking as a calendar file. */
  async function calendarBySession(request: HttpRequest): Promise<Answer> {
    const form = sessionForm(request);
    if (!form) return { page: badRequestPage(practice), outcome: "bad-request" };
    const session = await findSession(db, form.secret, now());
    if (session.outcome !== "valid") return { page: sessionProblemPage(practice, session.outcome), outcome: session.outcome };
    return calendarOf(session.invitationId);
  }

  async function calendarOf(invitationId: number): Promise<Answer> {
    const booking = await bookingOf(db, invitationId);
    if (!booking) return { page: notFoundPage(practice), outcome: "not-booked", invitationId };
    return { page: { status: 200, html: appointmentCalendar(booking, practice, now()) }, download: ICS, outcome: "calendar", invitationId };
  }

  async function calendarByLink(token: string): Promise<Answer> {
    const inspection = await inspectToken(db, token, now);
    if (inspection.outcome === "booked") return calendarOf(inspection.booking.invitationId);
    return { page: landingPage(practice, token, inspection), outcome: inspection.outcome === "redeemable" ? "not-booked" : inspection.outcome };
  }

  /** POST of an opt-out form: `channels` chosen, or (the session's stop button) not yet, then the choice. */
  async function optOut(request: HttpRequest, via: OptOutVia): Promise<Answer> {
    const fields = formFields(request);
    const choices = fields?.getAll("channels") ?? [];
    if ("session" in via && choices.length === 0) return optOutChoice(via);
    const channels = choices.length === 1 ? parseChannelChoice(choices[0]) : undefined;
    if (!channels) return { page: badRequestPage(practice), outcome: "bad-request" };
    const result = await recordOptOut(db, via, channels, now);
    return { page: optOutResultPage(practice, result), outcome: result.outcome, invitationId: "invitationId" in result ? result.invitationId : undefined };
  }

  /** The choice of messages to stop; reads only. */
  async function optOutChoice(via: OptOutVia): Promise<Answer> {
    const inspection = await inspectOptOut(db, via, now);
    return { page: optOutPage(practice, via, inspection), outcome: inspection.outcome, invitationId: inspection.outcome === "found" ? inspection.invitationId : undefined };
  }

  async function stop(request: HttpRequest): Promise<Answer> {
    const form = sessionForm(request);
    if (!form) return { page: badRequestPage(practice), outcome: "bad-request" };
    return optOut(request, { session: form.secret });
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
    const shortOptOut = SHORT_OPT_OUT_PATH.exec(path);
    if (optOutLink || shortOptOut) {
      const via: OptOutVia = optOutLink ? { token: optOutLink[1] } : { code: shortOptOut![1] };
      if (method === "GET" || method === "HEAD") return ["opt-out-page", await optOutChoice(via)];
      if (method === "POST") return ["opt-out", await optOut(request, via)];
      return ["other", { page: methodNotAllowedPage(practice), outcome: "method-not-allowed", allow: "GET, HEAD, POST" }];
    }
    const calendarLink = CALENDAR_LINK_PATH.exec(path);
    if (calendarLink) {
      if (method === "GET" || method === "HEAD") return ["calendar", await calendarByLink(calendarLink[1])];
      return ["other", { page: methodNotAllowedPage(practice), outcome: "method-not-allowed", allow: "GET, HEAD" }];
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
        const days = result.outcome === "redeemed" && !result.booking ? await availableDays(db, result.campaignId, now(), practice.timeZone) : [];
        return ["redeem", { page: redemptionPage(practice, result, days, deps.followUpForm), outcome: result.outcome, invitationId: result.outcome === "redeemed" ? result.invitationId : undefined }];
      }
      return ["other", { page: methodNotAllowedPage(practice), outcome: "method-not-allowed", allow: "GET, HEAD, POST" }];
    }
    const sessionRoutes: Record<string, [Route, (request: HttpRequest) => Promise<Answer>]> = {
      [BOOK_PATH]: ["book", book],
      [CANCEL_PATH]: ["cancel", cancel],
      [CALENDAR_PATH]: ["calendar", calendarBySession],
      [STOP_PATH]: ["opt-out", stop],
    };
    const sessionRoute = Object.hasOwn(sessionRoutes, path) ? sessionRoutes[path] : undefined;
    if (sessionRoute) {
      if (method === "POST") return [sessionRoute[0], await sessionRoute[1](request)];
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
        ...(answer.download ? { "Content-Type": answer.download.contentType, "Content-Disposition": `attachment; filename="${answer.download.filename}"` } : {}),
        ...(answer.allow ? { Allow: answer.allow } : {}),
        ...(answer.formAction ? { "Content-Security-Policy": contentSecurityPolicy({ formAction: answer.formAction }) } : {}),
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

/** The error's name, code and text under keys of their own (Powertools drops a `message` attribute). */
export function recordError(error: unknown, route: Route, log: Pick<Logger, "error"> = logger): void {
  log.error("request failed", { route, ...errorLogAttributes(error) });
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
