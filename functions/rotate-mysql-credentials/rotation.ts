/**
 * Secrets Manager rotation of one MySQL/MariaDB user's password ("single user" strategy),
 * as plain functions of an SDK client and a connection factory so each step is testable.
 *
 * The contract (Secrets Manager calls the function once per step, and retries a failed step):
 *   createSecret  put a new version with a fresh password, staged AWSPENDING
 *   setSecret     change the database user's password to the pending one
 *   testSecret    log in with the pending version
 *   finishSecret  move AWSCURRENT to the pending version (AWSPREVIOUS follows automatically)
 * Every step is idempotent: a retry after a partial success finds the work done and returns.
 *
 * Nothing here logs or throws a password: logs carry the secret ARN, the step and the account
 * (user@host), and database errors are reduced to their error code.
 */
import {
  DescribeSecretCommand,
  DescribeSecretCommandOutput,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { DatabaseCredentials, InvalidSecretError, parseCredentials, sameAccount } from "./credentials";

export type RotationStep = "createSecret" | "setSecret" | "testSecret" | "finishSecret";

/** The event Secrets Manager sends to a rotation function. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: RotationStep;
  /** Identifies the rotation to Secrets Manager; passed back on PutSecretValue. */
  readonly RotationToken?: string;
}

export interface DatabaseConnection {
  /** Runs one statement; `?` placeholders are escaped by the client, never concatenated. */
  query(sql: string, values?: readonly unknown[]): Promise<unknown>;
  end(): Promise<void>;
}

/** Opens a TLS connection as the given user, or rejects (bad password, unreachable, bad certificate). */
export type ConnectionFactory = (credentials: DatabaseCredentials) => Promise<DatabaseConnection>;

export interface RotationLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface RotationDependencies {
  readonly secrets: Pick<SecretsManagerClient, "send">;
  readonly connect: ConnectionFactory;
  readonly log: RotationLogger;
}

/**
 * Characters GetRandomPassword must leave out: quotes and backslash (SQL and JSON escaping),
 * `@` and `/` (user@host and URL syntax), `:` `;` `%` `&` `?` `#` `,` `{` `}` `$` (DMS extra
 * connection attributes, connection strings and shells), `+` and `.` (which DMS refuses in
 * endpoint passwords), and space. 32 characters from the rest still carry ~190 bits.
 */
export const EXCLUDED_PASSWORD_CHARACTERS = " \"'`\\/@:;%&?#,{}$+.";
export const PASSWORD_LENGTH = 32;

const STEPS: readonly RotationStep[] = ["createSecret", "setSecret", "testSecret", "finishSecret"];

/** A database failure reduced to what is safe to log: mysql2 errors can quote the SQL, and so the password. */
export class DatabaseStepError extends Error {
  constructor(step: string, account: string, cause: unknown) {
    const code = (cause as { code?: unknown })?.code;
    super(`${step}: database call for ${account} failed (${typeof code === "string" ? code : "no error code"})`);
    this.name = "DatabaseStepError";
  }
}

const accountOf = (c: DatabaseCredentials) => `${c.username}@${c.host}:${c.port}`;

async function describe(deps: RotationDependencies, secretId: string): Promise<DescribeSecretCommandOutput> {
  return deps.secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
}

async function getCredentials(deps: RotationDependencies, secretId: string, stage: string, versionId?: string) {
  const value = await deps.secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }));
  return parseCredentials(value.SecretString, `${stage} version of ${secretId}`);
}

/** The version at `stage`, or undefined when no version carries it. */
async function findCredentials(deps: RotationDependencies, secretId: string, stage: string, versionId?: string) {
  try {
    return await getCredentials(deps, secretId, stage, versionId);
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** A connection as `credentials`, or undefined when the login fails for any reason. */
async function tryConnect(deps: RotationDependencies, credentials: DatabaseCredentials): Promise<DatabaseConnection | undefined> {
  try {
    return await deps.connect(credentials);
  } catch (error) {
    deps.log.info("login failed", { account: accountOf(credentials), code: (error as { code?: unknown })?.code });
    return undefined;
  }
}

/** createSecret: stage a copy of the current credentials with a new random password as AWSPENDING. */
export async function createSecret(deps: RotationDependencies, event: RotationEvent): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token } = event;
  const current = await getCredentials(deps, secretId, "AWSCURRENT");
  if (await findCredentials(deps, secretId, "AWSPENDING", token)) {
    deps.log.info("createSecret: pending version already exists", { secretId, account: accountOf(current) });
    return;
  }
  const generated = await deps.secrets.send(
    new GetRandomPasswordCommand({
      PasswordLength: PASSWORD_LENGTH,
      ExcludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
      RequireEachIncludedType: true,
    }),
  );
  if (!generated.RandomPassword) throw new Error("createSecret: GetRandomPassword returned no password");
  await deps.secrets.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      ClientRequestToken: token,
      SecretString: JSON.stringify({ ...current, password: generated.RandomPassword }),
      VersionStages: ["AWSPENDING"],
      RotationToken: event.RotationToken,
    }),
  );
  deps.log.info("createSecret: staged a new password as AWSPENDING", { secretId, account: accountOf(current) });
}

