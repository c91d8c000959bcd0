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
import { html, trusted } from "../lib/html";
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
  const body = html`<p>Hello,</p>
<p>${opening}</p>
<p><a href="${link}">Choose a time that suits you</a></p>
<p>This link is personal to you and works once. If you have already booked, please ignore this message.</p>
<p>${practice}</p>
<p style="font-size:small">Unsubscribe: <a href="${optOut}">receive no more of these messages</a>.</p>`;
  const document = html`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family:Arial,sans-serif;line-height:1.5">
${trusted(body.markup)}
</body></html>
`;
  return { subject, text, html: document.markup };
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
  if (problems.length > 0) throw new ConfigurationError(`Campaign messaging settings: ${problems.join(" ")}`);
  return { practiceName, baseUrl };
}
