/**
 * The pages patients see when they open their link and book. Every value goes through the
 * `html` tag (escaped); the pages carry no clinical information, no patient name and no
 * script. Each result of redeeming or booking has its own page and HTTP status.
 */
import type { FormDefinition } from "../forms/definition";
import { renderForm } from "../forms/render";
import { SESSION_FIELD } from "../forms/submissions";
import { html, page, SafeHtml } from "../lib/html";
import type { Booking, BookingResult, Slot, SlotListing } from "./booking";
import { Channel, CHANNELS } from "./channels";
import type { OptOutInspection, OptOutResult } from "./opt-out";
import type { RedemptionResult, TokenInspection } from "./redeem";

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

/** Where the booking form posts; the landing form posts back to its own link. */
export const BOOK_PATH = "/book";
/** Where the "answer a few questions" button posts the session to get the follow-up form. */
export const QUESTIONS_PATH = "/questions";
export const linkPath = (token: string): string => `/i/${token}`;
export const optOutPath = (token: string): string => `/i/${token}/opt-out`;

const rendered = (status: number, title: string, body: SafeHtml): RenderedPage => ({ status, html: page(title, body) });

const callUs = (practice: Practice): SafeHtml => html`<p>If you have any questions, call ${practice.name} on <strong>${practice.phone}</strong>.</p>`;

export function formatAppointmentTime(at: Date, practice: Practice): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: practice.timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(at);
}

const appointment = (booking: Booking, practice: Practice): SafeHtml =>
  html`<p><strong>${formatAppointmentTime(booking.startsAt, practice)}</strong><br>${booking.site}</p>`;

/** A message page: heading, explanation, the practice's phone number. */
function notice(practice: Practice, status: number, title: string, ...paragraphs: string[]): RenderedPage {
  return rendered(status, `${title} – ${practice.name}`, html`<h1>${title}</h1>${paragraphs.map((p) => html`<p>${p}</p>`)}${callUs(practice)}`);
}

/** The form listing free slots, carrying the session secret in a hidden field. */
function slotForm(practice: Practice, sessionSecret: string, slots: readonly Slot[]): SafeHtml {
  if (slots.length === 0) {
    return html`<p class="error">There are no free appointments to book online at the moment. Call ${practice.name} on <strong>${practice.phone}</strong> to book.</p>`;
  }
  return html`<form method="post" action="${BOOK_PATH}">
<input type="hidden" name="session" value="${sessionSecret}">
<table>
<thead><tr><th scope="col">Choose</th><th scope="col">When</th><th scope="col">Where</th><th scope="col">Places left</th></tr></thead>
<tbody>
${slots.map(
  (slot) =>
    html`<tr><td><input type="radio" name="slot" value="${slot.id}" id="slot-${slot.id}" required></td><td><label for="slot-${slot.id}">${formatAppointmentTime(slot.startsAt, practice)}</label></td><td>${slot.site}</td><td>${slot.free}</td></tr>
`,
)}</tbody>
</table>
<p><button type="submit">Book this appointment</button></p>
</form>`;
}

function choosePage(practice: Practice, status: number, title: string, lead: string, sessionSecret: string, slots: readonly Slot[]): RenderedPage {
  return rendered(status, `${title} – ${practice.name}`, html`<h1>${title}</h1><p>${lead}</p>${slotForm(practice, sessionSecret, slots)}${callUs(practice)}`);
}

/** GET /i/{token}: a live link shows a button that redeems it; any other link says why not. */
export function landingPage(practice: Practice, token: string, inspection: TokenInspection): RenderedPage {
  if (inspection.outcome !== "redeemable") return rejectedLinkPage(practice, inspection);
  return rendered(
    200,
    `Book your appointment – ${practice.name}`,
    html`<h1>Book your appointment</h1>
<p>${practice.name} invites you to book an appointment.</p>
<p>This link works once. Press the button to choose a time that suits you.</p>
<form method="post" action="${linkPath(token)}"><button type="submit">Choose an appointment</button></form>
${callUs(practice)}`,
  );
}

