/**
 * The pure half of `npm run validate`: what is written next to a copy of each synthesized
 * stack so OpenTofu can init, validate and plan it offline, and the conversion of its plan
 * back into the cdk.tf.json shape the Rego rules read. No process is started here.
 */
import { createHash } from "crypto";
import { existsSync, readdirSync } from "fs";
import { join } from "path";

/** A synthesized stack's Terraform JSON (only the parts read here are typed). */
export interface TerraformJson {
  "//"?: unknown;
  terraform?: { backend?: Record<string, unknown>; required_providers?: Record<string, { source?: string; version?: string }> };
  provider?: Record<string, ProviderBlock[] | ProviderBlock>;
  data?: Record<string, Record<string, any>>;
  resource?: Record<string, Record<string, any>>;
  output?: Record<string, { value: unknown; sensitive?: boolean }>;
  [section: string]: unknown;
}

interface ProviderBlock {
  alias?: string;
  region?: string;
  allowed_account_ids?: string[] | null;
  [argument: string]: unknown;
}

export interface StackInput {
  /** Folder name under cdktf.out/stacks, e.g. `prod-network`. */
  readonly name: string;
  readonly dir: string;
  readonly config: TerraformJson;
}

/** A synthesized stack the run cannot use; exit code 2. */
export class StackInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackInputError";
  }
}

/** Every folder under `stacksDir` holding a cdk.tf.json, sorted: no stack list is kept anywhere. */
export function discoverStackDirs(stacksDir: string): string[] {
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(stacksDir, entry.name, "cdk.tf.json")))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Keeps the stacks named by the filters: `envs` match the part before the first dash
 * (`prod` -> `prod-*`), `stacks` whole names. An unmatched filter value is an input error.
 */
export function filterStacks(names: readonly string[], envs: readonly string[], stacks: readonly string[]): string[] {
  const envOf = (name: string) => name.split("-")[0];
  for (const env of envs) {
    if (!names.some((n) => envOf(n) === env)) {
      throw new StackInputError(`--env ${env}: no synthesized stack of that environment; have ${[...new Set(names.map(envOf))].join(", ")}`);
    }
  }
  for (const stack of stacks) {
    if (!names.includes(stack)) throw new StackInputError(`--stack ${stack}: no such synthesized stack; have ${names.join(", ")}`);
  }
  return names.filter((n) => (envs.length === 0 || envs.includes(envOf(n))) && (stacks.length === 0 || stacks.includes(n)));
}

/** The stack a local-backend remote state reads: cdktf writes `terraform.<stack>.tfstate`. */
export function remoteStateProducers(config: TerraformJson): Map<string, string> {
  const producers = new Map<string, string>();
  for (const [dataName, block] of Object.entries(config.data?.terraform_remote_state ?? {})) {
    if (block.backend !== "local") {
      throw new StackInputError(`data.terraform_remote_state.${dataName}: backend ${JSON.stringify(block.backend)}; validate stubs only local-backend cross-stack state (synthesize with the default local state)`);
    }
    const match = /(?:^|\/)terraform\.(.+)\.tfstate$/.exec(String(block.config?.path ?? ""));
    if (!match) throw new StackInputError(`data.terraform_remote_state.${dataName}: path ${JSON.stringify(block.config?.path)} does not name a stack's state (terraform.<stack>.tfstate)`);
    producers.set(dataName, match[1]);
  }
  return producers;
}

function providerBlocks(config: TerraformJson, name = "aws"): ProviderBlock[] {
  const blocks = config.provider?.[name];
  if (!blocks) return [];
  return Array.isArray(blocks) ? blocks : [blocks];
}

/** Provider settings that let the AWS provider plan with no network and no credentials. */
export const OFFLINE_PROVIDER_SETTINGS = {
  access_key: "AKIAOFFLINEVALIDATE0",
  secret_key: "offline-validate-not-a-secret",
  skip_credentials_validation: true,
  skip_metadata_api_check: true,
  skip_requesting_account_id: true,
  skip_region_validation: true,
  // The account guard needs the caller's account id, which is an STS call; offline there is none.
  allowed_account_ids: null,
} as const;

