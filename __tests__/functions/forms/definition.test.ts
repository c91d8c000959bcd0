/** Form definitions: every rule passes on good input and fails, with a JSON path, on bad input. */
import { FIELD_TYPES, parseFormDefinition, validateFormDefinition } from "../../../functions/forms/definition";

const base = () => ({
  slug: "flu-consent-2026",
  title: "Flu vaccination consent",
  fields: [{ name: "full_name", label: "Your name", type: "text", required: true }] as Record<string, unknown>[],
});

const errorsOf = (input: unknown): readonly string[] => {
  const result = validateFormDefinition(input);
  if (result.ok) throw new Error("expected the definition to be refused");
  return result.errors;
};

const withField = (field: Record<string, unknown>) => ({ ...base(), fields: [field] });

test("a complete definition with every field type passes and is returned clean, with required defaulting to false", () => {
  const definition = {
    slug: "abc",
    title: " Everything ",
    description: "All the types",
    fields: [
      { name: "a_text", label: "Text", type: "text", maxLength: 2000, help: "Help" },
      { name: "notes", label: "Notes", type: "textarea", maxLength: 1 },
      { name: "email", label: "Email", type: "email", required: true },
      { name: "phone", label: "Phone", type: "tel" },
      { name: "born", label: "Date of birth", type: "date" },
      { name: "age", label: "Age", type: "number", min: -1.5, max: 130 },
      { name: "site", label: "Site", type: "select", options: ["North", "South"] },
      { name: "arm", label: "Arm", type: "radio", options: ["Left"] },
      { name: "reminders", label: "Send me reminders", type: "checkbox" },
      { name: "consent", label: "I consent", type: "consent", required: true },
    ],
  };
  const result = validateFormDefinition(definition);
  expect(result).toEqual({
    ok: true,
    definition: {
      slug: "abc",
      title: "Everything",
      description: "All the types",
      fields: [
        { name: "a_text", label: "Text", type: "text", required: false, maxLength: 2000, help: "Help" },
        { name: "notes", label: "Notes", type: "textarea", required: false, maxLength: 1 },
        { name: "email", label: "Email", type: "email", required: true },
        { name: "phone", label: "Phone", type: "tel", required: false },
        { name: "born", label: "Date of birth", type: "date", required: false },
        { name: "age", label: "Age", type: "number", required: false, min: -1.5, max: 130 },
        { name: "site", label: "Site", type: "select", required: false, options: ["North", "South"] },
        { name: "arm", label: "Arm", type: "radio", required: false, options: ["Left"] },
        { name: "reminders", label: "Send me reminders", type: "checkbox", required: false },
        { name: "consent", label: "I consent", type: "consent", required: true },
      ],
    },
  });
  expect(FIELD_TYPES).toHaveLength(10);
});

test("not an object, and not JSON, are refused with a path of $", () => {
  expect(errorsOf([])).toEqual(["$: must be a JSON object with slug, title and fields, got an array"]);
  expect(errorsOf(null)).toEqual(["$: must be a JSON object with slug, title and fields, got null"]);
  const parsed = parseFormDefinition("{ slug: ");
  expect(parsed.ok).toBe(false);
  expect(!parsed.ok && parsed.errors[0]).toMatch(/^\$: is not valid JSON/);
  expect(parseFormDefinition(JSON.stringify(base())).ok).toBe(true);
});

describe("slug", () => {
  test.each(["abc", "a-b-c", "flu2026", "a".repeat(64), "2026-flu"])("%s passes", (slug) => {
    expect(validateFormDefinition({ ...base(), slug }).ok).toBe(true);
  });
  test.each([
    ["ab", "slug: must be 3 to 64 characters long, got 2"],
    ["a".repeat(65), "slug: must be 3 to 64 characters long, got 65"],
    ["Flu-Form", "slug: must be lowercase letters and digits in words joined by single hyphens (e.g. flu-consent-2026)"],
    ["flu--form", "slug: must be lowercase letters and digits in words joined by single hyphens (e.g. flu-consent-2026)"],
    ["-flu", "slug: must be lowercase letters and digits in words joined by single hyphens (e.g. flu-consent-2026)"],
    ["../etc", "slug: must be lowercase letters and digits in words joined by single hyphens (e.g. flu-consent-2026)"],
    ["flu_form", "slug: must be lowercase letters and digits in words joined by single hyphens (e.g. flu-consent-2026)"],
  ])("%s is refused", (slug, message) => {
    expect(errorsOf({ ...base(), slug })).toEqual([message]);
  });
  test("a slug that is not a string", () => {
    expect(errorsOf({ ...base(), slug: 12 })).toEqual(["slug: must be a string, got a number"]);
  });
});