/** POST /i/{token}. */
export function redemptionPage(practice: Practice, result: RedemptionResult): RenderedPage {
  if (result.outcome === "redeemed") {
    return choosePage(
      practice,
      200,
      "Choose an appointment",
      `Thank you for replying. Choose a time below by ${formatAppointmentTime(result.session.expiresAt, practice)}.`,
      result.session.secret,
      result.slots,
    );
  }
  if (result.outcome === "unavailable") return unavailablePage(practice);
  return rejectedLinkPage(practice, result);
}

function rejectedLinkPage(practice: Practice, rejected: Exclude<TokenInspection, { outcome: "redeemable" }>): RenderedPage {
  switch (rejected.outcome) {
    case "malformed":
      return notice(practice, 400, "This link is not complete", "The link you opened is missing some characters. Open the link again from the message we sent you, making sure all of it is used.");
    case "unknown":
      return notice(practice, 404, "We cannot find this link", "Please check that you opened the link exactly as it appears in the message we sent you.");
    case "expired":
      return notice(practice, 410, "This link has expired", "The link in your message is no longer valid. You can still book by phone.");
    case "replaced":
      return notice(practice, 410, "This link has been replaced", "We have sent you a newer message. Please use the link in the latest message.");
    case "withdrawn":
      return notice(practice, 410, "This link is no longer valid", "This invitation has been withdrawn.");
    case "already-used":
      return notice(practice, 409, "You have already responded", "This link has already been used, so it cannot be used again.", "To book, change or cancel your appointment, please call us.");
    case "already-responded":
      return notice(practice, 409, "You have already responded", "You have already replied to our invitation using another link.", "To book, change or cancel your appointment, please call us.");
  }
}

/** The button that opens the follow-up form with this session, when the practice has one. */
const questionsButton = (sessionSecret: string, followUp: FollowUpForm | undefined): SafeHtml =>
  followUp
    ? html`<form method="post" action="${QUESTIONS_PATH}"><input type="hidden" name="session" value="${sessionSecret}"><p>${followUp.prompt}</p><p><button type="submit">Answer the questions</button></p></form>`
    : html``;

/** A published form patients are asked to fill in once they have booked (e.g. a pre-vaccination questionnaire). */
export interface FollowUpForm {
  readonly slug: string;
  /** form-submit's URL for this form (`{FORM_SUBMIT_BASE_URL}/forms/{slug}`). */
  readonly submitUrl: string;
  readonly prompt: string;
}

/** POST /book. */
export function bookingPage(practice: Practice, sessionSecret: string, result: BookingResult, followUp?: FollowUpForm): RenderedPage {
  switch (result.outcome) {
    case "session-unknown":
    case "session-expired":
      return sessionProblemPage(practice, result.outcome);
    case "booked":
      return rendered(
        200,
        `Your appointment is booked – ${practice.name}`,
        html`<h1>Your appointment is booked</h1>${appointment(result.booking, practice)}<p>Please keep this page or write the time down.</p>${questionsButton(sessionSecret, followUp)}<p>To change or cancel your appointment, call ${practice.name} on <strong>${practice.phone}</strong>.</p>`,
      );
    case "already-booked":
      return rendered(
        409,
        `You already have an appointment – ${practice.name}`,
        html`<h1>You already have an appointment</h1>${appointment(result.booking, practice)}${questionsButton(sessionSecret, followUp)}<p>To change or cancel it, call ${practice.name} on <strong>${practice.phone}</strong>.</p>`,
      );
    case "full":
      return choosePage(practice, 409, "That time has just been taken", "Someone booked the last place at that time before you. Please choose another time.", sessionSecret, result.slots);
    case "slot-unavailable":
      return choosePage(practice, 404, "That time is not available", "Please choose one of the times below.", sessionSecret, result.slots);
  }
}

