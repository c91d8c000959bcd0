/**
 * npm run campaign:preview [-- --port N] [--patients N] [--help]
 *
 * The patient pages, a published form and the campaign report on this machine, for staff and
 * reviewers to look at in a browser: starts MariaDB and moto (unless running), seeds a small
 * campaign (synthetic patients invited by the real planner, slots at two sites, a published
 * questionnaire), and serves
 *   http://127.0.0.1:<port>/           an index: every patient's link, opt-out link, the form, the report
 *   http://127.0.0.1:<port>/i/<token>  the patient pages (the real campaign-web handler, its headers)
 *   http://127.0.0.1:<port+1>/forms/<slug>/  the form, as CloudFront serves it (synthesized function and headers)
 *   http://127.0.0.1:<port>/report     the report of this campaign, built when opened
 * Ctrl-C stops the servers and the services this command started.
 *
 * Two CDN header directives are adapted because the preview is plain http on loopback, and
 * the index says so: `upgrade-insecure-requests` (it would send the stylesheet request to
 * https://127.0.0.1) is dropped, and the API's http origin is added to `form-action` (which
 * allows 'self' and https: only). The browser tests (__tests__/browser/) use production's
 * headers unchanged, over https host names.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { readFileSync } from "fs";
import { join } from "path";
import type { Pool } from "mysql2/promise";
import { createWebHandler, webConfigurationFromEnvironment } from "../../functions/campaign-web/handler";
import { createFormSubmitHandler } from "../../functions/form-submit/handler";
import { buildCampaignReport, renderReportHtml } from "../../functions/campaign/report";
import { html, page, pageSecurityHeaders } from "../../functions/lib/html";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { SYNTH_OUTDIR } from "../paths";
import { ensureSynthesized } from "../platform/lib/synth";
import { ToolError } from "../platform/lib/tools";
import { ensureLocalServices, stopLocalServices } from "../dev/lib/services";
import { freshDatabase, LOCAL_REGION } from "./lib/local-campaign";
import { cdnBehaviourFromStack, LocalSite, startLocalSite } from "./lib/local-site";
import { PreviewCampaign, seedPreviewCampaign } from "./lib/preview-campaign";

const USAGE = `usage: npm run campaign:preview [-- options]
  --port N       the patient pages' port; the form's is N+1 (1024..65534, default 8417)
  --patients N   synthetic patients to invite, 1..50 (default 6)
  --help         this text
Each option takes its value as --name N or --name=N. Ctrl-C stops it.`;

interface PreviewOptions {
  readonly port: number;
  readonly patients: number;
}

export class PreviewHelp extends Error {}

export function parsePreviewOptions(argv: readonly string[]): PreviewOptions {
  const options = { port: 8417, patients: 6 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--help" || argv[i] === "-h") throw new PreviewHelp(USAGE);
    const match = /^--(port|patients)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new ToolError(`unknown option ${JSON.stringify(argv[i])}.\n${USAGE}`);
    const value = match[2] ?? argv[++i];
    const [min, max] = match[1] === "port" ? [1024, 65534] : [1, 50];
    const n = /^[0-9]+$/.test(value ?? "") ? Number(value) : NaN;
    if (!(n >= min && n <= max)) throw new ToolError(`--${match[1]} needs a whole number from ${min} to ${max}, got ${JSON.stringify(value ?? "")}.\n${USAGE}`);
    options[match[1] as "port" | "patients"] = n;
  }
  return options;
}

/** The index page: every link a reviewer needs, under the same headers as the patient pages. */
function indexPage(site: LocalSite, seeded: PreviewCampaign): string {
  const formUrl = `${site.cdnOrigin}/forms/${seeded.form.definition.slug}/`;
  return page(
    "mediCARE campaign preview",
    html`<main>
<h1>Campaign preview</h1>
<p class="lead">A flu campaign on this machine: ${seeded.tokens.length} synthetic patients invited, ${seeded.slots} appointment times at two sites over three weeks, one published questionnaire.</p>
<h2>Patients' links</h2>
<p>Each link is what a patient receives by text message and e-mail. Opening it changes nothing; booking does.</p>
<ol>
${seeded.tokens.map((token, i) => html`<li><a href="${`/i/${token}`}">Patient ${i + 1}: invitation</a> (<a href="${`/i/${token}/opt-out`}">stop messages</a>)</li>\n`)}</ol>
<h2>Published form</h2>
<p><a href="${formUrl}">${seeded.form.definition.title}</a>, served as CloudFront serves it (its function and response headers, from the synthesized dev-edge stack).</p>
<h2>Report</h2>
<p><a href="/report">The campaign report</a>, built from the database when you open it: book an appointment and reload it.</p>
<h2>How this differs from production</h2>
<p>Plain http on this machine: for the form, the preview drops <code>upgrade-insecure-requests</code> and adds this server to <code>form-action</code>. The browser tests use production's headers unchanged.</p>
</main>`,
  );
}

