/**
 * The rotation steps against a stateful fake of Secrets Manager (aws-sdk-client-mock) and an
 * in-memory MySQL account table, including retries of every step and the failure paths.
 */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { DatabaseCredentials } from "../../functions/rotate-mysql-credentials/credentials";
import {
  createSecret,
  DatabaseConnection,
  EXCLUDED_PASSWORD_CHARACTERS,
  finishSecret,
  rotate,
  RotationDependencies,
  RotationEvent,
  RotationStep,
  setSecret,
  testSecret,
} from "../../functions/rotate-mysql-credentials/rotation";

const SECRET_ID = "arn:aws:secretsmanager:eu-west-2:111111111111:secret:medicare-dev-dms-source-AbCdEf";
const OLD_VERSION = "11111111-1111-1111-1111-111111111111";
const TOKEN = "22222222-2222-2222-2222-222222222222";
const OLD_PASSWORD = "Old-password-0001";
const NEW_PASSWORD = "New-Password-0002-abcdefghijklmno";

const credentials = (password: string, overrides: Partial<DatabaseCredentials> = {}) => ({
  engine: "mysql",
  host: "patients-db.medicare.internal",
  port: 3306,
  username: "dms_source",
  password,
  dbname: "patients",
  ...overrides,
});

const notFound = () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value", $metadata: {} });

/** Versions and staging labels of one secret, behaving like Secrets Manager for the calls the function makes. */
class FakeSecret {
  readonly versions = new Map<string, { value?: string; stages: Set<string> }>();
  rotationEnabled = true;
  nextPassword = NEW_PASSWORD;

  constructor(current: object) {
    this.versions.set(OLD_VERSION, { value: JSON.stringify(current), stages: new Set(["AWSCURRENT"]) });
  }

  /** What RotateSecret does before calling the function: an empty version staged AWSPENDING. */
  startRotation(token = TOKEN) {
    this.versions.set(token, { stages: new Set(["AWSPENDING"]) });
  }

  versionAt(stage: string): string | undefined {
    return [...this.versions].find(([, v]) => v.stages.has(stage))?.[0];
  }

  valueAt(stage: string): any {
    const id = this.versionAt(stage);
    return id && this.versions.get(id)!.value ? JSON.parse(this.versions.get(id)!.value!) : undefined;
  }

  private moveStage(stage: string, to: string) {
    for (const v of this.versions.values()) v.stages.delete(stage);
    this.versions.get(to)!.stages.add(stage);
  }

  install(mock: ReturnType<typeof mockClient>) {
    mock.on(DescribeSecretCommand).callsFake(() => ({
      ARN: SECRET_ID,
      RotationEnabled: this.rotationEnabled,
      VersionIdsToStages: Object.fromEntries([...this.versions].map(([id, v]) => [id, [...v.stages]])),
    }));
    mock.on(GetSecretValueCommand).callsFake((input: any) => {
      const id = input.VersionId ?? (input.VersionStage ? this.versionAt(input.VersionStage) : this.versionAt("AWSCURRENT"));
      const version = id ? this.versions.get(id) : undefined;
      if (!version || version.value === undefined || (input.VersionStage && !version.stages.has(input.VersionStage))) throw notFound();
      return { ARN: SECRET_ID, VersionId: id, SecretString: version.value, VersionStages: [...version.stages] };
    });
    mock.on(GetRandomPasswordCommand).callsFake(() => ({ RandomPassword: this.nextPassword }));
    mock.on(PutSecretValueCommand).callsFake((input: any) => {
      const existing = this.versions.get(input.ClientRequestToken);
      if (existing?.value !== undefined && existing.value !== input.SecretString) throw new Error("ResourceExistsException");
      this.versions.set(input.ClientRequestToken, { value: input.SecretString, stages: existing?.stages ?? new Set() });
      for (const stage of input.VersionStages) this.moveStage(stage, input.ClientRequestToken);
      return { ARN: SECRET_ID, VersionId: input.ClientRequestToken };
    });
    mock.on(UpdateSecretVersionStageCommand).callsFake((input: any) => {
      if (input.VersionStage === "AWSCURRENT") {
        const old = this.versionAt("AWSCURRENT");
        if (old !== input.RemoveFromVersionId) throw new Error("InvalidParameterException: RemoveFromVersionId is not the current version");
        if (old) this.moveStage("AWSPREVIOUS", old);
      }
      this.moveStage(input.VersionStage, input.MoveToVersionId);
      return { ARN: SECRET_ID };
    });
  }
}

