/**
 * The pages patients see when they open their link and book. Every value goes through the
 * `html` tag (escaped); the pages carry no clinical information, no patient name, no script and
 * no inline style (the shared stylesheet styles the class names: appointment, choices, choice,
 * hint, visually-hidden, actions, secondary, link-button, error). Each result of opening,
 * booking or cancelling has its own page and HTTP status; every page ends with the practice's
 * phone number (a tel: link) and a way to stop messages.
 */
import type { FormDefinition } from "../forms/definition";
import { renderForm } from "../forms/render";
import { SESSION_FIELD } from "../forms/submissions";
import { html, page, SafeHtml } from "../lib/html";
import { Booking, BookingResult, CancelResult, DayChoice, localDate, Slot } from "./booking";
import type { ConfirmationChannel } from "./confirmations";
import { Channel, CHANNELS } from "./channels";
import type { OptOutInspection, OptOutResult } from "./opt-out";
import type { RedemptionResult, RejectedToken, TokenInspection } from "./redeem";

export interface Practice {
  readonly name: string;
  /** As patients should dial it, e.g. "020 7946 0000". */
  readonly phone: string;
  /** IANA time zone in which appointment times are shown, e.g. "Europe/London". */
  readonly timeZone: string;
}

export interface RenderedPage {
  readonly status: number;
  readonly html: string;
}

/** Where the booking forms post: a day, a time, or nothing (back to the days). */
export const BOOK_PATH = "/book";
/** Where "cancel this appointment" posts the session (first to confirm, then to cancel). */
export const CANCEL_PATH = "/cancel";
/** Where a session page's calendar button posts the session, for the .ics file. */
export const CALENDAR_PATH = "/calendar";
/** Where the "answer a few questions" button posts the session to get the follow-up form. */
export const QUESTIONS_PATH = "/questions";
export const linkPath = (token: string): string => `/i/${token}`;
export const optOutPath = (token: string): string => `/i/${token}/opt-out`;
/** The booked appointment as a calendar file (GET, reads only). */
export const calendarPath = (token: string): string => `/i/${token}/calendar`;

/**
 * Who is looking, as far as the page can say: the link's token (in the URL already) or the
 * booking session (only ever in a hidden form field). Pages use it for the opt-out link.
 */
export type Visitor = { readonly token: string } | { readonly session: string } | typeof OPTING_OUT | undefined;
/** The opt-out pages themselves: no link to themselves. */
const OPTING_OUT = "opting-out";

/** The page: main content, then the practice's phone number and a way to stop messages. */
function rendered(status: number, title: string, body: SafeHtml, practice: Practice, visitor: Visitor): RenderedPage {
  return { status, html: page(title, html`<main>
${body}
</main>
${footer(practice, visitor)}`) };
}

/** The number as a tel: link patients can tap: digits and a leading + only. */
export const telHref = (phone: string): string => `tel:${phone.replace(/(?!^\+)[^0-9]/g, "")}`;

const phoneLink = (practice: Practice): SafeHtml => html`<a href="${telHref(practice.phone)}">${practice.phone}</a>`;

const callUs = (practice: Practice): SafeHtml => html`<p>If you have any questions, call ${practice.name} on ${phoneLink(practice)}.</p>`;

function footer(practice: Practice, visitor: Visitor): SafeHtml {
  const stop =
    visitor === OPTING_OUT
      ? html``
      : visitor === undefined
      ? html`<p>To stop messages from us, call ${phoneLink(practice)}.</p>`
      : "token" in visitor
        ? html`<p><a href="${optOutPath(visitor.token)}">Stop messages from ${practice.name}</a></p>`
        : html`<form method="post" action="${STOP_PATH}"><input type="hidden" name="session" value="${visitor.session}"><p><button type="submit" class="link-button">Stop messages from ${practice.name}</button></p></form>`;
  return html`<footer>
${callUs(practice)}
${stop}
</footer>`;
}