async function main(): Promise<void> {
  const options = parsePreviewOptions(process.argv.slice(2));
  const env = ENVIRONMENTS.dev;
  ensureSynthesized((line) => process.stderr.write(`${line}\n`));
  const cdn = cdnBehaviourFromStack(JSON.parse(readFileSync(join(SYNTH_OUTDIR, "stacks", `${env.name}-edge`, "cdk.tf.json"), "utf8")));
  const services = await ensureLocalServices("preview", (line) => process.stderr.write(`${line}\n`));
  let pool: Pool | undefined;
  let site: LocalSite | undefined;
  let s3: S3Client | undefined;
  let seeded: PreviewCampaign;
  const stop = async () => {
    await site?.close().catch(() => undefined);
    s3?.destroy();
    await pool?.end().catch(() => undefined);
    const stopped = stopLocalServices("preview");
    if (stopped.length) process.stderr.write(`stopped ${stopped.join(", ")}\n`);
  };
  try {
    pool = await freshDatabase(services, "medicare_preview", 8);
    s3 = new S3Client({ region: LOCAL_REGION, endpoint: services.awsEndpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" }, forcePathStyle: true });
    const apiOrigin = `http://127.0.0.1:${options.port}`;
    const bucket = `medicare-preview-forms-${Date.now()}`;
    seeded = await seedPreviewCampaign({ pool, s3, bucket, submitBaseUrl: apiOrigin, patients: options.patients });
    const config = webConfigurationFromEnvironment({ PRACTICE_NAME: env.campaign.practice.name, PRACTICE_PHONE: env.campaign.practice.phone });
    const reportPool = pool;
    site = await startLocalSite({
      web: createWebHandler({ db: pool, ...config }),
      formSubmit: createFormSubmitHandler({ pool }),
      forms: { s3, bucket, cdn },
      apiPort: options.port,
      cdnPort: options.port + 1,
      adaptCdnHeaders: (headers) => ({
        ...headers,
        "content-security-policy": headers["content-security-policy"]
          .split(";")
          .map((d) => d.trim())
          .filter((d) => d !== "upgrade-insecure-requests")
          .map((d) => (d.startsWith("form-action ") ? `${d} ${apiOrigin}` : d))
          .join("; "),
      }),
      extraApiPages: {
        "/": async () => ({ statusCode: 200, headers: pageSecurityHeaders(), body: indexPage(site!, seeded!) }),
        // The report is a file staff download (its styles inside it), not a page production serves.
        "/report": async () => ({ statusCode: 200, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" }, body: renderReportHtml(await buildCampaignReport(reportPool, seeded.campaignId, () => new Date())) }),
      },
    });
  } catch (error) {
    await stop();
    throw error;
  }
  process.stdout.write(
    [
      "",
      `campaign preview: ${site.apiOrigin}/`,
      ...seeded.tokens.map((token, i) => `  patient ${String(i + 1).padEnd(8)}${site!.apiOrigin}/i/${token}`),
      `  published form  ${site.cdnOrigin}/forms/${seeded.form.definition.slug}/`,
      `  report          ${site.apiOrigin}/report`,
      "Ctrl-C stops the preview and the services it started.",
      "",
    ].join("\n"),
  );
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write("\nstopping the preview...\n");
    stop().finally(() => process.exit(0));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

if (require.main === module) {
  main().catch((error) => {
    if (error instanceof PreviewHelp) {
      process.stdout.write(`${error.message}\n`);
      return;
    }
    process.stderr.write(`campaign:preview: ${error instanceof ToolError ? error.message : (error as Error).stack}\n`);
    process.exitCode = error instanceof ToolError ? 2 : 1;
  });
}
