/**
 * Who can do what: persona -> IAM Identity Center permission set (session, groups, the
 * policy and boundary it refers to) -> each account it is assigned in -> the actions that
 * account's persona policy allows, with resources and conditions, under that account's
 * boundary. Built from the SYNTHESIZED Terraform JSON (cdktf.out/stacks/<stack>/cdk.tf.json),
 * not from the TypeScript, so it shows what would be deployed: the organization stack's
 * permission sets and assignments joined, by policy name and account id, with each
 * environment's security stack. Any role tagged with a persona (people reaching an account
 * some other way) is listed too, with who it trusts.
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

/** A persona's access in one account: the policy the permission set refers to, as found there. */
export interface AccountAccess {
  readonly account: string;
  /** The environment whose stacks deploy into the account, if any. */
  readonly environment?: string;
  /** The stack holding the persona's policy there. */
  readonly stack?: string;
  /** The persona's policy there, or undefined when the account has none (the assignment cannot provision). */
  readonly policy?: string;
  readonly boundary?: string;
  readonly grants: readonly Grant[];
  /** The database users its rds-db:connect names, with the grants the migrations give them (functions/campaign/schema/users.ts). */
  readonly databaseUsers?: readonly DatabaseUserAccess[];
  readonly note?: string;
}

/** A role tagged with a persona: people reaching an account other than through the permission set. */
export interface PersonaRole {
  readonly role: string;
  readonly stack: string;
  readonly trustedBy: readonly string[];
}