/** Where a session page's "stop messages" button posts the session (the token is not on those pages). */
export const STOP_PATH = "/stop";

export function formatAppointmentTime(at: Date, practice: Practice): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: practice.timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(at);
}

export const formatTimeOfDay = (at: Date, practice: Practice): string =>
  new Intl.DateTimeFormat("en-GB", { timeZone: practice.timeZone, hour: "2-digit", minute: "2-digit" }).format(at);

/** "Monday 5 October 2026" for a YYYY-MM-DD calendar date (no time zone: it is already local). */
export const formatDate = (date: string): string =>
  new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(new Date(`${date}T12:00:00.000Z`));

const appointment = (booking: Booking, practice: Practice): SafeHtml =>
  html`<dl class="appointment"><dt>When</dt><dd>${formatAppointmentTime(booking.startsAt, practice)}</dd><dt>Where</dt><dd>${booking.site}</dd></dl>`;

/** A message page: heading, explanation, the practice's phone number. */
function notice(practice: Practice, status: number, title: string, paragraphs: readonly string[], visitor: Visitor = undefined): RenderedPage {
  return rendered(status, `${title} – ${practice.name}`, html`<h1>${title}</h1>${paragraphs.map((p) => html`<p>${p}</p>`)}`, practice, visitor);
}

const sessionField = (secret: string): SafeHtml => html`<input type="hidden" name="session" value="${secret}">`;

/** The value of a day radio: the local date, a space, the site (sites are free text; the date has a fixed shape). */
export const dayValue = (day: Pick<DayChoice, "date" | "site">): string => `${day.date} ${day.site}`;

/** The first step: sites and dates with free seats, as radios (one tap each, labelled in full). */
function dayForm(practice: Practice, sessionSecret: string, days: readonly DayChoice[], change: boolean): SafeHtml {
  if (days.length === 0) {
    return html`<p class="error">There are no free appointments to book online at the moment. We will send you a reminder, or you can call ${practice.name} on ${phoneLink(practice)} to book.</p>`;
  }
  return html`<form method="post" action="${BOOK_PATH}">
${sessionField(sessionSecret)}${change ? html`<input type="hidden" name="change" value="1">` : ""}
<fieldset class="choices">
<legend>Choose a day and place</legend>
${days.map((day, i) => html`<div class="choice"><input type="radio" name="day" value="${dayValue(day)}" id="day-${i}" required> <label for="day-${i}">${formatDate(day.date)}, ${day.site} <span class="hint">(${day.free === 1 ? "1 place" : `${day.free} places`} left)</span></label></div>
`)}</fieldset>
<p class="actions"><button type="submit">Show times</button></p>
</form>`;
}

/** Lead, then the day choice. */
function daysPage(practice: Practice, status: number, title: string, lead: string, sessionSecret: string, days: readonly DayChoice[], change = false): RenderedPage {
  return rendered(status, `${title} – ${practice.name}`, html`<h1>${title}</h1><p>${lead}</p>${dayForm(practice, sessionSecret, days, change)}`, practice, { session: sessionSecret });
}

