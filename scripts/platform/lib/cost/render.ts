/**
 * The estimate and the difference as text (terminal), Markdown (pull-request comment) or JSON.
 * Amounts are rounded only here, to cents.
 */
import { CLIENT_FIGURES, hardeningRows } from "./client-figures";
import { CostDiff } from "./diff";
import { CostLine, EnvironmentEstimate, Estimate, StackEstimate } from "./estimate";

const money = (n: number) => n.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const usd = (n: number) => `USD ${money(n)}`;
export const gbp = (n: number) => `GBP ${money(n)}`;
const signed = (n: number, cur: (n: number) => string) => (n >= 0 ? `+${cur(n)}` : `-${cur(-n)}`);
const quantity = (n: number) => (Number.isInteger(n) ? n.toLocaleString("en-GB") : n.toLocaleString("en-GB", { maximumFractionDigits: 4 }));
const unitPrice = (l: CostLine) => `${l.unitUsd} per ${l.unit}`;
const shortAddress = (l: CostLine) => l.address.slice(l.stack.length + 1);

/** A table row: one resource's charge, or the same charge of several resources of a type summed. */
interface Row {
  readonly resource: string;
  readonly line: CostLine;
  readonly quantity: number;
  readonly detail: string;
  readonly monthlyUsd: number;
}

/** Resources of a type with the same charge fold into one row from this many on (JSON keeps every line). */
const FOLD_FROM = 3;

function rowsOf(stack: StackEstimate): Row[] {
  const groups = new Map<string, CostLine[]>();
  for (const line of stack.lines) groups.set(`${line.type} ${line.price} ${line.region}`, [...(groups.get(`${line.type} ${line.price} ${line.region}`) ?? []), line]);
  const rows: Row[] = [];
  for (const lines of groups.values()) {
    const resources = new Set(lines.map((l) => l.address)).size;
    if (resources < FOLD_FROM) {
      rows.push(...lines.map((l) => ({ resource: shortAddress(l), line: l, quantity: l.quantity, detail: l.detail, monthlyUsd: l.monthlyUsd })));
      continue;
    }
    const details = new Set(lines.map((l) => l.detail));
    rows.push({
      resource: `${lines[0].type} (${resources})`,
      line: lines[0],
      quantity: lines.reduce((n, l) => n + l.quantity, 0),
      detail: details.size === 1 ? `${resources} x ${lines[0].detail}` : `${resources} resources`,
      monthlyUsd: lines.reduce((n, l) => n + l.monthlyUsd, 0),
    });
  }
  return rows.sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.resource.localeCompare(b.resource) || a.line.price.localeCompare(b.line.price));
}

function pad(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd());
}

const freeSummary = (s: StackEstimate) => {
  const resources = s.free.reduce((n, f) => n + f.count, 0);
  return `${resources} resources of ${s.free.length} types cost nothing (${s.free.map((f) => f.type.replace(/^aws_/, "")).slice(0, 6).join(", ")}${s.free.length > 6 ? ", ..." : ""}; reasons in pricing/resource-types.json)`;
};

function campaignLines(env: EnvironmentEstimate): string[] {
  const run = env.campaignRun;
  if (!run) return [];
  return [
    `One full campaign run (${run.patients.toLocaleString("en-GB")} patients; planner's own count before each run: functions/campaign/cost.ts):`,
    `  ${run.sms.toLocaleString("en-GB")} SMS x ${run.segmentsPerSms} segment (${run.encoding}) = ${usd(run.smsUsd)}; ${run.emails.toLocaleString("en-GB")} e-mails = ${usd(run.emailUsd)}; total ${usd(run.totalUsd)} (${gbp(run.totalGbp)})`,
  ];
}

/** The environment the client comparison uses: prod when estimated, else the first. */
const comparedEnvironment = (estimate: Estimate) => estimate.environments.find((e) => e.environment === "prod") ?? estimate.environments[0];

