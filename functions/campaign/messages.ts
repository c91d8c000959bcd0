/**
 * What patients receive: the invitation (round 0) and the reminders, as one SMS and one email.
 * No clinical information, ever: the practice's name, the offer, the personal link
 * `${baseUrl}/i/${token}` and how to opt out: the SMS carries a short opt-out link
 * `${baseUrl}/s/${code}` (tokens.ts optOutCodeOf), because the alphanumeric sender id cannot
 * receive "STOP" replies; the email carries `${baseUrl}/i/${token}/opt-out`. The SMS must fit
 * one GSM-7 segment (160 septets): a second segment doubles the cost and some handsets split the link.
 * Settings are checked once, up front (`validateMessagingSettings`), against the longest
 * message they can produce, so a campaign never fails half-way on message length.
 */
import { html, SafeHtml, trusted } from "../lib/html";
import { ConfigurationError } from "../lib/environment";
import { OPT_OUT_CODE_LENGTH, optOutCodeOf, TOKEN_BYTES } from "./tokens";

/** GSM 03.38 default alphabet (one septet each); ESC (0x1B) is the extension prefix, not a character. */
const GSM7_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/** Extension table: each costs two septets (ESC + code). */
const GSM7_EXTENSION = "\f^{}\\[~]|€";

const BASIC = new Set(Array.from(GSM7_BASIC));
const EXTENSION = new Set(Array.from(GSM7_EXTENSION));
/** Septets per ASCII code (0 = not GSM-7): the fast path, since links and most names are ASCII. */
const ASCII_SEPTETS = Uint8Array.from({ length: 128 }, (_, code) => (BASIC.has(String.fromCharCode(code)) ? 1 : EXTENSION.has(String.fromCharCode(code)) ? 2 : 0));

export const SMS_SEGMENT_SEPTETS = 160;
/** Longest practice name accepted (in septets). */
export const PRACTICE_NAME_MAX_SEPTETS = 30;
/**
 * Longest base URL accepted (characters, GSM-7 only). The SMS carries it twice (booking link and
 * opt-out link), so name and URL together must also fit: validateMessagingSettings checks the
 * longest SMS they can produce and says by how much to shorten.
 */
export const BASE_URL_MAX_LENGTH = 40;
/** A token is 22 base64url characters (all in the GSM-7 basic set). */
export const TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 8) / 6);

export function isGsm7(text: string): boolean {
  for (const char of text) if (!BASIC.has(char) && !EXTENSION.has(char)) return false;
  return true;
}

/** The characters of `text` that GSM-7 cannot carry, each once, in order of appearance. */
export function nonGsm7Characters(text: string): string[] {
  return [...new Set(Array.from(text).filter((char) => !BASIC.has(char) && !EXTENSION.has(char)))];
}

/** Septets `text` takes in GSM-7 (extension characters count 2). Throws if a character is not GSM-7 at all. */
export function gsm7Length(text: string): number {
  let septets = 0;
  let ascii = true;
  for (let i = 0; i < text.length && ascii; i++) {
    const code = text.charCodeAt(i);
    const cost = code < 128 ? ASCII_SEPTETS[code] : 0;
    if (cost === 0) ascii = false;
    else septets += cost;
  }
  if (ascii) return septets;
  septets = 0;
  for (const char of text) {
    if (BASIC.has(char)) septets += 1;
    else if (EXTENSION.has(char)) septets += 2;
    else throw new RangeError(`${JSON.stringify(char)} (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}) is not a GSM-7 character; an SMS containing it would be sent as UCS-2 (70 characters per segment).`);
  }
  return septets;
}

export interface MessagingSettings {
  /** As patients know the practice, e.g. "Riverside Surgery". GSM-7, at most PRACTICE_NAME_MAX_SEPTETS septets. */
  readonly practiceName: string;
  /** Public origin of the landing pages, https, no trailing slash, e.g. "https://book.example.org". */
  readonly baseUrl: string;
}

/** Round 0 is the invitation; 1..max_reminders are reminders. */
export type Round = number;

export interface RenderedSms {
  readonly text: string;
  readonly septets: number;
}

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export const invitationUrl = (baseUrl: string, token: string): string => `${baseUrl}/i/${token}`;
/** The opt-out page for this link (served by the redemption function): GET confirms, POST records the opt-out. */
export const optOutUrl = (baseUrl: string, token: string): string => `${baseUrl}/i/${token}/opt-out`;
/** The same page behind the token's short code, for the SMS. */
export const shortOptOutUrl = (baseUrl: string, token: string): string => `${baseUrl}/s/${optOutCodeOf(token)}`;