/** MySQL accounts as user@host -> password, with the statements each connection ran. */
class FakeDatabase {
  readonly passwords = new Map<string, string>();
  readonly statements: { sql: string; values?: readonly unknown[] }[] = [];
  failAlterWith?: Error;
  connections = 0;
  open = 0;

  constructor(username: string, password: string) {
    this.passwords.set(username, password);
  }

  readonly connect = async (c: DatabaseCredentials): Promise<DatabaseConnection> => {
    if (this.passwords.get(c.username) !== c.password) {
      throw Object.assign(new Error(`Access denied for user '${c.username}'@'10.20.128.9' (using password: YES)`), { code: "ER_ACCESS_DENIED_ERROR" });
    }
    this.connections++;
    this.open++;
    return {
      query: async (sql, values) => {
        this.statements.push({ sql, values });
        if (sql.startsWith("ALTER USER")) {
          if (this.failAlterWith) throw this.failAlterWith;
          this.passwords.set(c.username, String(values![0]));
        }
      },
      end: async () => {
        this.open--;
      },
    };
  };
}

let sm: ReturnType<typeof mockClient>;
let secret: FakeSecret;
let db: FakeDatabase;
let logged: string[];
let deps: RotationDependencies;

const event = (step: RotationStep, token = TOKEN): RotationEvent => ({
  SecretId: SECRET_ID,
  ClientRequestToken: token,
  Step: step,
  RotationToken: "rotation-token-from-secrets-manager",
});

const runAll = async () => {
  for (const step of ["createSecret", "setSecret", "testSecret", "finishSecret"] as const) await rotate(deps, event(step));
};

beforeEach(() => {
  sm = mockClient(SecretsManagerClient);
  secret = new FakeSecret(credentials(OLD_PASSWORD));
  secret.install(sm);
  secret.startRotation();
  db = new FakeDatabase("dms_source", OLD_PASSWORD);
  logged = [];
  const capture = (level: string) => (message: string, extra?: Record<string, unknown>) => logged.push(`${level} ${message} ${JSON.stringify(extra ?? {})}`);
  deps = { secrets: new SecretsManagerClient({ region: "eu-west-2" }), connect: db.connect, log: { info: capture("info"), warn: capture("warn") } };
});

afterEach(() => {
  // No password ever reaches a log line.
  for (const line of logged) {
    expect(line).not.toContain(OLD_PASSWORD);
    expect(line).not.toContain(NEW_PASSWORD);
  }
  expect(db.open).toBe(0);
  sm.restore();
});

