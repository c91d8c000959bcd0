/**
 * HTML output for everything the campaign engine shows people (landing and booking pages,
 * published forms, reports). Every value goes through `escapeHtml`; the `html` tag escapes
 * interpolations by default so forgetting is not possible, and `trusted()` marks markup that
 * was itself produced by `html`.
 */
import { STYLESHEET, STYLESHEET_PATH } from "./stylesheet";

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
 * The content security policy of every page the public API answers: nothing but same-origin
 * stylesheets, no script, no inline style, forms post only to `formAction`, never framed.
 * CloudFront sends its own (modules/edge/cdn.ts) with the forms; both allow `style-src 'self'`
 * and nothing inline, which is why `page` links STYLESHEET_PATH instead of embedding a <style>.
 */
export function contentSecurityPolicy(options: { formAction?: string } = {}): string {
  return `default-src 'none'; style-src 'self'; img-src 'self'; form-action ${options.formAction ?? "'self'"}; frame-ancestors 'none'; base-uri 'none'`;
}

/** Two years, with subdomains, preload-eligible: the same HSTS as the CDN sends. */
export const HSTS = "max-age=63072000; includeSubDomains; preload";

/**
 * The headers of every HTML page the public API answers (campaign-web, form-submit): no
 * caching (pages hold links and session secrets), no Referer (the token is in the URL), no
 * sniffing, no framing, HSTS, and the CSP above.
 */
export function pageSecurityHeaders(options: { formAction?: string } = {}): Record<string, string> {
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": HSTS,
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": contentSecurityPolicy(options),
  };
}

export interface PageOptions {
  /** @default "en-GB" */
  readonly lang?: string;
  /**
   * A document opened from a file (the report staff download), not served under our CSP:
   * the stylesheet is embedded, since no server answers STYLESHEET_PATH next to it.
   * @default false
   */
  readonly standalone?: boolean;
}

/**
 * A complete page: no scripts, no inline style, nothing from another origin; the styles come
 * from the same-origin stylesheet (lib/stylesheet.ts), so the strict CSP holds.
 */
export function page(title: string, body: SafeHtml, options: PageOptions = {}): string {
  const styles = options.standalone ? html`<style>${trusted(STYLESHEET)}</style>` : html`<link rel="stylesheet" href="${STYLESHEET_PATH}">`;
  return html`<!doctype html>
<html lang="${options.lang ?? "en-GB"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
${styles}
</head>
<body>
${body}
</body>
</html>
`.markup;
}