/** The second step: the free times of one site on one day; each label says site, date and time. */
export function timesPage(practice: Practice, sessionSecret: string, day: Pick<DayChoice, "date" | "site">, slots: readonly Slot[], options: { status?: number; title?: string; lead?: string; change?: boolean } = {}): RenderedPage {
  const title = options.title ?? "Choose a time";
  const back = html`<form method="post" action="${BOOK_PATH}">${sessionField(sessionSecret)}${options.change ? html`<input type="hidden" name="change" value="1">` : ""}<p><button type="submit" name="view" value="days" class="secondary">Choose another day</button></p></form>`;
  const body =
    slots.length === 0
      ? html`<p class="error">There are no free times left on ${formatDate(day.date)} at ${day.site}. Please choose another day.</p>`
      : html`<form method="post" action="${BOOK_PATH}">
${sessionField(sessionSecret)}${options.change ? html`<input type="hidden" name="change" value="1">` : ""}
<fieldset class="choices">
<legend>${formatDate(day.date)}, ${day.site}</legend>
${slots.map((slot) => html`<div class="choice"><input type="radio" name="slot" value="${slot.id}" id="slot-${slot.id}" required> <label for="slot-${slot.id}">${formatTimeOfDay(slot.startsAt, practice)}<span class="visually-hidden">, ${formatDate(day.date)}, ${day.site}</span></label></div>
`)}</fieldset>
<p class="actions"><button type="submit">${options.change ? "Change to this time" : "Book this time"}</button></p>
</form>`;
  return rendered(options.status ?? 200, `${title} – ${practice.name}`, html`<h1>${title}</h1>${options.lead ? html`<p>${options.lead}</p>` : ""}${body}${back}`, practice, { session: sessionSecret });
}

/** GET /i/{token}: a live link shows a button that opens slot choice, or the booking it holds; any other link says why not. */
export function landingPage(practice: Practice, token: string, inspection: TokenInspection): RenderedPage {
  if (inspection.outcome === "booked") {
    return rendered(
      200,
      `Your appointment – ${practice.name}`,
      html`<h1>Your appointment</h1>
${appointment(inspection.booking, practice)}
<p><a href="${calendarPath(token)}">Add it to your calendar</a></p>
<form method="post" action="${linkPath(token)}"><p class="actions"><button type="submit">Change or cancel this appointment</button></p></form>`,
      practice,
      { token },
    );
  }
  if (inspection.outcome !== "redeemable") return rejectedLinkPage(practice, inspection, token);
  const declined = inspection.staffOutcome === "declined" ? html`<p>We have a note that you did not want an appointment. If you have changed your mind, you are welcome to book.</p>` : "";
  return rendered(
    200,
    `Book your appointment – ${practice.name}`,
    html`<h1>Book your appointment</h1>
<p>${practice.name} invites you to book an appointment.</p>
${declined}<p>Press the button to choose a day and a time that suit you. You can use this link until you have booked.</p>
<form method="post" action="${linkPath(token)}"><p class="actions"><button type="submit">Choose an appointment</button></p></form>`,
    practice,
    { token },
  );
}

/** The page of an opened session that already holds a booking: view, change, cancel. */
function managePage(practice: Practice, sessionSecret: string, booking: Booking, followUp: FollowUpForm | undefined, status = 200, title = "Your appointment", lead?: string): RenderedPage {
  return rendered(
    status,
    `${title} – ${practice.name}`,
    html`<h1>${title}</h1>${lead ? html`<p>${lead}</p>` : ""}
${appointment(booking, practice)}
<form method="post" action="${CALENDAR_PATH}">${sessionField(sessionSecret)}<p><button type="submit" class="secondary">Add to your calendar</button></p></form>
${questionsButton(sessionSecret, followUp)}<form method="post" action="${BOOK_PATH}">${sessionField(sessionSecret)}<input type="hidden" name="change" value="1"><p class="actions"><button type="submit" name="view" value="days">Change the time</button></p></form>
<form method="post" action="${CANCEL_PATH}">${sessionField(sessionSecret)}<p><button type="submit" class="secondary">Cancel this appointment</button></p></form>`,
    practice,
    { session: sessionSecret },
  );
}

/** POST /i/{token}: the days to choose from, or the booking the invitation holds. */
export function redemptionPage(practice: Practice, result: RedemptionResult, days: readonly DayChoice[] = [], followUp?: FollowUpForm): RenderedPage {
  if (result.outcome === "redeemed") {
    if (result.booking) return managePage(practice, result.session.secret, result.booking, followUp);
    return daysPage(practice, 200, "Choose an appointment", `Choose a day and a place, then a time. Please choose by ${formatAppointmentTime(result.session.expiresAt, practice)}.`, result.session.secret, days);
  }
  return rejectedLinkPage(practice, result);
}

