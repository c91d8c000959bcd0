/**
 * validate's self-test (`npm run validate -- --self-test`, run by CI): errors that TypeScript
 * and cdktf accept but the AWS provider rejects, each planted into a copy of a real
 * synthesized stack. validate must fail on every one, with an error that names the planted
 * resource and attribute; a copy without the fault must pass, so the failure is the fault's.
 * This proves the built provider validates (a provider built without a service, or one
 * whose validators were lost, would pass them). Pure: planting and judging only.
 */
import type { TerraformJson } from "./validate-stacks";

/** One provider-level error, of one kind of check the provider makes. */
export interface PlantedFault {
  /** Short id, used for the work folder and the report. */
  readonly id: string;
  /** The kind of provider check it exercises. */
  readonly check: string;
  readonly type: string;
  readonly attribute: string;
  readonly value: unknown;
}

/** The six checks: every one a value cdktf's TypeScript types accept. */
export const PLANTED_FAULTS: readonly PlantedFault[] = [
  { id: "enum", check: "enum (Lambda runtime)", type: "aws_lambda_function", attribute: "runtime", value: "nodejs99.x" },
  { id: "range", check: "number range (60..1209600 s)", type: "aws_sqs_queue", attribute: "message_retention_seconds", value: 30 },
  { id: "length", check: "string length (IAM role name, 64 at most)", type: "aws_iam_role", attribute: "name", value: `planted-${"x".repeat(57)}` },
  { id: "allowed-set", check: "allowed set (log retention days)", type: "aws_cloudwatch_log_group", attribute: "retention_in_days", value: 13 },
  { id: "unknown-argument", check: "unknown argument", type: "aws_s3_bucket", attribute: "versioning_enabled", value: true },
  { id: "read-only", check: "read-only (computed) argument", type: "aws_sqs_queue", attribute: "arn", value: "arn:aws:sqs:eu-west-2:000000000000:planted" },
];

/** Where a fault is planted: the first stack (by name) with a resource of its type, and that resource's first name. */
export interface FaultSite {
  readonly fault: PlantedFault;
  readonly stack: string;
  readonly resource: string;
  /** The stack's configuration with the fault in it (a copy; the input is not changed). */
  readonly config: TerraformJson;
}

/**
 * Plants each fault into a copy of the first stack that has its type. A fault whose type no
 * stack has is an error: the self-test would otherwise shrink silently as the stacks change.
 */
export function plantFaults(stacks: readonly { name: string; config: TerraformJson }[], faults: readonly PlantedFault[] = PLANTED_FAULTS): FaultSite[] {
  const sorted = [...stacks].sort((a, b) => a.name.localeCompare(b.name));
  return faults.map((fault) => {
    const host = sorted.find((s) => Object.keys(s.config.resource?.[fault.type] ?? {}).length > 0);
    if (!host) throw new Error(`self-test fault ${fault.id}: no synthesized stack has a ${fault.type}; move the fault to a type the stacks use (scripts/platform/lib/planted-faults.ts)`);
    const resource = Object.keys(host.config.resource![fault.type]).sort()[0];
    const config = JSON.parse(JSON.stringify(host.config)) as TerraformJson;
    config.resource![fault.type][resource][fault.attribute] = fault.value;
    return { fault, stack: host.name, resource, config };
  });
}

/** The parts of a `tofu validate -json` diagnostic read here. */
export interface ValidateDiagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
  readonly snippet?: { readonly context?: string | null; readonly code?: string };
}

/** The file a fault's configuration is written to, and how (validate reads diagnostics' lines against it). */
export const FAULT_CONFIG_FILE = "cdk.tf.json";
export const faultConfigText = (site: FaultSite): string => JSON.stringify(site.config, null, 2);

/**
 * The `type.name` of the resource block around a line (1-based) of a configuration written by
 * faultConfigText: resource types sit at depth 2 under "resource", names at depth 3.
 */
export function resourceAtLine(configText: string, line: number): string | undefined {
  const lines = configText.split("\n");
  let inResources = false;
  let type: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < Math.min(line, lines.length); i++) {
    const key = /^( *)"([^"]+)": [{[]/.exec(lines[i]);
    const depth = key ? key[1].length / 2 : -1;
    if (depth === 1) [inResources, type, name] = [key![2] === "resource", undefined, undefined];
    else if (inResources && depth === 2) [type, name] = [key![2], undefined];
    else if (inResources && depth === 3) name = key![2];
  }
  return inResources && type && name ? `${type}.${name}` : undefined;
}

/**
 * The error diagnostics that report the planted fault: about the planted resource (by its
 * address, or the line of the fault's configuration the diagnostic points at) and naming the
 * attribute. An error elsewhere, or one about the resource that does not name the attribute,
 * does not count.
 */
export function diagnosticsForFault(site: FaultSite, diagnostics: readonly ValidateDiagnostic[]): ValidateDiagnostic[] {
  const address = `${site.fault.type}.${site.resource}`;
  const text = faultConfigText(site);
  const names = (d: ValidateDiagnostic, word: string) =>
    new RegExp(`(^|[^a-z0-9_])${word}([^a-z0-9_]|$)`).test(`${d.address ?? ""} ${d.summary} ${d.detail ?? ""} ${d.snippet?.context ?? ""} ${d.snippet?.code ?? ""}`);
  const aboutResource = (d: ValidateDiagnostic) =>
    d.address === address || (d.address === undefined && d.range?.filename === FAULT_CONFIG_FILE && resourceAtLine(text, d.range.start.line) === address);
  return diagnostics.filter((d) => d.severity === "error" && aboutResource(d) && names(d, site.fault.attribute));
}
