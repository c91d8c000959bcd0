/**
 * Lambda entry that brings the campaign database's schema up to date: invoked once per
 * deploy (by the pipeline or a Terraform `aws_lambda_invocation`), before the functions that
 * use the new schema, then creates or corrects every database user and its grants (users.ts).
 * Safe to invoke repeatedly and concurrently (the runner takes a lock).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { secretPasswords, secretPasswordSettingsFromEnvironment } from "../campaign/schema/secret-passwords";
import { upgradeDatabase } from "../campaign/schema/upgrade";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";

const logger = new Logger({ serviceName: "db-migrate" });
const pool = createDatabasePool(databaseSettingsFromEnvironment(), 1);
const passwords = secretPasswords(new SecretsManagerClient({}), secretPasswordSettingsFromEnvironment());

export const handler = async (): Promise<{ applied: string[]; alreadyApplied: number }> => {
  const connection = await pool.getConnection();
  try {
    // The schema, then every function and persona user with exactly its grants (function-grants.json,
    // users.ts); a new user's password goes to its secret first, where the proxy and the rotation read it.
    const result = await upgradeDatabase(connection, { passwords, log: (line) => logger.info(line) });
    logger.info("schema and database users up to date", { applied: result.applied, alreadyApplied: result.alreadyApplied.length, userStatements: result.userStatements.length });
    return { applied: result.applied, alreadyApplied: result.alreadyApplied.length };
  } finally {
    connection.release();
  }
};
