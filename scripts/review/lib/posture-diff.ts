/**
 * The security posture difference between two synthesized versions of the stacks, for the
 * pull-request comment (`npm run policy:diff`): every change a reviewer must see even when
 * every rule passes. Resources are matched by construct path (stable across refactors that
 * keep the path), values are read generically by attribute name and resource type, and policy
 * documents are compared statement by statement (by Sid, else position).
 *
 * Categories:
 *   principals   IAM/resource/trust statements added, removed, widened or narrowed; managed
 *                policy attachments, invoke permissions, grants, users and keys
 *   network      security-group and NACL rules, routes, endpoints, peering, DNS Firewall rules
 *   encryption   keys, algorithms, TLS and protocol settings
 *   retention    retention, expiry, recovery windows, rotation and lifetime values
 *   detection    logging and detection resources and their switches, actions and targets
 */

export type Category = "principals" | "network" | "encryption" | "retention" | "detection";

export const CATEGORY_TITLES: Readonly<Record<Category, string>> = {
  principals: "Principals and grants",
  network: "Open network paths",
  encryption: "Encryption and TLS",
  retention: "Retention and lifetime",
  detection: "Logging and detection",
};

export interface PostureChange {
  readonly category: Category;
  readonly stack: string;
  /** Construct path (or address) of the resource. */
  readonly resource: string;
  readonly type: string;
  /** added | removed | changed | widened | narrowed */
  readonly kind: "added" | "removed" | "changed" | "widened" | "narrowed";
  /** What changed, for people: `retention_in_days: 365 -> 30`. */
  readonly detail: string;
}

const POLICY_ATTRIBUTES = new Set(["policy", "assume_role_policy", "access_policy"]);

/** Resource types wholly in a category (their creation, removal and every value change count). */
const TYPE_CATEGORY: readonly [RegExp, Category][] = [
  [/^aws_(iam_(user|access_key|group|user_policy|user_login_profile|role_policy_attachment|policy_attachment|group_policy|user_group_membership|openid_connect_provider|saml_provider)|kms_grant|lambda_permission|lambda_layer_version_permission|ram_|rolesanywhere_|ssoadmin_|identitystore_)/, "principals"],
  [/^aws_(security_group|vpc_security_group_(ingress|egress)_rule|network_acl|network_acl_rule|default_network_acl|default_security_group|route|route_table|vpc_endpoint|vpc_peering_connection|internet_gateway|nat_gateway|egress_only_internet_gateway|route53_resolver_firewall_rule|route53_resolver_firewall_config|vpn_connection_route|ec2_transit_gateway)/, "network"],
  [/^aws_(cloudtrail|flow_log|cloudwatch_log_metric_filter|cloudwatch_metric_alarm|sns_topic_subscription|cloudwatch_event_rule|cloudwatch_event_target|guardduty_|securityhub_|config_|inspector2_|accessanalyzer_|wafv2_web_acl_logging_configuration|route53_query_log|route53_resolver_query_log|s3_bucket_logging|cloudwatch_log_delivery|macie2_)/, "detection"],
];

/** Attribute names (the last step of a value's path) by category. */
const ATTRIBUTE_CATEGORY: readonly [RegExp, Category][] = [
  [/(^|_)(kms|cmk|sse|encrypt|encrypted|encryption|ssl|tls|protocol|cipher|certificate_arn|secure_transport|http_tokens|preshared_key_storage)(_|$)|^minimum_protocol_version$|^ssl_policy$/, "encryption"],
  [/retention|expir|_days$|^days$|_seconds$|recovery_window|deletion_window|rotation|lifetime|validity|delete_after|cold_storage_after|changeable_for|max_session_duration|backup_retention_period|snapshot/, "retention"],
  [/(^|_)(log|logs|logging|trail|alarm|alarm_actions|ok_actions|actions_enabled|monitoring|tracing|audit|redacted_fields|metrics_enabled|enabled|enable|state|status|is_enabled|destination_arn|event_selector)(_|$)/, "detection"],
  [/(^|_)(cidr|cidr_block|cidr_blocks|cidr_ipv4|cidr_ipv6|ipv6_cidr_block|prefix_list|from_port|to_port|ip_protocol|publicly_accessible|map_public_ip_on_launch|associate_public_ip_address|vpc_endpoint_type|principal|source_arn|source_account|managed_policy_arns|permissions_boundary|layers)(_|$)/, "network"],
];

