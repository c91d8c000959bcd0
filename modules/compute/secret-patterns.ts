/**
 * What a literal secret looks like, for the checks that keep secrets out of the synthesized
 * Terraform: NodeFunction refuses secret-looking environment variables, and the Jest scan
 * (__tests__/data/secrets.test.ts) walks every string of every stack. The Rego rule SEC-002
 * (policies/secrets/no_literal_credentials.rego) applies the same patterns to the output.
 */

/** PEM armour of a private key (PKCS#1, PKCS#8, encrypted PKCS#8, EC, DSA, OpenSSH). */
export const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/;

/** An AWS access key id: long-term (AKIA), temporary (ASIA) and the other documented prefixes. */
export const AWS_ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/;

/**
 * Attribute names that hold a credential when their value is a literal: the word itself
 * (`password`, `token`) or a name ending in it (`master_password`, `auth_token`).
 */
const CREDENTIAL_ATTRIBUTE_WORDS = [
  "password",
  "passwd",
  "secret_string",
  "secret_binary",
  "secret_key",
  "secret_access_key",
  "access_key",
  "token",
  "api_key",
  "private_key",
  "client_secret",
];

/** Names that end in a credential word but hold no secret (idempotency tokens, RDS's managed-password switch). */
const NOT_CREDENTIALS = new Set(["creation_token", "client_token", "idempotency_token", "manage_master_user_password"]);

export function isCredentialAttributeName(name: string): boolean {
  const key = name.toLowerCase();
  if (NOT_CREDENTIALS.has(key)) return false;
  return CREDENTIAL_ATTRIBUTE_WORDS.some((word) => key === word || key.endsWith(`_${word}`));
}

/**
 * Environment variable names that announce a secret (DB_PASSWORD, API_TOKEN, PRIVATE_KEY).
 * Names ending in _ARN, _NAME or _FILE (or their plurals: a list or map of them) point to where a
 * secret is kept, which is the right way.
 */
const SECRET_ENV_NAME = /(^|[_-])(PASS(WORD|WD)?|PWD|SECRETS?|TOKEN|API[_-]?KEY|ACCESS[_-]?KEY|SECRET[_-]?KEY|PRIVATE[_-]?KEY|CREDENTIALS?)([_-]|$)/i;
const REFERENCE_ENV_NAME = /_(ARNS?|NAMES?|FILES?)$/i;

export function isSecretEnvironmentName(name: string): boolean {
  return SECRET_ENV_NAME.test(name) && !REFERENCE_ENV_NAME.test(name);
}

/** A value that is a private key or an access key id, wherever it appears. */
export function secretMaterialIn(value: string): string | undefined {
  if (PEM_PRIVATE_KEY.test(value)) return "a PEM private key";
  if (AWS_ACCESS_KEY_ID.test(value)) return "an AWS access key id";
  return undefined;
}

/** A Terraform expression (`${...}`) rather than a literal. */
export function isReference(value: string): boolean {
  return value.includes("${");
}