/**
 * The stack's configuration as the offline copy plans it: without what needs a real account.
 * A provider's `assume_role` (the organization-detection stack signs in to the security
 * account) would call STS, and `import` blocks (the organization's existing accounts) read
 * them from Organizations; offline, every provider uses the dummy credentials and imported
 * resources plan as new ones, so their arguments are still checked by the provider.
 */
export function offlineConfig(config: TerraformJson): TerraformJson {
  const { import: _imports, ...rest } = config as TerraformJson & { import?: unknown };
  const aws = config.provider?.aws;
  if (!aws) return rest;
  const withoutRole = (block: ProviderBlock) => Object.fromEntries(Object.entries(block).filter(([key]) => key !== "assume_role")) as ProviderBlock;
  return { ...rest, provider: { ...config.provider, aws: Array.isArray(aws) ? aws.map(withoutRole) : withoutRole(aws) } };
}

/**
 * The `*_override.tf.json` for a stack's copy: every aws provider block (aliases too) in
 * offline mode, the AWS provider version the mirror holds, state inside the copy, and each
 * cross-stack remote state read from its stub.
 */
export function offlineOverride(config: TerraformJson, providerVersion: string, stubStatePath: (producer: string) => string, sfnEndpoint?: string): TerraformJson {
  // The provider's one plan-time API call (ValidateStateMachineDefinition) goes to the local checker.
  const endpoints = sfnEndpoint ? { endpoints: [{ sfn: sfnEndpoint }] } : {};
  const aws = providerBlocks(config).map((block) => ({ ...(block.alias ? { alias: block.alias } : {}), ...OFFLINE_PROVIDER_SETTINGS, ...endpoints }));
  if (aws.length === 0) throw new StackInputError("no aws provider block; nothing to plan with");
  const requirement = config.terraform?.required_providers?.aws;
  if (!requirement) throw new StackInputError("terraform.required_providers has no aws entry");
  const override: TerraformJson = {
    terraform: {
      backend: { local: { path: "terraform.tfstate" } },
      required_providers: { aws: { source: requirement.source ?? "hashicorp/aws", version: providerVersion } },
    },
    provider: { aws },
  };
  const producers = remoteStateProducers(config);
  if (producers.size > 0) {
    override.data = {
      terraform_remote_state: Object.fromEntries([...producers].map(([dataName, producer]) => [dataName, { config: { path: stubStatePath(producer) } }])),
    };
  }
  return override;
}

