/**
 * Who can do what: for every persona of every environment, the role people assume, who may
 * assume it and with what MFA, its boundary, and each allowed action with its resources and
 * conditions. Built from the SYNTHESIZED Terraform JSON (cdktf.out/stacks/<stack>/cdk.tf.json),
 * not from the TypeScript, so it shows what would be deployed.
 */
import { readFileSync } from "fs";
import { PERSONA_USERS, userNameOf } from "../../../functions/campaign/schema/users";
import { privilegeList } from "./sql-privileges";
import { basename, dirname } from "path";
import { PERSONAS } from "../../../modules/iam/personas";

/** One Allow statement of a persona's policies, references resolved to readable names. */
export interface Grant {
  readonly sid?: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** `Operator key = value[, value]`, one per condition key. */
  readonly conditions: readonly string[];
  /** Where the statement comes from: the inline policy or attached policy's construct path. */
  readonly source: string;
}

export interface PersonaAccess {
  readonly persona: string;
  /** Role name, or undefined for a persona with no IAM role (patients: Cognito only). */
  readonly role?: string;
  readonly stack?: string;
  readonly note?: string;
  /** Principals allowed to assume the role. */
  readonly trustedBy: readonly string[];
  /** Every trust statement requires aws:MultiFactorAuthPresent. */
  readonly mfaRequired: boolean;
  readonly mfaMaxAgeSeconds?: number;
  readonly boundary?: string;
  readonly grants: readonly Grant[];
  /** The database users its rds-db:connect names, with the grants the migrations give them (functions/campaign/schema/users.ts). */
  readonly databaseUsers?: readonly DatabaseUserAccess[];
}

export interface DatabaseUserAccess {
  readonly user: string;
  /** table -> privileges (`SELECT (a, b)`, ...); undefined when the migrations do not create this user. */
  readonly tables?: readonly { readonly table: string; readonly privileges: readonly string[] }[];
}

/** The database users named by a persona's rds-db:connect grants, with their reviewed grants. */
function databaseUsersOf(grants: readonly Grant[]): DatabaseUserAccess[] | undefined {
  const users = new Set(
    grants
      .filter((g) => g.actions.some((a) => a === "rds-db:connect" || a === "rds-db:*"))
      .flatMap((g) => g.resources)
      .map((r) => /:dbuser:[^/]*\/(.+)$/.exec(r)?.[1])
      .filter((u): u is string => u !== undefined),
  );
  if (users.size === 0) return undefined;
  return [...users].sort().map((user) => {
    const known = PERSONA_USERS.find((p) => userNameOf(p.name) === user);
    return { user, tables: known?.grants.map((g) => ({ table: g.table, privileges: privilegeList(g) })) };
  });
}

export interface EnvironmentAccess {
  readonly name: string;
  readonly personas: readonly PersonaAccess[];
}

export interface AccessMatrix {
  readonly environments: readonly EnvironmentAccess[];
}

type Stacks = Readonly<Record<string, any>>;

/** Reads stack documents from cdk.tf.json files (the stack name is the folder name). */
export function loadStacks(files: readonly string[]): Record<string, any> {
  const stacks: Record<string, any> = {};
  for (const file of files) {
    const doc = JSON.parse(readFileSync(file, "utf8"));
    stacks[doc?.["//"]?.metadata?.stackName ?? basename(dirname(file))] = doc;
  }
  return stacks;
}

