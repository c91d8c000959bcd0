/** Rendering: every interpolated value is escaped, input types and constraints match the definition, no scripts. */
import { FormDefinition, validateFormDefinition } from "../../../functions/forms/definition";
import { renderForm } from "../../../functions/forms/render";
import { STYLESHEET_PATH } from "../../../functions/lib/stylesheet";

const HOSTILE = `<script>alert("x")</script>' onmouseover=alert(1) "&`;
const ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover&#61;alert(1) &quot;&amp;";

function definition(input: unknown): FormDefinition {
  const result = validateFormDefinition(input);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.definition;
}

const hostile = definition({
  slug: "hostile",
  title: `T ${HOSTILE}`,
  description: `D ${HOSTILE}`,
  fields: [
    { name: "a", label: `L ${HOSTILE}`, type: "text", help: `H ${HOSTILE}` },
    { name: "b", label: "Pick", type: "select", options: [`S ${HOSTILE}`, "plain"] },
    { name: "c", label: `R ${HOSTILE}`, type: "radio", options: [`O ${HOSTILE}`] },
    { name: "d", label: `C ${HOSTILE}`, type: "consent", required: true },
  ],
});

describe("escaping", () => {
  const markup = renderForm(hostile, { submitUrl: `https://api.example.org/forms/hostile"><script>x</script>` });

  test("no interpolated value can open a tag or leave an attribute", () => {
    expect(markup).not.toContain("<script");
    expect(markup).not.toMatch(/ onmouseover=/);
    expect(markup).not.toContain(HOSTILE);
  });

  test.each([
    ["title (head and heading)", `T ${ESCAPED}`, 2],
    ["description", `D ${ESCAPED}`, 1],
    ["label", `L ${ESCAPED}`, 1],
    ["help", `H ${ESCAPED}`, 1],
    ["select option (value and text)", `S ${ESCAPED}`, 2],
    ["radio legend", `R ${ESCAPED}`, 1],
    ["radio option (value and label)", `O ${ESCAPED}`, 2],
    ["consent label", `C ${ESCAPED}`, 1],
  ])("%s appears only escaped", (_place, escaped, times) => {
    expect(markup.split(escaped).length - 1).toBe(times);
  });

  test("the submit URL is escaped inside the action attribute", () => {
    expect(markup).toContain(`action="https://api.example.org/forms/hostile&quot;&gt;&lt;script&gt;x&lt;/script&gt;"`);
  });
});

