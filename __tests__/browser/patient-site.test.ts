/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The patient site in a real browser (Debian's Chromium, driven by playwright-core), at a
 * phone's size (390x844, touch) and a desktop's (1280x900), with production's headers:
 *   - the patient pages come from the real campaign-web and form-submit handlers (MariaDB),
 *     with the headers they send (their CSP among them);
 *   - the published form comes from the forms bucket (moto S3, written by the real publish
 *     code) through the synthesized CloudFront Function and response headers policy.
 * The browser believes it is on the production host names over HTTPS: each request is
 * forwarded to the local servers (scripts/campaign/lib/local-site.ts) and their answer handed
 * back unchanged, so CSP, HSTS and form-action are evaluated exactly as in production.
 *
 * Every page: zero serious or critical axe-core violations, the stylesheet applied (no CSP
 * violation), no horizontal scrolling, readable text, large tap targets; the slot choice keeps
 * its button within reach on a phone. Screenshots go to reports/browser/ for reviewers.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { mkdirSync, readFileSync, rmSync } from "fs";
import { join } from "path";
import type { Page } from "playwright-core";
import type { RowDataPacket } from "mysql2/promise";
import { InMemorySendQueue } from "../../functions/campaign/dispatch";
import { hashToken } from "../../functions/campaign/tokens";
import { createWebHandler, webConfigurationFromEnvironment } from "../../functions/campaign-web/handler";
import { createFormSubmitHandler } from "../../functions/form-submit/handler";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { cdnBehaviourFromStack, LocalSite, startLocalSite } from "../../scripts/campaign/lib/local-site";
import { PREVIEW_SITES, PreviewCampaign, seedPreviewCampaign } from "../../scripts/campaign/lib/preview-campaign";
import { BrowserSession, launchChromium } from "../../scripts/dev/lib/browser";
import { ROOT } from "../../scripts/paths";
import { awsTestConfig, createTestDatabase, localServices, TestDatabase } from "../support/local-services";
import { SynthesizedApp, synthesize } from "../support/synth";

jest.setTimeout(300_000);

const env = ENVIRONMENTS.dev;
const API_HOST = env.campaign.apiHostname;
const FORMS_HOST = env.edge.formsHostname;
const API = `https://${API_HOST}`;
const FORMS = `https://${FORMS_HOST}`;
const SCREENSHOTS = join(ROOT, "reports", "browser");
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
/** The stylesheet's body text size: a page showing it has the stylesheet applied. */
const STYLED_BODY_FONT_PX = 19;

const VIEWPORTS = [
  { name: "phone", viewport: { width: 390, height: 844 }, mobile: true },
  { name: "desktop", viewport: { width: 1280, height: 900 }, mobile: false },
] as const;

let app: SynthesizedApp;
let db: TestDatabase;
let s3: S3Client;
let site: LocalSite;
let seeded: PreviewCampaign;
let cdnCsp: string;
/** What the pages put on the send queue: the booking confirmations. */
const confirmationQueue = new InMemorySendQueue();

beforeAll(async () => {
  app = synthesize([env]);
  const cdn = cdnBehaviourFromStack(app.stacks[`${env.name}-edge`]);
  cdnCsp = cdn.responseHeaders["content-security-policy"];
  const services = await localServices();
  db = await createTestDatabase("browser", 8);
  s3 = new S3Client(awsTestConfig(services));
  const bucket = `medicare-browser-forms-${Date.now()}`;
  seeded = await seedPreviewCampaign({ pool: db.admin, s3, bucket, submitBaseUrl: API, patients: 6 });
  // The function's own configuration path, with what the campaign stack sets.
  const config = webConfigurationFromEnvironment({ PRACTICE_NAME: env.campaign.practice.name, PRACTICE_PHONE: env.campaign.practice.phone, FOLLOW_UP_FORM_SLUG: seeded.form.definition.slug, FORM_SUBMIT_BASE_URL: API });
  site = await startLocalSite({
    web: createWebHandler({ db: db.as("campaign-web"), ...config, confirmationQueue }),
    formSubmit: createFormSubmitHandler({ pool: db.as("form-submit") }),
    forms: { s3, bucket, cdn },
  });
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await site?.close();
  s3?.destroy();
  await db?.drop();
  if (app) rmSync(app.outdir, { recursive: true, force: true });
});

interface Problems {
  /** CSP violations and other console errors the page caused. */
  readonly console: string[];
  /** Requests to anywhere but the two production hosts (there must be none). */
  readonly foreign: string[];
}

/** A browser at this size whose requests to the production hosts reach the local site. */
async function openBrowser(viewport: (typeof VIEWPORTS)[number]): Promise<{ session: BrowserSession; page: Page; problems: Problems }> {
  const session = await launchChromium({ viewport: viewport.viewport, mobile: viewport.mobile });
  const problems: Problems = { console: [], foreign: [] };
  await session.context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    const origin = url.protocol === "https:" && url.host === API_HOST ? site.apiOrigin : url.protocol === "https:" && url.host === FORMS_HOST ? site.cdnOrigin : undefined;
    if (!origin) {
      problems.foreign.push(url.href);
      return route.abort("blockedbyclient");
    }
    const response = await route.fetch({ url: `${origin}${url.pathname}${url.search}`, maxRedirects: 0 });
    await route.fulfill({ response });
  });
  const page = session.context.pages()[0] ?? (await session.context.newPage());
  page.on("console", (message) => {
    if (message.type() === "error") problems.console.push(message.text());
  });
  return { session, page, problems };
}

