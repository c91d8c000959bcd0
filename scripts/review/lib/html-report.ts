/**
 * The reviewer report (issue 8, item 3): one self-contained HTML page (inline CSS and SVG,
 * nothing fetched) built from the policy report and the synthesized stacks, and a short
 * Markdown summary for a pull-request comment. Every value from the stacks, the rules or the
 * exceptions file is HTML-escaped (`esc`).
 */
import { renderCostSection } from "./cost-section";
import { FunctionPermissions, RoleStatement } from "./function-permissions";
import type { FunctionSqlGrants } from "./function-sql-grants";
import { privilegeList } from "./sql-privileges";
import { AccessMatrix, AccountAccess, Grant, PersonaAccess, resolve as resolveRef } from "./access-matrix";
import { EXPIRY_WARNING_DAYS, Finding, PolicyException, PolicyReport, RuleInfo, stackOf } from "./policy-engine";
import { HIPAA_REFERENCES } from "./report-formats";

/** Escapes text for HTML element content and double-quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export const SEVERITIES: readonly RuleInfo["severity"][] = ["critical", "high", "medium", "low"];


/** True when an action pattern of a grant (`s3:Get*`, `*`) allows `action`. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return re.test(action);
}

// ---------------------------------------------------------------------------
// Architecture diagram

/** Top to bottom as traffic flows in: the internet, the edge services in front of the VPC, then the VPC's tiers. */
const TIERS = ["internet", "outside", "public", "app", "data"] as const;
type Tier = (typeof TIERS)[number];
const TIER_LABEL: Record<Tier, string> = {
  internet: "Internet, on-prem",
  public: "Public subnets",
  app: "App subnets",
  data: "Data subnets",
  outside: "Services (outside the VPC)",
};

interface DiagramNode {
  readonly id: string;
  readonly tier: Tier;
  readonly stack: string;
  readonly title: string;
  readonly subtitle: string;
  /** What uses a security group (its users' main resource type, e.g. `lambda_function`): like nodes are drawn as one group. */
  readonly kind?: string;
}

interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

export interface Diagram {
  readonly environment: string;
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
}

const REF = /\$\{([A-Za-z0-9_.-]+)\}/g;

function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsOf(v, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) if (k !== "//") stringsOf(v, out);
  return out;
}

/** `stack type.name` of every resource a body references (cross-stack references followed). */
function referencedResources(stacks: Readonly<Record<string, any>>, stack: string, body: unknown): { stack: string; type: string; name: string; body: any }[] {
  const found = new Map<string, { stack: string; type: string; name: string; body: any }>();
  for (const s of stringsOf(body)) {
    for (const m of s.matchAll(REF)) {
      const target = resolveRef(stacks, stack, m[1]);
      if (target) found.set(`${target.found.stack} ${target.found.type}.${target.found.name}`, target.found);
    }
  }
  return [...found.values()];
}

