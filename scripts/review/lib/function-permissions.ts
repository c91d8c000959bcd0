/**
 * Least privilege, measured: for every deployed Lambda function, what its role grants next to
 * what its code calls (scripts/review/lib/function-api-calls.ts). The role's statements split in two:
 * the Lambda runtime's (logs, tracing, network interfaces, dead letters, destinations, the
 * event source: RUNTIME_GRANTS, added by NodeFunction, each id with its fixed actions) and the
 * code's (everything else). The code's grants must be exactly the code's calls, plus the KMS actions the called
 * resources' encryption implies: nothing missing, nothing unused.
 */
import { RUNTIME_GRANTS, RUNTIME_STATEMENT_SIDS, SOURCE_ENTRY_TAG } from "../../../modules/compute/lambda-function";
import { UNSCOPED_BESIDE_DENY } from "../../../modules/iam/unscoped-actions";
import { conditionsOf, namesRole, readable } from "./access-matrix";
import { FunctionApiCalls } from "./function-api-calls";

type Stacks = Readonly<Record<string, any>>;
const many = (v: unknown): any[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

export interface RoleStatement {
  readonly sid: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  /** Readable: cross-stack references become `<type name>`. */
  readonly resources: readonly string[];
  readonly conditions: readonly string[];
}

export interface FunctionPermissions {
  readonly stack: string;
  readonly functionName: string;
  /** `campaign-send/handler.ts`, from the function's source-entry tag. */
  readonly entry: string;
  readonly role: string;
  /** What the code needs the role for (Allow and Deny). */
  readonly code: readonly RoleStatement[];
  /** What the Lambda runtime needs (not compared with the code). */
  readonly runtime: readonly RoleStatement[];
  /** Actions the code calls (or their encryption implies) that no code statement allows. */
  readonly missing: readonly string[];
  /** Actions a code statement allows that the code never calls (and no call's encryption implies). */
  readonly unused: readonly string[];
}

function statementsOfPolicy(stacks: Stacks, stack: string, policy: unknown): RoleStatement[] {
  let doc: any;
  try {
    doc = typeof policy === "string" ? JSON.parse(policy) : policy;
  } catch {
    throw new Error(`${stack}: a function role policy is not literal JSON; the least-privilege check cannot read it`);
  }
  return many(doc?.Statement).map((s) => ({
    sid: String(s.Sid ?? ""),
    effect: s.Effect === "Deny" ? "Deny" : "Allow",
    actions: many(s.Action ?? many(s.NotAction).map((a) => `NOT ${a}`)),
    resources: many(s.Resource ?? many(s.NotResource).map((r) => `NOT ${r}`)).map((r) => readable(stacks, stack, String(r))),
    conditions: conditionsOf(stacks, stack, s),
  }));
}

function reachesOnlyResourcesWithoutArn(code: readonly RoleStatement[], action: string): boolean {
  const pattern = UNSCOPED_BESIDE_DENY[action];
  const allows = code.filter((s) => s.effect === "Allow" && s.actions.includes(action));
  return (
    pattern !== undefined &&
    allows.length > 0 &&
    allows.every((s) => s.resources.length === 1 && s.resources[0] === "*") &&
    code.some((s) => s.effect === "Deny" && s.actions.includes(action) && s.resources.includes(pattern))
  );
}

/** Compares every function of `stacks` that carries a source-entry tag with its code's calls. */
export function functionPermissions(stacks: Stacks, calls: readonly FunctionApiCalls[]): FunctionPermissions[] {
  const byEntry = new Map(calls.map((c) => [c.entry, c]));
  const out: FunctionPermissions[] = [];
  for (const [stack, doc] of Object.entries<any>(stacks)) {
    for (const fn of Object.values<any>(doc.resource?.aws_lambda_function ?? {})) {
      const source = fn.tags?.[SOURCE_ENTRY_TAG];
      if (typeof source !== "string") throw new Error(`${stack}: function ${fn.function_name} has no ${SOURCE_ENTRY_TAG} tag; build it with NodeFunction`);
      const entry = source.replace(/^functions\//, "");
      const analysis = byEntry.get(entry);
      if (!analysis) throw new Error(`${stack}: function ${fn.function_name} runs ${source}, which the code analysis did not cover`);
      const roleName = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(String(fn.role))?.[1];
      const role = roleName ? { name: roleName, body: doc.resource.aws_iam_role[roleName] } : undefined;
      if (!role?.body) throw new Error(`${stack}: function ${fn.function_name}'s role is not a role of the same stack`);
      const statements = Object.values<any>(doc.resource?.aws_iam_role_policy ?? {})
        .filter((p) => namesRole(p.role, role))
        .flatMap((p) => statementsOfPolicy(stacks, stack, p.policy));
      const code = statements.filter((s) => !RUNTIME_STATEMENT_SIDS.has(s.sid));
      const runtime = statements.filter((s) => RUNTIME_STATEMENT_SIDS.has(s.sid));

      const needed = new Set<string>(analysis.actions);
      for (const call of analysis.calls) {
        // A grant that reaches only what has no ARN (an SMS to a phone number: sns:Publish on
        // "*" beside a Deny on every topic) reaches no encrypted resource, so implies no key.
        if (reachesOnlyResourcesWithoutArn(code, call.action)) continue;
        for (const action of call.impliedByEncryption?.actions ?? []) needed.add(action);
      }
      const granted = new Set(code.filter((s) => s.effect === "Allow").flatMap((s) => s.actions));
      // A runtime statement holding more than its id allows is not the runtime's: count the extra as unused.
      const smuggled = runtime.flatMap((s) => s.actions.filter((a) => !RUNTIME_GRANTS[s.sid].includes(a) || s.effect !== "Allow"));
      out.push({
        stack,
        functionName: fn.function_name,
        entry,
        role: role.body.name,
        code,
        runtime,
        missing: [...needed].filter((a) => !granted.has(a)).sort(),
        unused: [...new Set([...[...granted].filter((a) => !needed.has(a)), ...smuggled])].sort(),
      });
    }
  }
  return out.sort((a, b) => (a.stack + a.functionName < b.stack + b.functionName ? -1 : 1));
}

/** The reviewer's table: function -> action -> resources, the code's grants first, then the runtime's. */
export function renderFunctionPermissions(all: readonly FunctionPermissions[]): string {
  const rows: string[][] = [["function", "grant", "effect", "action", "resources", "conditions"]];
  for (const fn of all) {
    let first = true;
    for (const [kind, statements] of [["code", fn.code], ["runtime", fn.runtime]] as const) {
      for (const s of statements) {
        for (const action of s.actions) {
          rows.push([first ? `${fn.stack}/${fn.functionName}` : "", kind, s.effect, action, s.resources.join(" "), s.conditions.join("; ")]);
          first = false;
        }
      }
    }
  }
  const widths = rows[0].map((_, c) => Math.min(60, Math.max(...rows.map((r) => r[c].length))));
  const line = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ").trimEnd();
  const verdicts = all.map((fn) =>
    fn.missing.length === 0 && fn.unused.length === 0
      ? `  ${fn.stack}/${fn.functionName}: exactly what its code calls`
      : `  ${fn.stack}/${fn.functionName}: MISMATCH${fn.missing.length ? ` missing ${fn.missing.join(", ")}` : ""}${fn.unused.length ? ` unused ${fn.unused.join(", ")}` : ""}`,
  );
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line), "", "Code grants compared with the code's calls (npm run function-api-calls):", ...verdicts, ""].join("\n");
}