test("title: required, a non-empty string of at most 200 characters", () => {
  const { title: _omitted, ...noTitle } = base();
  void _omitted;
  expect(errorsOf(noTitle)).toEqual(["title: is required"]);
  expect(errorsOf({ ...base(), title: "   " })).toEqual(["title: must not be empty"]);
  expect(errorsOf({ ...base(), title: ["x"] })).toEqual(["title: must be a string, got an array"]);
  expect(errorsOf({ ...base(), title: "t".repeat(201) })).toEqual(["title: must be at most 200 characters, got 201"]);
  expect(validateFormDefinition({ ...base(), title: "t".repeat(200) }).ok).toBe(true);
});

test("unknown keys are refused at the top and in fields", () => {
  expect(errorsOf({ ...base(), table: "x", fields: [{ name: "a", label: "A", type: "text", column: "x" }] })).toEqual([
    '"table": is not a known key; allowed: slug, title, description, fields',
    "fields[0].column: is not a known key; allowed: name, label, type, required, help, maxLength, min, max, options",
  ]);
});

describe("fields", () => {
  test("must be a non-empty array of at most 50", () => {
    expect(errorsOf({ ...base(), fields: {} })).toEqual(["fields: must be an array of fields, got an object"]);
    expect(errorsOf({ ...base(), fields: [] })).toEqual(["fields: must have at least one field"]);
    const many = Array.from({ length: 51 }, (_, i) => ({ name: `f${i}`, label: `F${i}`, type: "text" }));
    expect(errorsOf({ ...base(), fields: many })).toEqual(["fields: must have at most 50 fields, got 51"]);
    expect(validateFormDefinition({ ...base(), fields: many.slice(0, 50) }).ok).toBe(true);
    expect(errorsOf({ ...base(), fields: ["name"] })).toEqual(["fields[0]: must be an object with name, label and type, got a string"]);
  });

  test.each(["a", "a1", "full_name", "x".repeat(40)])("name %s passes", (name) => {
    expect(validateFormDefinition(withField({ name, label: "L", type: "text" })).ok).toBe(true);
  });

  test.each(["id; DROP TABLE form_submissions; --", "Name", "1abc", "_x", "a-b", "", "x".repeat(41), "__proto__", "a b", "naïve", "answers`"])(
    "hostile or malformed name %j is refused with its path",
    (name) => {
      expect(errorsOf(withField({ name, label: "L", type: "text" }))).toEqual([
        `fields[0].name: must match ^[a-z][a-z0-9_]{0,39}$ (a lowercase letter, then up to 39 lowercase letters, digits or underscores), got ${JSON.stringify(name)}`,
      ]);
    },
  );

  test("a name every JavaScript object already has (constructor) is reserved, so no lookup can find the inherited member", () => {
    expect(errorsOf(withField({ name: "constructor", label: "L", type: "text" }))).toEqual(['fields[0].name: "constructor" is reserved; choose another name']);
  });

  test("__proto__ arriving through JSON text is an own key: refused as a name, and as an unknown key, never merged into the prototype", () => {
    const parsed = parseFormDefinition('{"slug":"abc","title":"T","__proto__":{"polluted":true},"fields":[{"name":"__proto__","label":"L","type":"text"}]}');
    expect(parsed).toEqual({
      ok: false,
      errors: [
        '"__proto__": is not a known key; allowed: slug, title, description, fields',
        'fields[0].name: must match ^[a-z][a-z0-9_]{0,39}$ (a lowercase letter, then up to 39 lowercase letters, digits or underscores), got "__proto__"',
      ],
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("names are unique", () => {
    expect(
      errorsOf({
        ...base(),
        fields: [
          { name: "a", label: "A", type: "text" },
          { name: "b", label: "B", type: "text" },
          { name: "a", label: "A again", type: "email" },
        ],
      }),
    ).toEqual(['fields[2].name: "a" is already used by fields[0]; names must be unique']);
  });

  test("name, label and type are required and typed; type is one of the ten", () => {
    expect(errorsOf(withField({}))).toEqual([
      "fields[0].name: must be a string, got nothing",
      "fields[0].label: is required",
      "fields[0].type: must be one of text, textarea, email, tel, date, number, select, radio, checkbox, consent, got nothing",
    ]);
    expect(errorsOf(withField({ name: "a", label: "A", type: "file" }))).toEqual([
      'fields[0].type: must be one of text, textarea, email, tel, date, number, select, radio, checkbox, consent, got "file"',
    ]);
    expect(errorsOf(withField({ name: "a", label: "", type: "text" }))).toEqual(["fields[0].label: must not be empty"]);
    expect(errorsOf(withField({ name: "a", label: "l".repeat(201), type: "text" }))).toEqual(["fields[0].label: must be at most 200 characters, got 201"]);
  });

  test("required is a boolean; help is a string of at most 500", () => {
    expect(errorsOf(withField({ name: "a", label: "A", type: "text", required: "yes", help: 5 }))).toEqual([
      "fields[0].help: must be a string, got a number",
      "fields[0].required: must be true or false, got a string",
    ]);
    expect(errorsOf(withField({ name: "a", label: "A", type: "text", help: "h".repeat(501) }))).toEqual(["fields[0].help: must be at most 500 characters, got 501"]);
  });

  test("maxLength: whole number 1..2000, text-like types only", () => {
    for (const maxLength of [0, 2001, 1.5, "10"]) {
      expect(errorsOf(withField({ name: "a", label: "A", type: "textarea", maxLength }))).toEqual([
        `fields[0].maxLength: must be a whole number from 1 to 2000, got ${JSON.stringify(maxLength)}`,
      ]);
    }
    expect(errorsOf(withField({ name: "a", label: "A", type: "number", maxLength: 10 }))).toEqual([
      "fields[0].maxLength: applies only to fields of type text, textarea, email, tel, not number",
    ]);
  });

  test("min and max: finite numbers, number fields only, min <= max", () => {
    expect(errorsOf(withField({ name: "a", label: "A", type: "number", min: "1", max: null }))).toEqual([
      'fields[0].min: must be a finite number, got "1"',
      "fields[0].max: must be a finite number, got null",
    ]);
    expect(errorsOf(withField({ name: "a", label: "A", type: "number", min: 5, max: 4 }))).toEqual(["fields[0].min: must not be greater than max (5 > 4)"]);
    expect(errorsOf(withField({ name: "a", label: "A", type: "date", min: 1 }))).toEqual(['fields[0].min: must be a date as YYYY-MM-DD or "today", got 1']);
    expect(errorsOf(withField({ name: "a", label: "A", type: "text", min: 1 }))).toEqual(["fields[0].min: applies only to fields of type number, date, not text"]);
    expect(validateFormDefinition(withField({ name: "a", label: "A", type: "number", min: 4, max: 4 })).ok).toBe(true);
  });

  test("options: required for select and radio, 1..50 distinct non-empty strings, refused elsewhere", () => {
    expect(errorsOf(withField({ name: "a", label: "A", type: "select" }))).toEqual(["fields[0].options: is required for a select field: 1 to 50 choices"]);
    expect(errorsOf(withField({ name: "a", label: "A", type: "radio", options: [] }))).toEqual(["fields[0].options: must have 1 to 50 choices, got 0"]);
    expect(errorsOf(withField({ name: "a", label: "A", type: "radio", options: "a,b" }))).toEqual(["fields[0].options: must be an array of 1 to 50 strings, got a string"]);
    expect(errorsOf(withField({ name: "a", label: "A", type: "select", options: Array.from({ length: 51 }, (_, i) => `o${i}`) }))).toEqual([
      "fields[0].options: must have 1 to 50 choices, got 51",
    ]);
    expect(errorsOf(withField({ name: "a", label: "A", type: "select", options: ["x", " ", 3, "x ", "o".repeat(201)] }))).toEqual([
      "fields[0].options[1]: must not be empty",
      "fields[0].options[2]: must be a string, got a number",
      'fields[0].options[3]: "x" repeats fields[0].options[0]; choices must be unique',
      "fields[0].options[4]: must be at most 200 characters, got 201",
    ]);
    expect(errorsOf(withField({ name: "a", label: "A", type: "checkbox", options: ["x"] }))).toEqual(["fields[0].options: applies only to fields of type select, radio, not checkbox"]);
  });
});

test("every error in one pass, each with its path, so staff can fix everything at once", () => {
  const errors = errorsOf({
    slug: "Bad Slug",
    title: "",
    fields: [
      { name: "ok", label: "Fine", type: "text" },
      { name: "id; DROP TABLE", label: "x", type: "text" },
      { name: "ok", label: "Dup", type: "number", min: 3, max: 1 },
      { name: "pick", label: "Pick", type: "select", options: ["a", "a"] },
    ],
  });
  expect(errors).toEqual([
    "slug: must be lowercase letters and digits in words joined by single hyphens (e.g. flu-consent-2026)",
    "title: must not be empty",
    'fields[1].name: must match ^[a-z][a-z0-9_]{0,39}$ (a lowercase letter, then up to 39 lowercase letters, digits or underscores), got "id; DROP TABLE"',
    "fields[2].min: must not be greater than max (3 > 1)",
    'fields[2].name: "ok" is already used by fields[0]; names must be unique',
    'fields[3].options[1]: "a" repeats fields[3].options[0]; choices must be unique',
  ]);
});