/** Principal-like attributes are principals, not network, even though they match both lists. */
const PRINCIPAL_ATTRIBUTE = /^(principal|source_arn|source_account|managed_policy_arns|permissions_boundary|layers|policy_arn|grantee_principal|user|role)$/;

const IGNORED_KEYS = new Set(["//", "tags", "tags_all", "depends_on", "lifecycle", "provider", "description", "alarm_description", "display_name", "comment"]);

type Leaf = { path: string; value: unknown };

const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Leaves of a resource body: scalars and lists of scalars, by dotted path with indices for blocks. */
function leaves(body: any, prefix = ""): Leaf[] {
  if (Array.isArray(body)) {
    if (body.every((v) => !isObject(v) && !Array.isArray(v))) return [{ path: prefix, value: body }];
    return body.flatMap((v, i) => leaves(v, `${prefix}[${i}]`));
  }
  if (isObject(body)) {
    return Object.entries(body).flatMap(([k, v]) => (IGNORED_KEYS.has(k) ? [] : leaves(v, prefix ? `${prefix}.${k}` : k)));
  }
  return [{ path: prefix, value: body }];
}

const lastName = (path: string) => path.replace(/\[\d+\]/g, "").split(".").pop() ?? path;

export function categoryOf(type: string, attributePath: string): Category | undefined {
  const name = lastName(attributePath);
  if (POLICY_ATTRIBUTES.has(name)) return "principals";
  if (PRINCIPAL_ATTRIBUTE.test(name)) return "principals";
  const byType = TYPE_CATEGORY.find(([pattern]) => pattern.test(type))?.[1];
  // Every value of a grant or a network path is part of it (a rule's ip_protocol is not TLS).
  if (byType === "principals" || byType === "network") return byType;
  return ATTRIBUTE_CATEGORY.find(([pattern]) => pattern.test(name))?.[1] ?? byType;
}

interface Resource {
  readonly type: string;
  readonly id: string;
  readonly body: any;
}

/** Resources of a stack by construct path (address when no path). */
function resourcesOf(doc: any): Map<string, Resource> {
  const out = new Map<string, Resource>();
  for (const [type, byName] of Object.entries<any>(doc?.resource ?? {})) {
    for (const [name, body] of Object.entries<any>(byName)) {
      const id = body?.["//"]?.metadata?.path ?? `${type}.${name}`;
      out.set(`${type} ${id}`, { type, id, body });
    }
  }
  return out;
}