/** A 0..f string of `length` derived from `seed`, so placeholders are stable across runs. */
function hexOf(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function uuidOf(seed: string): string {
  const h = hexOf(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** ARN shape per resource type: service, whether regional, and the resource part. */
const ARN_FORMATS: Record<string, { service: string; regional: boolean; resource: (name: string, seed: string) => string }> = {
  aws_kms_key: { service: "kms", regional: true, resource: (_, seed) => `key/${uuidOf(seed)}` },
  aws_kms_alias: { service: "kms", regional: true, resource: (name) => name },
  aws_iam_policy: { service: "iam", regional: false, resource: (name) => `policy/${name}` },
  aws_iam_role: { service: "iam", regional: false, resource: (name) => `role/${name}` },
  aws_s3_bucket: { service: "s3", regional: false, resource: (name) => name },
  aws_sns_topic: { service: "sns", regional: true, resource: (name) => name },
  aws_sqs_queue: { service: "sqs", regional: true, resource: (name) => name },
  aws_lambda_function: { service: "lambda", regional: true, resource: (name) => `function:${name}` },
  aws_cloudwatch_log_group: { service: "logs", regional: true, resource: (name) => `log-group:${name}` },
  aws_secretsmanager_secret: { service: "secretsmanager", regional: true, resource: (name, seed) => `secret:${name}-${hexOf(seed, 6)}` },
  aws_sfn_state_machine: { service: "states", regional: true, resource: (name) => `stateMachine:${name}` },
  aws_dynamodb_table: { service: "dynamodb", regional: true, resource: (name) => `table/${name}` },
  aws_db_proxy: { service: "rds", regional: true, resource: (_, seed) => `db-proxy:prx-${hexOf(seed, 17)}` },
  aws_rds_cluster: { service: "rds", regional: true, resource: (name) => `cluster:${name}` },
  aws_lb: { service: "elasticloadbalancing", regional: true, resource: (name, seed) => `loadbalancer/app/${name}/${hexOf(seed, 16)}` },
  aws_wafv2_web_acl: { service: "wafv2", regional: true, resource: (name, seed) => `regional/webacl/${name}/${uuidOf(seed)}` },
  aws_cognito_user_pool: { service: "cognito-idp", regional: true, resource: (_, seed) => `userpool/eu-west-2_${hexOf(seed, 9)}` },
  aws_apigatewayv2_api: { service: "apigateway", regional: true, resource: (_, seed) => `/apis/${hexOf(seed, 10)}` },
  aws_cloudfront_distribution: { service: "cloudfront", regional: false, resource: (_, seed) => `distribution/E${hexOf(seed, 13).toUpperCase()}` },
  aws_acm_certificate_validation: { service: "acm", regional: true, resource: (_, seed) => `certificate/${uuidOf(seed)}` },
};

/** `id` shape per resource type where AWS assigns it (EC2-style prefixes). */
const ID_PREFIXES: Record<string, string> = {
  aws_vpc: "vpc-", aws_subnet: "subnet-", aws_security_group: "sg-", aws_vpc_endpoint: "vpce-",
  aws_route_table: "rtb-", aws_internet_gateway: "igw-", aws_nat_gateway: "nat-", aws_network_acl: "acl-",
  aws_vpn_gateway: "vgw-", aws_customer_gateway: "cgw-", aws_ec2_transit_gateway: "tgw-", aws_launch_template: "lt-",
  aws_route53_zone: "Z", aws_route53_resolver_firewall_rule_group: "rslvr-frg-", aws_cloudfront_distribution: "E",
};

/** Where a stub value came from: a literal of the producer's config, or a placeholder of the right shape. */
export interface StubOutput {
  readonly value: string;
  readonly from: "config" | "placeholder";
  readonly reference: string;
}

/**
 * A value of the right format for `${<type>.<name>.<attribute>}` in the producer stack:
 * the literal the producer's config sets where it sets one (bucket names), else a
 * placeholder shaped like what AWS returns (ARNs with the provider's region and account,
 * EC2-style ids), stable across runs. Throws for an attribute it has no shape for, so a new
 * kind of cross-stack value is noticed and added here rather than planned with nonsense.
 */
export function placeholderFor(producer: TerraformJson, reference: string): StubOutput {
  // A local that takes one part of an ARN (the RDS Proxy's resource id, prx-...): the same part of the ARN's placeholder.
  const local = /^\$\{local\.([^.}]+)\}$/.exec(reference);
  if (local) {
    const expression = String((producer as { locals?: Record<string, unknown> }).locals?.[local[1]] ?? "");
    const part = /^\$\{element\(split\(":", ([a-z0-9_]+\.[^.,)]+\.arn)\), (\d+)\)\}$/.exec(expression);
    if (!part) throw new StackInputError(`cross-stack output ${reference}: the local is ${JSON.stringify(expression)}; validate stubs only element(split(":", <resource>.arn), N)`);
    const arn = placeholderFor(producer, `\${${part[1]}}`);
    return { value: arn.value.split(":")[Number(part[2])], from: "placeholder", reference };
  }
  const match = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z0-9_]+)\}$/.exec(reference);
  if (!match) throw new StackInputError(`cross-stack output ${reference} is not a plain resource attribute reference`);
  const [, type, name, attribute] = match;
  const resource = producer.resource?.[type]?.[name];
  if (!resource) throw new StackInputError(`cross-stack output ${reference}: no such resource in the producer stack`);
  const literal = resource[attribute];
  if (typeof literal === "string" && !literal.includes("${")) return { value: literal, from: "config", reference };

  const blocks = providerBlocks(producer);
  const alias = typeof resource.provider === "string" ? resource.provider.replace(/^aws\./, "") : undefined;
  const provider = blocks.find((b) => (alias ? b.alias === alias : !b.alias)) ?? blocks[0] ?? {};
  const region = typeof resource.region === "string" && !resource.region.includes("${") ? resource.region : provider.region ?? "eu-west-2";
  const account = provider.allowed_account_ids?.[0] ?? "000000000000";
  const seed = `${type}.${name}`;
  const literalName = ["name", "bucket", "function_name", "name_prefix", "cluster_identifier"].map((k) => resource[k]).find((v) => typeof v === "string" && !v.includes("${"));
  const readableName: string = literalName ?? `${name.toLowerCase().replace(/_/g, "-").slice(0, 40)}`;

  const placeholder = (value: string): StubOutput => ({ value, from: "placeholder", reference });
  if (attribute === "arn") {
    const format = ARN_FORMATS[type];
    if (!format) throw new StackInputError(`cross-stack output ${reference}: no ARN format for ${type}; add it to ARN_FORMATS in scripts/platform/lib/validate-stacks.ts`);
    return placeholder(`arn:aws:${format.service}:${format.regional ? region : ""}:${type === "aws_s3_bucket" ? "" : account}:${format.resource(readableName, seed)}`);
  }
  if (attribute === "id") {
    const prefix = ID_PREFIXES[type];
    // Route 53 zone ids are Z and upper-case letters and digits; EC2 ids a prefix and 17 hex digits.
    if (prefix === "Z") return placeholder(`Z${hexOf(seed, 20).toUpperCase()}`);
    // CloudFront distribution ids are E and 13 upper-case letters and digits.
    if (prefix === "E") return placeholder(`E${hexOf(seed, 13).toUpperCase()}`);
    if (prefix) return placeholder(`${prefix}${hexOf(seed, 17)}`);
    if (type === "aws_kms_key") return placeholder(uuidOf(seed));
    if (literalName) return placeholder(literalName);
    throw new StackInputError(`cross-stack output ${reference}: no id format for ${type}; add it to ID_PREFIXES in scripts/platform/lib/validate-stacks.ts`);
  }
  if (["bucket", "name", "function_name"].includes(attribute)) return placeholder(readableName);
  if (attribute === "zone_id" && ID_PREFIXES[type] === "Z") return placeholder(`Z${hexOf(seed, 20).toUpperCase()}`);
  if (attribute === "certificate_arn" && type === "aws_acm_certificate_validation") return placeholder(`arn:aws:acm:${region}:${account}:certificate/${uuidOf(seed)}`);
  if (attribute === "prefix_list_id" && type === "aws_vpc_endpoint") return placeholder(`pl-${hexOf(seed, 8)}`);
  if (attribute === "endpoint" && type === "aws_db_proxy") return placeholder(`${readableName}.proxy-${hexOf(seed, 12)}.${region}.rds.amazonaws.com`);
  if (attribute === "endpoint" && type === "aws_rds_cluster") return placeholder(`${readableName}.cluster-${hexOf(seed, 12)}.${region}.rds.amazonaws.com`);
  if (attribute === "url" && type === "aws_sqs_queue") return placeholder(`https://sqs.${region}.amazonaws.com/${account}/${readableName}`);
  throw new StackInputError(`cross-stack output ${reference}: no placeholder format for attribute ${attribute}; add one in scripts/platform/lib/validate-stacks.ts`);
}

