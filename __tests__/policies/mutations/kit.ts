/**
 * The toolkit for mutations: realistic regressions of the REAL synthesized documents, one or more per policy rule.
 * Each mutation edits the parsed cdk.tf.json of `dev-<stack>` in place; the policy test
 * applies it, runs conftest and expects a finding with `ruleId`. A rule that no mutation of
 * the real output can trip would be a rule that proves nothing about this architecture.
 *
 * Mutations find their target by construct path or tag, never by the generated resource
 * name (`vpc_6776A399`), and throw when the target is gone, so a construct refactor fails
 * loudly instead of turning a mutation into a no-op.
 */

export interface PolicyMutation {
  readonly ruleId: string;
  /** The stack the mutation edits: an environment component of dev (`dev-<stack>`), or an organization stack by its name. */
  readonly stack: "security" | "network" | "data" | "edge" | "campaign" | "organization" | "organization-detection";
  readonly description: string;
  mutate(doc: any): void;
}

const ORGANIZATION_STACKS: readonly string[] = ["organization", "organization-detection"];

/** The synthesized stack a mutation edits: the organization's own, or the dev environment's component. */
export function mutatedStackName(mutation: Pick<PolicyMutation, "stack">): string {
  return ORGANIZATION_STACKS.includes(mutation.stack) ? mutation.stack : `dev-${mutation.stack}`;
}

export interface Found {
  readonly type: string;
  readonly name: string;
  readonly body: any;
}

/** Every resource of `type` in the document. */
export function all(doc: any, type: string): Found[] {
  return Object.entries<any>(doc.resource?.[type] ?? {}).map(([name, body]) => ({ type, name, body }));
}

/** Construct path without the stack name: "dev-network/vpc/vpc" -> "vpc/vpc". */
export function localPath(body: any): string {
  const path: string = body?.["//"]?.metadata?.path ?? "";
  return path.split("/").slice(1).join("/");
}

/** The first resource of `type` matching `where`; throws when there is none. */
export function find(doc: any, type: string, where: (body: any) => boolean, what: string): Found {
  const found = all(doc, type).find((r) => where(r.body));
  if (!found) throw new Error(`mutation target not found: ${type} ${what}`);
  return found;
}

/** The first element of a nested block or statement list matching `where`; throws when there is none. */
export function member<T>(items: readonly T[] | undefined, where: (item: T) => boolean, what: string): T {
  const found = (items ?? []).find(where);
  if (found === undefined) throw new Error(`mutation target not found: ${what}`);
  return found;
}

export const atPath = (path: string) => (body: any) => localPath(body) === path;
export const pathEndsWith = (suffix: string) => (body: any) => localPath(body).endsWith(suffix);
export const tagged = (key: string, value: string) => (body: any) => body?.tags?.[key] === value;
export const any = () => true;

/** A Terraform reference to a resource attribute, as cdktf writes it. */
export const ref = (r: Found, attribute: string) => `\${${r.type}.${r.name}.${attribute}}`;

export function addResource(doc: any, type: string, name: string, body: any): void {
  doc.resource[type] ??= {};
  doc.resource[type][name] = body;
}

export function deleteAll(doc: any, type: string): void {
  if (!doc.resource?.[type]) throw new Error(`mutation target not found: ${type}`);
  delete doc.resource[type];
}

export function policyOf(body: any): any {
  return JSON.parse(body.policy);
}

/** Edits the statement `sid` of the JSON policy in `attribute` (default "policy") of the resource at construct path `path`; throws when either is gone. */
export function editStatement(doc: any, type: string, path: string, sid: string, edit: (statement: any) => void, attribute = "policy"): void {
  const body = find(doc, type, atPath(path), path).body;
  const document = JSON.parse(body[attribute]);
  edit(member<any>(document.Statement, (s) => s.Sid === sid, `statement ${sid} of ${path}`));
  body[attribute] = JSON.stringify(document);
}

/** Parses the JSON policy in `attribute` of a resource body, lets `edit` change it, and writes it back. */
export function editDocument(body: any, attribute: string, edit: (document: any) => void): void {
  const document = JSON.parse(body[attribute]);
  edit(document);
  body[attribute] = JSON.stringify(document);
}

/**
 * People reach the accounts through Identity Center permission sets, so the security stack has
 * no role people assume: these mutations bring one back (the old design's persona role, under
 * the human boundary), with its trust statement as given and then changed by `edit`: a role
 * trusting an identity principal with MFA no older than an hour, unless `edit` weakens it.
 */
export function addPersonaRole(doc: any, persona: string, edit: (statement: any) => void = () => undefined): void {
  const statement = {
    Sid: "PeopleOfTheIdentityAccountWithRecentMfa",
    Effect: "Allow",
    Principal: { AWS: ["arn:aws:iam::333333333333:root"] },
    Action: "sts:AssumeRole",
    Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" }, NumericLessThan: { "aws:MultiFactorAuthAge": 3600 } },
  };
  edit(statement);
  addResource(doc, "aws_iam_role", `${persona.replace(/-/g, "_")}_MUTATED`, {
    "//": { metadata: { path: `dev-security/personas/${persona}-role` } },
    name: `medicare-dev-${persona}`,
    max_session_duration: 3600,
    permissions_boundary: "arn:aws:iam::111111111111:policy/medicare-human-boundary",
    assume_role_policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
    tags: { persona },
  });
}