/** What a reviewer and a patient care about on one page; also saves its screenshot. */
async function checkPage(page: Page, viewport: (typeof VIEWPORTS)[number], name: string, problems: Problems): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${viewport.name}-${name}.png`), fullPage: true });
  // The axe source is evaluated over the DevTools protocol, which the page's CSP does not govern
  // (an injected <script> would be refused, rightly).
  await page.evaluate(AXE_SOURCE);
  const axe = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ["violations"], runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n: any) => n.target.join(" ")).slice(0, 3) }));
  });
  const layout = await page.evaluate(() => {
    const body = getComputedStyle(document.body);
    const visible = (e: Element) => {
      const box = e.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== "hidden";
    };
    const small = [...document.querySelectorAll("button, input[type=submit], select, input[type=text], input[type=email], input[type=tel], input[type=date], input[type=number]")]
      .filter(visible)
      .filter((e) => !e.classList.contains("link-button") && e.getBoundingClientRect().height < 44)
      .map((e) => `${e.tagName.toLowerCase()} ${Math.round(e.getBoundingClientRect().height)}px`);
    const smallText = [...document.querySelectorAll("p, li, label, dd, dt, td, th, legend, a, button")]
      .filter(visible)
      .filter((e) => (e.textContent ?? "").trim() !== "" && parseFloat(getComputedStyle(e).fontSize) < 16)
      .map((e) => `${e.tagName.toLowerCase()} ${getComputedStyle(e).fontSize}`);
    return {
      bodyFontPx: parseFloat(body.fontSize),
      horizontalOverflowPx: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      smallTargets: small,
      smallText,
      stylesheets: document.styleSheets.length,
    };
  });
  expect({ page: name, axe: axe.filter((v: any) => v.impact === "serious" || v.impact === "critical") }).toEqual({ page: name, axe: [] });
  expect({ page: name, console: problems.console, foreign: problems.foreign }).toEqual({ page: name, console: [], foreign: [] });
  expect({ page: name, ...layout }).toEqual({ page: name, bodyFontPx: STYLED_BODY_FONT_PX, horizontalOverflowPx: 0, smallTargets: [], smallText: [], stylesheets: 1 });
}

/** The submit button of the page's main action (not a link-styled or secondary one). */
const primaryButton = (page: Page) => page.locator("button[type=submit]:not(.link-button):not(.secondary)").first();

/** Picks the first free choice of every radio group on the page (site, date, time...), as a patient would tap it. */
async function chooseFirstOptions(page: Page): Promise<number> {
  const names = await page.locator("input[type=radio]:not([disabled])").evaluateAll((inputs) => [...new Set(inputs.map((i) => (i as HTMLInputElement).name))]);
  for (const name of names) {
    const first = page.locator(`input[type=radio][name="${name}"]:not([disabled])`).first();
    if (!(await first.isChecked())) await first.check();
  }
  return names.length;
}

const DATE_TEXT = /\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),? \d{1,2} [A-Z][a-z]+( \d{4})?/;

describe.each(VIEWPORTS)("at $name size ($viewport.width x $viewport.height)", (viewport) => {
  const index = VIEWPORTS.indexOf(viewport);

  test("a patient opens the link, chooses a site, date and time, books, reopens the link, and stops messages", async () => {
    const token = seeded.tokens[index];
    const { session, page, problems } = await openBrowser(viewport);
    try {
      const landing = await page.goto(`${API}/i/${token}`);
      expect(landing?.status()).toBe(200);
      expect(landing?.headers()["content-security-policy"]).toMatch(/style-src 'self'/);
      await checkPage(page, viewport, "1-landing", problems);

      // Onwards until the appointment is booked: each page's choices, then its main button.
      let step = 0;
      while (!/booked/i.test(await page.locator("h1").innerText())) {
        step++;
        expect(step).toBeLessThanOrEqual(5);
        const groups = await chooseFirstOptions(page);
        if (groups > 0) {
          // A phone must not have to scroll past a wall of slots to reach the button.
          const height = await page.evaluate(() => document.documentElement.scrollHeight);
          expect({ page: `choice ${step}`, tallerThanThreeScreens: height > 3 * viewport.viewport.height, height }).toEqual({ page: `choice ${step}`, tallerThanThreeScreens: false, height });
        }
        await checkPage(page, viewport, `2-step-${step}`, problems);
        await Promise.all([page.waitForNavigation(), primaryButton(page).click()]);
      }
      expect(step).toBeGreaterThanOrEqual(1);
      await checkPage(page, viewport, "3-booked", problems);
      const booked = await page.locator("main, body").first().innerText();
      const bookedSite = PREVIEW_SITES.find((s) => booked.includes(s));
      const bookedDate = DATE_TEXT.exec(booked)?.[0];
      expect({ bookedSite, bookedDate }).toEqual({ bookedSite: expect.any(String), bookedDate: expect.any(String) });
      // The booking's confirmation was written with it and handed to the send queue.
      const [confirmations] = await db.admin.query<RowDataPacket[]>(
        "SELECT c.id, c.kind, c.site FROM booking_confirmations c JOIN invitation_tokens t ON t.invitation_id = c.invitation_id WHERE t.token_hash = ?",
        [hashToken(token)],
      );
      expect(confirmations.length).toBeGreaterThan(0);
      expect(confirmations.map((c) => [c.kind, c.site])).toEqual(confirmations.map(() => ["booked", bookedSite]));
      expect(confirmationQueue.confirmations.map((c) => c.confirmationId)).toEqual(expect.arrayContaining(confirmations.map((c) => Number(c.id))));

      // Reopening the link shows the appointment, not a dead end.
      const reopened = await page.goto(`${API}/i/${token}`);
      expect(reopened?.status()).toBe(200);
      const reopenedText = await page.locator("body").innerText();
      expect(reopenedText).toContain(bookedSite);
      expect(reopenedText).toContain(bookedDate);
      await checkPage(page, viewport, "4-reopened", problems);

      // Every patient page offers a way to stop messages (a link, or a button that looks like one).
      const optOut = page.getByRole("link", { name: /stop (these |text |all )?messages|opt out|unsubscribe/i }).or(page.getByRole("button", { name: /stop (these |text |all )?messages|opt out/i })).first();
      expect(await optOut.count()).toBe(1);
      await Promise.all([page.waitForNavigation(), optOut.click()]);
      await checkPage(page, viewport, "5-opt-out", problems);
      await Promise.all([page.waitForNavigation(), primaryButton(page).click()]);
      expect(await page.locator("h1").innerText()).toMatch(/not receive|stopped|opted out/i);
      await checkPage(page, viewport, "6-opted-out", problems);
      expect(site.requests.api).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });

  test("the published form, served through CloudFront's function and headers, is styled, accessible and sends", async () => {
    const { session, page, problems } = await openBrowser(viewport);
    try {
      const slug = seeded.form.definition.slug;
      // Without the slash the CloudFront Function redirects to it (checked over HTTP: Chromium
      // does not hand a redirect's next request back to an intercepting route); with it, index.html.
      const redirect = await fetch(`${site.cdnOrigin}/forms/${slug}`, { redirect: "manual" });
      expect({ status: redirect.status, location: redirect.headers.get("location"), csp: redirect.headers.get("content-security-policy") }).toEqual({ status: 301, location: `/forms/${slug}/`, csp: cdnCsp });
      const response = await page.goto(`${FORMS}/forms/${slug}/`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()["content-security-policy"]).toBe(cdnCsp);
      await checkPage(page, viewport, "7-form", problems);

      await page.getByLabel(/full name/i).fill("Ada Lovelace");
      await page.getByLabel(/date of birth/i).fill("1950-03-27");
      await page.getByRole("radio", { name: "No", exact: true }).check();
      await page.getByLabel(/unwell/i).selectOption("No");
      await page.getByLabel(/agree/i).check();
      const [sent] = await Promise.all([page.waitForNavigation(), primaryButton(page).click()]);
      expect(sent?.status()).toBe(201);
      expect(new URL(page.url()).host).toBe(API_HOST);
      await checkPage(page, viewport, "8-form-sent", problems);
      expect(site.requests.cdn).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });
});
