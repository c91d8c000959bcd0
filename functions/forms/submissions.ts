/**
 * Answers to a published form: parsed from the browser's form-urlencoded body (or a JSON
 * object), checked against the definition with every problem collected, and stored as one
 * JSON document in form_submissions.answers. Field names stay data: they are keys of that
 * document, never column names. Nothing invalid is stored.
 *
 * Linking answers to an invitation: a form opened from the booking pages (campaign-web
 * `POST /questions`) carries the booking session secret in the hidden field SESSION_FIELD.
 * Its SHA-256 is looked up in booking_sessions, and a live session gives the submission its
 * invitation_id. No field: an anonymous submission (invitation_id NULL), as from the public
 * page. A field that is not a live session (malformed, unknown, forged or expired) is refused
 * and nothing is stored: answers are never attached to a guessed invitation, nor silently
 * stored unlinked when the patient meant to answer as themselves. The raw invitation token
 * never travels here; the session secret is never stored or logged.
 */
import type { Connection, Pool, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { findSession, localDate } from "../campaign/booking";
import { FormDefinition, FormField, hiddenCharacterProblem, isBlank, isRealDate, maxLengthOf, SLUG_PATTERN, TEL_PATTERN_SOURCE, validateFormDefinition } from "./definition";
import { CHECKED_VALUE } from "./render";

/** The raw value of one submitted field: forms send strings; JSON clients may send numbers and booleans. */
export type SubmittedValue = string | number | boolean | null;
/** Submitted fields by name, in a null-prototype object so no inherited member ever looks like an answer. */
export type SubmittedFields = Readonly<Record<string, SubmittedValue | SubmittedValue[]>>;

/** A stored answer: text for text-like fields, a number, a boolean for check boxes, or null when left empty. */
export type Answer = string | number | boolean | null;

export interface SubmissionError {
  /** The field the problem is about, or null for the submission as a whole. */
  readonly field: string | null;
  readonly message: string;
}

export type SubmissionValidation =
  | { readonly ok: true; readonly answers: Readonly<Record<string, Answer>> }
  | { readonly ok: false; readonly errors: readonly SubmissionError[] };

/**
 * The hidden field carrying the booking session secret. It starts with "_", which no field
 * name may (definition.ts FIELD_NAME_PATTERN), so it never collides with an answer.
 */
export const SESSION_FIELD = "_session";

/** Refuse bodies larger than this before parsing: 50 fields of 2,000 characters fit with room to spare. */
export const MAX_SUBMISSION_BYTES = 256 * 1024;

const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/;
const TEL_PATTERN = new RegExp(`^${TEL_PATTERN_SOURCE}$`);
/** "today" in a date field's limits is the calendar day in this zone (the forms are the UK practice's). */
export const FORMS_TIME_ZONE = "Europe/London";
const NUMBER_PATTERN = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const TICKED = new Set([CHECKED_VALUE, "on", "true"]);

export class SubmissionBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SubmissionBodyError";
  }
}

/**
 * The submitted fields from a request body. `application/x-www-form-urlencoded` (what the
 * rendered page sends) and `application/json` (an object of strings, numbers, booleans) are
 * understood; anything else is a SubmissionBodyError with a message for the sender.
 */
