/**
 * The database users the migrations own (functions/campaign/schema/users.ts) against MariaDB:
 * each function user holds exactly its derived grants, re-running changes nothing, an extra
 * grant is revoked, and a statement outside a user's grants fails.
 */
import { randomBytes } from "crypto";
import { Connection, createConnection, RowDataPacket } from "mysql2/promise";
import { applyUsersAndGrants, desiredTuples, FUNCTION_USERS, PERSONA_USERS, userNameOf } from "../../../functions/campaign/schema/users";
import { functionEntries } from "../../../scripts/review/lib/function-bundles";
import { normalize, sqlGrantsOf } from "../../../scripts/review/lib/function-sql-grants";
import { upgradeDatabase } from "../../../functions/campaign/schema/upgrade";
import { LOCAL_USER_PASSWORD } from "../../../scripts/campaign/lib/local-campaign";
import { createTestDatabase, localServices, TestDatabase } from "../../support/local-services";

const PREFIX = `t${randomBytes(1).toString("hex")}_`;
const PASSWORD = "local-only-test-password";
const options = { passwords: { passwordFor: async () => PASSWORD }, prefix: PREFIX };

let db: TestDatabase;
let admin: Connection;
/** The schema owner, signed in with only its bootstrap rights: applyUsersAndGrants runs as it, as in AWS. */
let owner: Connection;
const signInAs = (name: string) => createConnection({ host: db.settings.host, port: db.settings.port, user: userNameOf(name, PREFIX), password: PASSWORD, database: db.settings.database });

beforeAll(async () => {
  db = await createTestDatabase("database-users");
  admin = await db.connect();
  owner = await createConnection({ host: db.settings.host, port: db.settings.port, user: userNameOf("db-migrate"), password: LOCAL_USER_PASSWORD, database: db.settings.database });
}, 120_000);

afterAll(async () => {
  for (const user of [...FUNCTION_USERS, ...PERSONA_USERS]) await admin.query(`DROP USER IF EXISTS '${userNameOf(user.name, PREFIX)}'@'%'`);
  await admin.end();
  await owner.end();
  await db.drop();
  void localServices;
});

it("creates every user with its grants, and a second run is a no-op", async () => {
  const first = await applyUsersAndGrants(owner, options);
  expect(first.filter((s) => s.startsWith("CREATE USER"))).toHaveLength(FUNCTION_USERS.length + PERSONA_USERS.length);
  expect(await applyUsersAndGrants(owner, options)).toEqual([]);
});

describe("the test database, brought up as db-migrate brings up Aurora", () => {
  it("was migrated by the schema owner with only its bootstrap rights: running db-migrate's path again as fn_db_migrate changes nothing", async () => {
    const again = await upgradeDatabase(owner, { passwords: { passwordFor: async () => fail("no user should be created again") } });
    expect(again.applied).toEqual([]);
    expect(again.userStatements).toEqual([]);
  });

  it("hands function code a pool signed in as the function's own user, never root", async () => {
    const [[me]] = await db.as("campaign-web").query<RowDataPacket[]>("SELECT CURRENT_USER() AS user");
    expect(me.user).toBe("fn_campaign_web@%");
    await expect(db.as("campaign-web").query("SELECT email FROM patients")).rejects.toThrow(/SELECT command denied to user 'fn_campaign_web'/);
    const single = await db.connectAs("form-submit");
    try {
      await expect(single.query("SELECT given_name FROM patients")).rejects.toThrow(/denied to user 'fn_form_submit'/);
    } finally {
      await single.end();
    }
    expect(db.environmentAs("campaign-send")).toMatchObject({ DB_AUTH: "password", DB_USER: "fn_campaign_send", DB_NAME: db.settings.database });
    expect(() => db.as("db-migrate")).toThrow(/db-migrate has no database user: the functions with one are campaign-delivery-events, /);
  });
});

function fail(message: string): never {
  throw new Error(message);
}

it("SHOW GRANTS of campaign-web lists exactly its derived grants", async () => {
  const web = FUNCTION_USERS.find((u) => u.name === "campaign-web")!;
  const [rows] = await admin.query<RowDataPacket[]>(`SHOW GRANTS FOR '${userNameOf("campaign-web", PREFIX)}'@'%'`);
  const lines = rows.map((r) => String(Object.values(r)[0]));
  const tables = lines.filter((l) => / ON `/.test(l)).map((l) => /ON `[^`]+`\.`([^`]+)`/.exec(l)![1]).sort();
  expect(tables).toEqual(web.grants.map((g) => g.table).sort());
  expect(lines.join("\n")).not.toMatch(/patients|ALL PRIVILEGES|GRANT OPTION|ON \*\.\*.*(SELECT|INSERT|CREATE)/);
});

/** SHOW GRANTS lines as the tuples applyUsersAndGrants works in (`table\tcolumn\tPRIVILEGE`); USAGE ON *.* is no privilege. */
function tuplesOfShowGrants(lines: readonly string[]): string[] {
  const tuples: string[] = [];
  for (const line of lines) {
    const m = /^GRANT (.+) ON `[^`]+`\.`([^`]+)` TO /.exec(line);
    if (!m) {
      expect(line).toMatch(/^GRANT USAGE ON \*\.\* TO /);
      continue;
    }
    const parts = m[1].split(/,(?![^(]*\))/); // commas outside a column list
    for (const part of parts) {
      const [, privilege, columns] = /^\s*([A-Z][A-Z ]*?)\s*(?:\(([^)]*)\))?\s*$/.exec(part)!;
      if (columns === undefined) tuples.push(`${m[2]}\t\t${privilege}`);
      else for (const column of columns.split(",")) tuples.push(`${m[2]}\t${column.trim().replace(/`/g, "")}\t${privilege}`);
    }
  }
  return tuples.sort();
}

