/**
 * The personas and the names their access goes by in every account: a module without
 * imports, so the typed config (modules/config) can validate against it.
 */

/** The seven personas of the source documents (003, "Architecture details from ... point of view"). */
export const PERSONAS = [
  "patient",
  "care-provider",
  "it-support",
  "database-administrator",
  "security-team",
  "system-administrator",
  "super-admin",
] as const;
export type Persona = (typeof PERSONAS)[number];

/** Personas that reach AWS (through IAM Identity Center); patients sign in to the portal with Cognito only. */
export type IamPersona = Exclude<Persona, "patient">;
export const IAM_PERSONAS: readonly IamPersona[] = PERSONAS.filter((p): p is IamPersona => p !== "patient");

/** The tag that names a persona's policy or permission set; the access matrix and the rules read it. */
export const PERSONA_TAG = "persona";

/** Persona sessions last at most an hour. */
export const PERSONA_SESSION_SECONDS = 3600;

/** The same as an ISO-8601 duration, as IAM Identity Center takes a permission set's session duration. */
export const PERSONA_SESSION_DURATION = "PT1H";

/**
 * A permission set refers to customer-managed policies by name and path, and Identity
 * Center looks them up in each account it provisions the set to: so each persona's policy
 * and the human boundary have the same name in every environment's account (one
 * environment per account, checked by organizationProblems), unlike the other resources'
 * `medicare-<env>-*` names. The path is "/" so the boundary's ARN matches the SCP's and the
 * boundaries' own `medicare-*-boundary` patterns.
 */
export const PERSONA_POLICY_PATH = "/";

/** The customer-managed policy holding a persona's grants in each account (`medicare-persona-<persona>`). */
export function personaPolicyName(persona: IamPersona): string {
  return `medicare-persona-${persona}`;
}

/** The permission boundary of every persona's Identity Center role, in each account. */
export const HUMAN_BOUNDARY_POLICY_NAME = "medicare-human-boundary";