function parsePolicy(value: unknown): any | undefined {
  if (isObject(value)) return value;
  if (typeof value !== "string" || !value.trim().startsWith("{")) return undefined;
  try {
    const doc = JSON.parse(value);
    return isObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

const statementsOf = (doc: any): any[] => (Array.isArray(doc?.Statement) ? doc.Statement : doc?.Statement ? [doc.Statement] : []);
const many = (v: unknown): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(show));

/** The principals of a statement as "AWS:arn" / "Service:name" / "*". */
function principals(statement: any): string[] {
  const p = statement.Principal ?? statement.NotPrincipal;
  if (p === undefined) return [];
  if (!isObject(p)) return many(p);
  return Object.entries(p).flatMap(([kind, v]) => many(v).map((x) => `${kind}:${x}`));
}

function describeStatement(s: any): string {
  const parts = [`${s.Effect ?? "?"}`, `${s.NotAction ? "NotAction" : "Action"} ${many(s.Action ?? s.NotAction).join(", ")}`];
  if (s.Principal !== undefined || s.NotPrincipal !== undefined) parts.push(`Principal ${principals(s).join(", ")}`);
  if (s.Resource !== undefined || s.NotResource !== undefined) parts.push(`${s.NotResource ? "NotResource" : "Resource"} ${many(s.Resource ?? s.NotResource).join(", ")}`);
  if (s.Condition) parts.push(`Condition ${JSON.stringify(s.Condition)}`);
  return parts.join("; ");
}

const setDiff = (a: readonly string[], b: readonly string[]) => ({ added: b.filter((x) => !a.includes(x)), removed: a.filter((x) => !b.includes(x)) });

/** Statement-level changes of one policy attribute. */
function policyChanges(attribute: string, before: any, after: any): { kind: PostureChange["kind"]; detail: string }[] {
  const keyed = (doc: any) => new Map(statementsOf(doc).map((s, i) => [s?.Sid ? `Sid ${s.Sid}` : `#${i}`, s] as const));
  const a = keyed(before);
  const b = keyed(after);
  const out: { kind: PostureChange["kind"]; detail: string }[] = [];
  for (const [key, s] of b) if (!a.has(key)) out.push({ kind: s.Effect === "Deny" ? "narrowed" : "widened", detail: `${attribute} statement ${key} added: ${describeStatement(s)}` });
  for (const [key, s] of a) if (!b.has(key)) out.push({ kind: s.Effect === "Deny" ? "widened" : "narrowed", detail: `${attribute} statement ${key} removed: ${describeStatement(s)}` });
  for (const [key, s] of b) {
    const old = a.get(key);
    if (!old || JSON.stringify(old) === JSON.stringify(s)) continue;
    const deny = s.Effect === "Deny";
    const parts: string[] = [];
    let widened = old.Effect !== s.Effect && s.Effect === "Allow";
    const lists: [string, string[], string[]][] = [
      ["Action", many(old.Action ?? old.NotAction), many(s.Action ?? s.NotAction)],
      ["Resource", many(old.Resource ?? old.NotResource), many(s.Resource ?? s.NotResource)],
      ["Principal", principals(old), principals(s)],
    ];
    for (const [field, x, y] of lists) {
      const d = setDiff(x, y);
      if (d.added.length > 0) parts.push(`${field} +${d.added.join(", +")}`);
      if (d.removed.length > 0) parts.push(`${field} -${d.removed.join(", -")}`);
      if (d.added.length > 0 && !deny) widened = true;
      if (d.removed.length > 0 && deny) widened = true;
    }
    if (JSON.stringify(old.Condition ?? {}) !== JSON.stringify(s.Condition ?? {})) {
      parts.push(`Condition ${JSON.stringify(old.Condition ?? {})} -> ${JSON.stringify(s.Condition ?? {})}`);
      widened = widened || !deny;
    }
    if (old.Effect !== s.Effect) parts.push(`Effect ${old.Effect} -> ${s.Effect}`);
    out.push({ kind: widened ? "widened" : "narrowed", detail: `${attribute} statement ${key}: ${parts.join("; ") || "reworded"}` });
  }
  return out;
}

/** Every security-relevant change between two sets of stacks (stack name -> cdk.tf.json). */
export function postureDiff(base: Readonly<Record<string, any>>, head: Readonly<Record<string, any>>): PostureChange[] {
  const out: PostureChange[] = [];
  const stacks = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
  for (const stack of stacks) {
    const a = resourcesOf(base[stack]);
    const b = resourcesOf(head[stack]);
    for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const before = a.get(key);
      const after = b.get(key);
      const r = (after ?? before)!;
      if (!before || !after) {
        const body = (after ?? before)!.body;
        // A resource of a security type counts once, under its type's category; any other
        // resource under each category its values touch (a new bucket: encryption, retention).
        const byType = TYPE_CATEGORY.find(([pattern]) => pattern.test(r.type))?.[1];
        const categories = new Set<Category>(byType ? [byType] : leaves(body).flatMap((leaf) => categoryOf(r.type, leaf.path) ?? []));
        for (const category of categories) {
          const values = leaves(body).filter((l) => categoryOf(r.type, l.path) === category || byType === category);
          const summary = category === "principals" ? statementsSummary(body) : values.slice(0, 6).map((l) => `${l.path}=${show(l.value)}`).join(", ");
          out.push({ category, stack, resource: r.id, type: r.type, kind: after ? "added" : "removed", detail: `${r.type} ${after ? "added" : "removed"}${summary ? `: ${summary}` : ""}` });
        }
        continue;
      }
      const x = new Map(leaves(before.body).map((l) => [l.path, l.value]));
      const y = new Map(leaves(after.body).map((l) => [l.path, l.value]));
      for (const path of [...new Set([...x.keys(), ...y.keys()])].sort()) {
        const old = x.get(path);
        const now = y.get(path);
        if (JSON.stringify(old) === JSON.stringify(now)) continue;
        const category = categoryOf(r.type, path);
        if (!category) continue;
        const oldPolicy = parsePolicy(old);
        const newPolicy = parsePolicy(now);
        if (POLICY_ATTRIBUTES.has(lastName(path)) && (oldPolicy || newPolicy)) {
          for (const c of policyChanges(path, oldPolicy, newPolicy)) out.push({ category: "principals", stack, resource: r.id, type: r.type, ...c });
          continue;
        }
        const detail = Array.isArray(old) || Array.isArray(now) ? listDetail(path, many(old), many(now)) : `${path}: ${old === undefined ? "(absent)" : show(old)} -> ${now === undefined ? "(absent)" : show(now)}`;
        out.push({ category, stack, resource: r.id, type: r.type, kind: "changed", detail });
      }
    }
  }
  return out;
}

