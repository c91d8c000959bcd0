/**
 * Issue 17, item 3: every page keeps its styles under the real content security policies: the
 * one CloudFront sends with the published forms (read from the synthesized edge stacks) and
 * the one the public API's functions send (read from their responses). No policy allows
 * 'unsafe-inline'; no page needs it; the stylesheet the pages link is served at its path by
 * the API (long-cached) and is self-contained.
 */
import { rmSync } from "fs";
import type { Database } from "../../functions/campaign/booking";
import { notFoundPage, Practice, unavailablePage } from "../../functions/campaign/pages";
import { createWebHandler } from "../../functions/campaign-web/handler";
import { createFormSubmitHandler } from "../../functions/form-submit/handler";
import { validateFormDefinition } from "../../functions/forms/definition";
import { renderForm } from "../../functions/forms/render";
import { html, page } from "../../functions/lib/html";
import { STYLESHEET, STYLESHEET_PATH } from "../../functions/lib/stylesheet";
import { cspViolations, parseCsp } from "../support/csp";
import { restApiEvent } from "../support/api-gateway-events";
import { SynthesizedApp, synthesize } from "../support/synth";
import { ENVIRONMENTS } from "../../modules/config/environments";

const practice: Practice = { name: "Riverside Surgery", phone: "020 7946 0000", timeZone: "Europe/London" };
const API = "https://book.medicare.example";
const FORMS = "https://forms.medicare.example";
/** Any database use fails: these requests must not need one. */
const noDatabase = new Proxy({}, { get: () => () => Promise.reject(new Error("no database in this test")) }) as unknown as Database;
const web = createWebHandler({ db: noDatabase, practice });

const form = (() => {
  const result = validateFormDefinition({
    slug: "flu-consent",
    title: "Flu vaccination consent",
    description: "A few questions before your appointment.",
    fields: [
      { name: "name", label: "Your full name", type: "text", required: true, help: "As on your NHS record" },
      { name: "egg", label: "Are you allergic to eggs?", type: "radio", options: ["Yes", "No"], required: true },
      { name: "agree", label: "I agree to be vaccinated", type: "consent", required: true },
    ],
  });
  if (!result.ok) throw new Error(result.errors.join("; "));
  return result.definition;
})();

let app: SynthesizedApp;
/** environment -> the CSP of CloudFront's response headers policy, as synthesized. */
const cdnPolicies = new Map<string, string>();
beforeAll(() => {
  app = synthesize(Object.values(ENVIRONMENTS));
  for (const policy of app.resources("aws_cloudfront_response_headers_policy")) {
    const csp = policy.values.security_headers_config.content_security_policy;
    expect(csp.override).toBe(true);
    cdnPolicies.set(policy.stack, csp.content_security_policy);
  }
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

/** The CSP the public API really sends with a page: from the handler's response. */
async function apiPolicy(): Promise<string> {
  const response = await web(restApiEvent({ method: "GET", path: "/no-such-page" }));
  expect(response.statusCode).toBe(404);
  return response.headers["Content-Security-Policy"];
}

test("every synthesized CloudFront policy and the API's policy allow no inline style or script and nothing from elsewhere", async () => {
  expect(cdnPolicies.size).toBeGreaterThanOrEqual(2);
  const submit = await createFormSubmitHandler({ pool: noDatabase as never })({} as never);
  for (const policy of [...cdnPolicies.values(), await apiPolicy(), submit.headers["Content-Security-Policy"]]) {
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
    const csp = parseCsp(policy);
    expect(csp.get("default-src")).toEqual(["'none'"]);
    expect(csp.get("style-src")).toEqual(["'self'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
  }
});

test("the checker catches what the pages used to do: an inline <style> under style-src 'self'", async () => {
  const old = "<!doctype html><html><head><style>body{color:#000}</style></head><body><p style=\"color:red\">x</p></body></html>";
  for (const policy of [...cdnPolicies.values(), await apiPolicy()]) {
    expect(cspViolations(policy, old, API)).toEqual([expect.stringContaining("inline <style>"), expect.stringContaining("style attribute")]);
  }
});

test("a published form breaks none of CloudFront's policies, served from the forms host and posting to the API", () => {
  const markup = renderForm(form, { submitUrl: `${API}/forms/${form.slug}` });
  expect(markup).toContain(`<link rel="stylesheet" href="${STYLESHEET_PATH}">`);
  for (const [stack, policy] of cdnPolicies) expect({ stack, violations: cspViolations(policy, markup, FORMS) }).toEqual({ stack, violations: [] });
});

test("the API's pages break none of the policy the API sends with them", async () => {
  const policy = await apiPolicy();
  for (const rendered of [notFoundPage(practice).html, unavailablePage(practice).html, page("A page", html`<h1>Heading</h1><form method="post" action="/book"><button>Go</button></form>`)]) {
    expect(cspViolations(policy, rendered, API)).toEqual([]);
  }
});

test("the follow-up form, served by the API with form-action widened to form-submit's origin only, breaks nothing", async () => {
  const submitUrl = `${FORMS}/forms/${form.slug}`;
  const markup = renderForm(form, { submitUrl, hiddenFields: { _session: "x".repeat(22) } });
  const widened = (await apiPolicy()).replace("form-action 'self'", `form-action ${new URL(submitUrl).origin}`);
  expect(cspViolations(widened, markup, API)).toEqual([]);
  expect(cspViolations(await apiPolicy(), markup, API)).toEqual([expect.stringContaining("form-action")]);
});

test("the API serves the stylesheet at the path the pages link, long-cached, without a database", async () => {
  for (const method of ["GET", "HEAD"]) {
    const response = await web(restApiEvent({ method, path: STYLESHEET_PATH, resource: "/assets/{file}", pathParameters: { file: STYLESHEET_PATH.split("/").pop()! } }));
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff" });
    expect(response.body).toBe(method === "GET" ? STYLESHEET : "");
  }
  const other = await web(restApiEvent({ method: "GET", path: "/assets/site-0000000000000000.css", resource: "/assets/{file}", pathParameters: { file: "site-0000000000000000.css" } }));
  expect(other.statusCode).toBe(404);
  expect(other.headers["Content-Type"]).toBe("text/html; charset=utf-8");
});

test("the stylesheet loads nothing itself (no @import, no url()), so style-src 'self' and default-src 'none' are enough", () => {
  expect(STYLESHEET).not.toMatch(/@import|url\(/i);
  expect(STYLESHEET).not.toMatch(/<\/style/i);
  expect(STYLESHEET_PATH).toMatch(/^\/assets\/site-[0-9a-f]{16}\.css$/);
});
