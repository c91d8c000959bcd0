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
  readonly detail: string;
  readonly description: string;
  edit(body: any, doc: any): void;
}

type Path = readonly (string | number)[];

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

export const OPERATOR_SUMMARIES: Readonly<Record<string, string>> = Object.fromEntries(OPERATORS.filter((o) => o.summary).map((o) => [o.name, o.summary]));

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
}

/** `prod-network` -> `network`: the component a stack instantiates in each environment. */
export const componentOf = (stack: string) => stack.replace(/^[^-]+-/, "");

/** Every generated mutation of the stacks (stack name -> parsed cdk.tf.json), in a stable order. */
export function generateMutations(stacks: Readonly<Record<string, any>>, options: GenerateOptions = {}): GeneratedMutation[] {
  const operators = options.operators ?? OPERATORS;
  const out: GeneratedMutation[] = [];
  const seenBy = new Map<string, Set<string>>();
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
            if (!options.exhaustive && seen.has(sample)) continue;
            seen.add(sample);
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
