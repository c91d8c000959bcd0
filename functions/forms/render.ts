/**
 * A validated form definition as one static HTML page: plain labelled inputs whose HTML types
 * and constraints match the server-side checks in submissions.ts, every value escaped by the
 * `html` tag, no scripts and no external resources (CloudFront serves it under a strict CSP).
 */
import { html, page, SafeHtml } from "../lib/html";
import { FormDefinition, FormField, maxLengthOf, TEL_PATTERN_SOURCE } from "./definition";

/** The HTML value a ticked checkbox or consent box sends; submissions.ts accepts it as `true`. */
export const CHECKED_VALUE = "yes";

export interface RenderOptions {
  /** Where the browser POSTs the answers (the public API's `/forms/{slug}`). */
  readonly submitUrl: string;
  /**
   * Hidden inputs the server adds to this rendering (e.g. the booking session that links a
   * submission to its invitation). Names must not be field names: definition.ts makes field
   * names start with a letter, so a leading underscore keeps them apart.
   */
  readonly hiddenFields?: Readonly<Record<string, string>>;
}

export function renderForm(definition: FormDefinition, options: RenderOptions): string {
  const clash = Object.keys(options.hiddenFields ?? {}).find((name) => definition.fields.some((field) => field.name === name));
  if (clash !== undefined) throw new Error(`hidden field "${clash}" would shadow the form's own field of that name`);
  const body = html`<main>
<h1>${definition.title}</h1>
${definition.description !== undefined ? html`<p>${definition.description}</p>` : ""}
<form method="post" action="${options.submitUrl}" accept-charset="utf-8" enctype="application/x-www-form-urlencoded">
${Object.entries(options.hiddenFields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}${definition.fields.map(renderField)}
<p><button type="submit">Send</button></p>
</form>
</main>`;
  return page(definition.title, body);
}

const idOf = (field: FormField) => `field-${field.name}`;

function helpOf(field: FormField): SafeHtml {
  return field.help !== undefined ? html`<br><span id="${idOf(field)}-help" class="help">${field.help}</span>` : html``;
}

const describedBy = (field: FormField) => (field.help !== undefined ? html` aria-describedby="${idOf(field)}-help"` : html``);
const requiredAttribute = (field: FormField) => (field.required ? html` required` : html``);
const requiredMark = (field: FormField) => (field.required ? html` <span aria-hidden="true">*</span>` : html` (optional)`);

function renderField(field: FormField): SafeHtml {
  const id = idOf(field);
  switch (field.type) {
    case "textarea":
      return html`<p><label for="${id}">${field.label}${requiredMark(field)}</label>${helpOf(field)}<br>
<textarea id="${id}" name="${field.name}" rows="5" cols="40" maxlength="${maxLengthOf(field)}"${requiredAttribute(field)}${describedBy(field)}></textarea></p>
`;
    case "text":
    case "email":
    case "tel": {
      const extra =
        field.type === "tel" ? html` pattern="${TEL_PATTERN_SOURCE}" inputmode="tel" autocomplete="tel"` : field.type === "email" ? html` autocomplete="email"` : html``;
      return html`<p><label for="${id}">${field.label}${requiredMark(field)}</label>${helpOf(field)}<br>
<input type="${field.type}" id="${id}" name="${field.name}" maxlength="${maxLengthOf(field)}"${extra}${requiredAttribute(field)}${describedBy(field)}></p>
`;
    }
    case "date": {
      // A fixed limit helps the date picker; "today" cannot be written into a static page (the server checks it).
      const limit = (name: string, value: unknown) => (typeof value === "string" && value !== "today" ? html` ${name}="${value}"` : html``);
      return html`<p><label for="${id}">${field.label}${requiredMark(field)}</label>${helpOf(field)}<br>
<input type="date" id="${id}" name="${field.name}"${limit("min", field.min)}${limit("max", field.max)}${requiredAttribute(field)}${describedBy(field)}></p>
`;
    }
    case "number": {
      const min = field.min !== undefined ? html` min="${field.min}"` : html``;
      const max = field.max !== undefined ? html` max="${field.max}"` : html``;
      return html`<p><label for="${id}">${field.label}${requiredMark(field)}</label>${helpOf(field)}<br>
<input type="number" id="${id}" name="${field.name}" step="any"${min}${max}${requiredAttribute(field)}${describedBy(field)}></p>
`;
    }
    case "select":
      return html`<p><label for="${id}">${field.label}${requiredMark(field)}</label>${helpOf(field)}<br>
<select id="${id}" name="${field.name}"${requiredAttribute(field)}${describedBy(field)}>
<option value="">Choose one</option>
${(field.options ?? []).map((option) => html`<option value="${option}">${option}</option>\n`)}</select></p>
`;
    case "radio":
      return html`<fieldset${describedBy(field)}>
<legend>${field.label}${requiredMark(field)}</legend>${helpOf(field)}
${(field.options ?? []).map(
  (option, index) =>
    html`<p><input type="radio" id="${id}-${index}" name="${field.name}" value="${option}"${requiredAttribute(field)}> <label for="${id}-${index}">${option}</label></p>\n`,
)}</fieldset>
`;
    case "checkbox":
    case "consent":
      return html`<p><input type="checkbox" id="${id}" name="${field.name}" value="${CHECKED_VALUE}"${requiredAttribute(field)}${describedBy(field)}>
<label for="${id}">${field.label}${requiredMark(field)}</label>${helpOf(field)}</p>
`;
  }
}
