/**
 * The reviewer page's cost section (npm run cost, in HTML): per environment the monthly total,
 * the stacks, the ten largest charges and one full campaign run, then the hardening items
 * beside the client's figures. An estimate that cannot be made (a resource type with no price)
 * is shown as a failure in the section instead of breaking the page.
 */
import { escapeHtml as esc } from "../../../functions/lib/html";
import { CLIENT_FIGURES, hardeningRows } from "../../platform/lib/cost/client-figures";
import { Estimate, estimateStacks } from "../../platform/lib/cost/estimate";
import { gbp, usd } from "../../platform/lib/cost/render";

const TOP_CHARGES = 10;

const table = (headers: readonly string[], rows: readonly (readonly string[])[]) =>
  `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody></table>`;

function environmentBlock(estimate: Estimate, index: number): string {
  const env = estimate.environments[index];
  const stacks = env.stacks.map((s) => [`<code class="nw">${esc(s.stack)}</code>`, esc(usd(s.monthlyUsd)), esc(gbp(s.monthlyUsd * estimate.gbpPerUsd))]);
  const top = env.stacks
    .flatMap((s) => s.lines)
    .sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.address.localeCompare(b.address))
    .slice(0, TOP_CHARGES)
    .map((l) => [`<code>${esc(l.address)}</code>`, esc(l.price), esc(l.detail), esc(usd(l.monthlyUsd))]);
  const run = env.campaignRun;
  return `<h3>Environment ${esc(env.environment)}: ${esc(usd(env.monthlyUsd))} a month (${esc(gbp(env.monthlyGbp))})</h3>
${table(["stack", "USD / month", "GBP / month"], stacks)}
<details><summary>The ${TOP_CHARGES} largest charges</summary>${table(["resource", "charge", "how counted", "USD / month"], top)}</details>
${run ? `<p>One full campaign run: ${esc(run.sms.toLocaleString("en-GB"))} SMS (${esc(run.smsSegments.toLocaleString("en-GB"))} segments, ${esc(run.encoding)}) and ${esc(run.emails.toLocaleString("en-GB"))} e-mails, ${esc(usd(run.totalUsd))} (${esc(gbp(run.totalGbp))}).</p>` : ""}`;
}

/** `<section id="cost">` for the reviewer page, from the same synthesized stacks the page reads. */
export function renderCostSection(stacks: Readonly<Record<string, any>>): string {
  let estimate: Estimate;
  try {
    estimate = estimateStacks(stacks);
  } catch (error) {
    return `<section id="cost"><h2>Cost estimate</h2><p class="bad">The estimate could not be made: ${esc((error as Error).message)}</p></section>`;
  }
  const compared = estimate.environments.find((e) => e.environment === "prod") ?? estimate.environments[0];
  const hardening = compared
    ? `<h3>Against the client's figures</h3>
<p>The client's document puts the base system at GBP ${CLIENT_FIGURES.monthlyGbp.low}-${CLIENT_FIGURES.monthlyGbp.high} a month and a full SMS send at GBP ${CLIENT_FIGURES.fullSmsSendGbp.toLocaleString("en-GB")}. What the hardening adds in ${esc(compared.environment)}:</p>
${table(
  ["item", "GBP / month", "control (CONTROLS.md)", "a smaller clinic could"],
  hardeningRows(compared).map((r) => [esc(r.item), `<span style="white-space:nowrap">${esc(gbp(r.monthlyUsd * estimate.gbpPerUsd))}</span>`, r.controls.length ? r.controls.map(esc).join("<br>") : `<span class="muted">none</span>`, esc(r.smallerClinic ?? "keep")]),
)}`
    : "";
  return `<section id="cost"><h2>Cost estimate (<code>npm run cost</code>)</h2>
<p class="muted">On-demand list prices from <code>pricing/</code> (${estimate.priceFiles.map((p) => `${esc(p.file.replace(/^.*\/pricing\//, ""))} reviewed ${esc(p.reviewed)}`).join(", ")}), usage assumptions from <code>pricing/usage.json</code>, GBP at ${esc(estimate.gbpPerUsd)} per USD (${esc(estimate.exchangeRateDate)}).</p>
${estimate.environments.map((_, i) => environmentBlock(estimate, i)).join("\n")}
${hardening}</section>`;
}