export interface PersonaAccess {
  readonly persona: string;
  readonly note?: string;
  /** The persona's permission set (name), its stack and session duration; undefined when none is synthesized. */
  readonly permissionSet?: string;
  readonly sessionDuration?: string;
  /** Display names of the groups the permission set is assigned to. */
  readonly groups: readonly string[];
  /** Names of the customer-managed policies and the boundary the permission set refers to. */
  readonly policyReferences: readonly string[];
  readonly boundaryReference?: string;
  readonly accounts: readonly AccountAccess[];
  readonly roles: readonly PersonaRole[];
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

export interface AccessMatrix {
  readonly personas: readonly PersonaAccess[];
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

/** The resources of `type` in every stack. */
function everywhere(stacks: Stacks, type: string): Found[] {
  return Object.keys(stacks)
    .sort()
    .flatMap((stack) => Object.entries<any>(stacks[stack].resource?.[type] ?? {}).map(([name, body]) => ({ stack, type, name, body })));
}

/** True when `value` is a reference to `target` (any attribute). */
function refersTo(value: unknown, target: Found): boolean {
  return typeof value === "string" && value.startsWith(`\${${target.type}.${target.name}.`);
}

/** Account id -> the environment stacks whose providers are locked to it (the organization's own stacks excepted). */
function stacksByAccount(stacks: Stacks): Map<string, string[]> {
  const byAccount = new Map<string, string[]>();
  for (const stack of Object.keys(stacks).sort()) {
    if (stacks[stack].resource?.aws_organizations_organization || stacks[stack].resource?.aws_ssoadmin_permission_set) continue;
    for (const provider of many(stacks[stack].provider?.aws)) {
      for (const id of many(provider.allowed_account_ids)) {
        const list = byAccount.get(String(id)) ?? [];
        if (!list.includes(stack)) list.push(stack);
        byAccount.set(String(id), list);
      }
    }
  }
  return byAccount;
}

const referenceName = (block: any): string | undefined => {
  const reference = many(block)[0];
  return typeof reference?.name === "string" ? reference.name : undefined;
};

/** The persona's policy `policyName` and the boundary `boundaryName` in one account, as its stacks declare them. */
function accountAccess(stacks: Stacks, byAccount: Map<string, string[]>, account: string, policyName: string | undefined, boundaryName: string | undefined): AccountAccess {
  const accountStacks = byAccount.get(account) ?? [];
  const environment = accountStacks[0]?.split("-")[0];
  const policies = accountStacks.flatMap((stack) => Object.entries<any>(stacks[stack].resource?.aws_iam_policy ?? {}).map(([name, body]) => ({ stack, type: "aws_iam_policy", name, body })));
  const policy = policies.find((p) => p.body.name === policyName);
  const boundary = policies.find((p) => p.body.name === boundaryName);
  if (!policy) {
    return {
      account,
      environment,
      grants: [],
      note: accountStacks.length === 0 ? "no synthesized stack deploys into this account" : `NO POLICY ${policyName ?? "(none referenced)"} in this account: the assignment cannot provision`,
    };
  }
  const grants = grantsOf(stacks, policy.stack, policy.body.policy, policy.body.name);
  const databaseUsers = databaseUsersOf(grants);
  return {
    account,
    environment,
    stack: policy.stack,
    policy: policy.body.name,
    boundary: boundary ? `<${describeResource(boundary, "arn")}>` : undefined,
    grants,
    ...(databaseUsers ? { databaseUsers } : {}),
  };
}

function personaRoles(stacks: Stacks, persona: string): PersonaRole[] {
  return everywhere(stacks, "aws_iam_role")
    .filter((r) => r.body.tags?.persona === persona)
    .map((r) => ({
      role: r.body.name ?? r.name,
      stack: r.stack,
      trustedBy: many(parse(r.body.assume_role_policy).Statement)
        .filter((s) => s.Effect === "Allow")
        .flatMap((s) => Object.entries<unknown>(s.Principal ?? {}).flatMap(([type, values]) => many(values).map((v) => `${type} ${v}`))),
    }));
}

/** The matrix: every persona in the source documents' order (and any other persona a stack tags). */
export function buildAccessMatrix(stacks: Stacks): AccessMatrix {
  const sets = everywhere(stacks, "aws_ssoadmin_permission_set");
  const assignments = everywhere(stacks, "aws_ssoadmin_account_assignment");
  const groups = everywhere(stacks, "aws_identitystore_group");
  const byAccount = stacksByAccount(stacks);
  const tagged = new Set([...sets, ...everywhere(stacks, "aws_iam_role"), ...everywhere(stacks, "aws_iam_policy")].map((r) => r.body.tags?.persona).filter((p): p is string => typeof p === "string"));
  const known = new Set<string>(PERSONAS);
  const personas = [...PERSONAS, ...[...tagged].filter((p) => !known.has(p)).sort()].map((persona): PersonaAccess => {
    const roles = personaRoles(stacks, persona);
    const set = sets.find((s) => s.body.tags?.persona === persona);
    if (!set) {
      const note = persona === "patient" ? "no AWS access: patients sign in to the portal through Cognito only" : "NO PERMISSION SET FOUND for this persona (is the organization stack synthesized?)";
      return { persona, note, groups: [], policyReferences: [], accounts: [], roles };
    }
    const ofSet = (type: string) => everywhere(stacks, type).filter((r) => refersTo(r.body.permission_set_arn, set));
    const policyReferences = ofSet("aws_ssoadmin_customer_managed_policy_attachment").map((a) => referenceName(a.body.customer_managed_policy_reference)).filter((n): n is string => !!n);
    const boundaryReference = ofSet("aws_ssoadmin_permissions_boundary_attachment").map((b) => referenceName(many(b.body.permissions_boundary)[0]?.customer_managed_policy_reference)).find((n) => !!n);
    const mine = assignments.filter((a) => refersTo(a.body.permission_set_arn, set));
    const groupNames = [...new Set(mine.map((a) => groups.find((g) => refersTo(a.body.principal_id, g))?.body.display_name ?? `${a.body.principal_type} ${a.body.principal_id}`))];
    const accounts = [...new Set(mine.map((a) => String(a.body.target_id)))].map((account) => accountAccess(stacks, byAccount, account, policyReferences[0], boundaryReference));
    return {
      persona,
      permissionSet: set.body.name,
      sessionDuration: set.body.session_duration,
      groups: groupNames,
      policyReferences,
      boundaryReference,
      accounts,
      roles,
    };
  });
  return { personas };
}

function table(rows: readonly (readonly string[])[], header: readonly string[], indent: string): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => `${indent}${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ")}`.trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** The ACTION / RESOURCE / CONDITION rows of grants: each statement's actions apply to every resource it lists, under every condition. */
function grantRows(grants: readonly Grant[]): string[][] {
  const rows: string[][] = [];
  for (const grant of grants) {
    rows.push([`# ${grant.sid ?? grant.source}`, "", ""]);
    const height = Math.max(grant.actions.length, grant.resources.length, grant.conditions.length, 1);
    for (let i = 0; i < height; i++) rows.push([grant.actions[i] ?? "", grant.resources[i] ?? "", grant.conditions[i] ?? ""]);
  }
  return rows;
}

/**
 * The matrix as text for people: one block per persona (its permission set, session, groups,
 * policy and boundary references), then one block per account it is assigned in, with that
 * account's grants; roles that carry a persona tag are listed with who they trust.
 */
export function renderAccessMatrix(matrix: AccessMatrix): string {
  const out: string[] = [];
  for (const p of matrix.personas) {
    if (!p.permissionSet) out.push(`${p.persona}: ${p.note}`);
    else {
      out.push(`${p.persona}: permission set ${p.permissionSet}, session ${p.sessionDuration ?? "UNSET (Identity Center's default)"}, group(s) ${p.groups.join(", ") || "NONE"}`);
      out.push(`  policy ${p.policyReferences.join(", ") || "NONE"}; boundary ${p.boundaryReference ?? "NONE"}; MFA: the Identity Center instance's sign-in setting (docs/organization.md)`);
    }
    for (const role of p.roles) out.push(`  ROLE ${role.role} (${role.stack}) tagged ${p.persona}, trusted by ${role.trustedBy.join(", ") || "nobody"}`);
    out.push("");
    for (const a of p.accounts) {
      const where = a.environment ? ` (environment ${a.environment}${a.stack ? `, ${a.stack}` : ""})` : "";
      if (!a.policy) {
        out.push(`  account ${a.account}${where}: ${a.note}`, "");
        continue;
      }
      out.push(`  account ${a.account}${where}: policy ${a.policy}, boundary ${a.boundary ?? "NONE FOUND"}`);
      out.push(...table(grantRows(a.grants), ["ACTION", "RESOURCE", "CONDITION"], "    "), "");
      for (const db of a.databaseUsers ?? []) {
        if (!db.tables) {
          out.push(`    database user ${db.user}: NOT CREATED by the migrations (functions/campaign/schema/users.ts)`, "");
          continue;
        }
        out.push(`    database user ${db.user} (grants applied by db-migrate):`);
        out.push(...table(db.tables.map((t) => [t.table, t.privileges.join("; ")]), ["TABLE", "PRIVILEGES"], "      "), "");
      }
    }
  }
  const sets = matrix.personas.filter((p) => p.permissionSet).length;
  const accounts = new Set(matrix.personas.flatMap((p) => p.accounts.map((a) => a.account)));
  out.push(`${matrix.personas.length} personas, ${sets} permission set(s), ${accounts.size} account(s).`);
  return `${out.join("\n")}\n`;
}