function clientRows(estimate: Estimate): { facts: string[][]; items: string[][]; env: EnvironmentEstimate } | undefined {
  const env = comparedEnvironment(estimate);
  if (!env) return undefined;
  const rate = estimate.gbpPerUsd;
  const facts = [
    ["base system, a month", `GBP ${CLIENT_FIGURES.monthlyGbp.low}-${CLIENT_FIGURES.monthlyGbp.high}`, `${gbp(env.monthlyGbp)} (${env.environment}); ${estimate.environments.filter((e) => e !== env).map((e) => `${gbp(e.monthlyGbp)} (${e.environment})`).join(", ")}`],
  ];
  if (env.campaignRun) {
    const run = env.campaignRun;
    const per = run.patients / CLIENT_FIGURES.patients;
    facts.push([`SMS to ${run.patients.toLocaleString("en-GB")} patients, once`, gbp(CLIENT_FIGURES.fullSmsSendGbp * per), gbp(run.smsUsd * rate)]);
    facts.push([`e-mail to ${run.patients.toLocaleString("en-GB")} patients, once`, `${gbp(CLIENT_FIGURES.fullEmailSendGbp * per)} (SNS e-mail)`, `${gbp(run.emailUsd * rate)} (SES: SNS e-mail cannot carry a personal link)`]);
  }
  const items = hardeningRows(env).map((r) => [r.item, gbp(r.monthlyUsd * rate), r.controls.length ? r.controls.join("; ") : "(a source requirement or availability, no control row)", r.smallerClinic ?? "keep: a CONTROLS.md row or the source document asks for it"]);
  return { facts, items, env };
}