/** setSecret: change the user's password in the database to the pending one. */
export async function setSecret(deps: RotationDependencies, event: RotationEvent): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token } = event;
  const pending = await getCredentials(deps, secretId, "AWSPENDING", token);
  const account = accountOf(pending);

  const alreadySet = await tryConnect(deps, pending);
  if (alreadySet) {
    await alreadySet.end();
    deps.log.info("setSecret: the database already accepts the pending password", { secretId, account });
    return;
  }

  const current = await getCredentials(deps, secretId, "AWSCURRENT");
  if (!sameAccount(pending, current)) {
    throw new InvalidSecretError(`setSecret: the pending version of ${secretId} names a different account than the current one; refusing to change a password`);
  }
  let connection = await tryConnect(deps, current);
  if (!connection) {
    // A rotation that failed after setSecret and was then retried from the start leaves the
    // database on the password now staged AWSPREVIOUS.
    const previous = await findCredentials(deps, secretId, "AWSPREVIOUS");
    if (previous && sameAccount(previous, pending)) connection = await tryConnect(deps, previous);
  }
  if (!connection) throw new Error(`setSecret: cannot log in to ${account} with the current or previous password of ${secretId}`);

  try {
    // Client-side placeholder: the driver escapes the value (ALTER USER takes no server-side parameter).
    await connection.query("ALTER USER CURRENT_USER() IDENTIFIED BY ?", [pending.password]);
  } catch (error) {
    throw new DatabaseStepError("setSecret", account, error);
  } finally {
    await connection.end();
  }
  deps.log.info("setSecret: password changed in the database", { secretId, account });
}

/** testSecret: the pending credentials log in and can run a statement. */
export async function testSecret(deps: RotationDependencies, event: RotationEvent): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token } = event;
  const pending = await getCredentials(deps, secretId, "AWSPENDING", token);
  const account = accountOf(pending);
  let connection: DatabaseConnection;
  try {
    connection = await deps.connect(pending);
  } catch (error) {
    throw new DatabaseStepError("testSecret", account, error);
  }
  try {
    await connection.query("SELECT 1");
  } catch (error) {
    throw new DatabaseStepError("testSecret", account, error);
  } finally {
    await connection.end();
  }
  deps.log.info("testSecret: pending password works", { secretId, account });
}

/** finishSecret: make the pending version current. */
export async function finishSecret(deps: RotationDependencies, event: RotationEvent): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token } = event;
  const metadata = await describe(deps, secretId);
  const currentVersion = Object.entries(metadata.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes("AWSCURRENT"))?.[0];
  if (currentVersion === token) {
    deps.log.info("finishSecret: version is already AWSCURRENT", { secretId });
    return;
  }
  await deps.secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: "AWSCURRENT",
      MoveToVersionId: token,
      RemoveFromVersionId: currentVersion,
    }),
  );
  deps.log.info("finishSecret: pending version is now AWSCURRENT", { secretId });
}

const HANDLERS: Readonly<Record<RotationStep, (deps: RotationDependencies, event: RotationEvent) => Promise<void>>> = {
  createSecret,
  setSecret,
  testSecret,
  finishSecret,
};

/** Checks the event against the secret's state, then runs its step. */
export async function rotate(deps: RotationDependencies, event: RotationEvent): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  if (!STEPS.includes(step)) throw new Error(`unknown rotation step ${JSON.stringify(step)}`);
  const metadata = await describe(deps, secretId);
  if (!metadata.RotationEnabled) throw new Error(`rotation is not enabled for ${secretId}`);
  const stages = metadata.VersionIdsToStages?.[token];
  if (!stages) throw new Error(`version ${token} of ${secretId} has no stage; it is not being rotated`);
  if (stages.includes("AWSCURRENT")) {
    deps.log.info("version is already AWSCURRENT; nothing to do", { secretId, step });
    return;
  }
  if (!stages.includes("AWSPENDING")) throw new Error(`version ${token} of ${secretId} is not AWSPENDING`);
  await HANDLERS[step](deps, event);
}
