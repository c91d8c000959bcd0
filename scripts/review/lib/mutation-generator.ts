/**
 * Generated mutation testing of the policy suite (issue 8, item 2). Operators walk the REAL
 * synthesized documents generically (by resource type, attribute name and policy-document
 * shape, never by a construct path), so stacks added later are mutated too. Each mutation
 * weakens one thing of one resource; the runner applies each alone to a copy of its stack and
 * expects the suite to report a finding the unmutated stack does not have.
 *
 * Sampling keeps the run short: per stack, per operator, per resource type and attribute
 * (indices dropped), the first resource in address order is mutated, so every kind of
 * weakening is tried on every kind of resource of every stack without repeating it on each of
 * the 142 Config rules.
 *
 * Not generated, because they are not weakenings of a control (equivalent mutants; the
 * per-attribute ones are NOT_WEAKENINGS below):
 * - `lifecycle` blocks removed: a backup rule without one keeps recovery points forever
 *   (longer, not shorter; shortening is a weaken-attribute mutation of delete_after), and at
 *   the top level it is Terraform's meta-argument.
 * - Resource "*" in resource policies (bucket, key, topic, endpoint policies): there it means
 *   the resource the policy is attached to (docs/decisions.md, "IAM analysis scope"), and in permission
 *   boundaries, which grant nothing.
 * - Removing `retention_in_days` from a log group: absent means "never expire", longer than
 *   the 365-day floor.
 * - A Lambda function's asynchronous invoke configuration deleted: the function keeps its
 *   dead_letter_config (LAM-001 requires it or an on-failure destination, and requires any
 *   invoke configuration to keep its on_failure); what goes is the success notification, a
 *   feature (staff hear of a report), not a control.
 * - Egress rules widened: CONTROLS.md restricts ingress; egress is limited by the NAT-less data
 *   tier, NACLs and endpoints (NET-004), not per security group.
 */

import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { POLICY_DATA_DIR } from "../../paths";

export interface GeneratedMutation {
  /** Stable id: `<stack> <operator> <address> <detail>`. */
  readonly id: string;
  readonly stack: string;
  readonly operator: string;
  /** Terraform address (`type.name`) of the resource mutated. */
  readonly address: string;
  /** Construct path, for people. */
  readonly path: string;
  readonly description: string;
  /** Edits the (cloned) stack document in place. */
  apply(doc: any): void;
}

export interface MutationOperator {
  readonly name: string;
  readonly summary: string;
  /** Candidate mutations of one resource; `key` groups candidates for sampling. */
  candidates(resource: ResourceRef, doc: any): Candidate[];
}

export interface ResourceRef {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly body: any;
}

export interface Candidate {
  /** Sampling key within (stack, operator, type): e.g. the attribute path without indices. */
  readonly key: string;
  /** Sample once per stack rather than once per resource type (the same check on every type, e.g. tags). */
  readonly acrossTypes?: boolean;
  /** Sample once over all stacks (the same rule judges it wherever it is, e.g. a managed policy on any role). */
  readonly acrossStacks?: boolean;
  readonly detail: string;
  readonly description: string;
  edit(body: any, doc: any): void;
}

type Path = readonly (string | number)[];

/** Issue 16a's bounds file: every security-relevant number and enum with its bound. */
export const BOUNDS_FILE = join(POLICY_DATA_DIR, "bounds.json");

/** WIR-001's data: the references whose target belongs to one component. */
export const OWNED_REFERENCES_FILE = join(POLICY_DATA_DIR, "owned_references.json");

const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);
const pathText = (path: Path) => path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").replace(/^\./, "");
const pathKey = (path: Path) => path.filter((p) => typeof p === "string").join(".");

/** Every (path, value) leaf and block of a resource body, skipping cdktf's "//" metadata. */
export function walk(body: any, visit: (path: Path, value: any, parent: any, key: string | number) => void, path: Path = []): void {
  if (Array.isArray(body)) body.forEach((v, i) => (visit([...path, i], v, body, i), walk(v, visit, [...path, i])));
  else if (isObject(body)) {
    for (const [k, v] of Object.entries(body)) {
      if (k === "//" && path.length === 0) continue;
      visit([...path, k], v, body, k);
      walk(v, visit, [...path, k]);
    }
  }
}

function at(body: any, path: Path): { parent: any; key: string | number } {
  let parent = body;
  for (const p of path.slice(0, -1)) parent = parent[p];
  return { parent, key: path[path.length - 1] };
}

function setAt(body: any, path: Path, value: unknown): void {
  const { parent, key } = at(body, path);
  parent[key] = value;
}