/** POST /book with `view=days` or nothing chosen, or an expired session that went back to choosing. */
export function chooseDayPage(practice: Practice, sessionSecret: string, days: readonly DayChoice[], options: { status?: number; lead?: string; change?: boolean } = {}): RenderedPage {
  return daysPage(practice, options.status ?? 200, options.change ? "Choose a new time" : "Choose an appointment", options.lead ?? "Choose a day and a place, then a time.", sessionSecret, days, options.change);
}

function rejectedLinkPage(practice: Practice, rejected: RejectedToken, token?: string): RenderedPage {
  // The opt-out link works for any token we issued, whatever its state (opt-out.ts).
  const visitor: Visitor = token !== undefined && rejected.outcome !== "malformed" && rejected.outcome !== "unknown" ? { token } : undefined;
  switch (rejected.outcome) {
    case "malformed":
      return notice(practice, 400, "This link is not complete", ["The link you opened is missing some characters. Open the link again from the message we sent you, making sure all of it is used."]);
    case "unknown":
      return notice(practice, 404, "We cannot find this link", ["Please check that you opened the link exactly as it appears in the message we sent you."]);
    case "expired":
      return notice(practice, 410, "This link has expired", ["The link in your message is no longer valid. You can still book by phone."], visitor);
    case "replaced":
      return notice(practice, 410, "This link has been replaced", ["We have sent you a newer message. Please use the link in the latest message."], visitor);
    case "withdrawn":
      return notice(practice, 410, "This link is no longer valid", ["This invitation has been withdrawn."], visitor);
    case "answered-by-staff":
      return notice(
        practice,
        200,
        "We have already heard from you",
        [rejected.staffOutcome === "booked-by-phone" ? "Our records show that you booked your appointment with us by phone." : "Our records show that you have had your vaccination elsewhere.", "If this is not right, please call us."],
        visitor,
      );
  }
}

/** The button that opens the follow-up form with this session, when the practice has one. */
const questionsButton = (sessionSecret: string, followUp: FollowUpForm | undefined): SafeHtml =>
  followUp
    ? html`<form method="post" action="${QUESTIONS_PATH}">${sessionField(sessionSecret)}<p>${followUp.prompt}</p><p><button type="submit">Answer the questions</button></p></form>
`
    : html``;

/** A published form patients are asked to fill in once they have booked (e.g. a pre-vaccination questionnaire). */
export interface FollowUpForm {
  readonly slug: string;
  /** form-submit's URL for this form (`{FORM_SUBMIT_BASE_URL}/forms/{slug}`). */
  readonly submitUrl: string;
  readonly prompt: string;
}

/**
 * Where the confirmation of this change goes, in words, so a patient with no usable contact (or
 * opted out of both) is not told to wait for a message that will never come.
 */
export function confirmationSentence(channels: readonly ConfirmationChannel[]): string {
  if (channels.length === 0) return "We will not send you a message about this, because we have no mobile number or email address we can use. Please make a note of it.";
  const words = channels.map((channel) => (channel === "sms" ? "text message" : "email"));
  return `We will send you a confirmation by ${words.join(" and by ")}.`;
}