// "Reply STOP" would be a promise the alphanumeric sender id cannot keep (it receives no replies),
// so the SMS links to the opt-out page instead.
const smsText = (practiceName: string, round: Round, url: string, optOut: string): string =>
  round === 0
    ? `${practiceName}: book your free flu jab ${url} Opt out: ${optOut}`
    : `${practiceName} reminder: book a flu jab ${url} Opt out: ${optOut}`;

export function renderSms(settings: MessagingSettings, round: Round, token: string): RenderedSms {
  const text = smsText(settings.practiceName, round, invitationUrl(settings.baseUrl, token), shortOptOutUrl(settings.baseUrl, token));
  return { text, septets: gsm7Length(text) };
}

export function renderEmail(settings: MessagingSettings, round: Round, token: string): RenderedEmail {
  const practice = settings.practiceName;
  const link = invitationUrl(settings.baseUrl, token);
  const optOut = optOutUrl(settings.baseUrl, token);
  const subject = round === 0 ? `${practice}: book your free flu vaccination` : `Reminder from ${practice}: book your free flu vaccination`;
  const opening =
    round === 0
      ? `${practice} invites you to book a free flu vaccination.`
      : `This is a reminder from ${practice}: you can still book a free flu vaccination.`;
  const text = [
    "Hello,",
    "",
    opening,
    "",
    `Choose a time that suits you: ${link}`,
    "",
    "This link is personal to you and works once. If you have already booked, please ignore this message.",
    "",
    `${practice}`,
    "",
    `Unsubscribe: to receive no more of these messages, open ${optOut}`,
  ].join("\n");
  const content = html`<p>Hello,</p>
<p>${opening}</p>
<p><a href="${link}">Choose a time that suits you</a></p>
<p>This link is personal to you and works once. If you have already booked, please ignore this message.</p>`;
  return { subject, text, html: emailHtml(subject, practice, optOut, content) };
}

/** An e-mail's HTML document around its content: every e-mail ends with the practice's name and the unsubscribe link. */
function emailHtml(subject: string, practice: string, optOut: string, content: SafeHtml): string {
  const body = html`${trusted(content.markup)}
<p>${practice}</p>
<p style="font-size:small">Unsubscribe: <a href="${optOut}">receive no more of these messages</a>.</p>`;
  return html`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family:Arial,sans-serif;line-height:1.5">
${trusted(body.markup)}
</body></html>
`.markup;
}

// ---------------------------------------------------------------------------------------------
// Booking confirmations (booked, changed to another time, cancelled)

export type ConfirmationKind = "booked" | "changed" | "cancelled";
export const CONFIRMATION_KINDS: readonly ConfirmationKind[] = ["booked", "changed", "cancelled"];

/** The appointment a confirmation is about, as it was when the patient booked, changed or cancelled it. */
export interface ConfirmedAppointment {
  readonly site: string;
  readonly startsAt: Date;
}

/** The manage link's calendar file (served by campaign-web: GET /i/{token}/calendar). */
export const calendarUrl = (baseUrl: string, token: string): string => `${invitationUrl(baseUrl, token)}/calendar`;

const GSM7_LOOKALIKES: Readonly<Record<string, string>> = { "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " ", "\u2026": "..." };

/**
 * `text` in GSM-7 only, so a site name never turns an SMS into UCS-2 (70 characters a segment):
 * typographic quotes and dashes become plain ones, accented letters GSM-7 lacks lose the
 * accent, anything else is dropped; control characters and line breaks become spaces.
 */
export function toGsm7(text: string): string {
  let out = "";
  for (const char of text.replace(/[\u0000-\u001f\u007f]+/g, " ")) {
    if (BASIC.has(char) || EXTENSION.has(char)) out += char;
    else if (GSM7_LOOKALIKES[char] !== undefined) out += GSM7_LOOKALIKES[char];
    else {
      const base = char.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
      if (base !== "" && isGsm7(base)) out += base;
    }
  }
  return out.replace(/ {2,}/g, " ").trim();
}

/** The parts of `at` in the practice's time zone, for "Tue 6 Oct 10:30am" and "Tuesday 6 October 2026 at 10:30am". */
function appointmentTime(at: Date, timeZone: string, style: "short" | "long"): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "numeric", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  // Short names and the 12-hour clock written out, not Intl's: ICU versions differ ("Sep" or
  // "Sept"; some put a narrow no-break space, not GSM-7, before "am"), and the SMS length must not.
  const hour = Number(parts.hour);
  const clock = `${hour % 12 === 0 ? 12 : hour % 12}:${parts.minute}${hour < 12 ? "am" : "pm"}`;
  return style === "short"
    ? `${parts.weekday.slice(0, 3)} ${parts.day} ${parts.month.slice(0, 3)} ${clock}`
    : `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${clock}`;
}

