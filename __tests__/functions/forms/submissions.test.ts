/** Submissions against a real MariaDB: valid answers stored as JSON, invalid ones not stored at all, hostile text kept as data. */
import { RowDataPacket } from "mysql2/promise";
import { FormDefinition, validateFormDefinition } from "../../../functions/forms/definition";
import { parseSubmissionBody, SubmissionBodyError, submitForm, validateSubmission } from "../../../functions/forms/submissions";
import { createTestDatabase, TestDatabase } from "../../support/local-services";

const DEFINITION_INPUT = {
  slug: "flu-consent",
  title: "Flu consent",
  fields: [
    { name: "full_name", label: "Name", type: "text", required: true, maxLength: 20 },
    { name: "notes", label: "Notes", type: "textarea" },
    { name: "email", label: "Email", type: "email" },
    { name: "phone", label: "Phone", type: "tel" },
    { name: "born", label: "Born", type: "date" },
    { name: "doses", label: "Doses", type: "number", min: 0, max: 3 },
    { name: "site", label: "Site", type: "select", options: ["North", "South"] },
    { name: "arm", label: "Arm", type: "radio", options: ["Left", "Right"], required: true },
    { name: "reminders", label: "Reminders", type: "checkbox" },
    { name: "consent", label: "Consent", type: "consent", required: true },
  ],
};
const definition: FormDefinition = (() => {
  const result = validateFormDefinition(DEFINITION_INPUT);
  if (!result.ok) throw new Error(result.errors.join("; "));
  return result.definition;
})();

const urlencoded = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = "application/x-www-form-urlencoded";