function listDetail(path: string, old: string[], now: string[]): string {
  const d = setDiff(old, now);
  return `${path}: ${[...d.added.map((x) => `+${x}`), ...d.removed.map((x) => `-${x}`)].join(", ") || `${old.join(", ")} -> ${now.join(", ")}`}`;
}

function statementsSummary(body: any): string {
  const docs = Object.entries<any>(body).filter(([k]) => POLICY_ATTRIBUTES.has(k)).map(([, v]) => parsePolicy(v)).filter(Boolean);
  const statements = docs.flatMap((d) => statementsOf(d).map(describeStatement));
  if (statements.length > 0) return statements.join(" | ");
  return leaves(body).filter((l) => categoryOf("", l.path) === "principals" || PRINCIPAL_ATTRIBUTE.test(lastName(l.path))).map((l) => `${l.path}=${show(l.value)}`).join(", ");
}

const mdCell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, " ");

/** The pull-request comment: a verdict line, then one table per category with changes. */
export function renderPostureMarkdown(changes: readonly PostureChange[], labels: { base: string; head: string }): string {
  const lines = [`## Security posture: ${mdCell(labels.base)} -> ${mdCell(labels.head)}`, ""];
  if (changes.length === 0) {
    lines.push("No security-relevant change: principals, network paths, encryption, retention and detection are as on the base.");
    return `${lines.join("\n")}\n`;
  }
  const widened = changes.filter((c) => c.kind === "widened").length;
  lines.push(`${changes.length} posture change(s)${widened > 0 ? `, **${widened} widening access**` : ""}. Review each even when every rule passes.`, "");
  for (const category of Object.keys(CATEGORY_TITLES) as Category[]) {
    const mine = changes.filter((c) => c.category === category);
    if (mine.length === 0) continue;
    lines.push(`### ${CATEGORY_TITLES[category]} (${mine.length})`, "", "| stack | resource | change | detail |", "|---|---|---|---|");
    for (const c of mine) lines.push(`| ${mdCell(c.stack)} | \`${mdCell(c.resource)}\` | ${c.kind === "widened" ? "**widened**" : c.kind} | ${mdCell(c.detail)} |`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