const smsConfirmationLead = (practiceName: string, kind: ConfirmationKind, when: string, site: string): string =>
  kind === "booked"
    ? `${practiceName}: your flu jab is booked for ${when} at ${site}.`
    : kind === "changed"
      ? `${practiceName}: your flu jab has moved to ${when} at ${site}.`
      : `${practiceName}: your flu jab on ${when} at ${site} is cancelled.`;

/** Shortest part of a site name an SMS keeps when the full name does not fit (the e-mail always has it whole). */
export const SMS_SITE_MIN_SEPTETS = 12;

/**
 * The confirmation SMS, one GSM-7 segment: what happened, when and where, then the manage link
 * ("Change or cancel:", or "Book again:" after a cancellation) when it fits, and always the
 * short opt-out link. A site name too long for the segment is shortened (ending ".."); the
 * e-mail carries it whole. No name, no condition: the practice, the time and the place only.
 */
export function renderConfirmationSms(settings: MessagingSettings, kind: ConfirmationKind, appointment: ConfirmedAppointment, token: string, timeZone: string): RenderedSms {
  const when = appointmentTime(appointment.startsAt, timeZone, "short");
  const site = toGsm7(appointment.site) || "the surgery";
  const manage = ` ${kind === "cancelled" ? "Book again" : "Change or cancel"}: ${invitationUrl(settings.baseUrl, token)}`;
  const optOut = ` Opt out: ${shortOptOutUrl(settings.baseUrl, token)}`;
  const fits = (text: string) => gsm7Length(text) <= SMS_SEGMENT_SEPTETS;
  const full = smsConfirmationLead(settings.practiceName, kind, when, site) + manage + optOut;
  if (fits(full)) return { text: full, septets: gsm7Length(full) };
  const withoutLink = smsConfirmationLead(settings.practiceName, kind, when, site) + optOut;
  if (fits(withoutLink)) return { text: withoutLink, septets: gsm7Length(withoutLink) };
  const room = SMS_SEGMENT_SEPTETS - gsm7Length(smsConfirmationLead(settings.practiceName, kind, when, "") + optOut) - 2;
  let short = "";
  for (const char of site) {
    if (gsm7Length(short + char) > room) break;
    short += char;
  }
  const text = smsConfirmationLead(settings.practiceName, kind, when, `${short.trimEnd()}..`) + optOut;
  return { text, septets: gsm7Length(text) };
}

export function renderConfirmationEmail(settings: MessagingSettings, kind: ConfirmationKind, appointment: ConfirmedAppointment, token: string, timeZone: string): RenderedEmail {
  const practice = settings.practiceName;
  const link = invitationUrl(settings.baseUrl, token);
  const calendar = calendarUrl(settings.baseUrl, token);
  const optOut = optOutUrl(settings.baseUrl, token);
  const when = appointmentTime(appointment.startsAt, timeZone, "long");
  const site = appointment.site;
  const subject =
    kind === "booked" ? `${practice}: your flu vaccination is booked` : kind === "changed" ? `${practice}: your flu vaccination has a new time` : `${practice}: your flu vaccination appointment is cancelled`;
  const opening =
    kind === "booked"
      ? "Your flu vaccination appointment is booked."
      : kind === "changed"
        ? "Your flu vaccination appointment has been moved. This is the new time:"
        : "Your flu vaccination appointment has been cancelled. This was the appointment:";
  const next =
    kind === "cancelled"
      ? { lead: "If you would like another appointment, choose a new time", href: link, label: "Choose a new time" }
      : { lead: "To change or cancel it, open", href: link, label: "Change or cancel this appointment" };
  const text = [
    "Hello,",
    "",
    opening,
    "",
    `When: ${when}`,
    `Where: ${site}`,
    "",
    `${next.lead}: ${next.href}`,
    ...(kind === "cancelled" ? [] : [`Add it to your calendar: ${calendar}`]),
    "",
    "This link is personal to you. Please do not share it.",
    "",
    `${practice}`,
    "",
    `Unsubscribe: to receive no more of these messages, open ${optOut}`,
  ].join("\n");
  const calendarLine = kind === "cancelled" ? html`` : html`<p><a href="${calendar}">Add it to your calendar</a></p>`;
  const content = html`<p>Hello,</p>
<p>${opening}</p>
<p>When: <strong>${when}</strong><br>Where: <strong>${site}</strong></p>
<p><a href="${next.href}">${next.label}</a></p>
${trusted(calendarLine.markup)}
<p>This link is personal to you. Please do not share it.</p>`;
  return { subject, text, html: emailHtml(subject, practice, optOut, content) };
}