/** A state file (format 4) holding only the producer's outputs, for `terraform_remote_state` to read. */
export function stubState(producer: TerraformJson, tofuVersion: string): { state: object; outputs: Record<string, StubOutput> } {
  const outputs: Record<string, StubOutput> = {};
  for (const [name, output] of Object.entries(producer.output ?? {})) {
    if (typeof output.value !== "string") throw new StackInputError(`output ${name}: value is not a single reference; validate cannot stub it`);
    outputs[name] = placeholderFor(producer, output.value);
  }
  return {
    outputs,
    state: {
      version: 4,
      terraform_version: tofuVersion.replace(/^v/, ""),
      serial: 1,
      lineage: "medicare-validate-stub",
      outputs: Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, { value: o.value, type: "string", sensitive: producer.output?.[name]?.sensitive === true }])),
      resources: [],
      check_results: null,
    },
  };
}

/** The parts of `tofu show -json <plan>` read here. */
export interface PlanJson {
  planned_values?: { root_module?: PlanModule };
  resource_changes?: { address: string; change: { after_unknown?: unknown } }[];
}

interface PlanModule {
  resources?: { address: string; mode: string; type: string; name: string; index?: string | number; values?: Record<string, unknown> }[];
  child_modules?: PlanModule[];
}

/** Meta-arguments of a resource block that a plan does not carry; rules read `//` for the construct path. */
const META_ARGUMENTS = ["//", "provider", "depends_on", "lifecycle", "count", "for_each"];

