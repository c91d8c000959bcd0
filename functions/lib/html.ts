/**
 * HTML output for everything the campaign engine shows people (landing and booking pages,
 * published forms, reports). Every value goes through `escapeHtml`; the `html` tag escapes
 * interpolations by default so forgetting is not possible, and `trusted()` marks markup that
 * was itself produced by `html`.
 */
const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;", "=": "&#61;" };

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"'`=]/g, (c) => ESCAPES[c]);
}

/** Markup produced by `html` (or a constant), safe to embed without escaping again. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export const trusted = (markup: string): SafeHtml => new SafeHtml(markup);

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

const render = (value: Interpolation): string =>
  value instanceof SafeHtml ? value.markup : Array.isArray(value) ? value.map(render).join("") : escapeHtml(value);

/** Template tag: literal parts are kept, every interpolated value is escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/**
 * A complete page: no scripts, no external resources, so the strict content security policy
 * the CDN sends (default-src 'none'; style-src 'unsafe-inline' for this one style block) holds.
 */
export function page(title: string, body: SafeHtml, options: { lang?: string } = {}): string {
  return html`<!doctype html>
<html lang="${options.lang ?? "en-GB"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#0b0c0c}h1{font-size:1.75rem}button,input,select,textarea{font:inherit}button{background:#00703c;color:#fff;border:0;padding:.5rem 1rem;border-radius:3px}.error{border-left:5px solid #d4351c;padding-left:1rem}table{border-collapse:collapse}td,th{border:1px solid #b1b4b6;padding:.25rem .5rem;text-align:left}</style>
</head>
<body>
${body}
</body>
</html>
`.markup;
}