it.each([...FUNCTION_USERS, ...PERSONA_USERS].map((u) => [u.name, u] as const))("SHOW GRANTS of %s lists exactly its derived grants", async (name, user) => {
  const [rows] = await admin.query<RowDataPacket[]>(`SHOW GRANTS FOR '${userNameOf(name, PREFIX)}'@'%'`);
  const lines = rows.map((r) => String(Object.values(r)[0]));
  expect(tuplesOfShowGrants(lines)).toEqual([...desiredTuples(user.grants)].sort());
});

it("revokes a grant nobody derived (planted by break-glass), the schema owner seeing it in the grant tables", async () => {
  const account = `'${userNameOf("campaign-web", PREFIX)}'@'%'`;
  await admin.query(`GRANT SELECT (email) ON \`${db.settings.database}\`.patients TO ${account}`);
  await admin.query(`GRANT CREATE ON \`${db.settings.database}\`.* TO ${account}`);
  const ran = await applyUsersAndGrants(owner, options);
  expect(ran).toEqual(expect.arrayContaining([`REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${account}`]));
  expect(await applyUsersAndGrants(owner, options)).toEqual([]);
});

describe("campaign-web, signed in as itself", () => {
  let web: Connection;
  beforeAll(async () => {
    web = await signInAs("campaign-web");
  });
  afterAll(() => web.end());

  it("runs a statement its grants cover", async () => {
    await expect(web.query("SELECT id, slug, version, definition, published_at FROM forms WHERE slug = ?", ["none"])).resolves.toBeDefined();
  });

  it("cannot read contact details it does not use", async () => {
    await expect(web.query("SELECT email, phone_e164 FROM patients")).rejects.toThrow(/denied/);
    await expect(web.query("SELECT provider_message_id FROM deliveries")).rejects.toThrow(/denied/);
  });

  it("cannot touch the schema", async () => {
    await expect(web.query("CREATE TABLE planted (id INT)")).rejects.toThrow(/denied/);
    await expect(web.query("ALTER TABLE forms ADD COLUMN planted INT")).rejects.toThrow(/denied/);
    await expect(web.query("DROP TABLE forms")).rejects.toThrow(/denied/);
  });
});

it("the DBA reads patients but not their contact columns", async () => {
  const dba = await signInAs("dba");
  try {
    await expect(dba.query("SELECT id, given_name FROM patients")).resolves.toBeDefined();
    await expect(dba.query("SELECT email FROM patients")).rejects.toThrow(/denied/);
    await expect(dba.query("SELECT * FROM patients")).rejects.toThrow(/denied/);
  } finally {
    await dba.end();
  }
});

describe("every function's statements, prepared as its own user", () => {
  // Prepared server-side: MariaDB resolves tables and columns and checks privileges at PREPARE,
  // so each statement the analysis found is checked against exactly the user's grants.
  const functions = functionEntries().map((entry) => sqlGrantsOf(entry)).filter((fn) => fn.role === "derived" && fn.tables.length > 0);

  it.each(functions.map((fn) => [fn.function, fn] as const))("%s: every statement its code runs is within its grants", async (_name, fn) => {
    const connection = await signInAs(fn.function);
    try {
      const refused: string[] = [];
      for (const statement of fn.statements) {
        await connection.prepare(normalize(statement.sql)).then((prepared) => prepared.close(), (error: Error) => refused.push(`${statement.sites[0]}: ${error.message}`));
      }
      expect(refused).toEqual([]);
    } finally {
      await connection.end();
    }
  });

  it("a statement outside campaign-web's grants is refused (the planted read of patients.email)", async () => {
    const web = await signInAs("campaign-web");
    try {
      await expect(web.prepare("SELECT p.email FROM patients p JOIN invitations i ON i.patient_id = p.id WHERE i.id = ?")).rejects.toThrow(/denied/);
      await expect(web.prepare("UPDATE invitations SET patient_id = ? WHERE id = ?")).rejects.toThrow(/denied/);
    } finally {
      await web.end();
    }
  });
});