const many = (v: unknown): any[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const REF = /\$\{([A-Za-z0-9_.-]+)\}/g;

export interface Found {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly body: any;
}

function resourceAt(stacks: Stacks, stack: string, type: string, name: string): Found | undefined {
  const body = stacks[stack]?.resource?.[type]?.[name];
  return body === undefined ? undefined : { stack, type, name, body };
}

/** The resource (and attribute) a `${...}` expression names, following cross-stack outputs. */
export function resolve(stacks: Stacks, stack: string, expression: string): { found: Found; attribute: string } | undefined {
  const parts = expression.split(".");
  if (parts[0] === "data" && parts[1] === "terraform_remote_state") {
    const input = parts[2];
    const output = parts[4];
    const target = input.replace(/^cross-stack-reference-input-/, "");
    const value = stacks[target]?.output?.[output]?.value;
    const inner = typeof value === "string" ? /^\$\{(.+)\}$/.exec(value)?.[1] : undefined;
    return inner ? resolve(stacks, target, inner) : undefined;
  }
  const [type, name, attribute] = parts;
  const found = resourceAt(stacks, stack, type, name);
  return found ? { found, attribute } : undefined;
}

/** A readable name for what a reference points to: the resource's name, else its construct path. */
function describeResource(found: Found, attribute: string): string {
  const named = found.body.name ?? found.body.bucket ?? found.body.alias;
  if (typeof named === "string" && !named.includes("${")) return `${found.type.replace(/^aws_/, "")} ${named}${attribute === "arn" ? "" : ` (${attribute})`}`;
  const path: string = found.body["//"]?.metadata?.path ?? `${found.stack}/${found.name}`;
  return `${found.type.replace(/^aws_/, "")} ${path}`;
}

/** Replaces every `${...}` reference in a string by a readable name. */
export function readable(stacks: Stacks, stack: string, value: string): string {
  return value.replace(REF, (whole, expression: string) => {
    const target = resolve(stacks, stack, expression);
    return target ? `<${describeResource(target.found, target.attribute)}>` : whole;
  });
}

export function conditionsOf(stacks: Stacks, stack: string, statement: any): string[] {
  const lines: string[] = [];
  for (const [operator, byKey] of Object.entries<Record<string, unknown>>(statement.Condition ?? {})) {
    for (const [key, values] of Object.entries(byKey)) {
      lines.push(`${operator} ${key} = ${many(values).map((v) => readable(stacks, stack, String(v))).join(", ")}`);
    }
  }
  return lines;
}

function parse(policy: unknown): any {
  if (typeof policy === "object" && policy !== null) return policy;
  try {
    return JSON.parse(String(policy));
  } catch {
    return { Statement: [] };
  }
}

function grantsOf(stacks: Stacks, stack: string, policy: unknown, source: string): Grant[] {
  return many(parse(policy).Statement)
    .filter((s) => s.Effect === "Allow")
    .map((s) => ({
      sid: s.Sid,
      actions: many(s.Action ?? (s.NotAction ? many(s.NotAction).map((a) => `NOT ${a}`) : [])),
      resources: many(s.Resource ?? (s.NotResource ? many(s.NotResource).map((r) => `NOT ${r}`) : [])).map((r) => readable(stacks, stack, String(r))),
      conditions: conditionsOf(stacks, stack, s),
      source,
    }));
}

/** True when `value` (a role attribute of another resource) names `role`. */
export function namesRole(value: unknown, role: { readonly name: string; readonly body: any }): boolean {
  if (typeof value !== "string") return false;
  return value === role.body.name || new RegExp(`^\\$\\{aws_iam_role\\.${role.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(name|id)\\}$`).test(value);
}

function personaAccess(stacks: Stacks, role: Found, persona: string): PersonaAccess {
  const doc = stacks[role.stack];
  const trust = many(parse(role.body.assume_role_policy).Statement).filter((s) => s.Effect === "Allow");
  const trustedBy = trust.flatMap((s) => Object.entries<unknown>(s.Principal ?? {}).flatMap(([type, values]) => many(values).map((v) => `${type} ${v}`)));
  const mfaRequired = trust.length > 0 && trust.every((s) => ["true", true].includes(s.Condition?.Bool?.["aws:MultiFactorAuthPresent"]));
  const ages = trust.map((s) => Number(s.Condition?.NumericLessThan?.["aws:MultiFactorAuthAge"] ?? s.Condition?.NumericLessThanEquals?.["aws:MultiFactorAuthAge"])).filter((n) => Number.isFinite(n));
  const grants: Grant[] = [];
  for (const inline of many(role.body.inline_policy)) grants.push(...grantsOf(stacks, role.stack, inline.policy, `inline ${inline.name}`));
  for (const [name, body] of Object.entries<any>(doc.resource?.aws_iam_role_policy ?? {})) {
    if (namesRole(body.role, role)) grants.push(...grantsOf(stacks, role.stack, body.policy, body["//"]?.metadata?.path ?? name));
  }
  for (const body of Object.values<any>(doc.resource?.aws_iam_role_policy_attachment ?? {})) {
    if (!namesRole(body.role, role)) continue;
    const match = /^\$\{(.+)\}$/.exec(String(body.policy_arn));
    const target = match ? resolve(stacks, role.stack, match[1]) : undefined;
    if (target?.found.type === "aws_iam_policy") grants.push(...grantsOf(stacks, target.found.stack, target.found.body.policy, target.found.body.name));
    else grants.push({ actions: [`(every action of ${body.policy_arn}; not expanded)`], resources: [], conditions: [], source: String(body.policy_arn) });
  }
  const boundary = role.body.permissions_boundary ? readable(stacks, role.stack, String(role.body.permissions_boundary)) : undefined;
  return {
    persona,
    role: role.body.name,
    stack: role.stack,
    trustedBy,
    mfaRequired,
    mfaMaxAgeSeconds: ages.length > 0 ? Math.max(...ages) : undefined,
    boundary,
    grants,
  };
}

/** The matrix for every environment found in the stacks, personas in the source documents' order. */
export function buildAccessMatrix(stacks: Stacks): AccessMatrix {
  const byEnvironment = new Map<string, Found[]>();
  for (const stack of Object.keys(stacks).sort()) {
    const environment = stack.split("-")[0];
    // An environment is what has a <env>-security stack (the organization's stacks are not one).
    if (!stacks[`${environment}-security`]) continue;
    if (!byEnvironment.has(environment)) byEnvironment.set(environment, []);
    for (const [name, body] of Object.entries<any>(stacks[stack].resource?.aws_iam_role ?? {})) {
      if (typeof body.tags?.persona === "string") byEnvironment.get(environment)!.push({ stack, type: "aws_iam_role", name, body });
    }
  }
  const environments = [...byEnvironment.entries()].map(([name, roles]) => {
    const known = new Set<string>(PERSONAS);
    const personas: PersonaAccess[] = [];
    for (const persona of [...PERSONAS, ...new Set(roles.map((r) => r.body.tags.persona).filter((p) => !known.has(p)))]) {
      const mine = roles.filter((r) => r.body.tags.persona === persona);
      if (mine.length === 0) {
        personas.push({
          persona,
          trustedBy: [],
          mfaRequired: false,
          grants: [],
          note: persona === "patient" ? "no IAM access: patients sign in to the portal through Cognito only" : "NO ROLE FOUND for this persona",
        });
      }
      personas.push(
        ...mine.map((r) => {
          const access = personaAccess(stacks, r, persona);
          const databaseUsers = databaseUsersOf(access.grants);
          return databaseUsers ? { ...access, databaseUsers } : access;
        }),
      );
    }
    return { name, personas };
  });
  return { environments };
}

function table(rows: readonly (readonly string[])[], header: readonly string[], indent: string): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => `${indent}${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ")}`.trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/**
 * The matrix as text for people: one block per persona; within it one group per statement
 * (headed by its Sid), whose every action applies to every resource listed, under every condition.
 */
export function renderAccessMatrix(matrix: AccessMatrix): string {
  const out: string[] = [];
  for (const environment of matrix.environments) {
    out.push(`Environment ${environment.name}`, "");
    for (const p of environment.personas) {
      if (!p.role) {
        out.push(`  ${p.persona}: ${p.note}`, "");
        continue;
      }
      const mfa = p.mfaRequired ? `MFA required${p.mfaMaxAgeSeconds !== undefined ? `, at most ${p.mfaMaxAgeSeconds} s old` : ""}` : "NO MFA REQUIRED";
      out.push(`  ${p.persona}: role ${p.role} (${p.stack})`);
      out.push(`    assumed by ${p.trustedBy.join(", ") || "nobody"}; ${mfa}; boundary ${p.boundary ?? "NONE"}`);
      const rows: string[][] = [];
      for (const grant of p.grants) {
        // Each statement grants every action on every resource it lists (under its conditions).
        rows.push([`# ${grant.sid ?? grant.source}`, "", ""]);
        const height = Math.max(grant.actions.length, grant.resources.length, grant.conditions.length, 1);
        for (let i = 0; i < height; i++) {
          rows.push([grant.actions[i] ?? "", grant.resources[i] ?? "", grant.conditions[i] ?? ""]);
        }
      }
      out.push(...table(rows, ["ACTION", "RESOURCE", "CONDITION"], "    "), "");
      for (const db of p.databaseUsers ?? []) {
        if (!db.tables) {
          out.push(`    database user ${db.user}: NOT CREATED by the migrations (functions/campaign/schema/users.ts)`, "");
          continue;
        }
        out.push(`    database user ${db.user} (grants applied by db-migrate):`);
        out.push(...table(db.tables.map((t) => [t.table, t.privileges.join("; ")]), ["TABLE", "PRIVILEGES"], "      "), "");
      }
    }
  }
  const personas = new Set(matrix.environments.flatMap((e) => e.personas.map((p) => p.persona)));
  out.push(`${personas.size} personas in ${matrix.environments.length} environment(s).`);
  return `${out.join("\n")}\n`;
}