/**
 * Checks settings before anything is sent: the practice name and base URL are GSM-7 and short
 * enough that the longest SMS any round can produce (with a real 22-character token) fits one
 * segment. Returns the settings, trimmed; throws a ConfigurationError that says what to change.
 */
export function validateMessagingSettings(settings: MessagingSettings, names = { practiceName: "PRACTICE_NAME", baseUrl: "PUBLIC_BASE_URL" }): MessagingSettings {
  const practiceName = settings.practiceName.trim();
  const baseUrl = settings.baseUrl.trim();
  const problems: string[] = [];
  if (practiceName === "") problems.push(`${names.practiceName} is empty; set it to the practice's name as patients know it.`);
  if (/[\r\n\f]/.test(practiceName)) problems.push(`${names.practiceName} must be one line (no line breaks).`);
  const badName = nonGsm7Characters(practiceName);
  if (badName.length > 0) problems.push(`${names.practiceName} contains characters an SMS cannot carry in GSM-7: ${badName.map((c) => JSON.stringify(c)).join(", ")}; replace them (e.g. plain letters for accented ones).`);
  else if (gsm7Length(practiceName) > PRACTICE_NAME_MAX_SEPTETS) problems.push(`${names.practiceName} takes ${gsm7Length(practiceName)} GSM-7 septets; shorten it to at most ${PRACTICE_NAME_MAX_SEPTETS}.`);
  if (!/^https:\/\/[a-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~-]+)*$/.test(baseUrl)) {
    problems.push(`${names.baseUrl} must be an https URL of lowercase host (and optional path) without a trailing slash, e.g. https://book.example.org; got ${JSON.stringify(baseUrl)}.`);
  } else if (baseUrl.length > BASE_URL_MAX_LENGTH) {
    problems.push(`${names.baseUrl} is ${baseUrl.length} characters; use one of at most ${BASE_URL_MAX_LENGTH} so every SMS fits one segment.`);
  }
  if (problems.length === 0) {
    // Tokens and codes have fixed lengths (TOKEN_LENGTH, OPT_OUT_CODE_LENGTH): any token gives the longest SMS.
    const anyToken = "A".repeat(TOKEN_LENGTH);
    if (optOutCodeOf(anyToken).length !== OPT_OUT_CODE_LENGTH) throw new Error("opt-out codes must have a fixed length");
    for (const round of [0, 1]) {
      const sms = renderSms({ practiceName, baseUrl }, round, anyToken);
      if (sms.septets > SMS_SEGMENT_SEPTETS) {
        problems.push(`the ${round === 0 ? "invitation" : "reminder"} SMS would take ${sms.septets} GSM-7 septets (one segment is ${SMS_SEGMENT_SEPTETS}); shorten ${names.practiceName} by ${sms.septets - SMS_SEGMENT_SEPTETS} characters or ${names.baseUrl} by ${Math.ceil((sms.septets - SMS_SEGMENT_SEPTETS) / 2)} (it appears twice: booking and opt-out links).`);
      }
    }
  }
  if (problems.length === 0) {
    // A confirmation keeps its opt-out link and at least SMS_SITE_MIN_SEPTETS of the site name; the longest date and time with them must fit.
    const anyToken = "A".repeat(TOKEN_LENGTH);
    const longest = new Date("2026-09-30T11:59:00.000Z"); // "Wed 30 Sep 12:59pm" in London
    for (const kind of CONFIRMATION_KINDS) {
      const sms = renderConfirmationSms({ practiceName, baseUrl }, kind, { site: "S".repeat(SMS_SITE_MIN_SEPTETS), startsAt: longest }, anyToken, "Europe/London");
      if (sms.septets > SMS_SEGMENT_SEPTETS || !sms.text.includes("S".repeat(SMS_SITE_MIN_SEPTETS))) {
        problems.push(`the ${kind} confirmation SMS leaves less than ${SMS_SITE_MIN_SEPTETS} characters for the site name; shorten ${names.practiceName} or ${names.baseUrl}.`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigurationError(`Campaign messaging settings: ${problems.join(" ")}`);
  return { practiceName, baseUrl };
}
