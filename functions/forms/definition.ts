/**
 * Form definitions as staff write them (JSON), checked before anything is stored or rendered.
 * Validation collects every problem, each prefixed with its JSON path
 * ("fields[3].name: must match ..."), so staff can fix everything in one go.
 *
 * A definition is data only: field names never become SQL identifiers (answers are one JSON
 * document in form_submissions.answers) and the slug is the only part that ever reaches a
 * path (S3 key, URL), after it has matched SLUG_PATTERN.
 */

export const FIELD_TYPES = ["text", "textarea", "email", "tel", "date", "number", "select", "radio", "checkbox", "consent"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MIN = 3;
export const SLUG_MAX = 64;
export const FIELD_NAME_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
export const MAX_FIELDS = 50;
export const MAX_OPTIONS = 50;
/** The largest maxLength a text-like field may ask for, and the limit when it asks for none. */
export const MAX_TEXT_LENGTH = 2000;
export const MAX_TITLE_LENGTH = 200;
export const MAX_LABEL_LENGTH = 200;
export const MAX_HELP_LENGTH = 500;
export const MAX_OPTION_LENGTH = 200;
/** Email addresses and phone numbers have natural limits below MAX_TEXT_LENGTH. */
export const DEFAULT_MAX_LENGTH: Readonly<Record<"text" | "textarea" | "email" | "tel", number>> = { text: 200, textarea: MAX_TEXT_LENGTH, email: 254, tel: 20 };
/** What a `tel` field accepts: an optional leading + then 7..20 digits or spaces (the HTML pattern and the server check agree). */
export const TEL_PATTERN_SOURCE = "\\+?[0-9 ]{7,20}";

const TEXT_TYPES: readonly FieldType[] = ["text", "textarea", "email", "tel"];

/**
 * Characters that show nothing (zero-width space, joiners, word joiner, BOM, soft hyphen,
 * Mongolian vowel separator): text made only of them looks empty and is treated as empty.
 */
export const INVISIBLE_CHARACTERS = /[\u00AD\u180E\u200B-\u200D\u2060\uFEFF]/g;
/** Bidirectional embedding, override and isolate controls: they can make text read differently from what is stored. */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
/** C0 controls other than tab, line feed and carriage return, and DEL. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Why text is unacceptable whatever the field, or undefined: hidden direction controls or control characters. */
export function hiddenCharacterProblem(text: string): string | undefined {
  if (BIDI_CONTROLS.test(text)) return "contains hidden text-direction characters (often copied from another document); type the text again";
  if (CONTROL_CHARACTERS.test(text)) return "contains control characters; type the text again";
  return undefined;
}

/** True when nothing would be visible: only white space and invisible characters. */
export const isBlank = (text: string): boolean => text.replace(INVISIBLE_CHARACTERS, "").trim() === "";

/** A date limit of a date field: a calendar date, or "today" (the day the answer is checked, UK time). */
export type DateLimit = string;
export const DATE_LIMIT_PATTERN = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** A real calendar date as YYYY-MM-DD, years 0000 to 9999 (Date.UTC would read 0000-0099 as 1900-1999). */
export function isRealDate(text: string): boolean {
  const match = DATE_LIMIT_PATTERN.exec(text);
  if (!match) return false;
  const date = new Date(0);
  date.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return date.getUTCFullYear() === Number(match[1]) && date.getUTCMonth() === Number(match[2]) - 1 && date.getUTCDate() === Number(match[3]);
}
const CHOICE_TYPES: readonly FieldType[] = ["select", "radio"];

export interface FormField {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly help?: string;
  /** text, textarea, email, tel only; 1..MAX_TEXT_LENGTH. */
  readonly maxLength?: number;
  /** number: a number; date: a date as YYYY-MM-DD or "today" (e.g. max "today" for a date of birth). */
  readonly min?: number | DateLimit;
  readonly max?: number | DateLimit;
  /** select and radio only: 1..MAX_OPTIONS distinct non-empty strings. */
  readonly options?: readonly string[];
}

export interface FormDefinition {
  readonly slug: string;
  readonly title: string;
  readonly description?: string;
  readonly fields: readonly FormField[];
}

export type DefinitionValidation = { readonly ok: true; readonly definition: FormDefinition } | { readonly ok: false; readonly errors: readonly string[] };

const TOP_LEVEL_KEYS = ["slug", "title", "description", "fields"];
const FIELD_KEYS = ["name", "label", "type", "required", "help", "maxLength", "min", "max", "options"];

/**
 * Names that exist on every JavaScript object (`constructor`, `toString`, ...). They match the
 * name pattern, but an answer looked up by such a name on an ordinary object would find the
 * inherited member instead of "missing"; refusing them keeps every consumer of answers safe.
 */
const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const describe = (value: unknown): string => (value === undefined ? "nothing" : value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `a ${typeof value}`);

/** Parses staff JSON text and validates it; a syntax error is reported like any other problem. */
export function parseFormDefinition(text: string): DefinitionValidation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`$: is not valid JSON (${(error as Error).message})`] };
  }
  return validateFormDefinition(parsed);
}

