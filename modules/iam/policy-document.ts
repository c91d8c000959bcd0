/**
 * IAM policy documents as typed values rendered to literal JSON, so the synthesized
 * Terraform holds the policy itself (readable by Rego and Jest) rather than a reference
 * to a data source.
 */
import { unlistedWildcard } from "./action-wildcards";

export type ConditionValues = string | number | boolean | readonly (string | number | boolean)[];

export interface Principals {
  readonly AWS?: string | readonly string[];
  readonly Service?: string | readonly string[];
}

export interface PolicyStatement {
  /** Says why the statement exists, in a few words (also what a reviewer reads). */
  readonly sid: string;
  /** @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  /** Only in resource policies (key, trust, bucket policies). */
  readonly principals?: Principals;
  readonly actions: readonly string[];
  /** @default ["*"], which in a resource policy means "this resource" */
  readonly resources?: readonly string[];
  /** Operator -> condition key -> values, as in IAM JSON. */
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, ConditionValues>>>>;
}

function oneOrMany<T>(values: readonly T[]): T | readonly T[] {
  return values.length === 1 ? values[0] : values;
}

/** Renders statements to an IAM policy JSON string. */
export function policyJson(statements: readonly PolicyStatement[]): string {
  if (statements.length === 0) throw new Error("a policy needs at least one statement");
  for (const s of statements) {
    const wildcards = (s.effect ?? "Allow") === "Allow" ? s.actions.filter(unlistedWildcard) : [];
    if (wildcards.length > 0) {
      throw new Error(`policy statement "${s.sid}" allows ${wildcards.join(", ")}: name the actions, or add the pattern with why to ACTION_WILDCARDS (modules/iam/action-wildcards.ts) and regenerate policies/data/action_wildcards.json`);
    }
  }
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? "Allow",
      ...(s.principals ? { Principal: s.principals } : {}),
      Action: oneOrMany(s.actions),
      Resource: oneOrMany(s.resources ?? ["*"]),
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

/**
 * Renders a role's trust policy. IAM refuses a trust policy with a Resource element ("Has
 * prohibited field Resource"): the role itself is the resource. So statements may not name
 * resources, and none is written.
 */
export function trustPolicyJson(statements: readonly Omit<PolicyStatement, "resources">[]): string {
  const document = JSON.parse(policyJson(statements));
  for (const [i, statement] of (statements as readonly PolicyStatement[]).entries()) {
    if (statement.resources !== undefined) throw new Error(`trust policy statement "${statement.sid}" names resources; a trust policy cannot`);
    delete document.Statement[i].Resource;
  }
  return JSON.stringify(document);
}