/** POST /book without a chosen time: the list again. */
export function chooseAgainPage(practice: Practice, sessionSecret: string, listing: SlotListing, followUp?: FollowUpForm): RenderedPage {
  if (listing.outcome !== "open") return sessionProblemPage(practice, listing.outcome);
  if (listing.booking) return bookingPage(practice, sessionSecret, { outcome: "already-booked", invitationId: listing.invitationId, booking: listing.booking }, followUp);
  return choosePage(practice, 400, "Choose a time", "Please choose one of the times below, then press the button.", sessionSecret, listing.slots);
}

export function sessionProblemPage(practice: Practice, problem: "session-unknown" | "session-expired"): RenderedPage {
  return problem === "session-expired"
    ? notice(practice, 410, "This booking page has expired", "We have recorded your reply, but the time to choose an appointment online has run out. Please call us to book.")
    : notice(practice, 404, "We cannot find your booking", "This booking page is not valid. Please call us to book.");
}

export const badRequestPage = (practice: Practice): RenderedPage =>
  notice(practice, 400, "Something was missing from your request", "Please go back and try again, or open the link from your message again.");

export const notFoundPage = (practice: Practice): RenderedPage => notice(practice, 404, "Page not found", "Please open the link exactly as it appears in the message we sent you.");

export const methodNotAllowedPage = (practice: Practice): RenderedPage => notice(practice, 405, "This page cannot be used like that", "Please open the link from the message we sent you.");

export const unavailablePage = (practice: Practice): RenderedPage =>
  notice(practice, 503, "Sorry, something went wrong", "We could not complete your request just now. Please try again in a few minutes.");

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
    "We could not find the message this link came from, so nothing has been changed. Please open the link exactly as it appears in the message we sent you.",
    "To stop receiving messages from us, you can also call us.",
  );

/** GET /i/{token}/opt-out: asks which messages to stop; changes nothing (link scanners prefetch). */
export function optOutPage(practice: Practice, token: string, inspection: OptOutInspection): RenderedPage {
  if (inspection.outcome !== "found") return linkNotRecognised(practice, inspection.outcome);
  if (inspection.optedOut.length === CHANNELS.length) {
    return notice(practice, 200, "You have already stopped these messages", `You will not receive any more ${channelWords(inspection.optedOut)} from ${practice.name} about invitations like this.`);
  }
  const note = inspection.optedOut.length > 0 ? html`<p>You have already stopped ${channelWords(inspection.optedOut)}.</p>` : html``;
  return rendered(
    200,
    `Stop messages – ${practice.name}`,
    html`<h1>Stop messages from ${practice.name}</h1>
${note}<p>Choose which messages you no longer want to receive about invitations like this one, then press the button.</p>
<form method="post" action="${optOutPath(token)}">
<fieldset>
<legend>Stop</legend>
<p><input type="radio" name="channels" value="both" id="stop-both" checked> <label for="stop-both">Text messages and emails</label></p>
<p><input type="radio" name="channels" value="sms" id="stop-sms"> <label for="stop-sms">Text messages only</label></p>
<p><input type="radio" name="channels" value="email" id="stop-email"> <label for="stop-email">Emails only</label></p>
</fieldset>
<p><button type="submit">Stop these messages</button></p>
</form>
<p>You can still book or ask about appointments by phone.</p>
${callUs(practice)}`,
  );
}

/** POST /i/{token}/opt-out. */
export function optOutResultPage(practice: Practice, result: OptOutResult): RenderedPage {
  switch (result.outcome) {
    case "malformed":
    case "unknown":
      return linkNotRecognised(practice, result.outcome);
    case "already-opted-out":
      return notice(practice, 200, "You are already opted out", `You had already asked us to stop ${channelWords(result.channels)}. Nothing has changed.`);
    case "opted-out":
      return notice(
        practice,
        200,
        "You will not receive these messages any more",
        `We will not send you any more ${channelWords(result.channels)} about invitations like this.`,
        ...(result.alreadyOptedOut.length > 0 ? [`You had already stopped ${channelWords(result.alreadyOptedOut)}.`] : []),
        "You can still book or ask about appointments by phone.",
      );
  }
}
