import { UNSCOPED_ACTIONS, UNSCOPED_BESIDE_DENY } from "../../modules/iam/unscoped-actions";
/**
 * Reading IAM policy JSON (key, trust, endpoint, role and boundary policies) from the
 * synthesized Terraform, normalized so tests can iterate over statements uniformly.
 */

/** A policy statement with every one-or-many field turned into an array. */
export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  /** Principal type -> principals; `{ "*": ["*"] }` for `"Principal": "*"`; empty when absent. */
  readonly principals: Readonly<Record<string, readonly string[]>>;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  /** Operator -> condition key -> values (always an array of strings). */
  readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

const many = (value: unknown): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v) => String(v));

/** Parses a policy document (JSON string or object) into normalized statements. */
export function statementsOf(policy: unknown): Statement[] {
  if (typeof policy !== "string" && (typeof policy !== "object" || policy === null)) {
    throw new Error(`not a policy document: ${JSON.stringify(policy)}`);
  }
  const doc = typeof policy === "string" ? JSON.parse(policy) : policy;
  const raw: any[] = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return raw.map((s): Statement => {
    const principals: Record<string, string[]> = {};
    if (s.Principal === "*") principals["*"] = ["*"];
    else for (const [type, value] of Object.entries(s.Principal ?? {})) principals[type] = many(value);
    const conditions: Record<string, Record<string, string[]>> = {};
    for (const [operator, byKey] of Object.entries<Record<string, unknown>>(s.Condition ?? {})) {
      conditions[operator] = {};
      for (const [key, value] of Object.entries(byKey)) conditions[operator][key] = many(value);
    }
    return {
      sid: s.Sid,
      effect: s.Effect,
      principals,
      actions: many(s.Action),
      notActions: many(s.NotAction),
      resources: many(s.Resource),
      conditions,
    };
  });
}

/** True when the IAM action pattern (with `*` and `?` wildcards) matches `action`, case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("")}$`,
    "i",
  );
  return regex.test(action);
}

/** True when any action of the statement covers any of `actions`. */
export function grantsAnyOf(statement: Statement, actions: readonly string[]): boolean {
  return statement.actions.some((pattern) => actions.some((action) => actionMatches(pattern, action)));
}

/** True when the statement's principal is anyone: `"*"` or `{"AWS": "*"}`. */
export function hasPublicPrincipal(statement: Statement): boolean {
  return Object.entries(statement.principals).some(([type, values]) => (type === "*" || type === "AWS") && values.includes("*"));
}

/** The values of a condition key under any operator (e.g. StringEquals, StringLike). */
export function conditionValues(statement: Statement, key: string, operators?: readonly string[]): string[] {
  return Object.entries(statement.conditions)
    .filter(([operator]) => !operators || operators.includes(operator))
    .flatMap(([, byKey]) =>
      Object.entries(byKey)
        .filter(([k]) => k.toLowerCase() === key.toLowerCase())
        .flatMap(([, values]) => values),
    );
}

/** A readable one-line description of a statement for assertion messages. */
export function describeStatement(statement: Statement): string {
  return `${statement.sid ?? "(no Sid)"} ${statement.effect} ${statement.actions.join(",")} for ${JSON.stringify(statement.principals)}`;
}

/**
 * The actions of an Allow on Resource "*" that support resource-level permissions: neither
 * listed in UNSCOPED_ACTIONS nor denied, in the same policy, on every ARN of theirs
 * (UNSCOPED_BESIDE_DENY: an SMS to a phone number is the one thing sns:Publish on "*" reaches).
 */
export function scopableOnEverything(statement: Statement, policy: readonly Statement[]): string[] {
  if (statement.effect !== "Allow" || !statement.resources.includes("*")) return [];
  const deniedOnEveryArn = (a: string) => policy.some((d) => d.effect === "Deny" && d.actions.includes(a) && d.resources.includes(UNSCOPED_BESIDE_DENY[a]));
  return statement.actions.filter((a) => !UNSCOPED_ACTIONS.has(a) && !deniedOnEveryArn(a));
}
