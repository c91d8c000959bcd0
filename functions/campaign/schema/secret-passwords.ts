/**
 * Passwords of new database users in AWS (users.ts UserPasswords): a random password stored as
 * the user's Secrets Manager secret (the one RDS Proxy signs in with and the rotation function
 * rotates), in the JSON form both read: engine, host, port, username, password, dbname. The
 * host is the cluster's writer endpoint, which the rotation function connects to directly.
 */
import { randomBytes } from "crypto";
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ConfigurationError } from "../../lib/environment";
import type { UserPasswords } from "./users";

export interface SecretPasswordSettings {
  /** Database user -> ARN of its secret. */
  readonly secretArns: Readonly<Record<string, string>>;
  /** The cluster's writer endpoint and port, and the schema (the secret's host, port, dbname). */
  readonly host: string;
  readonly port: number;
  readonly database: string;
}

/** Reads DB_USER_SECRET_ARNS (JSON object user -> secret ARN), DB_CLUSTER_HOST, DB_CLUSTER_PORT and DB_NAME. */
export function secretPasswordSettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): SecretPasswordSettings {
  let secretArns: unknown;
  try {
    secretArns = JSON.parse(env.DB_USER_SECRET_ARNS ?? "");
  } catch {
    throw new ConfigurationError("DB_USER_SECRET_ARNS must be a JSON object of database user -> Secrets Manager secret ARN (set by modules/campaign/campaign-functions.ts)");
  }
  if (typeof secretArns !== "object" || secretArns === null || Object.values(secretArns).some((v) => typeof v !== "string" || !v.startsWith("arn:"))) {
    throw new ConfigurationError("DB_USER_SECRET_ARNS must map each database user to a secret ARN (arn:aws:secretsmanager:...)");
  }
  const port = Number(env.DB_CLUSTER_PORT ?? "3306");
  if (!env.DB_CLUSTER_HOST || !Number.isInteger(port) || port < 1 || port > 65535 || !env.DB_NAME) {
    throw new ConfigurationError("DB_CLUSTER_HOST, DB_CLUSTER_PORT (1-65535) and DB_NAME must be set: the user secrets name the cluster the rotation function connects to");
  }
  return { secretArns: secretArns as Record<string, string>, host: env.DB_CLUSTER_HOST, port, database: env.DB_NAME };
}

export function secretPasswords(client: SecretsManagerClient, settings: SecretPasswordSettings): UserPasswords {
  return {
    async passwordFor(user: string): Promise<string> {
      const secretId = settings.secretArns[user];
      if (!secretId) throw new ConfigurationError(`database user ${user} has no secret in DB_USER_SECRET_ARNS: the proxy could not sign in as it (add it to modules/data/database-users.ts)`);
      // 32 random bytes, base64url: 43 characters, nothing a MySQL client or a JSON string must escape.
      const password = randomBytes(32).toString("base64url");
      const value = { engine: "mysql", host: settings.host, port: settings.port, username: user, password, dbname: settings.database };
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(value) }));
      return password;
    },
  };
}