describe("hidden fields the server adds (e.g. the booking session)", () => {
  const simple = definition({ slug: "simple", title: "S", fields: [{ name: "answer", label: "A", type: "text" }] });

  test("sit inside the form, escaped, before the questions", () => {
    const markup = renderForm(simple, { submitUrl: "/f", hiddenFields: { _session: `x"><script>` } });
    const form = markup.slice(markup.indexOf("<form"), markup.indexOf("</form>"));
    expect(form).toContain(`<input type="hidden" name="_session" value="x&quot;&gt;&lt;script&gt;">`);
    expect(form.indexOf('name="_session"')).toBeLessThan(form.indexOf('name="answer"'));
    expect(markup).not.toContain("<script>");
  });

  test("may not shadow a question of the form", () => {
    expect(() => renderForm(simple, { submitUrl: "/f", hiddenFields: { answer: "x" } })).toThrow(/"answer" would shadow the form's own field/);
  });

  test("are absent unless given", () => {
    expect(renderForm(simple, { submitUrl: "/f" })).not.toContain('type="hidden"');
  });
});

describe("inputs and constraints", () => {
  const markup = renderForm(
    definition({
      slug: "all-types",
      title: "All",
      fields: [
        { name: "t", label: "T", type: "text", required: true, maxLength: 50 },
        { name: "t2", label: "T2", type: "text" },
        { name: "ta", label: "TA", type: "textarea" },
        { name: "e", label: "E", type: "email" },
        { name: "p", label: "P", type: "tel", required: true },
        { name: "dt", label: "DT", type: "date" },
        { name: "n", label: "N", type: "number", min: 0, max: 10.5 },
        { name: "n2", label: "N2", type: "number" },
        { name: "s", label: "S", type: "select", required: true, options: ["x", "y"] },
        { name: "r", label: "R", type: "radio", options: ["x", "y"] },
        { name: "cb", label: "CB", type: "checkbox" },
        { name: "co", label: "CO", type: "consent", required: true },
      ],
    }),
    { submitUrl: "https://api.example.org/forms/all-types" },
  );

  test("the form posts to the submit URL, urlencoded", () => {
    expect(markup).toContain(`<form method="post" action="https://api.example.org/forms/all-types" accept-charset="utf-8" enctype="application/x-www-form-urlencoded">`);
  });

  test("each type has its HTML type and constraints, with labels tied to inputs", () => {
    expect(markup).toContain(`<input type="text" id="field-t" name="t" maxlength="50" required>`);
    expect(markup).toContain(`<input type="text" id="field-t2" name="t2" maxlength="200">`);
    expect(markup).toContain(`<textarea id="field-ta" name="ta" rows="5" cols="40" maxlength="2000"></textarea>`);
    expect(markup).toContain(`<input type="email" id="field-e" name="e" maxlength="254" autocomplete="email">`);
    expect(markup).toContain(`<input type="tel" id="field-p" name="p" maxlength="20" pattern="\\+?[0-9 ]{7,20}" inputmode="tel" autocomplete="tel" required>`);
    expect(markup).toContain(`<input type="date" id="field-dt" name="dt">`);
    expect(markup).toContain(`<input type="number" id="field-n" name="n" step="any" min="0" max="10.5">`);
    expect(markup).toContain(`<input type="number" id="field-n2" name="n2" step="any">`);
    expect(markup).toContain(`<select id="field-s" name="s" required>\n<option value="">Choose one</option>\n<option value="x">x</option>\n<option value="y">y</option>\n</select>`);
    expect(markup).toContain(`<input type="radio" id="field-r-0" name="r" value="x"> <label for="field-r-0">x</label>`);
    expect(markup).toContain(`<input type="checkbox" id="field-cb" name="cb" value="yes">`);
    expect(markup).toContain(`<input type="checkbox" id="field-co" name="co" value="yes" required>`);
    for (const name of ["t", "t2", "ta", "e", "p", "dt", "n", "n2", "s", "cb", "co"]) expect(markup).toContain(`<label for="field-${name}">`);
  });

  test("help text is linked to its input for screen readers", () => {
    const withHelp = renderForm(definition({ slug: "help", title: "H", fields: [{ name: "a", label: "A", type: "text", help: "Say it" }] }), { submitUrl: "/f" });
    expect(withHelp).toContain(`<span id="field-a-help" class="help">Say it</span>`);
    expect(withHelp).toContain(`aria-describedby="field-a-help"`);
  });

  test("a static page: no scripts, no external resources, no inline handlers", () => {
    // The one external resource: the same-origin stylesheet (the CSP allows style-src 'self' only).
    expect(markup.match(/<link[^>]*>/g)).toEqual([`<link rel="stylesheet" href="${STYLESHEET_PATH}">`]);
    expect(markup).not.toMatch(/<script|<style|<img|<iframe|src=|\sstyle=|\son[a-z]+=/i);
    expect(markup).toMatch(/^<!doctype html>/);
  });
});

test("a date field's fixed min and max become the picker's limits; \"today\" is left to the server", () => {
  const result = validateFormDefinition({ slug: "dates", title: "Dates", fields: [{ name: "born", label: "Born", type: "date", max: "today", min: "1900-01-01" }] });
  if (!result.ok) throw new Error(result.errors.join("; "));
  const page = renderForm(result.definition, { submitUrl: "https://forms.example.org/forms/dates" });
  expect(page).toContain('<input type="date" id="field-born" name="born" min="1900-01-01">');
});
