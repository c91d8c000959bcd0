/**
 * Lambda entry that brings the campaign database's schema up to date: invoked once per
 * deploy (by the pipeline or a Terraform `aws_lambda_invocation`), before the functions that
 * use the new schema, then creates or corrects every database user and its grants (users.ts).
 * Safe to invoke repeatedly and concurrently (the runner takes a lock).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { migrate } from "../campaign/schema/migrate";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { secretPasswords, secretPasswordSettingsFromEnvironment } from "../campaign/schema/secret-passwords";
import { applyUsersAndGrants } from "../campaign/schema/users";
import { createDatabasePool, databaseSettingsFromEnvironment } from "../lib/database";

const logger = new Logger({ serviceName: "db-migrate" });
const pool = createDatabasePool(databaseSettingsFromEnvironment(), 1);
const passwords = secretPasswords(new SecretsManagerClient({}), secretPasswordSettingsFromEnvironment());

export const handler = async (): Promise<{ applied: string[]; alreadyApplied: number }> => {
  const connection = await pool.getConnection();
  try {
    const result = await migrate(connection, undefined, (line) => logger.info(line));
    logger.info("schema up to date", { applied: result.applied, alreadyApplied: result.alreadyApplied.length });
    // Every function and persona user holds exactly its grants (function-grants.json, users.ts);
    // a new user's password goes to its secret first, where the proxy and the rotation read it.
    const changed = await applyUsersAndGrants(connection, { passwords, log: (line) => logger.info(line) });
    logger.info("database users up to date", { statements: changed.length });
    return { applied: result.applied, alreadyApplied: result.alreadyApplied.length };
  } finally {
    connection.release();
  }
};
