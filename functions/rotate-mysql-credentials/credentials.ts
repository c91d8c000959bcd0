/**
 * The secret value this function rotates: one MySQL/MariaDB user's connection details, as
 * JSON in the shape DMS and the RDS rotation templates use.
 */
export interface DatabaseCredentials {
  readonly engine: "mysql" | "mariadb" | "aurora-mysql";
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname?: string;
}

const ENGINES = new Set(["mysql", "mariadb", "aurora-mysql"]);

/** Thrown for a secret value that is not usable; the message never contains the value. */
export class InvalidSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidSecretError";
  }
}

/**
 * Parses and checks a secret string. Unknown fields are kept (a pending version is a copy of
 * the current one with a new password), so the result is the whole object.
 */
export function parseCredentials(secretString: string | undefined, what: string): DatabaseCredentials & Record<string, unknown> {
  if (secretString === undefined) throw new InvalidSecretError(`${what} has no SecretString (binary secrets are not supported)`);
  let value: unknown;
  try {
    value = JSON.parse(secretString);
  } catch {
    throw new InvalidSecretError(`${what} is not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InvalidSecretError(`${what} is not a JSON object`);
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof v.engine !== "string" || !ENGINES.has(v.engine)) problems.push(`engine must be one of ${[...ENGINES].join(", ")}`);
  if (typeof v.host !== "string" || v.host.trim() === "") problems.push("host must be a non-empty string");
  // DMS writes the port as a number; operators often write it as a string.
  const port = typeof v.port === "string" && /^\d+$/.test(v.port) ? Number(v.port) : v.port;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) problems.push("port must be an integer 1..65535");
  if (typeof v.username !== "string" || v.username === "") problems.push("username must be a non-empty string");
  if (typeof v.password !== "string" || v.password === "") problems.push("password must be a non-empty string");
  if (v.dbname !== undefined && typeof v.dbname !== "string") problems.push("dbname must be a string when present");
  if (problems.length > 0) throw new InvalidSecretError(`${what} is not a database credential: ${problems.join("; ")}`);
  return { ...v, port } as DatabaseCredentials & Record<string, unknown>;
}

/** True when both name the same database account (the only one whose password may change). */
export function sameAccount(a: DatabaseCredentials, b: DatabaseCredentials): boolean {
  return a.host === b.host && a.port === b.port && a.username === b.username && a.engine === b.engine;
}