export function parseSubmissionBody(body: string, contentType: string | undefined): SubmittedFields {
  if (Buffer.byteLength(body, "utf8") > MAX_SUBMISSION_BYTES) throw new SubmissionBodyError(`The submission is larger than ${MAX_SUBMISSION_BYTES} bytes.`);
  const mediaType = (contentType ?? "").split(";")[0].trim().toLowerCase();
  const fields: Record<string, SubmittedValue | SubmittedValue[]> = Object.create(null);
  if (mediaType === "application/x-www-form-urlencoded" || mediaType === "") {
    for (const [name, value] of new URLSearchParams(body)) {
      const existing = fields[name];
      fields[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    return fields;
  }
  if (mediaType === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new SubmissionBodyError("The submission is not valid JSON.");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new SubmissionBodyError("The submission must be a JSON object of field names and values.");
    for (const [name, value] of Object.entries(parsed)) {
      const scalar = (v: unknown): v is SubmittedValue => v === null || ["string", "number", "boolean"].includes(typeof v);
      if (scalar(value) || (Array.isArray(value) && value.every(scalar))) fields[name] = value as SubmittedValue | SubmittedValue[];
      else fields[name] = [null, null]; // an object value: reported below as "one value expected"
    }
    return fields;
  }
  throw new SubmissionBodyError(`Send the form as application/x-www-form-urlencoded or application/json, not ${mediaType}.`);
}

/** Checks the submitted fields against the definition; every problem is collected. `now` gives "today" for date limits. */
export function validateSubmission(definition: FormDefinition, submitted: SubmittedFields, now: Date = new Date()): SubmissionValidation {
  const today = localDate(now, FORMS_TIME_ZONE);
  const errors: SubmissionError[] = [];
  const known = new Set(definition.fields.map((f) => f.name));
  for (const name of Object.keys(submitted)) {
    if (!known.has(name)) errors.push({ field: null, message: `${JSON.stringify(name.slice(0, 60))} is not a field of this form.` });
  }
  const answers: Record<string, Answer> = {};
  for (const field of definition.fields) {
    const raw = Object.prototype.hasOwnProperty.call(submitted, field.name) ? submitted[field.name] : undefined;
    const result = checkField(field, raw, today);
    if ("error" in result) errors.push({ field: field.name, message: result.error });
    else answers[field.name] = result.value;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, answers };
}

type FieldResult = { value: Answer } | { error: string };

const formatLimit = (date: string): string =>
  new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" }).format(new Date(`${date}T12:00:00.000Z`));

function checkField(field: FormField, raw: SubmittedValue | SubmittedValue[] | undefined, today: string): FieldResult {
  if (Array.isArray(raw)) return { error: "Give one value only." };
  const isBox = field.type === "checkbox" || field.type === "consent";
  if (isBox) {
    const ticked = raw === true || (typeof raw === "string" && TICKED.has(raw.trim().toLowerCase()));
    const unticked = raw === undefined || raw === null || raw === false || raw === "";
    if (!ticked && !unticked) return { error: "Tick the box or leave it empty." };
    if (field.required && !ticked) return { error: field.type === "consent" ? "You need to give consent to send this form." : "Tick this box." };
    return { value: ticked };
  }

  const text = raw === undefined || raw === null ? "" : typeof raw === "boolean" ? null : String(raw).trim();
  if (text === null) return { error: "Give a value, not true or false." };
  // Only invisible characters (zero-width spaces and the like) is no answer at all.
  if (isBlank(text)) return field.required ? { error: "Enter a value; this question is required." } : { value: null };
  const hidden = hiddenCharacterProblem(text);
  if (hidden) return { error: `Your answer ${hidden}.` };
  if (field.type !== "textarea" && /[\r\n]/.test(text)) return { error: "Keep the answer on one line." };

  switch (field.type) {
    case "text":
    case "textarea":
    case "email":
    case "tel": {
      const limit = maxLengthOf(field) as number;
      if ([...text].length > limit) return { error: `Use at most ${limit} characters.` };
      if (field.type === "email" && !EMAIL_PATTERN.test(text)) return { error: "Enter an email address like name@example.com." };
      if (field.type === "tel" && !TEL_PATTERN.test(text)) return { error: "Enter a phone number: digits and spaces, optionally starting with +." };
      return { value: text };
    }
    case "date": {
      if (!isRealDate(text)) return { error: "Enter a real date as YYYY-MM-DD." };
      const min = field.min === "today" ? today : (field.min as string | undefined);
      const max = field.max === "today" ? today : (field.max as string | undefined);
      if (min !== undefined && text < min) return { error: field.min === "today" ? "Enter today's date or a later one." : `Enter a date on or after ${formatLimit(min)}.` };
      if (max !== undefined && text > max) return { error: field.max === "today" ? "Enter today's date or an earlier one; the date cannot be in the future." : `Enter a date on or before ${formatLimit(max)}.` };
      return { value: text };
    }
    case "number": {
      const value = typeof raw === "number" ? raw : NUMBER_PATTERN.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(value)) return { error: "Enter a number." };
      if (typeof field.min === "number" && value < field.min) return { error: `Enter a number of at least ${field.min}.` };
      if (typeof field.max === "number" && value > field.max) return { error: `Enter a number of at most ${field.max}.` };
      return { value };
    }
    case "select":
    case "radio":
      if (!(field.options ?? []).includes(text)) return { error: "Choose one of the options given." };
      return { value: text };
  }
}

/** The newest published version of a form. */
export interface PublishedForm {
  readonly formId: number;
  readonly version: number;
  readonly definition: FormDefinition;
}

/** The latest published version of the form with this slug, or undefined (unknown slug, nothing published). */
export async function latestPublishedForm(pool: Pool | Connection, slug: string): Promise<PublishedForm | undefined> {
  if (!SLUG_PATTERN.test(slug) || slug.length > 64) return undefined;
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT id, version, definition FROM forms WHERE slug = ? AND published_at IS NOT NULL ORDER BY version DESC LIMIT 1",
    [slug],
  );
  if (rows.length === 0) return undefined;
  // Stored definitions were validated on publish; validating again costs little and guards against hand edits.
  const checked = validateFormDefinition(JSON.parse(rows[0].definition as string));
  if (!checked.ok) throw new Error(`form ${slug} version ${rows[0].version} in the database is not a valid definition: ${checked.errors.join("; ")}`);
  return { formId: Number(rows[0].id), version: Number(rows[0].version), definition: checked.definition };
}