/** POST /book with a slot. `day` lists the times again when the chosen one filled up. */
export function bookingPage(practice: Practice, sessionSecret: string, result: BookingResult, followUp?: FollowUpForm, again?: { days: readonly DayChoice[]; slots?: readonly Slot[] }): RenderedPage {
  switch (result.outcome) {
    case "session-unknown":
    case "session-expired":
      return sessionProblemPage(practice, result.outcome);
    case "booked":
      return managePage(practice, sessionSecret, result.booking, followUp, 200, "Your appointment is booked", `${confirmationSentence(result.confirmedBy)} You can come back to the link in your message to see, change or cancel it.`);
    case "moved":
      return managePage(practice, sessionSecret, result.booking, followUp, 200, "Your appointment has been changed", `Your appointment on ${formatAppointmentTime(result.previous.startsAt, practice)} is cancelled. ${confirmationSentence(result.confirmedBy)} This is your new appointment:`);
    case "already-booked":
      return managePage(practice, sessionSecret, result.booking, followUp, 409, "You already have an appointment");
    case "full":
      return timesPage(practice, sessionSecret, { date: localDate(result.slot.startsAt, practice.timeZone), site: result.slot.site }, again?.slots ?? [], {
        status: 409,
        title: "That time has just been taken",
        lead: "Someone booked the last place at that time before you. Please choose another time.",
      });
    case "slot-unavailable":
      return chooseDayPage(practice, sessionSecret, again?.days ?? [], { status: 404, lead: "That time is not available. Please choose a day and a place again." });
  }
}

/** POST /cancel: first a confirmation, then the result. */
export function cancelConfirmPage(practice: Practice, sessionSecret: string, booking: Booking): RenderedPage {
  return rendered(
    200,
    `Cancel your appointment – ${practice.name}`,
    html`<h1>Cancel your appointment?</h1>
${appointment(booking, practice)}
<form method="post" action="${CANCEL_PATH}">${sessionField(sessionSecret)}<input type="hidden" name="confirm" value="yes"><p class="actions"><button type="submit">Yes, cancel it</button></p></form>
<form method="post" action="${BOOK_PATH}">${sessionField(sessionSecret)}<p><button type="submit" name="view" value="booking" class="secondary">No, keep it</button></p></form>`,
    practice,
    { session: sessionSecret },
  );
}

export function cancelResultPage(practice: Practice, sessionSecret: string, result: CancelResult, days: readonly DayChoice[] = []): RenderedPage {
  switch (result.outcome) {
    case "session-unknown":
    case "session-expired":
      return sessionProblemPage(practice, result.outcome);
    case "not-booked":
      return chooseDayPage(practice, sessionSecret, days, { lead: "You do not have an appointment booked. You can choose one below." });
    case "cancelled":
      return rendered(
        200,
        `Your appointment is cancelled – ${practice.name}`,
        html`<h1>Your appointment is cancelled</h1>
<p>Your appointment on ${formatAppointmentTime(result.booking.startsAt, practice)} at ${result.booking.site} is cancelled. ${confirmationSentence(result.confirmedBy)}</p>
<p>If you would like another time, choose one below. Otherwise we may remind you later.</p>
${dayForm(practice, sessionSecret, days, false)}`,
        practice,
        { session: sessionSecret },
      );
  }
}

export function sessionProblemPage(practice: Practice, problem: "session-unknown" | "session-expired"): RenderedPage {
  return problem === "session-expired"
    ? notice(practice, 410, "This booking page has expired", ["Nothing was booked. Please open the link in your latest message again to choose a time, or call us to book."])
    : notice(practice, 404, "We cannot find your booking", ["This booking page is not valid. Please open the link in your message again, or call us."]);
}

export const badRequestPage = (practice: Practice): RenderedPage =>
  notice(practice, 400, "Something was missing from your request", ["Please go back and try again, or open the link from your message again."]);

export const notFoundPage = (practice: Practice): RenderedPage => notice(practice, 404, "Page not found", ["Please open the link exactly as it appears in the message we sent you."]);

export const methodNotAllowedPage = (practice: Practice): RenderedPage => notice(practice, 405, "This page cannot be used like that", ["Please open the link from the message we sent you."]);

export const unavailablePage = (practice: Practice): RenderedPage =>
  notice(practice, 503, "Sorry, something went wrong", ["We could not complete your request just now. Please try again in a few minutes."]);

/**
 * The follow-up form (forms/render.ts, every value escaped) with the booking session secret as
 * a hidden field, so form-submit can attach the answers to this invitation.
 */
export function followUpFormPage(definition: FormDefinition, submitUrl: string, sessionSecret: string): RenderedPage {
  return { status: 200, html: renderForm(definition, { submitUrl, hiddenFields: { [SESSION_FIELD]: sessionSecret } }) };
}