describe("hidden characters and dates (issue 17 item 12)", () => {
  const dated = (() => {
    const result = validateFormDefinition({
      slug: "dates",
      title: "Dates",
      fields: [
        { name: "name", label: "Name", type: "text", required: true },
        { name: "born", label: "Date of birth", type: "date", required: true, max: "today" },
        { name: "when", label: "Preferred day", type: "date", min: "2026-10-01", max: "2026-12-31" },
        { name: "any", label: "Any date", type: "date" },
      ],
    });
    if (!result.ok) throw new Error(result.errors.join("; "));
    return result.definition;
  })();
  const NOW = new Date("2026-10-05T22:30:00Z"); // 23:30 on 5 October in London
  const check = (fields: Record<string, string>) => validateSubmission(dated, Object.assign(Object.create(null), { name: "Ada", born: "1960-02-29", ...fields }), NOW);
  const errorsOf = (fields: Record<string, string>) => {
    const result = check(fields);
    return result.ok ? [] : result.errors;
  };

  test("text made only of zero-width characters is no answer: a required field says so", () => {
    for (const invisible of ["\u200B", "\u200B\u200C\u200D", " \u2060\uFEFF ", "\u00AD"]) {
      expect(errorsOf({ name: invisible })).toEqual([{ field: "name", message: "Enter a value; this question is required." }]);
    }
  });

  test("bidi override and isolate characters, control characters, and line breaks in one-line fields are refused", () => {
    for (const text of ["Ada\u202Egnp.exe", "\u2066Ada\u2069", "A\u202Ada"]) {
      expect(errorsOf({ name: text })).toEqual([{ field: "name", message: expect.stringContaining("hidden text-direction characters") }]);
    }
    expect(errorsOf({ name: "Ada\u0007" })).toEqual([{ field: "name", message: expect.stringContaining("control characters") }]);
    expect(errorsOf({ name: "Ada\r\nBcc: x@example.org" })).toEqual([{ field: "name", message: "Keep the answer on one line." }]);
  });

  test("years 0000 to 0099 are read as such (not as 1900-1999): a real date is accepted, an impossible one refused", () => {
    expect(check({ any: "0050-06-15" })).toMatchObject({ ok: true, answers: { any: "0050-06-15" } });
    expect(check({ any: "0000-01-01" })).toMatchObject({ ok: true });
    expect(check({ any: "0099-12-31" })).toMatchObject({ ok: true });
    expect(errorsOf({ any: "0050-02-29" })).toEqual([{ field: "any", message: "Enter a real date as YYYY-MM-DD." }]); // 50 AD was not a leap year
    expect(check({ any: "0048-02-29" })).toMatchObject({ ok: true }); // 48 AD was
  });

  test("max \"today\": a future date of birth is refused, today (UK time) accepted", () => {
    expect(check({ born: "2026-10-05" })).toMatchObject({ ok: true });
    expect(errorsOf({ born: "2026-10-06" })).toEqual([{ field: "born", message: "Enter today's date or an earlier one; the date cannot be in the future." }]);
  });

  test("fixed min and max dates are checked, and rendered for the date picker", () => {
    expect(errorsOf({ when: "2026-09-30" })).toEqual([{ field: "when", message: "Enter a date on or after 1 October 2026." }]);
    expect(errorsOf({ when: "2027-01-01" })).toEqual([{ field: "when", message: "Enter a date on or before 31 December 2026." }]);
    expect(check({ when: "2026-12-31" })).toMatchObject({ ok: true });
  });

  test("bad date limits in a definition are clear errors", () => {
    const result = validateFormDefinition({
      slug: "bad-dates",
      title: "Bad",
      fields: [
        { name: "a", label: "A", type: "date", min: "yesterday" },
        { name: "b", label: "B", type: "date", max: "2026-02-30" },
        { name: "c", label: "C", type: "date", min: "2026-12-01", max: "2026-01-01" },
        { name: "d", label: "D", type: "date", min: 5 },
        { name: "e", label: "\u200B\u200B", type: "text" },
        { name: "f", label: "F\u202E", type: "text" },
      ],
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([
      'fields[0].min: must be a date as YYYY-MM-DD or "today", got "yesterday"',
      'fields[1].max: must be a date as YYYY-MM-DD or "today", got "2026-02-30"',
      "fields[2].min: must not be greater than max (2026-12-01 > 2026-01-01)",
      'fields[3].min: must be a date as YYYY-MM-DD or "today", got 5',
      "fields[4].label: must not be empty",
      "fields[5].label: contains hidden text-direction characters (often copied from another document); type the text again",
    ]);
  });
});

describe("validation (no database)", () => {
  test("a complete urlencoded submission gives typed answers in definition order", () => {
    const submitted = parseSubmissionBody(
      urlencoded({ full_name: " Ada ", notes: "", email: "ada@example.org", phone: "+44 7700 900123", born: "1960-02-29", doses: "2", site: "South", arm: "Left", reminders: "yes", consent: "yes" }),
      `${FORM}; charset=UTF-8`,
    );
    expect(validateSubmission(definition, submitted)).toEqual({
      ok: true,
      answers: { full_name: "Ada", notes: null, email: "ada@example.org", phone: "+44 7700 900123", born: "1960-02-29", doses: 2, site: "South", arm: "Left", reminders: true, consent: true },
    });
  });

  test("JSON bodies work too, with numbers and booleans", () => {
    const submitted = parseSubmissionBody(JSON.stringify({ full_name: "Ada", doses: 0, arm: "Right", consent: true, reminders: false }), "application/json");
    const result = validateSubmission(definition, submitted);
    expect(result.ok && result.answers).toEqual({ full_name: "Ada", notes: null, email: null, phone: null, born: null, doses: 0, site: null, arm: "Right", reminders: false, consent: true });
  });

  test("every problem is reported at once, by field", () => {
    const submitted = parseSubmissionBody(
      urlencoded({ full_name: "x".repeat(21), email: "not-an-email", phone: "call me", born: "2026-02-30", doses: "4", site: "East", reminders: "maybe", extra: "1", constructor: "x" }),
      FORM,
    );
    expect(validateSubmission(definition, submitted)).toEqual({
      ok: false,
      errors: [
        { field: null, message: '"extra" is not a field of this form.' },
        { field: null, message: '"constructor" is not a field of this form.' },
        { field: "full_name", message: "Use at most 20 characters." },
        { field: "email", message: "Enter an email address like name@example.com." },
        { field: "phone", message: "Enter a phone number: digits and spaces, optionally starting with +." },
        { field: "born", message: "Enter a real date as YYYY-MM-DD." },
        { field: "doses", message: "Enter a number of at most 3." },
        { field: "site", message: "Choose one of the options given." },
        { field: "arm", message: "Enter a value; this question is required." },
        { field: "reminders", message: "Tick the box or leave it empty." },
        { field: "consent", message: "You need to give consent to send this form." },
      ],
    });
  });

  test("numbers: text that is not a number, below min; repeated fields; booleans for text", () => {
    const result = validateSubmission(definition, parseSubmissionBody("full_name=a&full_name=b&doses=1e&arm=Left&consent=yes", FORM));
    expect(!result.ok && result.errors).toEqual([
      { field: "full_name", message: "Give one value only." },
      { field: "doses", message: "Enter a number." },
    ]);
    const json = validateSubmission(definition, parseSubmissionBody(JSON.stringify({ full_name: true, doses: -1, arm: "Left", consent: true }), "application/json"));
    expect(!json.ok && json.errors).toEqual([
      { field: "full_name", message: "Give a value, not true or false." },
      { field: "doses", message: "Enter a number of at least 0." },
    ]);
  });

  test("__proto__ in a body is an unknown field, not a prototype change", () => {
    const submitted = parseSubmissionBody('{"__proto__":{"full_name":"Injected"},"arm":"Left","consent":true}', "application/json");
    const result = validateSubmission(definition, submitted);
    expect(!result.ok && result.errors).toEqual([
      { field: null, message: '"__proto__" is not a field of this form.' },
      { field: "full_name", message: "Enter a value; this question is required." },
    ]);
  });

  test("bodies that cannot be read say why", () => {
    expect(() => parseSubmissionBody("{", "application/json")).toThrow(new SubmissionBodyError("The submission is not valid JSON."));
    expect(() => parseSubmissionBody("[1]", "application/json")).toThrow("must be a JSON object");
    expect(() => parseSubmissionBody("x", "multipart/form-data; boundary=x")).toThrow("not multipart/form-data");
    expect(() => parseSubmissionBody("a=" + "x".repeat(256 * 1024), FORM)).toThrow("larger than 262144 bytes");
  });
});

describe("storage (MariaDB)", () => {
  let db: TestDatabase;
  let formId: number;
  const storedAnswers = async (): Promise<unknown[]> => {
    const [rows] = await db.admin.query<RowDataPacket[]>("SELECT form_id, invitation_id, answers FROM form_submissions ORDER BY id");
    return rows.map((r) => ({ formId: Number(r.form_id), invitationId: r.invitation_id, answers: JSON.parse(r.answers) }));
  };

  beforeAll(async () => {
    db = await createTestDatabase("form_submissions");
    const [result] = await db.admin.query<import("mysql2/promise").ResultSetHeader>(
      "INSERT INTO forms (slug, version, title, definition, created_by, published_key, published_at) VALUES (?, 1, ?, ?, 'staff-1', 'forms/flu-consent/index.html', NOW(3))",
      [definition.slug, definition.title, JSON.stringify(definition)],
    );
    formId = result.insertId;
    // A newer version that was never published must not be used.
    await db.admin.query("INSERT INTO forms (slug, version, title, definition, created_by) VALUES (?, 2, 'draft', ?, 'staff-1')", [
      definition.slug,
      JSON.stringify({ ...definition, fields: [{ name: "other", label: "Other", type: "text", required: true }] }),
    ]);
  });
  afterAll(async () => db?.drop());

  test("a valid submission is stored as one JSON document against the published version", async () => {
    const outcome = await submitForm(db.as("form-submit"), "flu-consent", parseSubmissionBody(urlencoded({ full_name: "Ada", arm: "Left", consent: "yes", doses: "1.5" }), FORM));
    expect(outcome.kind).toBe("stored");
    expect(outcome.kind === "stored" && outcome.form).toMatchObject({ formId, version: 1 });
    expect(await storedAnswers()).toEqual([
      { formId, invitationId: null, answers: { full_name: "Ada", notes: null, email: null, phone: null, born: null, doses: 1.5, site: null, arm: "Left", reminders: false, consent: true } },
    ]);
  });

  test("an invalid submission stores nothing", async () => {
    const before = (await storedAnswers()).length;
    const outcome = await submitForm(db.as("form-submit"), "flu-consent", parseSubmissionBody(urlencoded({ full_name: "Ada", arm: "Up" }), FORM));
    expect(outcome.kind === "invalid" && outcome.errors).toEqual([
      { field: "arm", message: "Choose one of the options given." },
      { field: "consent", message: "You need to give consent to send this form." },
    ]);
    expect((await storedAnswers()).length).toBe(before);
  });

  test("SQL-looking and markup-looking answers are stored verbatim, as data", async () => {
    const hostile = {
      full_name: "'); DROP TABLE x;--",
      notes: `Robert'); DROP TABLE form_submissions; -- \\ " \` <script>alert(1)</script> 💉\n`,
      email: "o'brien@example.org",
      arm: "Right",
      consent: "yes",
    };
    const outcome = await submitForm(db.as("form-submit"), "flu-consent", parseSubmissionBody(JSON.stringify(hostile), "application/json"));
    expect(outcome.kind).toBe("stored");
    const rows = await storedAnswers();
    expect(rows[rows.length - 1]).toEqual({
      formId,
      invitationId: null,
      answers: { full_name: hostile.full_name, notes: hostile.notes.trim(), email: hostile.email, phone: null, born: null, doses: null, site: null, arm: "Right", reminders: false, consent: true },
    });
    const [tables] = await db.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'form_submissions'");
    expect(Number(tables[0].n)).toBe(1);
  });

  test("unknown, malformed and unpublished slugs find no form", async () => {
    for (const slug of ["no-such-form", "../forms", "FLU-CONSENT", "x' OR '1'='1"]) {
      expect(await submitForm(db.as("form-submit"), slug, parseSubmissionBody("", FORM))).toEqual({ kind: "unknown-form" });
    }
  });
});