/** Checks every rule and returns either a clean copy (known keys only, `required` filled in) or all the errors. */
export function validateFormDefinition(input: unknown): DefinitionValidation {
  const errors: string[] = [];
  const problem = (path: string, message: string) => errors.push(`${path}: ${message}`);

  if (!isPlainObject(input)) {
    return { ok: false, errors: [`$: must be a JSON object with slug, title and fields, got ${describe(input)}`] };
  }
  for (const key of Object.keys(input)) {
    if (!TOP_LEVEL_KEYS.includes(key)) problem(JSON.stringify(key), `is not a known key; allowed: ${TOP_LEVEL_KEYS.join(", ")}`);
  }

  const slug = input.slug;
  if (typeof slug !== "string") problem("slug", `must be a string, got ${describe(slug)}`);
  else if (slug.length < SLUG_MIN || slug.length > SLUG_MAX) problem("slug", `must be ${SLUG_MIN} to ${SLUG_MAX} characters long, got ${slug.length}`);
  else if (!SLUG_PATTERN.test(slug)) problem("slug", "must be lowercase letters and digits in words joined by single hyphens (e.g. flu-consent-2026)");

  const title = text(input.title, "title", MAX_TITLE_LENGTH, true, problem);
  const description = text(input.description, "description", MAX_TEXT_LENGTH, false, problem);

  const fields: FormField[] = [];
  if (!Array.isArray(input.fields)) {
    problem("fields", `must be an array of fields, got ${describe(input.fields)}`);
  } else {
    if (input.fields.length === 0) problem("fields", "must have at least one field");
    if (input.fields.length > MAX_FIELDS) problem("fields", `must have at most ${MAX_FIELDS} fields, got ${input.fields.length}`);
    const firstIndexOfName = new Map<string, number>();
    input.fields.forEach((raw, index) => {
      const { name, field } = validateField(raw, `fields[${index}]`, problem);
      if (name !== undefined) {
        const earlier = firstIndexOfName.get(name);
        if (earlier !== undefined) problem(`fields[${index}].name`, `${JSON.stringify(name)} is already used by fields[${earlier}]; names must be unique`);
        else firstIndexOfName.set(name, index);
      }
      if (field !== undefined) fields.push(field);
    });
  }

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    definition: { slug: slug as string, title: title as string, ...(description !== undefined ? { description } : {}), fields },
  };
}

type Problem = (path: string, message: string) => void;

/** A trimmed non-empty string of at most `max` characters, undefined when absent (and allowed to be). */
function text(value: unknown, path: string, max: number, required: boolean, problem: Problem): string | undefined {
  if (value === undefined) {
    if (required) problem(path, "is required");
    return undefined;
  }
  if (typeof value !== "string") {
    problem(path, `must be a string, got ${describe(value)}`);
    return undefined;
  }
  const trimmed = value.trim();
  const hidden = hiddenCharacterProblem(trimmed);
  if (isBlank(trimmed)) problem(path, "must not be empty");
  else if (hidden) problem(path, hidden);
  else if (trimmed.length > max) problem(path, `must be at most ${max} characters, got ${trimmed.length}`);
  return trimmed;
}