function deleteAt(body: any, path: Path): void {
  const { parent, key } = at(body, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
}

const show = (v: unknown) => JSON.stringify(v);

// ---------------------------------------------------------------------------
// Attribute weakenings, by attribute name, `parent.name` or `type:name`

type Weakening = (value: any) => unknown | undefined;
const to = (weaker: unknown): Weakening => (value) => (show(value) === show(weaker) ? undefined : weaker);
const toIf = (from: (v: any) => boolean, weaker: unknown): Weakening => (value) => (from(value) && show(value) !== show(weaker) ? weaker : undefined);
const isTrue = (v: any) => v === true || v === "true";
const isFalse = (v: any) => v === false || v === "false";
const numberAbove = (limit: number, weaker: number): Weakening => (v) => (typeof v === "number" && v > limit ? weaker : undefined);
const numberBelow = (limit: number, weaker: number): Weakening => (v) => (typeof v === "number" && v < limit ? weaker : undefined);
const addTo = (extra: unknown): Weakening => (v) => (Array.isArray(v) && !v.some((x) => show(x) === show(extra)) ? [...v, extra] : undefined);
const dropFirst: Weakening = (v) => (Array.isArray(v) && v.length > 0 ? v.slice(1) : undefined);

/**
 * Security settings and their weaker value. Keys: `name` (anywhere), `parent.name` (inside a
 * block named parent) or `type:name` (top level of that resource type).
 */
export const ATTRIBUTE_WEAKENINGS: Readonly<Record<string, Weakening>> = {
  // encryption
  enable_key_rotation: toIf(isTrue, false),
  encrypted: toIf(isTrue, false),
  storage_encrypted: toIf(isTrue, false),
  sse_algorithm: toIf((v) => v === "aws:kms" || v === "aws:kms:dsse", "AES256"),
  "aws_ebs_encryption_by_default:enabled": toIf(isTrue, false),
  // public exposure
  block_public_acls: toIf(isTrue, false),
  block_public_policy: toIf(isTrue, false),
  ignore_public_acls: toIf(isTrue, false),
  restrict_public_buckets: toIf(isTrue, false),
  object_ownership: toIf((v) => v === "BucketOwnerEnforced", "ObjectWriter"),
  publicly_accessible: toIf(isFalse, true),
  map_public_ip_on_launch: toIf(isFalse, true),
  associate_public_ip_address: toIf(isFalse, true),
  // transport
  ssl_policy: to("ELBSecurityPolicy-2016-08"),
  minimum_protocol_version: to("TLSv1"),
  viewer_protocol_policy: to("allow-all"),
  ssl_mode: toIf((v) => v !== "none", "none"),
  require_tls: toIf(isTrue, false),
  "aws_lb_listener:protocol": toIf((v) => v === "HTTPS", "HTTP"),
  desync_mitigation_mode: toIf((v) => v === "strictest" || v === "defensive", "monitor"),
  drop_invalid_header_fields: toIf(isTrue, false),
  "auth.iam_auth": toIf((v) => v === "REQUIRED", "DISABLED"),
  // identity
  iam_database_authentication_enabled: toIf(isTrue, false),
  manage_master_user_password: toIf(isTrue, false),
  mfa_configuration: toIf((v) => v === "ON" || v === "OPTIONAL", "OFF"),
  "software_token_mfa_configuration.enabled": toIf(isTrue, false),
  advanced_security_mode: toIf((v) => v === "ENFORCED", "AUDIT"),
  allow_admin_create_user_only: toIf(isTrue, false),
  "password_policy.minimum_length": numberAbove(8, 8),
  minimum_password_length: numberAbove(8, 8),
  password_reuse_prevention: numberAbove(1, 1),
  max_password_age: toIf((v) => typeof v === "number" && v > 0 && v <= 90, 365),
  require_lowercase_characters: toIf(isTrue, false),
  require_uppercase_characters: toIf(isTrue, false),
  require_numbers: toIf(isTrue, false),
  require_symbols: toIf(isTrue, false),
  require_lowercase: toIf(isTrue, false),
  require_uppercase: toIf(isTrue, false),
  auto_verified_attributes: dropFirst,
  // instances
  "metadata_options.http_tokens": toIf((v) => v === "required", "optional"),
  "metadata_options.http_put_response_hop_limit": numberBelow(2, 3),
  "monitoring.enabled": toIf(isTrue, false),
  health_check_type: toIf((v) => v === "ELB", "EC2"),
  // protection and recovery
  deletion_protection: (v) => (isTrue(v) ? false : v === "ACTIVE" ? "INACTIVE" : undefined),
  enable_deletion_protection: toIf(isTrue, false),
  skip_final_snapshot: toIf(isFalse, true),
  copy_tags_to_snapshot: toIf(isTrue, false),
  backup_retention_period: numberAbove(1, 1),
  "lifecycle.delete_after": numberAbove(7, 7),
  "aws_backup_vault_lock_configuration:min_retention_days": numberAbove(1, 1),
  "default_retention.mode": toIf((v) => v === "COMPLIANCE", "GOVERNANCE"),
  object_lock_enabled: toIf(isTrue, false),
  "versioning_configuration.status": toIf((v) => v === "Enabled", "Suspended"),
  multi_az: toIf(isTrue, false),
  automatically_after_days: numberAbove(0, 365),
  // logging and monitoring
  retention_in_days: toIf((v) => typeof v === "number" && v >= 365, 30),
  traffic_type: toIf((v) => v === "ALL", "REJECT"),
  enable_log_file_validation: toIf(isTrue, false),
  is_multi_region_trail: toIf(isTrue, false),
  include_global_service_events: toIf(isTrue, false),
  all_supported: toIf(isTrue, false),
  include_global_resource_types: toIf(isTrue, false),
  is_enabled: toIf(isTrue, false),
  enabled_cloudwatch_logs_exports: dropFirst,
  monitoring_interval: numberAbove(0, 0),
  performance_insights_enabled: toIf(isTrue, false),
  "tracing_config.mode": toIf((v) => v === "Active", "PassThrough"),
  "access_logs.enabled": toIf(isTrue, false),
  actions_enabled: toIf(isTrue, false),
  alarm_actions: toIf((v) => Array.isArray(v) && v.length > 0, []),
  "aws_guardduty_detector:enable": toIf(isTrue, false),
  "aws_guardduty_detector_feature:status": toIf((v) => v === "ENABLED", "DISABLED"),
  "aws_inspector2_enabler:resource_types": dropFirst,
  // patching and minor versions
  auto_minor_version_upgrade: toIf(isTrue, false),
  approve_after_days: numberBelow(8, 30),
  // network
  firewall_fail_open: toIf((v) => v === "DISABLED", "ENABLED"),
  "aws_route53_resolver_firewall_rule:action": toIf((v) => v === "BLOCK", "ALERT"),
  tunnel1_ike_versions: addTo("ikev1"),
  tunnel2_ike_versions: addTo("ikev1"),
  tunnel1_phase1_encryption_algorithms: addTo("AES128"),
  tunnel2_phase1_encryption_algorithms: addTo("AES128"),
  tunnel1_phase2_encryption_algorithms: addTo("AES128"),
  tunnel2_phase2_encryption_algorithms: addTo("AES128"),
  tunnel1_phase1_integrity_algorithms: addTo("SHA1"),
  tunnel2_phase1_integrity_algorithms: addTo("SHA1"),
  tunnel1_phase2_integrity_algorithms: addTo("SHA1"),
  tunnel2_phase2_integrity_algorithms: addTo("SHA1"),
};

function weakeningFor(type: string, path: Path): Weakening | undefined {
  const name = String(path[path.length - 1]);
  const parent = [...path.slice(0, -1)].reverse().find((p) => typeof p === "string");
  if (path.length === 1 && ATTRIBUTE_WEAKENINGS[`${type}:${name}`]) return ATTRIBUTE_WEAKENINGS[`${type}:${name}`];
  if (parent && ATTRIBUTE_WEAKENINGS[`${parent}.${name}`]) return ATTRIBUTE_WEAKENINGS[`${parent}.${name}`];
  if (ATTRIBUTE_WEAKENINGS[name] && !name.includes(":") && !name.includes(".")) return ATTRIBUTE_WEAKENINGS[name];
  return undefined;
}

const weakenAttribute: MutationOperator = {
  name: "weaken-attribute",
  summary: "a security setting set to its weaker value (encryption, public access, TLS, MFA, protection, logging, patching)",
  candidates(r) {
    const found: Candidate[] = [];
    walk(r.body, (path, value) => {
      if (typeof path[path.length - 1] === "number") return;
      const weaken = weakeningFor(r.type, path);
      if (!weaken || NOT_WEAKENINGS[`${r.type}:${String(path[path.length - 1])}`]) return;
      const weaker = weaken(value);
      if (weaker === undefined) return;
      found.push({
        key: pathKey(path),
        detail: pathText(path),
        description: `${pathText(path)}: ${show(value)} -> ${show(weaker)}`,
        edit: (body) => setAt(body, path, weaker),
      });
    });
    return found;
  },
};

// ---------------------------------------------------------------------------
// Key references dropped

const KEY_ATTRIBUTE = /(^|_)(kms|cmk)(_|$)/;

const dropKmsKey: MutationOperator = {
  name: "drop-kms-key",
  summary: "a customer-managed key reference removed (falls back to AWS-managed or no encryption)",
  candidates(r) {
    if (r.type.startsWith("aws_kms_")) return [];
    const found: Candidate[] = [];
    walk(r.body, (path, value) => {
      const name = path[path.length - 1];
      if (typeof name !== "string" || !KEY_ATTRIBUTE.test(name) || typeof value !== "string" || value === "") return;
      if (NOT_WEAKENINGS[`${r.type}:${name}`]) return;
      found.push({ key: pathKey(path), detail: pathText(path), description: `${pathText(path)} removed`, edit: (body) => deleteAt(body, path) });
    });
    return found;
  },
};

// ---------------------------------------------------------------------------
// Ingress opened

const OPEN = "0.0.0.0/0";

const openIngress: MutationOperator = {
  name: "open-ingress",
  summary: "an ingress rule opened to 0.0.0.0/0 on all ports and protocols",
  candidates(r) {
    const b = r.body;
    if (r.type === "aws_vpc_security_group_ingress_rule") {
      return [{
        key: "rule",
        detail: "all",
        description: `ingress from ${OPEN}, all protocols and ports`,
        edit: (body) => {
          for (const k of ["referenced_security_group_id", "prefix_list_id", "cidr_ipv6", "from_port", "to_port"]) delete body[k];
          body.cidr_ipv4 = OPEN;
          body.ip_protocol = "-1";
        },
      }];
    }
    if (r.type === "aws_network_acl_rule" && !isTrue(b.egress) && b.rule_action === "allow") {
      return [{
        key: "rule",
        detail: "all",
        description: `NACL ingress allow from ${OPEN}, all protocols and ports`,
        edit: (body) => {
          delete body.ipv6_cidr_block;
          Object.assign(body, { cidr_block: OPEN, protocol: "-1", from_port: 0, to_port: 0 });
        },
      }];
    }
    // Inline ingress blocks: security groups always; NACLs only where they use inline rules.
    if (r.type === "aws_security_group" || r.type === "aws_default_security_group" || (r.type === "aws_network_acl" && b.ingress !== undefined)) {
      const ingress = b.ingress;
      const block =
        r.type === "aws_network_acl"
          ? { protocol: "-1", rule_no: 1, action: "allow", cidr_block: OPEN, from_port: 0, to_port: 0 }
          : { protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: [OPEN], ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false, description: "mutation" };
      return [{
        key: "ingress",
        detail: "ingress",
        description: `inline ingress block allowing ${OPEN}, all protocols and ports`,
        edit: (body) => {
          body.ingress = [...(Array.isArray(ingress) ? ingress : ingress ? [ingress] : []), block];
        },
      }];
    }
    return [];
  },
};

// ---------------------------------------------------------------------------
// Policy documents

/** Attributes holding a JSON policy document, by where they are. */
function policyAttributes(r: ResourceRef): { path: Path; kind: "identity" | "resource" | "trust" | "boundary" }[] {
  const out: { path: Path; kind: "identity" | "resource" | "trust" | "boundary" }[] = [];
  if (typeof r.body.assume_role_policy === "string") out.push({ path: ["assume_role_policy"], kind: "trust" });
  const inline = r.body.inline_policy;
  (Array.isArray(inline) ? inline : inline ? [inline] : []).forEach((p: any, i: number) => {
    if (typeof p?.policy === "string") out.push({ path: Array.isArray(inline) ? ["inline_policy", i, "policy"] : ["inline_policy", "policy"], kind: "identity" });
  });
  if (typeof r.body.policy === "string" && r.body.policy.trim().startsWith("{")) {
    const kind = r.type === "aws_iam_role_policy" || r.type === "aws_iam_group_policy" ? "identity" : r.type === "aws_iam_policy" ? "identity" : "resource";
    out.push({ path: ["policy"], kind });
  }
  return out;
}

function parsePolicy(text: string): any | undefined {
  try {
    const doc = JSON.parse(text);
    return isObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

const statementsOf = (doc: any): any[] => (Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : []);

/** An aws_iam_policy used as some role's permissions boundary (it grants nothing). */
function isBoundary(r: ResourceRef, doc: any): boolean {
  if (r.type !== "aws_iam_policy") return false;
  const self = `\${aws_iam_policy.${r.name}.arn}`;
  if (Object.values<any>(doc.resource?.aws_iam_role ?? {}).some((role) => role.permissions_boundary === self)) return true;
  // Boundaries used from other stacks are exported; the name says what they are.
  return /boundary/i.test(String(r.body.name ?? ""));
}

function policyEdit(path: Path, change: (policy: any) => void): (body: any) => void {
  return (body) => {
    const { parent, key } = at(body, path);
    const policy = JSON.parse(parent[key]);
    change(policy);
    parent[key] = JSON.stringify(policy);
  };
}

const policyOperator = (
  name: string,
  summary: string,
  applies: (kind: "identity" | "resource" | "trust" | "boundary", r: ResourceRef) => boolean,
  pick: (statement: any) => boolean,
  change: (statement: any) => void,
  describe: (statement: any) => string,
): MutationOperator => ({
  name,
  summary,
  candidates(r, doc) {
    const found: Candidate[] = [];
    for (const attr of policyAttributes(r)) {
      const kind = isBoundary(r, doc) ? "boundary" : attr.kind;
      if (!applies(kind, r)) continue;
      const { parent, key } = at(r.body, attr.path);
      const policy = parsePolicy(parent[key]);
      if (!policy) continue;
      const index = statementsOf(policy).findIndex(pick);
      if (index < 0) continue;
      const statement = statementsOf(policy)[index];
      found.push({
        key: pathKey(attr.path),
        detail: `${pathText(attr.path)} Statement ${statement.Sid ?? index}`,
        description: `${pathText(attr.path)} statement ${statement.Sid ?? `#${index}`}: ${describe(statement)}`,
        edit: policyEdit(attr.path, (p) => {
          const list = statementsOf(p);
          change(list[index]);
          p.Statement = list;
        }),
      });
    }
    return found;
  },
});

const isAllow = (s: any) => s?.Effect === "Allow";

const wildcardAction = policyOperator(
  "wildcard-action",
  'an Allow statement\'s Action set to "*"',
  (kind) => kind !== "boundary",
  (s) => isAllow(s) && JSON.stringify(s.Action ?? s.NotAction) !== '"*"',
  (s) => {
    delete s.NotAction;
    s.Action = "*";
  },
  () => 'Action -> "*"',
);

const wildcardResource = policyOperator(
  "wildcard-resource",
  'an identity policy\'s Allow statement Resource set to "*"',
  (kind) => kind === "identity",
  (s) => isAllow(s) && JSON.stringify(s.Resource ?? s.NotResource) !== '"*"',
  (s) => {
    delete s.NotResource;
    s.Resource = "*";
  },
  () => 'Resource -> "*"',
);

const wildcardPrincipal = policyOperator(
  "wildcard-principal",
  'a resource or trust policy\'s Allow statement opened to Principal "*" without conditions',
  (kind) => kind === "resource" || kind === "trust",
  (s) => isAllow(s) && s.Principal !== undefined,
  (s) => {
    s.Principal = "*";
    delete s.Condition;
  },
  () => 'Principal -> "*", Condition removed',
);

const dropMfaCondition = policyOperator(
  "drop-mfa-condition",
  "the MFA condition removed from a trust statement",
  (kind) => kind === "trust",
  (s) => isAllow(s) && JSON.stringify(s.Condition ?? {}).includes("aws:MultiFactorAuth"),
  (s) => {
    for (const op of Object.keys(s.Condition)) {
      for (const key of Object.keys(s.Condition[op])) if (key.startsWith("aws:MultiFactorAuth")) delete s.Condition[op][key];
      if (Object.keys(s.Condition[op]).length === 0) delete s.Condition[op];
    }
    if (Object.keys(s.Condition).length === 0) delete s.Condition;
  },
  () => "aws:MultiFactorAuth* conditions removed",
);

const dropCondition = policyOperator(
  "drop-condition",
  "every condition removed from an Allow statement of a trust or resource policy (source account/ARN, VPC endpoint, TLS scoping)",
  (kind) => kind === "resource" || kind === "trust",
  (s) => isAllow(s) && s.Principal !== undefined && Object.keys(s.Condition ?? {}).length > 0,
  (s) => {
    delete s.Condition;
  },
  () => "Condition removed",
);

const dropDeny = policyOperator(
  "drop-deny",
  "a Deny statement removed from a resource policy (TLS-only, delete protection, ...)",
  (kind) => kind === "resource",
  (s) => s?.Effect === "Deny",
  (s) => {
    // Turned into a statement that denies nothing, so statement indices stay put.
    s.Effect = "Deny";
    s.Action = "mutation:NoSuchAction";
    delete s.NotAction;
  },
  () => "Deny statement neutralised",
);

// "s3:GetObject" -> "s3:Get*": every action of the service that starts with the verb.
const VERB_WILDCARD = /^([a-z0-9-]+):([A-Z][a-z]+)[A-Za-z0-9]*$/;

const widenActionVerb = policyOperator(
  "widen-verb",
  'an Allow statement\'s named actions widened to their verb ("s3:GetObject" -> "s3:Get*", "kms:Decrypt" -> "kms:Decrypt*")',
  (kind) => kind !== "boundary",
  (s) => isAllow(s) && [s.Action ?? []].flat().some((a: unknown) => typeof a === "string" && VERB_WILDCARD.test(a)),
  (s) => {
    s.Action = [...new Set([s.Action].flat().map((a: string) => a.replace(VERB_WILDCARD, "$1:$2*")))];
  },
  (s) => `Action -> ${show([...new Set([s.Action].flat().map((a: string) => a.replace(VERB_WILDCARD, "$1:$2*")))])}`,
);

// A named role or user in a trust or resource policy replaced by its account's root: every
// principal of the account whose own policies allow it may then act.
const ROLE_OR_USER_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)\/.+$/;

const principalToAccountRoot = policyOperator(
  "principal-to-root",
  "a named role or user principal of a trust or resource policy replaced by its account's root (any principal of the account)",
  (kind) => kind === "resource" || kind === "trust",
  (s) => isAllow(s) && [s.Principal?.AWS ?? []].flat().some((p: unknown) => typeof p === "string" && ROLE_OR_USER_ARN.test(p)),
  (s) => {
    s.Principal = { ...s.Principal, AWS: [s.Principal.AWS].flat().map((p: string) => p.replace(ROLE_OR_USER_ARN, "arn:$1:iam::$2:root")) };
  },
  () => "Principal.AWS roles -> the account root",
);

const SINGLE_REF = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/;

/**
 * A reference to one resource swapped for the same attribute of another resource of the same
 * type in the stack: the data key for the logs key, a private subnet for a public one, a
 * security group for a wider one, a topic for one nobody reads. Rules that check that a
 * reference exists, not which resource it names, miss these.
 */
const swapReference: MutationOperator = {
  name: "swap-reference",
  summary: "a reference to one resource swapped for the same attribute of another resource of its type in the stack (another key, subnet, security group, topic, bucket, role)",
  candidates(r, doc) {
    const found: Candidate[] = [];
    walk(r.body, (path, value) => {
      if (typeof value !== "string") return;
      const m = SINGLE_REF.exec(value);
      if (!m || m[1] === "data" || m[1] === "var" || m[1] === "local") return;
      const [, type, name, attribute] = m;
      const other = Object.keys(doc.resource?.[type] ?? {}).sort().find((n) => n !== name && !(r.type === type && n === r.name));
      if (!other) return;
      const swapped = `\${${type}.${other}.${attribute}}`;
      found.push({ key: `${pathKey(path)} ${type}`, detail: `${pathText(path)} ${type}`, description: `${pathText(path)}: ${type}.${name} -> ${type}.${other}`, edit: (body) => setAt(body, path, swapped) });
    });
    return found;
  },
};

/** One entry of policies/data/owned_references.json: a reference whose target belongs to one component (WIR-001). */
export interface OwnedReference {
  readonly type: string;
  /** Dotted like a bound's path. */
  readonly path: string;
  readonly why: string;
  /** Why the owned resource may be in another region (absent: it must be in the referencing resource's). */
  readonly cross_region?: string;
}

export function loadOwnedReferences(file: string = OWNED_REFERENCES_FILE): OwnedReference[] {
  const parsed = JSON.parse(readFileSync(file, "utf8"));
  if (!parsed || !Array.isArray(parsed.owned_references)) throw new Error(`${file}: expected {"owned_references": [{"type", "path", "why", "cross_region"?}]}`);
  return parsed.owned_references;
}

/** A resource's construct path (its address for hand-written bodies without one). */
const constructPath = (body: any, address: string): string => body?.["//"]?.metadata?.path ?? address;

/** Steps from one construct path to another through their deepest common scope: WIR-001's measure of "own". */
export function stepsBetween(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  let common = 0;
  while (common < Math.min(x.length, y.length) && x[common] === y[common]) common++;
  return x.length + y.length - 2 * common;
}

/**
 * A reference a component owns (policies/data/owned_references.json) swapped for a resource of
 * its type that is farther away in the construct tree than the nearest one: the export
 * bucket's lifecycle put on its replica, a rule moved to another function's group. Swaps to an
 * equally near resource (two endpoints sharing the endpoints' group) are not generated: WIR-001
 * cannot tell them apart, and they stay with `swap-reference` in the exploratory run.
 */
function rewireOwned(owned: readonly OwnedReference[]): MutationOperator {
  return {
    name: "rewire-owned",
    summary: "a reference a component owns (a rule's group, an inline policy's role, a function's log group or DLQ, a bucket setting's bucket) swapped for a farther resource of its type (policies/data/owned_references.json)",
    candidates(r, doc) {
      const found: Candidate[] = [];
      const here = constructPath(r.body, `${r.type}.${r.name}`);
      for (const entry of owned.filter((o) => o.type === r.type)) {
        const references = valuesAtDotted(r.body, entry.path).flatMap(({ path, value }) => (Array.isArray(value) ? value.map((v, i) => ({ path: [...path, i], value: v })) : [{ path, value }]));
        for (const { path, value } of references) {
          const m = typeof value === "string" ? SINGLE_REF.exec(value) : null;
          if (!m) continue;
          const [, type, name, attribute] = m;
          const others = Object.entries<any>(doc.resource?.[type] ?? {}).map(([n, body]) => ({ name: n, steps: stepsBetween(here, constructPath(body, `${type}.${n}`)) }));
          const nearest = Math.min(...others.map((o) => o.steps));
          const farther = others.filter((o) => o.steps > nearest).sort((a, b) => a.steps - b.steps || a.name.localeCompare(b.name))[0];
          if (!farther || farther.name === name) continue;
          found.push({
            key: `${entry.path} ${type}`,
            detail: `${pathText(path)} ${type}`,
            description: `${pathText(path)}: ${type}.${name} -> ${type}.${farther.name} (another component's)`,
            edit: (body) => setAt(body, path, `\${${type}.${farther.name}.${attribute}}`),
          });
        }
      }
      return found;
    },
  };
}

const lambdaPermissionPublic: MutationOperator = {
  name: "wildcard-principal",
  summary: "",
  candidates(r) {
    if (r.type !== "aws_lambda_permission") return [];
    return [{
      key: "principal",
      detail: "principal",
      description: 'principal -> "*", source_arn/source_account removed',
      edit: (body) => {
        body.principal = "*";
        delete body.source_arn;
        delete body.source_account;
      },
    }];
  },
};

// ---------------------------------------------------------------------------
// Blocks and resources removed

/** Nested blocks or attributes whose removal switches a control off. */
export const PROTECTIVE_BLOCKS: readonly string[] = [
  "dead_letter_config", "redrive_policy", "retry_policy", "destination_config", "tracing_config", "vpc_config",
  "reserved_concurrent_executions", "access_logs", "enabled_cloudwatch_logs_exports", "copy_action", "permissions_boundary",
  "web_acl_id", "response_headers_policy_id", "origin_access_control_id", "metadata_options", "iam_instance_profile",
  "redacted_fields", "advanced_event_selector", "event_selector", "cloud_watch_logs_group_arn", "rotation_rules", "user_pool_add_ons",
  "software_token_mfa_configuration", "password_policy", "recording_group", "monitoring", "default_action",
  "certificate_arn", "logging_config", "server_side_encryption", "default_retention", "cross_region_copy_rule",
  "strict_transport_security", "encryption_config", "kms_key_arn",
];

/**
 * Where a generic weakening or removal is not a weakening (equivalent mutants, not generated):
 * `type:attribute` -> why.
 */
export const NOT_WEAKENINGS: Readonly<Record<string, string>> = {
  "aws_rds_cluster_instance:copy_tags_to_snapshot":
    "Aurora snapshots are cluster snapshots; the instance-level flag has no effect (the cluster's copy_tags_to_snapshot is RDS-004's)",
  "aws_dms_endpoint:kms_key_arn":
    "the endpoints hold no credentials (DMS-006 requires Secrets Manager, whose secrets are under a CMK, SEC-001); the key would only encrypt host and port",
  "aws_acm_certificate_validation:certificate_arn": "removing it makes the resource invalid, not weaker",
};

const dropBlock: MutationOperator = {
  name: "drop-block",
  summary: "a protective block or setting removed (DLQ, redrive, tracing, logging, retention, copies, boundaries, ...)",
  candidates(r) {
    const found: Candidate[] = [];
    walk(r.body, (path) => {
      const name = path[path.length - 1];
      if (typeof name !== "string" || !PROTECTIVE_BLOCKS.includes(name) || NOT_WEAKENINGS[`${r.type}:${name}`]) return;
      // default_action only matters where it decides what traffic gets (ALB listeners, WAF).
      if (name === "default_action" && r.type !== "aws_lb_listener") return;
      found.push({ key: pathKey(path), detail: pathText(path), description: `${pathText(path)} removed`, edit: (body) => deleteAt(body, path) });
    });
    return found;
  },
};

/** Resource types that exist only to switch a control on; deleting one must be noticed. */
export const PROTECTIVE_RESOURCES: readonly string[] = [
  "aws_flow_log", "aws_s3_bucket_logging", "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning", "aws_s3_bucket_object_lock_configuration", "aws_s3_bucket_replication_configuration", "aws_s3_bucket_policy",
  "aws_s3_bucket_ownership_controls", "aws_cloudtrail", "aws_config_configuration_recorder", "aws_config_configuration_recorder_status",
  "aws_config_delivery_channel", "aws_guardduty_detector", "aws_guardduty_detector_feature", "aws_inspector2_enabler", "aws_securityhub_account",
  "aws_securityhub_standards_subscription", "aws_cloudwatch_log_metric_filter", "aws_cloudwatch_metric_alarm", "aws_backup_vault_lock_configuration",
  "aws_backup_selection", "aws_backup_plan", "aws_secretsmanager_secret_rotation", "aws_wafv2_web_acl_association",
  "aws_wafv2_web_acl_logging_configuration", "aws_route53_resolver_firewall_rule_group_association", "aws_route53_resolver_firewall_rule",
  "aws_route53_resolver_query_log_config_association", "aws_ebs_encryption_by_default", "aws_ebs_default_kms_key", "aws_dlm_lifecycle_policy",
  "aws_ssm_maintenance_window_task", "aws_ssm_patch_group", "aws_iam_account_password_policy", "aws_cloudwatch_log_delivery",
  "aws_cloudwatch_log_group", "aws_db_proxy", "aws_sfn_state_machine_logging",
];

const deleteResource: MutationOperator = {
  name: "delete-resource",
  summary: "a resource that switches a control on deleted (flow log, trail, vault lock, rotation, WAF association, ...)",
  candidates(r) {
    if (!PROTECTIVE_RESOURCES.includes(r.type)) return [];
    return [{ key: "resource", detail: "deleted", description: "resource deleted", edit: (_body, doc) => delete doc.resource[r.type][r.name] }];
  },
};

const REQUIRED_TAGS = ["owner", "environment", "data-classification"];

const dropTag: MutationOperator = {
  name: "drop-tag",
  summary: "a required tag removed from a taggable resource",
  candidates(r) {
    if (!isObject(r.body.tags)) return [];
    return REQUIRED_TAGS.filter((t) => typeof r.body.tags[t] === "string").map((t) => ({
      key: "tags",
      acrossTypes: true,
      detail: t,
      description: `tag ${t} removed`,
      edit: (body: any) => {
        delete body.tags[t];
        if (isObject(body.tags_all)) delete body.tags_all[t];
      },
    }));
  },
};

// ---------------------------------------------------------------------------
// Value-level operators (issue 16): bounds, enums, foreign accounts, wildcard conditions,
// risky resources, allow-first rules, broad managed policies, switches and deliveries.

/** One entry of policies/data/bounds.json (issue 16): a declared bound or allowed set. */
export interface Bound {
  readonly type: string;
  /** Dotted through nested blocks; a list at any step means every element. */
  readonly path: string;
  readonly min?: number;
  readonly max?: number;
  readonly allowed?: readonly (string | number | boolean)[];
  readonly required?: readonly (string | number | boolean)[] | boolean;
  readonly control?: string;
  readonly why?: string;
}

/** The bounds file, when it exists (it is issue 16a's; absent, the bound operators generate nothing). */
export function loadBounds(file: string = BOUNDS_FILE): Bound[] {
  if (!existsSync(file)) return [];
  const parsed = JSON.parse(readFileSync(file, "utf8"));
  if (!parsed || !Array.isArray(parsed.bounds)) throw new Error(`${file}: expected {"bounds": [{"type", "path", "min"?, "max"?, "allowed"?, ...}]}`);
  return parsed.bounds;
}

/** Every (concrete path, value) under a dotted bound path: lists at any step mean every element. */
export function valuesAtDotted(body: any, dotted: string): { path: Path; value: any }[] {
  let frontier: { path: Path; value: any }[] = [{ path: [], value: body }];
  for (const step of dotted.split(".")) {
    const next: { path: Path; value: any }[] = [];
    for (const { path, value } of frontier) {
      const items = Array.isArray(value) ? value.map((v, i) => ({ path: [...path, i], value: v })) : [{ path, value }];
      for (const item of items) if (isObject(item.value) && step in item.value) next.push({ path: [...item.path, step], value: item.value[step] });
    }
    frontier = next;
  }
  return frontier;
}

/** The smallest step past a bound: 1 for whole numbers, else one unit of its last decimal. */
export function stepPast(bound: number): number {
  const decimals = (String(bound).split(".")[1] ?? "").length;
  return decimals === 0 ? 1 : Number((10 ** -decimals).toFixed(decimals));
}

const round12 = (n: number) => Number(n.toFixed(12));
const numeric = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined);

/**
 * Provider-accepted values of enum attributes, for the enum operator. Source: the AWS API
 * references (the provider validates against the same lists). @cdktf/provider-aws ships no
 * schema and its doc comments only link to the registry, so no machine-readable source exists
 * offline; this list and the bounds file's `allowed` sets are what the operator tries.
 */
export const ENUM_VALUES: Readonly<Record<string, readonly string[]>> = {
  treat_missing_data: ["breaching", "notBreaching", "ignore", "missing"],
  comparison_operator: ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"],
  viewer_protocol_policy: ["allow-all", "https-only", "redirect-to-https"],
  minimum_protocol_version: ["SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021"],
  "metadata_options.http_tokens": ["optional", "required"],
  "metadata_options.http_endpoint": ["enabled", "disabled"],
  mfa_configuration: ["OFF", "ON", "OPTIONAL"],
  advanced_security_mode: ["OFF", "AUDIT", "ENFORCED"],
  firewall_fail_open: ["ENABLED", "DISABLED", "USE_LOCAL_RESOURCE_SETTING"],
  "aws_route53_resolver_firewall_rule:action": ["ALLOW", "BLOCK", "ALERT"],
  "aws_route53_resolver_firewall_rule:block_response": ["NODATA", "NXDOMAIN", "OVERRIDE"],
  "default_retention.mode": ["GOVERNANCE", "COMPLIANCE"],
  "versioning_configuration.status": ["Enabled", "Suspended"],
  sse_algorithm: ["AES256", "aws:kms", "aws:kms:dsse"],
  traffic_type: ["ACCEPT", "REJECT", "ALL"],
  recording_frequency: ["CONTINUOUS", "DAILY"],
  log_group_class: ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"],
  finding_publishing_frequency: ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"],
  "aws_guardduty_detector_feature:status": ["ENABLED", "DISABLED"],
  "aws_cloudwatch_event_rule:state": ["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"],
  desync_mitigation_mode: ["monitor", "defensive", "strictest"],
  object_ownership: ["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"],
  "aws_lb_listener:protocol": ["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP"],
  "aws_lb_target_group:protocol": ["HTTP", "HTTPS"],
  ssl_mode: ["none", "require", "verify-ca", "verify-full"],
  "tracing_config.mode": ["Active", "PassThrough"],
  "auth.iam_auth": ["DISABLED", "REQUIRED", "ENABLED"],
  "auth.client_password_auth_type": ["MYSQL_NATIVE_PASSWORD", "MYSQL_CACHING_SHA2_PASSWORD"],
  "logging_configuration.level": ["ALL", "ERROR", "FATAL", "OFF"],
  "aws_lambda_permission:principal": ["*"],
  origin_protocol_policy: ["http-only", "https-only", "match-viewer"],
  "aws_dms_endpoint:ssl_mode": ["none", "require", "verify-ca", "verify-full"],
  "aws_vpn_connection:preshared_key_storage": ["Standard", "SecretsManager"],
  "aws_cloudwatch_metric_alarm:statistic": ["SampleCount", "Average", "Sum", "Minimum", "Maximum"],
  "aws_route53_key_signing_key:status": ["ACTIVE", "INACTIVE"],
  "aws_dlm_lifecycle_policy:state": ["ENABLED", "DISABLED"],
  "aws_wafv2_web_acl_logging_configuration:logging_filter.default_behavior": ["KEEP", "DROP"],
  "aws_secretsmanager_secret_rotation:rotate_immediately": [],
};

function enumValuesFor(type: string, path: Path): readonly string[] | undefined {
  const names = path.filter((p): p is string => typeof p === "string");
  const name = names[names.length - 1];
  const parent = names[names.length - 2];
  return ENUM_VALUES[`${type}:${names.join(".")}`] ?? (names.length === 1 ? ENUM_VALUES[`${type}:${name}`] : undefined) ?? (parent ? ENUM_VALUES[`${parent}.${name}`] : undefined) ?? ENUM_VALUES[name];
}

/** Numeric values just past each side of each declared bound (policies/data/bounds.json). */
export function boundEdgeOperator(bounds: readonly Bound[]): MutationOperator {
  return {
    name: "bound-edge",
    summary: "a bounded number set just past each side of its bound, an allowed set's value swapped for one outside it (policies/data/bounds.json)",
    candidates(r) {
      const found: Candidate[] = [];
      for (const bound of bounds.filter((b) => b.type === r.type)) {
        for (const { path, value } of valuesAtDotted(r.body, bound.path)) {
          const n = numeric(value);
          const sides: [string, number][] = [];
          if (n !== undefined && bound.min !== undefined && n >= bound.min) sides.push(["below min", round12(bound.min - stepPast(bound.min))]);
          if (n !== undefined && bound.max !== undefined && n <= bound.max) sides.push(["above max", round12(bound.max + stepPast(bound.max))]);
          for (const [side, past] of sides) {
            const weaker = typeof value === "string" ? String(past) : past;
            found.push({ key: `${bound.path} ${side}`, detail: `${pathText(path)} ${side}`, description: `${pathText(path)}: ${show(value)} -> ${show(weaker)} (${side} ${side === "below min" ? bound.min : bound.max})`, edit: (body) => setAt(body, path, weaker) });
          }
          if (bound.allowed && (typeof value === "string" || typeof value === "boolean")) {
            const known = enumValuesFor(r.type, path) ?? [];
            const outside = [...known, ...(typeof value === "boolean" ? [!value] : [])].filter((v) => !bound.allowed!.some((a) => show(a) === show(v)));
            for (const v of outside) found.push({ key: `${bound.path} =${show(v)}`, detail: `${pathText(path)}=${show(v)}`, description: `${pathText(path)}: ${show(value)} -> ${show(v)} (not in the allowed set)`, edit: (body) => setAt(body, path, v) });
          }
          if (Array.isArray(value) && Array.isArray(bound.required)) {
            for (const req of bound.required.filter((q) => value.some((v) => show(v) === show(q)))) {
              found.push({ key: `${bound.path} -${show(req)}`, detail: `${pathText(path)}-${show(req)}`, description: `${pathText(path)}: ${show(req)} removed (required)`, edit: (body) => setAt(body, path, value.filter((v: unknown) => show(v) !== show(req))) });
            }
          }
        }
      }
      return found;
    },
  };
}

const enumValue: MutationOperator = {
  name: "enum-value",
  summary: "an enum attribute set to every other value the provider accepts",
  candidates(r) {
    const found: Candidate[] = [];
    walk(r.body, (path, value) => {
      if (typeof path[path.length - 1] === "number" || typeof value !== "string" || value.includes("${")) return;
      const values = enumValuesFor(r.type, path);
      if (!values || !values.includes(value)) return;
      for (const other of values.filter((v) => v !== value)) {
        found.push({ key: `${pathKey(path)}=${other}`, detail: `${pathText(path)}=${other}`, description: `${pathText(path)}: ${show(value)} -> ${show(other)}`, edit: (body) => setAt(body, path, other) });
      }
    });
    return found;
  },
};

/** An account that is none of the platform's (the AWS documentation's example account). */
export const FOREIGN_ACCOUNT = "999999999999";
const ACCOUNT_IN_ARN = /^(arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:)(\d{12})(:.*)$/;

/** ARN-like strings of a policy statement's Principal, Resource and Condition, with where they are. */
function accountSlots(statement: any): { where: string; get: (s: any) => any; set: (s: any, v: any) => void }[] {
  const slots: { where: string; get: (s: any) => any; set: (s: any, v: any) => void }[] = [];
  const visit = (where: string, get: (s: any) => any, set: (s: any, v: any) => void) => {
    const value = get(statement);
    const list = Array.isArray(value) ? value : [value];
    list.forEach((item, i) => {
      if (typeof item !== "string") return;
      const foreign = item.replace(ACCOUNT_IN_ARN, `$1${FOREIGN_ACCOUNT}$3`);
      const isAccount = /^\d{12}$/.test(item);
      if (foreign === item && !isAccount) return;
      const replacement = isAccount ? FOREIGN_ACCOUNT : foreign;
      slots.push({
        where: `${where}${Array.isArray(value) ? `[${i}]` : ""}`,
        get,
        set: (s, _v) => {
          const current = get(s);
          if (Array.isArray(current)) current[i] = replacement;
          else set(s, replacement);
        },
      });
    });
  };
  if (isObject(statement.Principal)) for (const k of Object.keys(statement.Principal)) visit(`Principal.${k}`, (s) => s.Principal[k], (s, v) => (s.Principal[k] = v));
  visit("Resource", (s) => s.Resource, (s, v) => (s.Resource = v));
  for (const op of Object.keys(statement.Condition ?? {})) {
    for (const key of Object.keys(statement.Condition[op])) visit(`Condition.${op}.${key}`, (s) => s.Condition[op][key], (s, v) => (s.Condition[op][key] = v));
  }
  return slots;
}

/** Top-level attributes that name who may act or whose resource is used. */
const PRINCIPAL_ATTRIBUTES: readonly string[] = ["source_account", "source_arn", "principal", "principal_org_id", "peer_owner_id", "grantee_principal", "layers", "endpoint", "target_account_id", "kms_key_id", "kms_key_arn", "destination_arn"];

const foreignAccount: MutationOperator = {
  name: "foreign-account",
  summary: `a foreign account (${FOREIGN_ACCOUNT}) injected into a principal or ARN (policy principals, resources and conditions; permissions, layers, grants, keys)`,
  candidates(r, doc) {
    const found: Candidate[] = [];
    for (const attr of policyAttributes(r)) {
      const kind = isBoundary(r, doc) ? "boundary" : attr.kind;
      const { parent, key } = at(r.body, attr.path);
      const policy = parsePolicy(parent[key]);
      if (!policy) continue;
      statementsOf(policy).forEach((statement, index) => {
        for (const slot of accountSlots(statement)) {
          found.push({
            // Sampled per policy kind, effect and slot kind (Principal, Resource, Condition):
            // the allowlist judges every ARN alike, so one statement per kind proves it.
            key: `${kind} ${statement.Effect} ${slot.where.split(".")[0]}`,
            detail: `${pathText(attr.path)} ${statement.Effect} ${slot.where.split(".")[0]}`,
            description: `${pathText(attr.path)} statement ${statement.Sid ?? `#${index}`}: ${slot.where} -> account ${FOREIGN_ACCOUNT}`,
            edit: policyEdit(attr.path, (p) => slot.set(statementsOf(p)[index], undefined)),
          });
        }
      });
    }
    walk(r.body, (path, value) => {
      const name = path[path.length - 1];
      const attribute = typeof name === "number" ? path[path.length - 2] : name;
      if (typeof attribute !== "string" || !PRINCIPAL_ATTRIBUTES.includes(attribute) || typeof value !== "string") return;
      const foreign = /^\d{12}$/.test(value) ? FOREIGN_ACCOUNT : value.replace(ACCOUNT_IN_ARN, `$1${FOREIGN_ACCOUNT}$3`);
      if (foreign === value) return;
      found.push({ key: pathKey(path), detail: pathText(path), description: `${pathText(path)}: ${show(value)} -> ${show(foreign)}`, edit: (body) => setAt(body, path, foreign) });
    });
    return found;
  },
};

const wildcardConditionValue = policyOperator(
  "wildcard-condition",
  'every value of an Allow statement\'s conditions set to "*" (always true under a *Like operator; a bare wildcard elsewhere)',
  (kind) => kind !== "boundary",
  (s) => isAllow(s) && Object.keys(s.Condition ?? {}).length > 0,
  (s) => {
    const next: Record<string, any> = {};
    for (const [op, entries] of Object.entries<any>(s.Condition)) {
      const likeOp = op.replace(/^(ForAnyValue:|ForAllValues:)?String(Equals|NotEquals)(IgnoreCase)?$/, "$1StringLike").replace(/^Arn(Equals|NotEquals)$/, "ArnLike");
      next[likeOp] = Object.fromEntries(Object.keys(entries).map((k) => [k, "*"]));
    }
    s.Condition = next;
  },
  () => 'condition values -> "*" (operators -> *Like)',
);

const allowFirst: MutationOperator = {
  name: "allow-first",
  summary: "an allow-first rule or statement inserted: an IAM Allow * on * statement, a WAF rule at priority 0 that allows every request, a DNS Firewall ALLOW-everything rule before the BLOCK rules",
  candidates(r, doc) {
    const found: Candidate[] = [];
    for (const attr of policyAttributes(r)) {
      if ((isBoundary(r, doc) ? "boundary" : attr.kind) !== "identity") continue;
      found.push({
        key: pathKey(attr.path),
        detail: `${pathText(attr.path)} Statement 0`,
        description: `${pathText(attr.path)}: {"Effect": "Allow", "Action": "*", "Resource": "*"} inserted first`,
        edit: policyEdit(attr.path, (p) => (p.Statement = [{ Sid: "MutationAllowAll", Effect: "Allow", Action: "*", Resource: "*" }, ...statementsOf(p)])),
      });
    }
    if (r.type === "aws_wafv2_web_acl") {
      found.push({
        key: "rule",
        detail: "rule priority 0 allow",
        description: "a rule at priority 0 that allows every request (URI path of size >= 0) inserted before the managed rules",
        edit: (body) => {
          const rules = Array.isArray(body.rule) ? body.rule : body.rule ? [body.rule] : [];
          for (const rule of rules) rule.priority = Number(rule.priority) + 1;
          body.rule = [{
            name: "mutation-allow-all",
            priority: 0,
            action: { allow: {} },
            statement: { size_constraint_statement: { comparison_operator: "GE", size: 0, field_to_match: { uri_path: {} }, text_transformation: [{ priority: 0, type: "NONE" }] } },
            visibility_config: { cloudwatch_metrics_enabled: true, metric_name: "mutation-allow-all", sampled_requests_enabled: true },
          }, ...rules];
        },
      });
    }
    if (r.type === "aws_route53_resolver_firewall_rule_group") {
      found.push({
        key: "rule",
        detail: "ALLOW * first",
        description: "a DNS Firewall rule ALLOWing every domain inserted before the BLOCK rules",
        edit: (_body, d) => {
          const group = `\${aws_route53_resolver_firewall_rule_group.${r.name}.id}`;
          const priorities = Object.values<any>(d.resource.aws_route53_resolver_firewall_rule ?? {}).filter((x) => x.firewall_rule_group_id === group).map((x) => Number(x.priority));
          d.resource.aws_route53_resolver_firewall_domain_list ??= {};
          d.resource.aws_route53_resolver_firewall_domain_list.mutation_everything = { name: "mutation-everything", domains: ["*"] };
          d.resource.aws_route53_resolver_firewall_rule ??= {};
          d.resource.aws_route53_resolver_firewall_rule.mutation_allow_first = {
            name: "mutation-allow-everything",
            action: "ALLOW",
            firewall_domain_list_id: "${aws_route53_resolver_firewall_domain_list.mutation_everything.id}",
            firewall_rule_group_id: group,
            priority: Math.max(1, Math.min(...priorities, 100) - 1),
          };
        },
      });
    }
    return found;
  },
};

/** Broad AWS-managed policies nobody on this platform should carry. */
export const BROAD_MANAGED_POLICIES: readonly string[] = [
  "AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AmazonS3FullAccess", "AWSKeyManagementServicePowerUser",
  "SecretsManagerReadWrite", "AmazonRDSFullAccess", "AWSLambda_FullAccess", "AmazonEC2FullAccess", "ReadOnlyAccess",
];

const attachManagedPolicy: MutationOperator = {
  name: "managed-policy",
  summary: "a broad AWS-managed policy attached to a role (AdministratorAccess, PowerUserAccess, IAMFullAccess, AmazonS3FullAccess, ...)",
  candidates(r) {
    if (r.type !== "aws_iam_role") return [];
    return BROAD_MANAGED_POLICIES.map((policy) => ({
      key: policy,
      acrossTypes: true,
      acrossStacks: true,
      detail: policy,
      description: `arn:aws:iam::aws:policy/${policy} attached (aws_iam_role_policy_attachment)`,
      edit: (_body: any, d: any) => {
        d.resource.aws_iam_role_policy_attachment ??= {};
        d.resource.aws_iam_role_policy_attachment[`mutation_${policy}`] = { role: `\${aws_iam_role.${r.name}.name}`, policy_arn: `arn:aws:iam::aws:policy/${policy}` };
      },
    }));
  },
};

/** Resources whose mere presence widens who can act: each is added once per stack. */
export const RISKY_RESOURCES: Readonly<Record<string, (r: ResourceRef) => any>> = {
  aws_iam_user: () => ({ name: "mutation-user" }),
  aws_iam_access_key: () => ({ user: "mutation-user" }),
  aws_kms_grant: (r) => ({ name: "mutation-grant", key_id: `\${aws_kms_key.${r.name}.key_id}`, grantee_principal: `arn:aws:iam::${FOREIGN_ACCOUNT}:root`, operations: ["Decrypt", "GenerateDataKey"] }),
  aws_vpc_peering_connection: (r) => ({ vpc_id: `\${aws_vpc.${r.name}.id}`, peer_vpc_id: "vpc-0mutation", peer_owner_id: FOREIGN_ACCOUNT }),
  aws_lambda_layer_version_permission: () => ({ layer_name: "mutation-layer", version_number: 1, statement_id: "mutation", action: "lambda:GetLayerVersion", principal: "*" }),
  aws_lambda_permission: (r) => ({ function_name: `\${aws_lambda_function.${r.name}.function_name}`, action: "lambda:InvokeFunction", principal: FOREIGN_ACCOUNT, statement_id: "mutation-foreign" }),
};

/** Which existing resource a risky resource attaches to (none: added to any stack once). */
const RISKY_ANCHOR: Readonly<Record<string, string | undefined>> = {
  aws_kms_grant: "aws_kms_key",
  aws_vpc_peering_connection: "aws_vpc",
  aws_lambda_permission: "aws_lambda_function",
  aws_lambda_layer_version_permission: "aws_lambda_function",
  aws_iam_user: "aws_iam_role",
  aws_iam_access_key: "aws_iam_role",
};

const riskyResource: MutationOperator = {
  name: "risky-resource",
  summary: "a new resource of a risky type: IAM user, access key, KMS grant to a foreign account, VPC peering, public layer permission, invoke permission for a foreign account; a foreign layer on a function",
  candidates(r) {
    const found: Candidate[] = Object.entries(RISKY_ANCHOR)
      .filter(([, anchor]) => anchor === r.type)
      .map(([type]) => ({
        key: type,
        acrossTypes: true,
        detail: type,
        description: `${type} added`,
        edit: (_body: any, d: any) => {
          d.resource[type] ??= {};
          d.resource[type].mutation = RISKY_RESOURCES[type](r);
        },
      }));
    if (r.type === "aws_lambda_function") {
      found.push({ key: "layers", detail: "foreign layer", description: `layer arn:aws:lambda:eu-west-2:${FOREIGN_ACCOUNT}:layer:x:1 added`, edit: (body) => (body.layers = [...(body.layers ?? []), `arn:aws:lambda:eu-west-2:${FOREIGN_ACCOUNT}:layer:mutation:1`]) });
    }
    return found;
  },
};

/** Attribute names that switch something on (set to off by switch-off). */
const SWITCH = /^(enabled?|is_enabled|actions_enabled|log_enabled|enable_logging)$|_enabled$/;
const ON_STATES: Readonly<Record<string, string>> = { ENABLED: "DISABLED", Enabled: "Disabled", ACTIVE: "INACTIVE" };

const switchOff: MutationOperator = {
  name: "switch-off",
  summary: "every enabled/enable/*_enabled/actions_enabled switched off and every state/status ENABLED/ACTIVE set to DISABLED/INACTIVE",
  candidates(r) {
    const found: Candidate[] = [];
    walk(r.body, (path, value) => {
      const name = path[path.length - 1];
      if (typeof name !== "string") return;
      let off: unknown;
      if (SWITCH.test(name) && isTrue(value)) off = false;
      else if ((name === "state" || name === "status") && typeof value === "string" && ON_STATES[value]) off = ON_STATES[value];
      if (off === undefined) return;
      found.push({ key: pathKey(path), detail: pathText(path), description: `${pathText(path)}: ${show(value)} -> ${show(off)}`, edit: (body) => setAt(body, path, off) });
    });
    return found;
  },
};

const removeDelivery: MutationOperator = {
  name: "remove-delivery",
  summary: "a subscription, event target or every alarm action removed (the signal reaches nobody)",
  candidates(r) {
    if (r.type === "aws_sns_topic_subscription" || r.type === "aws_cloudwatch_event_target") {
      return [{ key: "resource", detail: "deleted", description: "resource deleted", edit: (_body, d) => delete d.resource[r.type][r.name] }];
    }
    if (r.type === "aws_cloudwatch_metric_alarm" && Array.isArray(r.body.alarm_actions) && r.body.alarm_actions.length > 0) {
      return [{ key: "actions", detail: "actions removed", description: "alarm_actions, ok_actions and insufficient_data_actions removed", edit: (body) => { for (const k of ["alarm_actions", "ok_actions", "insufficient_data_actions"]) delete body[k]; } }];
    }
    return [];
  },
};

// ---------------------------------------------------------------------------
// Equivalent mutants and open gaps of the value-level operators

/** A class of generated mutations, by operator, resource type and description. */
export interface MutationNote {
  readonly operator: string;
  /** Resource type (exact), or every type when absent. */
  readonly type?: string;
  /** Matched against the mutation's description. */
  readonly match: RegExp;
  readonly reason: string;
}

export const noteMatches = (note: MutationNote, operator: string, type: string, description: string) =>
  note.operator === operator && (note.type === undefined || note.type === type) && note.match.test(description);

/**
 * Mutations that weaken no control (equivalent mutants): not generated, counted in the report,
 * each with the reason it is not a weakening.
 */
export const EQUIVALENT_MUTANTS: readonly MutationNote[] = [
  { operator: "enum-value", type: "aws_cloudwatch_metric_alarm", match: /^treat_missing_data: "notBreaching" -> "missing"$/, reason: "with no data the alarm goes to INSUFFICIENT_DATA, which sends nothing; the next event still moves it to ALARM and notifies (DET-007 refuses breaching and ignore, which hold it in ALARM)" },
  { operator: "enum-value", type: "aws_cloudwatch_metric_alarm", match: /^statistic: "(Sum|Maximum)" -> "(Sum|Maximum)"$/, reason: "on a count (filter matches of 1, errors, visible messages) Sum > 0 and Maximum > 0 (or >= 1) fire on the same first event" },
  { operator: "enum-value", type: "aws_s3_bucket_server_side_encryption_configuration", match: /sse_algorithm: "aws:kms" -> "aws:kms:dsse"/, reason: "dual-layer SSE-KMS under the same customer-managed key is stronger, not weaker" },
  { operator: "enum-value", type: "aws_cognito_user_pool", match: /mfa_configuration: "OPTIONAL" -> "ON"/, reason: "MFA required for patients is stricter than optional" },
  { operator: "enum-value", type: "aws_launch_template", match: /http_endpoint: "enabled" -> "disabled"/, reason: "an instance without the metadata service has no role credentials at all: less access, not more" },
  { operator: "enum-value", type: "aws_route53_resolver_firewall_rule", match: /block_response: "NODATA" -> "(NXDOMAIN|OVERRIDE)"/, reason: "the query is still blocked; NXDOMAIN only changes the answer, and OVERRIDE needs block_override_* fields the rule would have to name (the provider rejects it without them)" },
  { operator: "switch-off", type: "aws_wafv2_web_acl", match: /visibility_config\.(cloudwatch_metrics_enabled|sampled_requests_enabled)/, reason: "WAF metrics and samples feed no alarm; the WAF log keeps every request (DET-006) and blocking is unchanged" },
  { operator: "switch-off", type: "aws_api_gateway_method_settings", match: /metrics_enabled/, reason: "API Gateway stage metrics feed no alarm; access logs (API-002) keep every request and the functions' error alarms stay" },
  { operator: "switch-off", type: "aws_s3_bucket_replication_configuration", match: /metrics\.status/, reason: "replication metrics feed no alarm; replication itself (S3-005) is unchanged" },
  { operator: "switch-off", type: "aws_s3_bucket_server_side_encryption_configuration", match: /bucket_key_enabled/, reason: "an S3 Bucket Key only reduces KMS calls (cost); objects stay under the same customer-managed key" },
  { operator: "switch-off", type: "aws_lb_target_group", match: /health_check\.enabled/, reason: "availability, not a control; the provider refuses disabled health checks for instance targets" },
  { operator: "switch-off", type: "aws_cloudfront_distribution", match: /^enabled:/, reason: "a disabled distribution serves nothing: availability, not exposure" },
  { operator: "switch-off", type: "aws_sesv2_configuration_set", match: /sending_enabled/, reason: "stops sending e-mail: availability of the campaign, no data leaves" },
  { operator: "switch-off", type: "aws_rolesanywhere_profile", match: /^enabled:/, reason: "the on-premises puller can no longer get credentials: less access" },
  { operator: "switch-off", type: "aws_rolesanywhere_trust_anchor", match: /^enabled:/, reason: "no certificate is trusted any more: less access" },
  { operator: "switch-off", type: "aws_scheduler_schedule", match: /^state:/, reason: "a stopped reminder, report or export job is a missing feature, not an exposure; nothing is sent or exported" },
];

/** A miss reported to the owner of the rules that should catch it; expected until it expires. */
export interface KnownGap extends MutationNote {
  readonly owner: string;
  /** YYYY-MM-DD: from the day after, the miss fails the run again. */
  readonly expires: string;
}

/**
 * Misses reported to the owner of the rules that should catch them, with the mutation ids and
 * an expiry (YYYY-MM-DD, at most two weeks out). Each stays expected only until it expires; a
 * gap whose mutations are all caught fails the run as closed (remove it). None open today.
 */
export const KNOWN_GAPS: readonly KnownGap[] = [
];

/** The value-level operators; the bound operator reads policies/data/bounds.json when it exists. */
export function valueOperators(bounds: readonly Bound[]): MutationOperator[] {
  return [boundEdgeOperator(bounds), enumValue, foreignAccount, wildcardConditionValue, riskyResource, allowFirst, attachManagedPolicy, switchOff, removeDelivery, widenActionVerb, principalToAccountRoot];
}

/**
 * Operators that look for classes of weakening no rule was written for yet; run with
 * `policy:mutations -- --explore`, which reports what they find without gating. An operator
 * moves into the gate once its misses are fixed or listed as equivalent.
 */
export const EXPLORATORY_OPERATORS: readonly MutationOperator[] = [swapReference];

export const OPERATORS: readonly MutationOperator[] = [
  weakenAttribute,
  dropKmsKey,
  openIngress,
  wildcardAction,
  wildcardResource,
  wildcardPrincipal,
  lambdaPermissionPublic,
  dropMfaCondition,
  dropCondition,
  dropDeny,
  dropBlock,
  deleteResource,
  dropTag,
];

export const OPERATOR_SUMMARIES: Readonly<Record<string, string>> = Object.fromEntries([...OPERATORS, ...valueOperators([]), rewireOwned([]), ...EXPLORATORY_OPERATORS].filter((o) => o.summary).map((o) => [o.name, o.summary]));

/** Every operator: the attribute and document operators, the value-level ones over the bounds, and the owned-reference swaps. */
export function allOperators(bounds: readonly Bound[] = loadBounds(), owned: readonly OwnedReference[] = loadOwnedReferences()): MutationOperator[] {
  return [...OPERATORS, ...valueOperators(bounds), rewireOwned(owned)];
}

export interface GenerateOptions {
  /** Operators to use (default all). */
  readonly operators?: readonly MutationOperator[];
  /** Mutate every matching resource instead of the first per (stack, operator, type, attribute). */
  readonly exhaustive?: boolean;
  /**
   * Sample each kind of mutation once per stack component (`network`, `data`, ...) across
   * environments instead of once per stack: a weakening that dev and prod share is tried in
   * the first environment only; one that only prod has (multi-AZ) in prod. Default true.
   */
  readonly acrossEnvironments?: boolean;
  /** Told of each equivalent mutant (EQUIVALENT_MUTANTS), which is not generated. */
  readonly onEquivalent?: (skipped: SkippedEquivalent) => void;
}

export interface SkippedEquivalent {
  readonly stack: string;
  readonly operator: string;
  readonly address: string;
  readonly description: string;
  readonly reason: string;
}

/** `prod-network` -> `network`: the component a stack instantiates in each environment. */
export const componentOf = (stack: string) => stack.replace(/^[^-]+-/, "");

/** Every generated mutation of the stacks (stack name -> parsed cdk.tf.json), in a stable order. */
export function generateMutations(stacks: Readonly<Record<string, any>>, options: GenerateOptions = {}): GeneratedMutation[] {
  const operators = options.operators ?? allOperators();
  const out: GeneratedMutation[] = [];
  const seenBy = new Map<string, Set<string>>();
  const seenEverywhere = new Set<string>();
  for (const stack of Object.keys(stacks).sort()) {
    const doc = stacks[stack];
    const scope = options.acrossEnvironments === false ? stack : componentOf(stack);
    const seen = seenBy.get(scope) ?? new Set<string>();
    seenBy.set(scope, seen);
    for (const type of Object.keys(doc.resource ?? {}).sort()) {
      for (const name of Object.keys(doc.resource[type]).sort()) {
        const r: ResourceRef = { stack, type, name, body: doc.resource[type][name] };
        for (const operator of operators) {
          for (const c of operator.candidates(r, doc)) {
            const sample = `${operator.name} ${c.acrossTypes ? "*" : type} ${c.key} ${c.detail.replace(/\[\d+\]/g, "")}`;
            const sampled = c.acrossStacks ? seenEverywhere : seen;
            if (!options.exhaustive && sampled.has(sample)) continue;
            sampled.add(sample);
            const equivalent = EQUIVALENT_MUTANTS.find((e) => noteMatches(e, operator.name, type, c.description));
            if (equivalent) {
              options.onEquivalent?.({ stack, operator: operator.name, address: `${type}.${name}`, description: c.description, reason: equivalent.reason });
              continue;
            }
            out.push({
              id: `${stack} ${operator.name} ${type}.${name} ${c.detail}`,
              stack,
              operator: operator.name,
              address: `${type}.${name}`,
              path: r.body?.["//"]?.metadata?.path ?? `${stack}/${type}.${name}`,
              description: c.description,
              apply: (target) => {
                const body = target.resource?.[type]?.[name];
                if (body === undefined) throw new Error(`mutation target ${type}.${name} is not in ${stack}`);
                c.edit(body, target);
              },
            });
          }
        }
      }
    }
  }
  return out;
}

/** A copy of the stack with the mutation applied; throws when it changes nothing (a no-op is a generator bug). */
export function applyMutation(original: any, mutation: GeneratedMutation): any {
  const doc = structuredClone(original);
  mutation.apply(doc);
  if (JSON.stringify(doc) === JSON.stringify(original)) throw new Error(`mutation "${mutation.id}" changes nothing`);
  return doc;
}