/** Builds the diagram of one environment: security groups placed by the tiers of their users' subnets, joined by the network paths. */
export function buildDiagram(stacks: Readonly<Record<string, any>>, environment: string): Diagram {
  const mine = Object.keys(stacks).filter((s) => s.split("-")[0] === environment).sort();
  const nodes = new Map<string, DiagramNode>();
  const edges: DiagramEdge[] = [];
  const key = (stack: string, type: string, name: string) => `${stack} ${type}.${name}`;
  const tierOfSubnets = (refs: { type: string; body: any }[], stack: string): Set<Tier> => {
    const tiers = new Set<Tier>();
    for (const r of refs) {
      if (r.type === "aws_subnet" && TIERS.includes(r.body.tags?.tier)) tiers.add(r.body.tags.tier);
      if (r.type === "aws_db_subnet_group" || r.type === "aws_dms_replication_subnet_group") {
        for (const s of referencedResources(stacks, stack, r.body.subnet_ids)) if (s.type === "aws_subnet" && TIERS.includes(s.body.tags?.tier)) tiers.add(s.body.tags.tier);
      }
    }
    return tiers;
  };
  // Users of each security group (resources that reference it), and what references the users (ASG -> launch template).
  const all: { stack: string; type: string; name: string; body: any }[] = mine.flatMap((stack) =>
    Object.entries<any>(stacks[stack].resource ?? {}).flatMap(([type, byName]) => Object.entries<any>(byName).map(([name, body]) => ({ stack, type, name, body }))),
  );
  const refsOf = new Map(all.map((r) => [key(r.stack, r.type, r.name), referencedResources(stacks, r.stack, r.body)]));
  const ruleTypes = new Set(["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]);
  for (const sg of all.filter((r) => r.type === "aws_security_group")) {
    const sgKey = key(sg.stack, sg.type, sg.name);
    const users = all.filter((r) => r.type !== "aws_security_group" && !ruleTypes.has(r.type) && refsOf.get(key(r.stack, r.type, r.name))!.some((t) => key(t.stack, t.type, t.name) === sgKey));
    const tiers = new Set<Tier>();
    for (const u of users) {
      const direct = refsOf.get(key(u.stack, u.type, u.name))!;
      for (const t of tierOfSubnets(direct, u.stack)) tiers.add(t);
      for (const holder of all.filter((r) => refsOf.get(key(r.stack, r.type, r.name))!.some((t) => t.stack === u.stack && t.type === u.type && t.name === u.name))) {
        for (const t of tierOfSubnets(refsOf.get(key(holder.stack, holder.type, holder.name))!, holder.stack)) tiers.add(t);
      }
    }
    const tier: Tier = tiers.has("public") ? "public" : tiers.has("app") ? "app" : tiers.has("data") ? "data" : "outside";
    const counts = new Map<string, number>();
    for (const u of users) counts.set(u.type.replace(/^aws_/, ""), (counts.get(u.type.replace(/^aws_/, "")) ?? 0) + 1);
    nodes.set(sgKey, {
      id: sgKey,
      tier,
      stack: sg.stack,
      title: String(sg.body.name ?? sg.name),
      subtitle: [...counts].map(([t, n]) => (n > 1 ? `${n} ${t}` : t)).join(", ") || "no users",
      kind: [...counts.keys()].find((t) => !t.startsWith("iam_")) ?? "none",
    });
  }
  // Subnet CIDRs per tier, to name CIDR sources.
  const subnetCidrs = all.filter((r) => r.type === "aws_subnet").map((r) => ({ tier: r.body.tags?.tier as Tier, cidr: String(r.body.cidr_block) }));
  const sourceNode = (cidr: string): string => {
    if (cidr === "0.0.0.0/0" || cidr === "::/0") return ensureExternal("internet", "Internet", "0.0.0.0/0");
    const tier = subnetCidrs.find((s) => s.cidr === cidr || cidrContains(cidr, s.cidr))?.tier;
    if (tier) return ensureExternal(`tier-${tier}-${cidr}`, `any host of the ${tier} tier`, cidr, tier);
    return ensureExternal(`cidr-${cidr}`, "on-premises / external network", cidr);
  };
  const ensureExternal = (id: string, title: string, subtitle: string, tier: Tier = "internet") => {
    if (!nodes.has(id)) nodes.set(id, { id, tier, stack: "", title, subtitle });
    return id;
  };
  for (const rule of all.filter((r) => r.type === "aws_vpc_security_group_ingress_rule")) {
    const to = referencedResources(stacks, rule.stack, rule.body.security_group_id)[0];
    if (!to) continue;
    const toKey = key(to.stack, to.type, to.name);
    const port = rule.body.ip_protocol === "-1" ? "all" : rule.body.from_port === rule.body.to_port ? `${rule.body.ip_protocol}/${rule.body.from_port}` : `${rule.body.ip_protocol}/${rule.body.from_port}-${rule.body.to_port}`;
    const from = rule.body.referenced_security_group_id ? referencedResources(stacks, rule.stack, rule.body.referenced_security_group_id)[0] : undefined;
    const fromKey = from ? key(from.stack, from.type, from.name) : rule.body.cidr_ipv4 ? sourceNode(String(rule.body.cidr_ipv4)) : undefined;
    if (fromKey && nodes.has(toKey) && nodes.has(fromKey)) edges.push({ from: fromKey, to: toKey, label: port });
  }
  // Outside the VPC: CloudFront, WAF, and what they front.
  const sgOf = (r: { stack: string; type: string; name: string }) =>
    refsOf.get(key(r.stack, r.type, r.name))!.find((t) => t.type === "aws_security_group");
  for (const lb of all.filter((r) => r.type === "aws_lb")) {
    const sg = sgOf(lb);
    if (!sg) continue;
    for (const listener of all.filter((r) => r.type === "aws_lb_listener" && refsOf.get(key(r.stack, r.type, r.name))!.some((t) => t.name === lb.name))) {
      const actions = Array.isArray(listener.body.default_action) ? listener.body.default_action : [listener.body.default_action];
      for (const action of actions) {
        if (action?.type !== "forward") continue;
        const tg = referencedResources(stacks, listener.stack, action.target_group_arn)[0];
        const asg = tg && all.find((r) => r.type === "aws_autoscaling_group" && refsOf.get(key(r.stack, r.type, r.name))!.some((t) => t.name === tg.name));
        const template = asg && refsOf.get(key(asg.stack, asg.type, asg.name))!.find((t) => t.type === "aws_launch_template");
        const appSg = template && sgOf(template);
        if (appSg) edges.push({ from: key(sg.stack, sg.type, sg.name), to: key(appSg.stack, appSg.type, appSg.name), label: `${listener.body.protocol}:${listener.body.port} forward` });
      }
    }
  }
  for (const acl of all.filter((r) => r.type === "aws_wafv2_web_acl")) {
    const id = key(acl.stack, acl.type, acl.name);
    nodes.set(id, { id, tier: "outside", stack: acl.stack, title: `WAF ${acl.body.name ?? acl.name}`, subtitle: `${acl.body.scope ?? ""} web ACL` });
    for (const assoc of all.filter((r) => r.type === "aws_wafv2_web_acl_association" && refsOf.get(key(r.stack, r.type, r.name))!.some((t) => t.name === acl.name))) {
      const lb = refsOf.get(key(assoc.stack, assoc.type, assoc.name))!.find((t) => t.type === "aws_lb");
      const sg = lb && sgOf(lb);
      if (sg) edges.push({ from: id, to: key(sg.stack, sg.type, sg.name), label: "filters" });
    }
  }
  for (const cdn of all.filter((r) => r.type === "aws_cloudfront_distribution")) {
    const id = key(cdn.stack, cdn.type, cdn.name);
    nodes.set(id, { id, tier: "outside", stack: cdn.stack, title: "CloudFront distribution", subtitle: String(cdn.body.comment ?? cdn.body["//"]?.metadata?.path ?? cdn.name) });
    edges.push({ from: ensureExternal("internet", "Internet", "0.0.0.0/0"), to: id, label: "HTTPS" });
    for (const bucket of refsOf.get(id)!.filter((t) => t.type === "aws_s3_bucket")) {
      const bid = key(bucket.stack, bucket.type, bucket.name);
      nodes.set(bid, { id: bid, tier: "outside", stack: bucket.stack, title: `S3 ${String(bucket.body.bucket ?? bucket.name).replace(/\$\{[^}]+\}/g, "<account>")}`, subtitle: "private origin (OAC)" });
      edges.push({ from: id, to: bid, label: "OAC" });
    }
    const acl = refsOf.get(id)!.find((t) => t.type === "aws_wafv2_web_acl");
    if (acl) edges.push({ from: key(acl.stack, acl.type, acl.name), to: id, label: "filters" });
  }
  // Parallel paths (HTTP and HTTPS from the internet) as one arrow with both labels.
  const merged = new Map<string, DiagramEdge>();
  for (const e of edges) {
    const k = `${e.from} -> ${e.to}`;
    const prior = merged.get(k);
    merged.set(k, prior ? { ...prior, label: prior.label.split(", ").includes(e.label) ? prior.label : `${prior.label}, ${e.label}` } : e);
  }
  return { environment, nodes: [...nodes.values()], edges: [...merged.values()] };
}

function cidrContains(outer: string, inner: string): boolean {
  const parse = (c: string) => {
    const [ip, bits] = c.split("/");
    const n = ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
    return { n, bits: Number(bits) };
  };
  const o = parse(outer);
  const i = parse(inner);
  if ([o.n, o.bits, i.n, i.bits].some((x) => Number.isNaN(x)) || i.bits < o.bits) return false;
  const size = 2 ** (32 - o.bits);
  return Math.floor(o.n / size) === Math.floor(i.n / size);
}

/**
 * The diagram fits the report's content width (main is 1320 px less padding) at its natural
 * size, so nothing is scaled down: a tier with more nodes than fit a line wraps onto the next.
 */
export const DIAGRAM_WIDTH = 1200;
const NODE_W = 188;
const NODE_H = 52;
const GAP_X = 16;
const LINE_H = 92;
const LABEL_W = 128;
const PER_LINE = Math.floor((DIAGRAM_WIDTH - LABEL_W - GAP_X) / (NODE_W + GAP_X));
/** Security groups of one kind, tier and stack drawn as one node from this many. */
const GROUP_FROM = 3;

/** A node of the drawn diagram: one security group (or other part), or a group of like ones. */
interface DrawnNode extends DiagramNode {
  readonly members: readonly DiagramNode[];
}

const KIND_PLURAL: Readonly<Record<string, string>> = { lambda_function: "functions", vpc_endpoint: "endpoint groups", db_proxy: "proxies" };

/**
 * Groups like security groups (same tier, stack and kind, GROUP_FROM or more), e.g. every
 * campaign function's, into one node such as "9 campaign functions", and merges the paths
 * into and out of a group's members into one arrow per other end.
 */
export function groupDiagram(diagram: Diagram): { nodes: DrawnNode[]; edges: DiagramEdge[] } {
  const byGroup = new Map<string, DiagramNode[]>();
  for (const n of diagram.nodes) {
    const key = n.kind && n.stack ? `${n.tier}|${n.stack}|${n.kind}` : n.id;
    byGroup.set(key, [...(byGroup.get(key) ?? []), n]);
  }
  const drawnOf = new Map<string, string>();
  const nodes: DrawnNode[] = [];
  for (const [key, members] of byGroup) {
    if (members.length < GROUP_FROM) {
      for (const m of members) {
        nodes.push({ ...m, members: [m] });
        drawnOf.set(m.id, m.id);
      }
      continue;
    }
    const [tier, stack, kind] = key.split("|");
    const component = stack.replace(/^[^-]+-/, "");
    const id = `group ${key}`;
    nodes.push({ id, tier: tier as Tier, stack, kind, title: `${members.length} ${component} ${KIND_PLURAL[kind] ?? `${kind.replace(/_/g, " ")}s`}`, subtitle: "one security group each", members });
    for (const m of members) drawnOf.set(m.id, id);
  }
  const merged = new Map<string, DiagramEdge>();
  for (const e of diagram.edges) {
    const from = drawnOf.get(e.from) ?? e.from;
    const to = drawnOf.get(e.to) ?? e.to;
    if (from === to) continue;
    const k = `${from} -> ${to}`;
    const prior = merged.get(k);
    const labels = new Set([...(prior?.label.split(", ") ?? []), ...e.label.split(", ")]);
    merged.set(k, { from, to, label: [...labels].join(", ") });
  }
  return { nodes, edges: [...merged.values()] };
}

/** A stable HTML id for a drawn node's member list. */
const groupAnchor = (environment: string, node: DrawnNode) => `diagram-${environment}-${node.id.replace(/[^A-Za-z0-9]+/g, "-")}`;

/** The diagram as inline SVG: one band per tier, like parts grouped, nodes left to right by stack, arrows for the paths. */
export function renderDiagramSvg(diagram: Diagram): string {
  const env = diagram.environment;
  const drawn = groupDiagram(diagram);
  // Each band's nodes ordered by where their neighbours in the bands above sit (fewer crossing arrows), then by stack and name.
  const column = new Map<string, number>();
  const rows = TIERS.map((tier) => {
    const row = drawn.nodes.filter((n) => n.tier === tier).sort((a, b) => a.stack.localeCompare(b.stack) || a.title.localeCompare(b.title));
    const pull = (n: DrawnNode) => {
      const above = drawn.edges.flatMap((e) => (e.to === n.id ? [e.from] : e.from === n.id ? [e.to] : [])).filter((id) => column.has(id)).map((id) => column.get(id)!);
      return above.length > 0 ? above.reduce((a, b) => a + b, 0) / above.length : Number.POSITIVE_INFINITY;
    };
    const ordered = row.map((n, i) => ({ n, i, pull: pull(n) })).sort((a, b) => a.pull - b.pull || a.i - b.i).map((x) => x.n);
    ordered.forEach((n, i) => column.set(n.id, i % PER_LINE));
    return ordered;
  });
  const lines = rows.map((row) => Math.max(1, Math.ceil(row.length / PER_LINE)));
  const bandTop = lines.map((_n, r) => 10 + lines.slice(0, r).reduce((sum, l) => sum + l * LINE_H + 8, 0));
  const height = bandTop[TIERS.length - 1] + lines[TIERS.length - 1] * LINE_H + 10;
  const pos = new Map<string, { x: number; y: number }>();
  rows.forEach((row, r) =>
    row.forEach((n, i) => pos.set(n.id, { x: LABEL_W + GAP_X + (i % PER_LINE) * (NODE_W + GAP_X), y: bandTop[r] + Math.floor(i / PER_LINE) * LINE_H + (LINE_H - NODE_H) / 2 })),
  );
  const stackHue = (stack: string) => {
    const component = stack.replace(/^[^-]+-/, "");
    return ({ security: 280, network: 200, data: 25, edge: 140, campaign: 330 } as Record<string, number>)[component] ?? 0;
  };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${DIAGRAM_WIDTH} ${height}" width="100%" style="max-width:${DIAGRAM_WIDTH}px" role="img" aria-label="Architecture of ${esc(env)}">`);
  parts.push(`<defs><marker id="arrow-${esc(env)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#475569"/></marker></defs>`);
  TIERS.forEach((tier, r) => {
    const y = bandTop[r];
    const bandH = lines[r] * LINE_H;
    const fill = { internet: "#fef2f2", public: "#fff7ed", app: "#eff6ff", data: "#f0fdf4", outside: "#f8fafc" }[tier];
    parts.push(`<rect x="4" y="${y}" width="${DIAGRAM_WIDTH - 8}" height="${bandH}" rx="8" fill="${fill}" stroke="#cbd5e1"/>`);
    const label = TIER_LABEL[tier].split(" (")[0].split(/(?<=,) /);
    label.forEach((part, i) => parts.push(`<text x="14" y="${y + bandH / 2 - 4 + i * 16 - (label.length - 1) * 8}" font-size="13" font-weight="600" fill="#334155">${esc(part)}</text>`));
    if (tier === "outside") parts.push(`<text x="14" y="${y + bandH / 2 + 12}" font-size="11" fill="#64748b">outside the VPC</text>`);
  });
  for (const e of drawn.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + NODE_W / 2;
    const x2 = b.x + NODE_W / 2;
    const sameLine = a.y === b.y;
    const y1 = sameLine ? a.y : a.y < b.y ? a.y + NODE_H : a.y;
    const y2 = sameLine ? b.y : a.y < b.y ? b.y : b.y + NODE_H;
    // An arrow past a whole band runs down the gap left of its nodes, not through the band's nodes.
    const bandOf = (id: string) => TIERS.indexOf(drawn.nodes.find((n) => n.id === id)!.tier);
    const skipsBand = Math.abs(bandOf(e.from) - bandOf(e.to)) > 1;
    const gapX = Math.min(a.x, b.x) - GAP_X / 2;
    const path = sameLine
      ? `M${x1},${y1} C${x1},${y1 - 34} ${x2},${y2 - 34} ${x2},${y2}`
      : skipsBand
        ? `M${x1},${y1} L${gapX},${y1 + (y1 < y2 ? 14 : -14)} L${gapX},${y2 + (y1 < y2 ? -14 : 14)} L${x2},${y2}`
        : `M${x1},${y1} L${x2},${y2}`;
    parts.push(`<path d="${path}" fill="none" stroke="#475569" stroke-width="1.4" marker-end="url(#arrow-${esc(env)})"><title>${esc(e.label)}</title></path>`);
    // Labels a third of the way from the source, so labels of arrows into one node do not stack.
    const lx = sameLine ? (x1 + x2) / 2 : skipsBand ? gapX + 4 : x1 + (x2 - x1) * 0.35;
    const ly = sameLine ? y1 - 26 : y1 + (y2 - y1) * 0.35;
    parts.push(`<text x="${lx}" y="${ly}" font-size="11" text-anchor="${skipsBand ? "start" : "middle"}" fill="#0f172a" stroke="#ffffff" stroke-width="3" paint-order="stroke">${esc(e.label)}</text>`);
  }
  // The environment is the diagram's; its prefix on every name only takes room.
  const short = (title: string) => title.replace(new RegExp(`medicare-${env}-`, "g"), "");
  for (const n of drawn.nodes) {
    const p = pos.get(n.id)!;
    const hue = stackHue(n.stack);
    const group = n.members.length > 1;
    const fill = n.stack ? `hsl(${hue} 70% 96%)` : "#ffffff";
    const stroke = n.stack ? `hsl(${hue} 45% 45%)` : "#94a3b8";
    const tooltip = group ? `${n.stack}: ${n.members.map((m) => m.title).join(", ")}` : n.stack ? `${n.stack}: ${n.title} (${n.subtitle})` : `${n.title} ${n.subtitle}`;
    // A group links to its member list below the diagram; following the link opens it.
    parts.push(group ? `<a href="#${groupAnchor(env, n)}"><g><title>${esc(tooltip)}</title>` : `<g><title>${esc(tooltip)}</title>`);
    if (group) parts.push(`<rect x="${p.x + 5}" y="${p.y - 5}" width="${NODE_W}" height="${NODE_H}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="1.2"/>`);
    parts.push(`<rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="1.4"/>`);
    parts.push(`<text x="${p.x + 8}" y="${p.y + 20}" font-size="12.5" font-weight="600" fill="#0f172a">${esc(truncate(group ? n.title : short(n.title), 25))}</text>`);
    const second = group ? `${n.stack} · list below ▾` : n.stack ? `${n.stack} · ${n.subtitle}` : n.subtitle;
    parts.push(`<text x="${p.x + 8}" y="${p.y + 39}" font-size="11" fill="#475569">${esc(truncate(second, 31))}</text></g>${group ? "</a>" : ""}`);
  }
  parts.push("</svg>");
  return parts.join("\n");
}

/** The diagram and, below it, each group's members with the paths into them, one <details> per group (no script). */
export function renderDiagramHtml(diagram: Diagram): string {
  const drawn = groupDiagram(diagram);
  const titleOf = new Map(diagram.nodes.map((n) => [n.id, n.stack ? n.title : `${n.title} (${n.subtitle})`]));
  const groups = drawn.nodes.filter((n) => n.members.length > 1);
  const lists = groups.map((g) => {
    const rows = g.members.map((m) => {
      const inbound = diagram.edges.filter((e) => e.to === m.id).map((e) => `${esc(titleOf.get(e.from) ?? e.from)}: ${esc(e.label)}`);
      return [td(`<code>${esc(m.title)}</code>`), td(esc(m.subtitle)), td(inbound.join("<br>") || `<span class="muted">none (outbound only)</span>`)];
    });
    return `<details><summary>${esc(g.title)} <span class="muted">· ${esc(g.stack)}, ${esc(TIER_LABEL[g.tier].toLowerCase())}</span></summary><div id="${groupAnchor(diagram.environment, g)}">${table(["security group", "used by", "inbound paths"], rows)}</div></details>`;
  });
  return `<div class="diagram">${renderDiagramSvg(diagram)}</div>${lists.join("")}`;
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// ---------------------------------------------------------------------------
// The page

export interface HtmlReportInput {
  readonly report: PolicyReport;
  readonly exceptions: readonly PolicyException[];
  readonly stacks: Readonly<Record<string, any>>;
  readonly accessMatrix: AccessMatrix;
  readonly functions: readonly FunctionPermissions[];
  /** Each function's database privileges from its SQL (npm run function-sql-grants), shown beside its AWS actions. */
  readonly sqlGrants?: readonly FunctionSqlGrants[];
  readonly now: Date;
}

export function daysLeft(expires: string, now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((Date.parse(`${expires}T00:00:00Z`) - today) / 86_400_000);
}

function bar(failed: number, total: number): string {
  const pct = total === 0 ? 0 : Math.round((100 * (total - failed)) / total);
  return `<span class="bar" title="${pct}% of rules pass"><span style="width:${pct}%"></span></span>`;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[], cls = ""): string {
  return `<table class="${cls}"><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join("")}</tr>`).join("")}</tbody></table>`;
}

const td = (html: string, cls = "") => `<td${cls ? ` class="${cls}"` : ""}>${html}</td>`;
const sev = (s: string) => `<span class="sev ${esc(s)}">${esc(s)}</span>`;

function grantRows(grants: readonly Grant[], called?: readonly string[]): string {
  return grants
    .map((g) => {
      const actions = g.actions
        .map((a) => {
          const used = called?.some((c) => actionMatches(a, c));
          const mark = called === undefined ? "" : used ? ' <span class="used" title="the code calls it">called</span>' : ' <span class="unused" title="no call in the code needs it (may be a service or implied key use)">not called</span>';
          return `<code>${esc(a)}</code>${mark}`;
        })
        .join("<br>");
      return `<tr><td class="sid">${esc(g.sid ?? g.source)}</td><td>${actions}</td><td>${g.resources.map((r) => `<code>${esc(r)}</code>`).join("<br>")}</td><td>${g.conditions.map((c) => `<code>${esc(c)}</code>`).join("<br>")}</td></tr>`;
    })
    .join("");
}

const CSS = `
:root{--ink:#0f172a;--muted:#475569;--line:#e2e8f0;--ok:#15803d;--bad:#b91c1c;--warn:#b45309}
*{box-sizing:border-box}body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f1f5f9}
header{background:#0f172a;color:#fff;padding:22px 32px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:#cbd5e1}
main{max-width:1320px;margin:0 auto;padding:20px 32px 60px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 22px;margin:18px 0}
h2{font-size:17px;margin:0 0 12px}h3{font-size:14px;margin:16px 0 8px}
nav{display:flex;flex-wrap:wrap;gap:6px 14px;margin-top:10px}nav a{color:#93c5fd;text-decoration:none;font-size:13px}
.verdict{display:inline-block;font-weight:700;padding:4px 14px;border-radius:999px;font-size:15px;margin-right:10px}
.verdict.pass{background:#dcfce7;color:var(--ok)}.verdict.fail{background:#fee2e2;color:var(--bad)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px}.card b{display:block;font-size:24px}.card span{color:var(--muted);font-size:12px}
.grid3{display:grid;grid-template-columns:1.4fr 1fr 1fr;gap:18px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{background:#f8fafc;font-weight:600;color:#334155}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f1f5f9;padding:1px 4px;border-radius:4px;word-break:break-all}
.sev{font-size:11px;font-weight:700;text-transform:uppercase;padding:1px 7px;border-radius:4px}
.sev.critical{background:#7f1d1d;color:#fff}.sev.high{background:#fee2e2;color:#991b1b}.sev.medium{background:#fef3c7;color:#92400e}.sev.low{background:#e0f2fe;color:#075985}
.bar{display:inline-block;width:90px;height:8px;background:#fee2e2;border-radius:4px;vertical-align:middle}.bar span{display:block;height:8px;background:#22c55e;border-radius:4px}
.ok{color:var(--ok);font-weight:600}.bad{color:var(--bad);font-weight:600}.warn{color:var(--warn);font-weight:600}
.finding{border-left:4px solid var(--bad);padding:8px 12px;margin:10px 0;background:#fff7f7;border-radius:0 6px 6px 0}
.finding .fix{color:#14532d}.muted{color:var(--muted)}
details{border:1px solid var(--line);border-radius:8px;margin:8px 0;padding:0 12px}summary{cursor:pointer;padding:8px 0;font-weight:600}
.used{font-size:10.5px;color:var(--ok);font-weight:600}.unused{font-size:10.5px;color:var(--warn);font-weight:600}
td.sid{color:var(--muted);white-space:nowrap}code.nw{white-space:nowrap;word-break:normal}.diagram{overflow-x:auto}
.legend span{display:inline-block;margin-right:14px;font-size:12px;color:var(--muted)}
`;

/** The whole page. */
export function renderHtml(input: HtmlReportInput): string {
  const { report, now } = input;
  const stacks = [...new Set(report.files.map(stackOf))];
  const failedRules = new Set(report.findings.map((f) => f.ruleId));
  const verdict = report.passed ? `<span class="verdict pass">PASS</span>` : `<span class="verdict fail">FAIL</span>`;
  const s: string[] = [];

  // Summary
  const hipaaRows = Object.entries(HIPAA_REFERENCES).map(([letter, name]) => {
    const rules = report.rules.filter((r) => r.hipaa.includes(letter));
    const failing = rules.filter((r) => failedRules.has(r.id)).length;
    const findings = report.findings.filter((f) => f.hipaa.includes(letter)).length;
    return [td(`<b>${esc(letter)}</b>`), td(esc(name)), td(String(rules.length)), td(failing ? `<span class="bad">${failing}</span>` : `<span class="ok">0</span>`), td(String(findings)), td(bar(failing, rules.length))];
  });
  const stackRows = stacks.map((stack) => {
    const doc = input.stacks[stack];
    const resources = Object.values<any>(doc?.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    const findings = report.findings.filter((f) => f.stack === stack).length;
    const excepted = report.excepted.filter((f) => f.stack === stack).length;
    return [td(`<code class="nw">${esc(stack)}</code>`), td(String(resources)), td(findings ? `<span class="bad">${findings}</span>` : `<span class="ok">0</span>`), td(String(excepted))];
  });
  const sevRows = SEVERITIES.map((level) => {
    const rules = report.rules.filter((r) => r.severity === level);
    const findings = report.findings.filter((f) => f.severity === level).length;
    return [td(sev(level)), td(String(rules.length)), td(findings ? `<span class="bad">${findings}</span>` : `<span class="ok">0</span>`)];
  });
  const expiring = input.exceptions.filter((e) => daysLeft(e.expires, now) <= EXPIRY_WARNING_DAYS).length;
  s.push(`<section id="summary"><h2>${verdict}Summary</h2>
<div class="cards">
<div class="card"><b>${report.rules.length}</b><span>rules checked</span></div>
<div class="card"><b>${stacks.length}</b><span>stacks (${esc([...new Set(stacks.map((x) => x.split("-")[0]))].join(", "))})</span></div>
<div class="card"><b class="${report.findings.length ? "bad" : "ok"}">${report.findings.length}</b><span>failures</span></div>
<div class="card"><b>${report.excepted.length}</b><span>excepted failures</span></div>
<div class="card"><b class="${report.exceptionProblems.length ? "bad" : "ok"}">${report.exceptionProblems.length}</b><span>exception problems</span></div>
<div class="card"><b class="${expiring ? "warn" : ""}">${expiring}</b><span>exceptions expiring within ${EXPIRY_WARNING_DAYS} days</span></div>
</div>
<div class="grid3">
<div><h3>By HIPAA safeguard</h3>${table(["", "Safeguard (45 CFR)", "rules", "failing", "failures", "rules passing"], hipaaRows)}</div>
<div><h3>By stack</h3>${table(["stack", "resources", "failures", "excepted"], stackRows)}</div>
<div><h3>By severity</h3>${table(["severity", "rules", "failures"], sevRows)}</div>
</div></section>`);

  // Failures
  const failure = (f: Finding) => `<div class="finding"><div>${sev(f.severity)} <b>${esc(f.ruleId)}</b> ${esc(f.title)} <span class="muted">· HIPAA ${esc(f.hipaa.join(" "))}</span></div>
<div>resource <code>${esc(f.resourcePath)}</code> <span class="muted">(${esc(f.address)} in ${esc(f.file)})</span></div>
<div>${esc(f.message)}</div><div class="fix"><b>Fix:</b> ${esc(f.fix)}</div></div>`;
  s.push(`<section id="failures"><h2>Failures (${report.findings.length})</h2>${report.findings.length ? report.findings.map(failure).join("") : `<p class="ok">Every rule passes on every stack${report.excepted.length ? " (after the exceptions below)" : ""}.</p>`}
${report.exceptionProblems.length ? `<h3>Exception problems</h3><ul>${report.exceptionProblems.map((p) => `<li class="bad">${esc(p)}</li>`).join("")}</ul>` : ""}</section>`);

  // Exceptions register
  const used = new Set(report.excepted.map((e) => `${e.exception.rule} ${e.exception.resource}`));
  const exceptionRows = input.exceptions.map((e) => {
    const left = daysLeft(e.expires, now);
    const state = left < 0 ? `<span class="bad">expired</span>` : left <= EXPIRY_WARNING_DAYS ? `<span class="warn">${left} (expiring)</span>` : String(left);
    return [td(`<b>${esc(e.rule)}</b>`), td(`<code>${esc(e.resource)}</code>`), td(esc(e.reason)), td(esc(e.owner)), td(esc(e.expires)), td(state), td(used.has(`${e.rule} ${e.resource}`) ? "applied" : `<span class="muted">not applied</span>`)];
  });
  s.push(`<section id="exceptions"><h2>Exceptions register (${input.exceptions.length})</h2>${
    input.exceptions.length ? table(["rule", "resource", "reason", "owner", "expires", "days left", "status"], exceptionRows) : `<p class="muted">No exceptions: nothing is accepted outside the rules.</p>`
  }</section>`);

  // Rules
  const ruleRows = report.rules.map((r) => {
    const failed = report.findings.filter((f) => f.ruleId === r.id).length;
    return [td(`<b>${esc(r.id)}</b>`), td(failed ? `<span class="bad">FAIL (${failed})</span>` : `<span class="ok">pass</span>`), td(sev(r.severity)), td(esc(r.hipaa.join(" "))), td(esc(r.title)), td(`<span class="muted">${esc(r.control)}</span>`)];
  });
  s.push(`<section id="rules"><h2>Rules (${report.rules.length})</h2><details><summary>Every rule with its result, severity, HIPAA letters and the CONTROLS.md control it enforces</summary>${table(["rule", "result", "severity", "HIPAA", "title", "control"], ruleRows)}</details></section>`);

  // Architecture
  const environments = [...new Set(Object.keys(input.stacks).map((x) => x.split("-")[0]))].sort();
  s.push(`<section id="architecture"><h2>Architecture (generated from the synthesized stacks)</h2>
<p class="muted">Security groups placed in the tier of the subnets their users run in; arrows are the allowed network paths (security-group ingress rules with protocol/port, load balancer listeners forwarding to their targets, WAF and CloudFront in front). Colours are the stacks. Like security groups (e.g. one per function) are drawn as one stacked node; click it, or its line below the diagram, for the members and the paths into each.</p>
${environments.map((env) => `<h3>Environment ${esc(env)}</h3>${renderDiagramHtml(buildDiagram(input.stacks, env))}`).join("")}</section>`);

  // Access matrix
  const accountBlock = (p: PersonaAccess, a: AccountAccess) =>
    a.policy
      ? `<details><summary>${esc(p.persona)} in account ${esc(a.account)}${a.environment ? ` (${esc(a.environment)})` : ""} · <code>${esc(a.policy)}</code> · ${a.grants.length} statements</summary>
<p class="muted">Boundary ${a.boundary ? `<code>${esc(a.boundary)}</code>` : `<span class="bad">none found</span>`}.</p>
<table><thead><tr><th>statement</th><th>actions</th><th>resources</th><th>conditions</th></tr></thead><tbody>${grantRows(a.grants)}</tbody></table></details>`
      : `<p>${esc(p.persona)} in account ${esc(a.account)}: <span class="bad">${esc(a.note ?? "")}</span></p>`;
  const personaBlock = (p: PersonaAccess) => {
    const roles = p.roles.map((r) => `<p><span class="bad">role ${esc(r.role)} (${esc(r.stack)})</span> trusted by ${esc(r.trustedBy.join(", ") || "nobody")}</p>`).join("");
    if (!p.permissionSet) return `<p><b>${esc(p.persona)}</b>: <span class="muted">${esc(p.note ?? "")}</span></p>${roles}`;
    const session = p.sessionDuration ? `<span class="ok">session ${esc(p.sessionDuration)}</span>` : `<span class="bad">session unset</span>`;
    return `<h3>${esc(p.persona)}</h3><p>Permission set <code>${esc(p.permissionSet)}</code> · ${session} · group(s) ${esc(p.groups.join(", ") || "none")} · policy <code>${esc(p.policyReferences.join(", ") || "none")}</code> · boundary ${p.boundaryReference ? `<code>${esc(p.boundaryReference)}</code>` : `<span class="bad">none</span>`}; MFA is the Identity Center instance's sign-in setting.</p>${roles}${p.accounts.map((a) => accountBlock(p, a)).join("")}`;
  };
  s.push(`<section id="access"><h2>Persona access matrix</h2>${input.accessMatrix.personas.map(personaBlock).join("")}</section>`);

  // Functions
  const statementRows = (kind: string, statements: readonly RoleStatement[], f: FunctionPermissions) =>
    statements
      .map((st) => {
        const actions = st.actions
          .map((a) => `<code>${esc(a)}</code>${kind === "code" && st.effect === "Allow" && f.unused.includes(a) ? ' <span class="unused" title="the code never calls it">not called</span>' : ""}`)
          .join("<br>");
        return `<tr><td class="sid">${esc(kind)}</td><td class="sid">${esc(st.sid)}${st.effect === "Deny" ? " (Deny)" : ""}</td><td>${actions}</td><td>${st.resources.map((r) => `<code>${esc(r)}</code>`).join("<br>")}</td><td>${st.conditions.map((c) => `<code>${esc(c)}</code>`).join("<br>")}</td></tr>`;
      })
      .join("");
  const fnVerdict = (f: FunctionPermissions) =>
    f.missing.length === 0 && f.unused.length === 0
      ? `<span class="ok">exactly what its code calls</span>`
      : `<span class="bad">${f.missing.length ? `missing ${esc(f.missing.join(", "))}` : ""}${f.missing.length && f.unused.length ? "; " : ""}${f.unused.length ? `not called ${esc(f.unused.join(", "))}` : ""}</span>`;
  const sqlBlock = (f: FunctionPermissions) => {
    const grants = input.sqlGrants?.find((g) => g.entry === f.entry);
    if (!grants) return "";
    if (grants.role !== "derived") return `<p class="muted">Database: ${esc(grants.role)}: ${esc(grants.reason ?? "")}</p>`;
    if (grants.tables.length === 0) return `<p class="muted">Database: no SQL, no database user.</p>`;
    const rows = grants.tables
      .map((t) => `<tr><td><code>${esc(t.table)}</code></td><td>${privilegeList(t).map((p) => `<code>${esc(p)}</code>`).join("<br>")}${t.lockingRead ? ' <span class="muted">(locking read)</span>' : ""}</td></tr>`)
      .join("");
    return `<p>Database grants derived from its SQL (<code>npm run function-sql-grants</code>; applied by db-migrate to its own user):</p><table><thead><tr><th>table</th><th>privileges</th></tr></thead><tbody>${rows}</tbody></table>`;
  };
  const fnBlock = (f: FunctionPermissions) => `<details><summary><code>${esc(f.functionName)}</code> <span class="muted">(${esc(f.stack)}) · <code>functions/${esc(f.entry)}</code> · role <code>${esc(f.role)}</code> ·</span> ${fnVerdict(f)}</summary>
<table><thead><tr><th>for</th><th>statement</th><th>actions</th><th>resources</th><th>conditions</th></tr></thead><tbody>${statementRows("code", f.code, f)}${statementRows("runtime", f.runtime, f)}</tbody></table>${sqlBlock(f)}</details>`;
  s.push(`<section id="functions"><h2>Per-function permissions (${input.functions.length} functions)</h2>
<p class="muted">Every Lambda function of the stacks, the statements of its execution role (cross-stack references resolved): the code's grants, compared with the AWS calls its code makes (<code>npm run function-permissions</code>), and the Lambda runtime's (logs, tracing, network interfaces, dead letters, destinations, event source).</p>
${input.functions.length ? input.functions.map(fnBlock).join("") : `<p class="muted">No Lambda functions in these stacks.</p>`}</section>`);

  s.push(renderCostSection(input.stacks));

  const title = `mediCARE policy report: ${report.passed ? "PASS" : "FAIL"}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><header><h1>mediCARE platform · policy report</h1>
<p>${esc(report.rules.length)} rules over ${esc(stacks.length)} stacks · generated ${esc(now.toISOString().replace(/\.\d+Z$/, "Z"))}</p>
<nav><a href="#summary">Summary</a><a href="#failures">Failures</a><a href="#exceptions">Exceptions</a><a href="#rules">Rules</a><a href="#architecture">Architecture</a><a href="#access">Access matrix</a><a href="#functions">Functions</a><a href="#cost">Cost</a></nav></header>
<main>${s.join("\n")}</main></body></html>
`;
}

// ---------------------------------------------------------------------------
// Markdown for a pull-request comment

/** Escapes text for a Markdown table cell. */
export function mdCell(value: unknown): string {
  return String(value ?? "").replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Short: verdict, counts, failures, exception problems and exceptions expiring soon. */
export function renderMarkdown(report: PolicyReport, exceptions: readonly PolicyException[], now: Date, maxFailures = 25): string {
  const stacks = [...new Set(report.files.map(stackOf))];
  const out = [
    `### Policy check: ${report.passed ? "✅ PASS" : "❌ FAIL"}`,
    "",
    `${report.rules.length} rules over ${stacks.length} stacks: **${report.findings.length}** failure(s), ${report.excepted.length} excepted, ${report.exceptionProblems.length} exception problem(s).`,
  ];
  if (report.findings.length > 0) {
    out.push("", "| rule | severity | resource | problem | fix |", "|---|---|---|---|---|");
    for (const f of report.findings.slice(0, maxFailures)) out.push(`| ${mdCell(f.ruleId)} | ${mdCell(f.severity)} | \`${mdCell(f.resourcePath)}\` | ${mdCell(f.message)} | ${mdCell(f.fix)} |`);
    if (report.findings.length > maxFailures) out.push("", `… and ${report.findings.length - maxFailures} more (see the HTML report).`);
  }
  if (report.exceptionProblems.length > 0) out.push("", "**Exception problems**", ...report.exceptionProblems.map((p) => `- ${mdCell(p)}`));
  const expiring = exceptions.map((e) => ({ e, left: daysLeft(e.expires, now) })).filter((x) => x.left >= 0 && x.left <= EXPIRY_WARNING_DAYS);
  if (expiring.length > 0) {
    out.push("", `**Exceptions expiring within ${EXPIRY_WARNING_DAYS} days**`, "", "| rule | resource | owner | expires | days left |", "|---|---|---|---|---|");
    for (const { e, left } of expiring) out.push(`| ${mdCell(e.rule)} | \`${mdCell(e.resource)}\` | ${mdCell(e.owner)} | ${mdCell(e.expires)} | ${left} |`);
  }
  return `${out.join("\n")}\n`;
}