/** The field if every rule holds (each problem is reported), and its name whenever the name itself is valid, for the uniqueness check. */
function validateField(raw: unknown, path: string, problem: Problem): { name?: string; field?: FormField } {
  if (!isPlainObject(raw)) {
    problem(path, `must be an object with name, label and type, got ${describe(raw)}`);
    return {};
  }
  for (const key of Object.keys(raw)) {
    if (!FIELD_KEYS.includes(key)) problem(`${path}.${key}`, `is not a known key; allowed: ${FIELD_KEYS.join(", ")}`);
  }

  const name = raw.name;
  let validName: string | undefined;
  if (typeof name !== "string") problem(`${path}.name`, `must be a string, got ${describe(name)}`);
  else if (!FIELD_NAME_PATTERN.test(name)) {
    problem(`${path}.name`, `must match ${FIELD_NAME_PATTERN.source} (a lowercase letter, then up to 39 lowercase letters, digits or underscores), got ${JSON.stringify(name.slice(0, 60))}`);
  } else if (RESERVED_FIELD_NAMES.has(name)) problem(`${path}.name`, `${JSON.stringify(name)} is reserved; choose another name`);
  else validName = name;

  const label = text(raw.label, `${path}.label`, MAX_LABEL_LENGTH, true, problem);
  const help = text(raw.help, `${path}.help`, MAX_HELP_LENGTH, false, problem);

  const type = raw.type;
  let validType: FieldType | undefined;
  if (typeof type !== "string" || !(FIELD_TYPES as readonly string[]).includes(type)) {
    problem(`${path}.type`, `must be one of ${FIELD_TYPES.join(", ")}, got ${typeof type === "string" ? JSON.stringify(type) : describe(type)}`);
  } else validType = type as FieldType;

  let required = false;
  if (raw.required !== undefined) {
    if (typeof raw.required !== "boolean") problem(`${path}.required`, `must be true or false, got ${describe(raw.required)}`);
    else required = raw.required;
  }

  // Limits: each belongs to particular types; one given for another type is a mistake worth reporting.
  const allowedFor = (key: string, types: readonly FieldType[]): boolean => {
    if (raw[key] === undefined) return false;
    if (validType !== undefined && !types.includes(validType)) {
      problem(`${path}.${key}`, `applies only to fields of type ${types.join(", ")}, not ${validType}`);
      return false;
    }
    return validType !== undefined;
  };

  let maxLength: number | undefined;
  if (allowedFor("maxLength", TEXT_TYPES)) {
    const value = raw.maxLength;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_TEXT_LENGTH) {
      problem(`${path}.maxLength`, `must be a whole number from 1 to ${MAX_TEXT_LENGTH}, got ${JSON.stringify(value)}`);
    } else maxLength = value;
  }

  let min: number | DateLimit | undefined;
  let max: number | DateLimit | undefined;
  for (const key of ["min", "max"] as const) {
    if (!allowedFor(key, ["number", "date"])) continue;
    const value = raw[key];
    if (validType === "date") {
      if (typeof value !== "string" || (value !== "today" && !isRealDate(value))) problem(`${path}.${key}`, `must be a date as YYYY-MM-DD or "today", got ${JSON.stringify(value) ?? describe(value)}`);
      else if (key === "min") min = value;
      else max = value;
    } else if (typeof value !== "number" || !Number.isFinite(value)) problem(`${path}.${key}`, `must be a finite number, got ${JSON.stringify(value) ?? describe(value)}`);
    else if (key === "min") min = value;
    else max = value;
  }
  // Fixed dates compare as text (YYYY-MM-DD); "today" moves, so it is not compared here.
  if (min !== undefined && max !== undefined && min !== "today" && max !== "today" && min > max) problem(`${path}.min`, `must not be greater than max (${min} > ${max})`);

  let options: string[] | undefined;
  if (validType !== undefined && CHOICE_TYPES.includes(validType) && raw.options === undefined) {
    problem(`${path}.options`, `is required for a ${validType} field: 1 to ${MAX_OPTIONS} choices`);
  } else if (allowedFor("options", CHOICE_TYPES)) {
    options = validateOptions(raw.options, `${path}.options`, problem);
  }

  if (validName === undefined || label === undefined || validType === undefined) return { name: validName };
  const field: FormField = {
    name: validName,
    label,
    type: validType,
    required,
    ...(help !== undefined ? { help } : {}),
    ...(maxLength !== undefined ? { maxLength } : {}),
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(options !== undefined ? { options } : {}),
  };
  return { name: validName, field };
}

function validateOptions(value: unknown, path: string, problem: Problem): string[] | undefined {
  if (!Array.isArray(value)) {
    problem(path, `must be an array of 1 to ${MAX_OPTIONS} strings, got ${describe(value)}`);
    return undefined;
  }
  if (value.length < 1 || value.length > MAX_OPTIONS) problem(path, `must have 1 to ${MAX_OPTIONS} choices, got ${value.length}`);
  const seen = new Map<string, number>();
  const options: string[] = [];
  value.forEach((option, index) => {
    const trimmed = text(option, `${path}[${index}]`, MAX_OPTION_LENGTH, true, problem);
    if (trimmed === undefined || trimmed === "") return;
    const earlier = seen.get(trimmed);
    if (earlier !== undefined) problem(`${path}[${index}]`, `${JSON.stringify(trimmed)} repeats ${path}[${earlier}]; choices must be unique`);
    else seen.set(trimmed, index);
    options.push(trimmed);
  });
  return options;
}

/** The largest number of characters a text-like field accepts. */
export function maxLengthOf(field: FormField): number | undefined {
  if (!TEXT_TYPES.includes(field.type)) return undefined;
  return field.maxLength ?? DEFAULT_MAX_LENGTH[field.type as keyof typeof DEFAULT_MAX_LENGTH];
}
