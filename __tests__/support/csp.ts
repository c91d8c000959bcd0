/**
 * What a browser would refuse on a page under a content security policy, for the resource
 * kinds our pages can contain: inline <style> blocks and style="" attributes, stylesheets,
 * scripts (inline, src and on* handlers), images and form actions. The real browser tests
 * (__tests__/browser/) check the same in Chromium; this one runs without a browser, over every
 * page the functions render.
 */
import { createHash } from "crypto";

export type CspDirectives = ReadonlyMap<string, readonly string[]>;

export function parseCsp(policy: string): CspDirectives {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** The sources a fetch directive allows (falling back to default-src, as browsers do). */
const sourcesFor = (csp: CspDirectives, directive: string): readonly string[] => csp.get(directive) ?? csp.get("default-src") ?? ["*"];

/** Whether `url` (as written in the page, resolved against `pageOrigin`) matches one of `sources`. */
function allows(sources: readonly string[], url: string, pageOrigin: string): boolean {
  if (sources.includes("'none'") && sources.length === 1) return false;
  let target: URL;
  try {
    target = new URL(url, pageOrigin);
  } catch {
    return false;
  }
  return sources.some((source) => {
    if (source === "*") return target.protocol === "https:" || target.protocol === "http:";
    if (source === "'self'") return target.origin === new URL(pageOrigin).origin;
    if (/^[a-z][a-z0-9+.-]*:$/.test(source)) return target.protocol === source;
    if (/^https?:\/\//.test(source)) return target.href.startsWith(source.endsWith("/") ? source : `${new URL(source).origin}/`) || target.origin === source;
    return false;
  });
}

const hashSource = (content: string) => `'sha256-${createHash("sha256").update(content).digest("base64")}'`;

/** Every resource of `html` that `policy` blocks when the page is served from `pageOrigin`, as readable lines. */
export function cspViolations(policy: string, html: string, pageOrigin: string): string[] {
  const csp = parseCsp(policy);
  const violations: string[] = [];
  const styleSources = sourcesFor(csp, "style-src");
  for (const match of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)) {
    if (!styleSources.includes("'unsafe-inline'") && !styleSources.includes(hashSource(match[1]))) violations.push(`inline <style> (${match[1].length} characters) is blocked by style-src ${styleSources.join(" ")}`);
  }
  for (const match of html.matchAll(/<[a-z][^>]*\sstyle\s*=\s*["'][^"']*["'][^>]*>/gi)) {
    if (!styleSources.includes("'unsafe-inline'")) violations.push(`style attribute in ${match[0].slice(0, 60)} is blocked by style-src ${styleSources.join(" ")}`);
  }
  for (const match of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = /\srel\s*=\s*"([^"]*)"/i.exec(match[0])?.[1] ?? "";
    const href = /\shref\s*=\s*"([^"]*)"/i.exec(match[0])?.[1];
    if (rel.split(/\s+/).includes("stylesheet") && (href === undefined || !allows(styleSources, href, pageOrigin))) violations.push(`stylesheet ${href} is blocked by style-src ${styleSources.join(" ")}`);
  }
  const scriptSources = sourcesFor(csp, "script-src");
  for (const match of html.matchAll(/<script\b([^>]*)>/gi)) {
    const src = /\ssrc\s*=\s*"([^"]*)"/i.exec(match[1])?.[1];
    if (src === undefined ? !scriptSources.includes("'unsafe-inline'") : !allows(scriptSources, src, pageOrigin)) violations.push(`script ${src ?? "(inline)"} is blocked by script-src ${scriptSources.join(" ")}`);
  }
  if (/<[a-z][^>]*\son[a-z]+\s*=/i.test(html) && !scriptSources.includes("'unsafe-inline'")) violations.push("an inline event handler (on...=) is blocked");
  const imageSources = sourcesFor(csp, "img-src");
  for (const match of html.matchAll(/<img\b[^>]*\ssrc\s*=\s*"([^"]*)"/gi)) {
    if (!allows(imageSources, match[1], pageOrigin)) violations.push(`image ${match[1]} is blocked by img-src ${imageSources.join(" ")}`);
  }
  // form-action does not fall back to default-src: absent means anything.
  const formSources = csp.get("form-action");
  for (const match of html.matchAll(/<form\b[^>]*>/gi)) {
    const action = /\saction\s*=\s*"([^"]*)"/i.exec(match[0])?.[1] ?? "";
    if (formSources && !allows(formSources, action.replace(/&amp;/g, "&"), pageOrigin)) violations.push(`form posting to ${action || "(this page)"} is blocked by form-action ${formSources.join(" ")}`);
  }
  return violations;
}