/** Stores validated answers as one JSON document; returns the submission's id. */
export async function storeSubmission(pool: Pool, formId: number, answers: Readonly<Record<string, Answer>>, invitationId: number | null = null): Promise<number> {
  const [result] = await pool.execute<ResultSetHeader>("INSERT INTO form_submissions (form_id, invitation_id, answers) VALUES (?, ?, ?)", [
    formId,
    invitationId,
    JSON.stringify(answers),
  ]);
  return result.insertId;
}

export type SubmitOutcome =
  | { readonly kind: "stored"; readonly submissionId: number; readonly form: PublishedForm; readonly invitationId: number | null }
  /** The submission named a booking session that is not live: nothing stored. */
  | { readonly kind: "session-invalid"; readonly reason: "session-unknown" | "session-expired"; readonly form: PublishedForm }
  | { readonly kind: "invalid"; readonly errors: readonly SubmissionError[]; readonly form: PublishedForm }
  | { readonly kind: "unknown-form" };

export interface SubmitOptions {
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * Validates a submission against the latest published version of `slug` and stores it when
 * valid, linked to the invitation of the booking session it carries (see the top of this file).
 */
export async function submitForm(pool: Pool, slug: string, submitted: SubmittedFields, options: SubmitOptions = {}): Promise<SubmitOutcome> {
  const form = await latestPublishedForm(pool, slug);
  if (form === undefined) return { kind: "unknown-form" };
  const answers: Record<string, SubmittedValue | SubmittedValue[]> = Object.create(null);
  for (const [name, value] of Object.entries(submitted)) if (name !== SESSION_FIELD) answers[name] = value;
  let invitationId: number | null = null;
  if (Object.prototype.hasOwnProperty.call(submitted, SESSION_FIELD)) {
    // Two values, a number, an empty string: not a session secret's shape, so never looked up.
    const session = await findSession(pool, submitted[SESSION_FIELD], (options.now ?? (() => new Date()))());
    if (session.outcome !== "valid") return { kind: "session-invalid", reason: session.outcome, form };
    invitationId = session.invitationId;
  }
  const checked = validateSubmission(form.definition, answers, (options.now ?? (() => new Date()))());
  if (!checked.ok) return { kind: "invalid", errors: checked.errors, form };
  return { kind: "stored", submissionId: await storeSubmission(pool, form.formId, checked.answers, invitationId), form, invitationId };
}