describe("a full rotation", () => {
  it("changes the password in the database and in the secret, keeping the old one as AWSPREVIOUS", async () => {
    await runAll();
    expect(db.passwords.get("dms_source")).toBe(NEW_PASSWORD);
    expect(secret.versionAt("AWSCURRENT")).toBe(TOKEN);
    expect(secret.versionAt("AWSPREVIOUS")).toBe(OLD_VERSION);
    // AWSPENDING stays on the new version: Secrets Manager removes it once finishSecret returns.
    expect(secret.valueAt("AWSCURRENT")).toEqual(credentials(NEW_PASSWORD));
    expect(secret.valueAt("AWSPREVIOUS")).toEqual(credentials(OLD_PASSWORD));
  });

  it("sets the password with ALTER USER and a placeholder, never by concatenation", async () => {
    await runAll();
    const alters = db.statements.filter((s) => s.sql.startsWith("ALTER USER"));
    expect(alters).toEqual([{ sql: "ALTER USER CURRENT_USER() IDENTIFIED BY ?", values: [NEW_PASSWORD] }]);
    for (const s of db.statements) expect(s.sql).not.toContain(NEW_PASSWORD);
  });

  it("is idempotent: running every step twice changes nothing more", async () => {
    for (const step of ["createSecret", "setSecret", "testSecret", "finishSecret"] as const) {
      await rotate(deps, event(step));
      await rotate(deps, event(step));
    }
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect(sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(1);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(1);
    expect(db.statements.filter((s) => s.sql.startsWith("ALTER USER"))).toHaveLength(1);
    expect(db.passwords.get("dms_source")).toBe(NEW_PASSWORD);
    expect(secret.versionAt("AWSCURRENT")).toBe(TOKEN);
  });
});

describe("createSecret", () => {
  it("asks for a 32-character password without characters that break MySQL, DMS or shells, and stages it AWSPENDING", async () => {
    await createSecret(deps, event("createSecret"));
    const [request] = sm.commandCalls(GetRandomPasswordCommand).map((c) => c.args[0].input);
    expect(request.PasswordLength).toBe(32);
    for (const c of [" ", '"', "'", "`", "\\", "/", "@", ":", ";", "%", "&", "?", "#", ",", "{", "}", "$"]) {
      expect(request.ExcludeCharacters).toContain(c);
    }
    expect(request.ExcludeCharacters).toBe(EXCLUDED_PASSWORD_CHARACTERS);
    const [put] = sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input);
    expect(put).toMatchObject({ SecretId: SECRET_ID, ClientRequestToken: TOKEN, VersionStages: ["AWSPENDING"], RotationToken: "rotation-token-from-secrets-manager" });
    expect(JSON.parse(put.SecretString!)).toEqual(credentials(NEW_PASSWORD));
  });

  it("keeps fields it does not know (the pending version is the current one with a new password)", async () => {
    secret = new FakeSecret({ ...credentials(OLD_PASSWORD), dmsEndpoint: "source" });
    secret.install(sm);
    secret.startRotation();
    await createSecret(deps, event("createSecret"));
    expect(secret.valueAt("AWSPENDING")).toEqual({ ...credentials(NEW_PASSWORD), dmsEndpoint: "source" });
  });

  it("on a retry where AWSPENDING already holds a value, keeps it and draws no new password", async () => {
    secret.versions.get(TOKEN)!.value = JSON.stringify(credentials("Pending-from-first-attempt-1"));
    await createSecret(deps, event("createSecret"));
    expect(sm.commandCalls(GetRandomPasswordCommand)).toHaveLength(0);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(secret.valueAt("AWSPENDING").password).toBe("Pending-from-first-attempt-1");
  });

  it("refuses a current value that is not a database credential, without quoting it", async () => {
    secret = new FakeSecret({ username: "dms_source", password: OLD_PASSWORD });
    secret.install(sm);
    secret.startRotation();
    const failure = createSecret(deps, event("createSecret"));
    await expect(failure).rejects.toThrow(/engine must be one of.*host must be a non-empty string.*port must be an integer/);
    await expect(createSecret(deps, event("createSecret"))).rejects.not.toThrow(new RegExp(OLD_PASSWORD));
  });
});

describe("setSecret", () => {
  beforeEach(async () => {
    await createSecret(deps, event("createSecret"));
  });

  it("logs in with the current password and changes it to the pending one", async () => {
    await setSecret(deps, event("setSecret"));
    expect(db.passwords.get("dms_source")).toBe(NEW_PASSWORD);
  });

  it("on a retry after the password was already changed, connects with the pending one and changes nothing", async () => {
    db.passwords.set("dms_source", NEW_PASSWORD);
    await setSecret(deps, event("setSecret"));
    expect(db.statements.filter((s) => s.sql.startsWith("ALTER USER"))).toEqual([]);
  });

  it("falls back to AWSPREVIOUS when the database still has the previous password", async () => {
    // A manual edit made AWSCURRENT differ from the database, which still has what is now AWSPREVIOUS.
    secret.versions.set("00000000-0000-0000-0000-000000000000", { value: JSON.stringify(credentials(OLD_PASSWORD)), stages: new Set(["AWSPREVIOUS"]) });
    secret.versions.get(OLD_VERSION)!.value = JSON.stringify(credentials("Edited-by-hand-0003"));
    await setSecret(deps, event("setSecret"));
    expect(db.passwords.get("dms_source")).toBe(NEW_PASSWORD);
  });

  it("fails when neither the current nor the previous password logs in", async () => {
    db.passwords.set("dms_source", "Changed-outside-rotation-9");
    await expect(setSecret(deps, event("setSecret"))).rejects.toThrow(/cannot log in to dms_source@patients-db.medicare.internal:3306/);
  });

  it("refuses to change a password when the pending version names another account", async () => {
    secret.versions.get(TOKEN)!.value = JSON.stringify(credentials(NEW_PASSWORD, { username: "root" }));
    await expect(setSecret(deps, event("setSecret"))).rejects.toThrow(/names a different account/);
    expect(db.statements).toEqual([]);
  });

  it("reports a failed ALTER USER by error code only: mysql2 errors can quote the statement and its password", async () => {
    db.failAlterWith = Object.assign(new Error(`You have an error in your SQL syntax near 'IDENTIFIED BY '${NEW_PASSWORD}''`), {
      code: "ER_PARSE_ERROR",
      sql: `ALTER USER CURRENT_USER() IDENTIFIED BY '${NEW_PASSWORD}'`,
    });
    const error: Error = await setSecret(deps, event("setSecret")).then(
      () => new Error("setSecret succeeded"),
      (e: Error) => e,
    );
    expect(error.message).toBe("setSecret: database call for dms_source@patients-db.medicare.internal:3306 failed (ER_PARSE_ERROR)");
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(NEW_PASSWORD);
    expect(db.passwords.get("dms_source")).toBe(OLD_PASSWORD);
  });
});