/** Stopping text messages, emails, or both, as the patient would read it. */
function channelWords(channels: readonly Channel[]): string {
  const both = channels.includes("sms") && channels.includes("email");
  return both ? "text messages and emails" : channels.includes("sms") ? "text messages" : "emails";
}

const linkNotRecognised = (practice: Practice, outcome: "malformed" | "unknown"): RenderedPage =>
  notice(
    practice,
    outcome === "malformed" ? 400 : 404,
    "This link is not recognised",
    ["We could not find the message this link came from, so nothing has been changed. Please open the link exactly as it appears in the message we sent you.", "To stop receiving messages from us, you can also call us."],
    OPTING_OUT,
  );

/** GET /i/{token}/opt-out: asks which messages to stop; changes nothing (link scanners prefetch). */
/** How the opt-out page was reached, which is where its form posts back to. */
export type OptOutVia = { readonly token: string } | { readonly code: string } | { readonly session: string };

export const shortOptOutPath = (code: string): string => `/s/${code}`;

const optOutFormStart = (via: OptOutVia): SafeHtml =>
  "token" in via
    ? html`<form method="post" action="${optOutPath(via.token)}">`
    : "code" in via
      ? html`<form method="post" action="${shortOptOutPath(via.code)}">`
      : html`<form method="post" action="${STOP_PATH}">
${sessionField(via.session)}`;

export function optOutPage(practice: Practice, via: OptOutVia, inspection: OptOutInspection): RenderedPage {
  if (inspection.outcome !== "found") return linkNotRecognised(practice, inspection.outcome);
  if (inspection.optedOut.length === CHANNELS.length) {
    return notice(practice, 200, "You have already stopped these messages", [`You will not receive any more ${channelWords(inspection.optedOut)} from ${practice.name} about invitations like this.`], OPTING_OUT);
  }
  const note = inspection.optedOut.length > 0 ? html`<p>You have already stopped ${channelWords(inspection.optedOut)}.</p>` : html``;
  return rendered(
    200,
    `Stop messages – ${practice.name}`,
    html`<h1>Stop messages from ${practice.name}</h1>
${note}<p>Choose which messages you no longer want to receive about invitations like this one, then press the button.</p>
${optOutFormStart(via)}
<fieldset class="choices">
<legend>Which messages should we stop?</legend>
<div class="choice"><input type="radio" name="channels" value="both" id="stop-both" checked> <label for="stop-both">Text messages and emails</label></div>
<div class="choice"><input type="radio" name="channels" value="sms" id="stop-sms"> <label for="stop-sms">Text messages only</label></div>
<div class="choice"><input type="radio" name="channels" value="email" id="stop-email"> <label for="stop-email">Emails only</label></div>
</fieldset>
<p class="actions"><button type="submit">Stop these messages</button></p>
</form>
<p>You can still book or ask about appointments by phone.</p>`,
    practice,
    OPTING_OUT,
  );
}

/** POST /i/{token}/opt-out. */
export function optOutResultPage(practice: Practice, result: OptOutResult): RenderedPage {
  switch (result.outcome) {
    case "malformed":
    case "unknown":
      return linkNotRecognised(practice, result.outcome);
    case "already-opted-out":
      return notice(practice, 200, "You are already opted out", [`You had already asked us to stop ${channelWords(result.channels)}. Nothing has changed.`], OPTING_OUT);
    case "opted-out":
      return notice(
        practice,
        200,
        "You will not receive these messages any more",
        [
          `We will not send you any more ${channelWords(result.channels)} about invitations like this.`,
          ...(result.alreadyOptedOut.length > 0 ? [`You had already stopped ${channelWords(result.alreadyOptedOut)}.`] : []),
          "You can still book or ask about appointments by phone.",
        ],
        OPTING_OUT,
      );
  }
}