export function renderText(estimate: Estimate): string {
  const out: string[] = [];
  for (const env of estimate.environments) {
    out.push(`== ${env.environment}: ${usd(env.monthlyUsd)} a month (${gbp(env.monthlyGbp)} at ${estimate.gbpPerUsd} GBP per USD, ${estimate.exchangeRateDate})`, "");
    for (const stack of env.stacks) {
      out.push(`${stack.stack}: ${usd(stack.monthlyUsd)} a month`);
      if (stack.lines.length > 0) {
        const rows = [["resource", "charge", "quantity", "how counted", "unit price (USD)", "USD/month"]];
        for (const r of rowsOf(stack)) rows.push([r.resource, `${r.line.price}${r.line.usage ? " *" : ""}`, quantity(r.quantity), r.detail, unitPrice(r.line), money(r.monthlyUsd)]);
        out.push(...pad(rows, new Set([2, 5])).map((r) => `  ${r}`));
      }
      out.push(`  ${freeSummary(stack)}`, "");
    }
    out.push(`* usage-driven: the assumptions used for ${env.environment} (pricing/usage.json):`);
    for (const a of env.assumptions) out.push(`  ${a.key} = ${a.value}: ${a.why}`);
    out.push("", ...campaignLines(env), "");
  }
  const client = clientRows(estimate);
  if (client) {
    out.push(`== Against the client's figures (${CLIENT_FIGURES.source})`, "");
    out.push(...pad([["", "client's document", "this estimate"], ...client.facts], new Set()).map((r) => `  ${r}`), "");
    out.push(`What the hardening adds in ${client.env.environment}, a month (the client priced one db.t2.small at GBP ${CLIENT_FIGURES.databaseGbp} and counted the rest as nearly free):`);
    for (const [item, cost, controls, smaller] of client.items) out.push(`  ${cost.padStart(14)}  ${item}`, `${" ".repeat(18)}control: ${controls}`, `${" ".repeat(18)}smaller clinic: ${smaller}`);
    out.push("");
  }
  out.push(`Prices: ${estimate.priceFiles.map((p) => `${p.file.replace(/^.*\/pricing\//, "pricing/")} (reviewed ${p.reviewed})`).join(", ")}; ${estimate.hoursPerMonth} hours a month. On-demand list prices, no free tier, no data transfer to the internet.`);
  return `${out.join("\n")}\n`;
}

const md = (value: string) => value.replace(/\|/g, "\\|").replace(/\n/g, " ");
const mdTable = (rows: readonly (readonly string[])[]) => [`| ${rows[0].map(md).join(" | ")} |`, `|${rows[0].map(() => "---").join("|")}|`, ...rows.slice(1).map((r) => `| ${r.map(md).join(" | ")} |`)].join("\n");

export function renderMarkdown(estimate: Estimate): string {
  const out: string[] = ["## Cost estimate", ""];
  out.push(mdTable([["environment", "USD / month", "GBP / month", "one full campaign run"], ...estimate.environments.map((e) => [e.environment, money(e.monthlyUsd), money(e.monthlyGbp), e.campaignRun ? `${gbp(e.campaignRun.totalGbp)} (${e.campaignRun.patients.toLocaleString("en-GB")} patients)` : "-"])]), "");
  for (const env of estimate.environments) {
    out.push(`<details><summary>${env.environment}: ${usd(env.monthlyUsd)} a month by stack and resource</summary>`, "");
    for (const stack of env.stacks) {
      out.push(`**${stack.stack}**: ${usd(stack.monthlyUsd)}`, "");
      if (stack.lines.length > 0) out.push(mdTable([["resource", "charge", "how counted", "unit price (USD)", "USD/month"], ...rowsOf(stack).map((r) => [`\`${r.resource}\``, `${r.line.price}${r.line.usage ? " *" : ""}`, r.detail, unitPrice(r.line), money(r.monthlyUsd)])]), "");
      out.push(freeSummary(stack), "");
    }
    out.push(`\\* usage-driven; assumptions (pricing/usage.json):`, "", ...env.assumptions.map((a) => `- \`${a.key}\` = ${a.value}: ${a.why}`), "", "</details>", "");
  }
  const client = clientRows(estimate);
  if (client) {
    out.push(`### Against the client's figures`, "", mdTable([["", "client's document", "this estimate"], ...client.facts]), "");
    out.push(mdTable([["what the hardening adds", `GBP/month (${client.env.environment})`, "control (CONTROLS.md)", "a smaller clinic could"], ...client.items.map(([item, cost, controls, smaller]) => [item, cost, controls, smaller])]), "");
  }
  out.push(`Prices: ${estimate.priceFiles.map((p) => `\`${p.file.replace(/^.*\/pricing\//, "pricing/")}\` (reviewed ${p.reviewed})`).join(", ")}; GBP at ${estimate.gbpPerUsd} per USD (${estimate.exchangeRateDate}).`);
  return `${out.join("\n")}\n`;
}

export function renderDiffText(diff: CostDiff): string {
  const out: string[] = [];
  for (const env of diff.environments) {
    out.push(`== ${env.environment}: ${usd(env.beforeUsd)} -> ${usd(env.afterUsd)} a month (${signed(env.changeUsd, usd)}, ${signed(env.changeUsd * diff.gbpPerUsd, gbp)}) against ${diff.base}`);
    if (env.rows.length === 0) out.push("  no change in monthly cost");
    else out.push(...pad([["resource", "charge", "how counted", "before", "after", "change"], ...env.rows.map((r) => [r.address, r.price, r.detail, money(r.beforeUsd), money(r.afterUsd), signed(r.changeUsd, money)])], new Set([3, 4, 5])).map((r) => `  ${r}`));
    out.push("");
  }
  return `${out.join("\n")}`;
}

export function renderDiffMarkdown(diff: CostDiff): string {
  const out: string[] = [`## Monthly cost change against \`${diff.base}\``, ""];
  out.push(mdTable([["environment", "before (USD)", "after (USD)", "change (USD)", "change (GBP)"], ...diff.environments.map((e) => [e.environment, money(e.beforeUsd), money(e.afterUsd), signed(e.changeUsd, money), signed(e.changeUsd * diff.gbpPerUsd, money)])]), "");
  for (const env of diff.environments) {
    if (env.rows.length === 0) continue;
    out.push(`**${env.environment}**`, "", mdTable([["resource", "charge", "how counted", "unit price (USD)", "before", "after", "change"], ...env.rows.map((r) => [`\`${r.address}\``, r.price, r.detail, String(r.unitUsd), money(r.beforeUsd), money(r.afterUsd), signed(r.changeUsd, money)])]), "");
  }
  out.push("Both sides priced with this change's `pricing/` files, so the difference is the infrastructure's.");
  return `${out.join("\n")}\n`;
}