describe("testSecret", () => {
  it("passes when the pending password logs in and runs a statement", async () => {
    await createSecret(deps, event("createSecret"));
    await setSecret(deps, event("setSecret"));
    await testSecret(deps, event("testSecret"));
    expect(db.statements.at(-1)).toEqual({ sql: "SELECT 1", values: undefined });
  });

  it("fails, leaving AWSCURRENT where it was, when the database does not accept the pending password", async () => {
    await createSecret(deps, event("createSecret"));
    // setSecret never ran (or its change was lost): the database still has the old password.
    const error: Error = await rotate(deps, event("testSecret")).then(
      () => new Error("testSecret succeeded"),
      (e: Error) => e,
    );
    expect(error.message).toMatch(/^testSecret: database call for dms_source@patients-db\.medicare\.internal:3306 failed \(ER_ACCESS_DENIED_ERROR\)$/);
    expect(error.message).not.toContain(NEW_PASSWORD);
    expect(secret.versionAt("AWSCURRENT")).toBe(OLD_VERSION);
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });
});

describe("finishSecret", () => {
  it("moves AWSCURRENT from the old version to the pending one", async () => {
    await createSecret(deps, event("createSecret"));
    await finishSecret(deps, event("finishSecret"));
    const [update] = sm.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input);
    expect(update).toEqual({ SecretId: SECRET_ID, VersionStage: "AWSCURRENT", MoveToVersionId: TOKEN, RemoveFromVersionId: OLD_VERSION });
  });

  it("does nothing when the version is already AWSCURRENT", async () => {
    await createSecret(deps, event("createSecret"));
    await finishSecret(deps, event("finishSecret"));
    await finishSecret(deps, event("finishSecret"));
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(1);
  });
});

describe("the dispatcher", () => {
  it("refuses a secret whose rotation is not enabled", async () => {
    secret.rotationEnabled = false;
    await expect(rotate(deps, event("createSecret"))).rejects.toThrow(/rotation is not enabled/);
  });

  it("refuses a token that is not a version of the secret", async () => {
    await expect(rotate(deps, event("createSecret", "99999999-9999-9999-9999-999999999999"))).rejects.toThrow(/has no stage/);
  });

  it("refuses a version that is neither AWSCURRENT nor AWSPENDING", async () => {
    secret.versions.get(TOKEN)!.stages = new Set(["AWSPREVIOUS"]);
    await expect(rotate(deps, event("setSecret"))).rejects.toThrow(/is not AWSPENDING/);
  });

  it("returns at once for a version that is already AWSCURRENT", async () => {
    await rotate(deps, event("createSecret", OLD_VERSION));
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it("refuses an unknown step", async () => {
    await expect(rotate(deps, { ...event("createSecret"), Step: "deleteSecret" as RotationStep })).rejects.toThrow(/unknown rotation step "deleteSecret"/);
  });
});