const isReference = (value: unknown): value is string => typeof value === "string" && value.includes("${");
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * One planned value in the configuration's shape. The plan wins for literals (it holds what
 * the provider will send, defaults filled in and values normalized); the configuration wins
 * where it has a `${...}` expression or the plan does not know the value yet, because the
 * rules recognize references (to a customer-managed key, to another stack) by their text.
 * Attributes the plan leaves null, and empty blocks, are dropped unless the configuration
 * sets them: cdk.tf.json never writes unset arguments, and the rules read absence as unset.
 */
export function mergePlannedValue(planned: unknown, unknown: unknown, configured: unknown): unknown {
  if (isReference(configured)) return configured;
  if (unknown === true) return configured;
  if (Array.isArray(planned)) {
    const configuredList = Array.isArray(configured) ? configured : configured === undefined ? [] : [configured];
    const unknownList = Array.isArray(unknown) ? unknown : [];
    return planned.map((item, i) => mergePlannedValue(item, unknownList[i], configuredList[i]));
  }
  if (isObject(planned)) {
    const configuredObject = isObject(configured) ? configured : {};
    const unknownObject = isObject(unknown) ? unknown : {};
    const merged: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(planned), ...Object.keys(unknownObject)])) {
      const value = mergePlannedValue(planned[key], unknownObject[key], configuredObject[key]);
      const setInConfig = key in configuredObject;
      if (value === undefined) continue;
      if (value === null && !setInConfig) continue;
      if (Array.isArray(value) && value.length === 0 && !setInConfig) continue;
      merged[key] = value;
    }
    return merged;
  }
  return planned;
}

/**
 * The plan's planned values (every module) as Terraform JSON in the synthesized shape,
 * `resource.<type>.<name>.<attributes>`, so the same Rego suite runs over what the provider
 * would apply. Everything but `resource` is the configuration's own.
 */
export function planToConfig(plan: PlanJson, config: TerraformJson): TerraformJson {
  const unknownByAddress = new Map((plan.resource_changes ?? []).map((c) => [c.address, c.change.after_unknown]));
  const resource: Record<string, Record<string, unknown>> = {};
  const visit = (module: PlanModule | undefined) => {
    for (const r of module?.resources ?? []) {
      if (r.mode !== "managed") continue;
      const configured = config.resource?.[r.type]?.[r.name] ?? {};
      const key = r.index === undefined ? r.name : `${r.name}[${JSON.stringify(r.index)}]`;
      const merged = mergePlannedValue(r.values ?? {}, unknownByAddress.get(r.address), configured) as Record<string, unknown>;
      for (const meta of META_ARGUMENTS) if (meta in configured) merged[meta] = configured[meta];
      (resource[r.type] ??= {})[key] = merged;
    }
    for (const child of module?.child_modules ?? []) visit(child);
  };
  visit(plan.planned_values?.root_module);
  return { ...config, resource };
}

/**
 * Stacks in an order where each comes after the stacks whose state it reads (deployment
 * order); ties by name. A cycle is an input error (cdktf would not synthesize one either).
 */
export function dependencyOrder(stacks: readonly StackInput[]): StackInput[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const ordered: StackInput[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (stack: StackInput, path: string[]) => {
    if (state.get(stack.name) === "done") return;
    if (state.get(stack.name) === "visiting") throw new StackInputError(`cross-stack cycle: ${[...path, stack.name].join(" -> ")}`);
    state.set(stack.name, "visiting");
    for (const producer of [...new Set(remoteStateProducers(stack.config).values())].sort()) {
      const p = byName.get(producer);
      if (p) visit(p, [...path, stack.name]);
    }
    state.set(stack.name, "done");
    ordered.push(stack);
  };
  for (const stack of [...stacks].sort((a, b) => a.name.localeCompare(b.name))) visit(stack, []);
  return ordered;
}

/** The stack name a plan-derived file is checked under (its folder), matching stackOf() for cdk.tf.json. */
export function planConfigPath(root: string, stack: string): string {
  return join(root, stack, "cdk.tf.json");
}
