/**
 * The database privileges each function's SQL needs (scripts/review/lib/function-sql-grants.ts).
 * Fast: no database; esbuild, the TypeScript compiler API and the SQL parser only.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";
import { functionEntries } from "../../scripts/review/lib/function-bundles";
import { FUNCTION_GRANTS_FILE, functionGrantsData, FunctionSqlGrants, privilegeList, schemaOf, sqlGrantsOf } from "../../scripts/review/lib/function-sql-grants";
import { plantContactRead } from "../support/planted";
import { EMAIL_SQL, UK_MOBILE_SQL } from "../../functions/campaign/contacts";
import { MIGRATIONS } from "../../functions/campaign/schema/migrations";

/**
 * The reviewed grants: function -> table -> privileges (as `privilegeList` prints them).
 * Reviewed against each handler's queries; note what is absent: campaign-web and form-submit
 * read no patients column at all (no contact details), campaign-outcomes reads only
 * patients.external_ref and id, and only the planner, reminder and send worker read
 * patients.phone_e164 and email. `null`: not derived (DATABASE_ROLES).
 * A new query changes this table: review the new privilege, then update it here.
 */
const EXPECTED: Readonly<Record<string, Readonly<Record<string, readonly string[]>> | null>> = {
  "campaign-delivery-events": {
    booking_confirmations: ["SELECT (channel, id, invitation_id, provider_message_id, status, status_at, status_detail)", "UPDATE (status, status_at, status_detail)"],
    contact_preferences: ["SELECT (channel, opted_out_at, patient_id)", "INSERT (channel, opt_out_source, opted_out_at, patient_id)", "UPDATE (opt_out_source, opted_out_at)"],
    deliveries: ["SELECT (channel, id, invitation_id, provider_message_id, status, status_at, status_detail)", "UPDATE (status, status_at, status_detail)"],
    invitations: ["SELECT (id, patient_id)"],
  },
  "campaign-outcomes": {
    invitations: ["SELECT (campaign_id, id, patient_id, responded_at, staff_outcome)", "UPDATE (responded_at, staff_outcome, staff_outcome_at, staff_outcome_by)"],
    patients: ["SELECT (external_ref, id)"],
  },
  "campaign-plan": {
    campaigns: ["SELECT (condition_code, id, max_reminders, name, reminder_interval_days, status, token_ttl_days)", "UPDATE (status)"],
    contact_preferences: ["SELECT (channel, opted_out_at, patient_id)"],
    deliveries: ["SELECT (channel, id, invitation_id, round, status)", "INSERT (channel, invitation_id, round, status, status_at, status_detail)", "UPDATE (channel, id, invitation_id, round, status, status_at, status_detail)"],
    invitation_tokens: ["SELECT (invitation_id, revoked_at)", "INSERT (expires_at, invitation_id, issued_at, opt_out_hash, round, token_hash)", "UPDATE (revoked_at)"],
    invitations: ["SELECT (campaign_id, id, patient_id, round)", "INSERT (campaign_id, created_at, issued_at, patient_id, round)", "UPDATE (issued_at, round)"],
    patient_conditions: ["SELECT (condition_code, patient_id)"],
    patients: ["SELECT (email, id, phone_e164)"],
    unqueued_rounds: ["SELECT (campaign_id, id, invitation_ids)", "INSERT (campaign_id, invitation_ids)", "DELETE"],
  },
  "campaign-remind": {
    booking_confirmations: ["SELECT (claimed_at, created_at, enqueued_at, id, status)", "UPDATE (enqueued_at, status, status_at, status_detail)"],
    campaigns: ["SELECT (condition_code, id, max_reminders, name, reminder_interval_days, status, token_ttl_days)"],
    contact_preferences: ["SELECT (channel, opted_out_at, patient_id)"],
    deliveries: ["SELECT (channel, claimed_at, id, invitation_id, round, status)", "INSERT (channel, invitation_id, round, status, status_at, status_detail)", "UPDATE (channel, id, invitation_id, round, status, status_at, status_detail)"],
    invitation_tokens: ["SELECT (invitation_id, revoked_at)", "INSERT (expires_at, invitation_id, issued_at, opt_out_hash, round, token_hash)", "UPDATE (revoked_at)"],
    invitations: ["SELECT (campaign_id, id, issued_at, patient_id, round)", "INSERT (campaign_id, created_at, issued_at, patient_id, round)", "UPDATE (issued_at, round)"],
    non_respondents: ["SELECT (campaign_id, invitation_id, last_contacted_at, patient_id, round)"],
    patients: ["SELECT (email, id, phone_e164)"],
    unqueued_rounds: ["SELECT (campaign_id, id, invitation_ids)", "INSERT (campaign_id, invitation_ids)", "DELETE"],
  },
  "campaign-report": {
    booking_confirmations: ["SELECT (channel, invitation_id, kind, sent_at, status)"],
    bookings: ["SELECT (booked_at, invitation_id)"],
    campaigns: ["SELECT (created_at, id, name, status)"],
    contact_preferences: ["SELECT (channel, opted_out_at, patient_id)"],
    deliveries: ["SELECT (channel, claimed_at, invitation_id, round, sent_at, status, status_at)"],
    invitation_tokens: ["SELECT (invitation_id, redeemed_at)"],
    invitations: ["SELECT (campaign_id, created_at, id, issued_at, patient_id, responded_at, staff_outcome)"],
  },
  "campaign-send": {
    booking_confirmations: ["SELECT (attempts, channel, claimed_at, id, invitation_id, kind, site, starts_at, status, token_hash)", "UPDATE (attempts, claimed_at, provider_message_id, sent_at, status, status_at, status_detail, token_hash)"],
    campaigns: ["SELECT (id, token_ttl_days)"],
    contact_preferences: ["SELECT (channel, opt_out_source, opted_out_at, patient_id)", "INSERT (channel, opt_out_source, opted_out_at, patient_id)", "UPDATE (channel, opt_out_source, opted_out_at, patient_id)"],
    deliveries: ["SELECT (attempts, channel, claimed_at, invitation_id, round, status)", "UPDATE (attempts, claimed_at, provider_message_id, sent_at, status, status_at, status_detail)"],
    invitation_tokens: ["SELECT (expires_at, invitation_id, revoked_at, round, token_hash)", "INSERT (expires_at, invitation_id, issued_at, opt_out_hash, round, token_hash)", "UPDATE (revoked_at)"],
    invitations: ["SELECT (campaign_id, id, patient_id, round)", "UPDATE (last_contacted_at)"],
    patients: ["SELECT (email, id, phone_e164)"],
  },
  "campaign-web": {
    appointment_slots: ["SELECT (booked, campaign_id, capacity, id, site, starts_at)", "UPDATE (booked)"],
    booking_cancellations: ["INSERT (booked_at, cancelled_at, invitation_id, reason, slot_id)"],
    booking_confirmations: ["SELECT (channel, enqueued_at, id, invitation_id, status)", "INSERT (channel, created_at, invitation_id, kind, site, starts_at, status)", "UPDATE (enqueued_at, status, status_at, status_detail)"],
    booking_sessions: ["SELECT (expires_at, invitation_id, session_hash, token_hash)", "INSERT (created_at, expires_at, invitation_id, session_hash, token_hash)"],
    bookings: ["SELECT (booked_at, invitation_id, slot_id)", "INSERT (booked_at, invitation_id, slot_id)", "UPDATE (booked_at, slot_id)", "DELETE"],
    contact_preferences: ["SELECT (channel, opted_out_at, patient_id)", "INSERT (channel, opt_out_source, opted_out_at, patient_id)", "UPDATE (opt_out_source, opted_out_at)"],
    deliveries: ["SELECT (channel, id, invitation_id, status)", "UPDATE (status, status_at, status_detail)"],
    forms: ["SELECT (definition, id, published_at, slug, version)"],
    invitation_reachability: ["SELECT (email_opted_out, email_usable, invitation_id, sms_opted_out, sms_usable)"],
    invitation_tokens: ["SELECT (expires_at, invitation_id, opt_out_hash, redeemed_at, revoked_at, round, token_hash)", "UPDATE (redeemed_at)"],
    invitations: ["SELECT (campaign_id, id, patient_id, responded_at, staff_outcome)", "UPDATE (responded_at)"],
  },
  // schema-owner: see DATABASE_ROLES
  "db-migrate": null,
  "form-publish": {
    forms: ["SELECT (id, slug, version)", "INSERT (created_by, definition, slug, title, version)", "UPDATE (published_at, published_key)"],
  },
  "form-submit": {
    booking_sessions: ["SELECT (expires_at, invitation_id, session_hash)"],
    form_submissions: ["INSERT (answers, form_id, invitation_id)"],
    forms: ["SELECT (definition, id, published_at, slug, version)"],
    invitations: ["SELECT (campaign_id, id)"],
  },
  // rotated-user: see DATABASE_ROLES
  "rotate-mysql-credentials": null,
};

/** Each of today's functions analyzed once for the whole file (two describes read them; each analysis bundles the function). */
const todaysGrants = new Map<string, FunctionSqlGrants>();
const grantsOf = (entry: string): FunctionSqlGrants => todaysGrants.get(entry) ?? todaysGrants.set(entry, sqlGrantsOf(entry)).get(entry)!;

const asTable = (fn: FunctionSqlGrants) => (fn.role === "derived" ? Object.fromEntries(fn.tables.map((t) => [t.table, privilegeList(t)])) : null);

describe("today's functions", () => {
  const entries = functionEntries();
  const results = new Map<string, FunctionSqlGrants>();
  beforeAll(() => {
    for (const entry of entries) results.set(entry.split("/")[0], grantsOf(entry));
  });

  it("covers exactly the functions that exist", () => {
    expect(entries.map((e) => e.split("/")[0]).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))("%s needs exactly its reviewed grants", (name, expected) => {
    expect(asTable(results.get(name)!)).toEqual(expected);
  });

  it("names where each statement runs", () => {
    for (const fn of results.values()) for (const s of fn.statements) for (const site of s.sites) expect(site).toMatch(/^functions\/[\w/.-]+\.ts:\d+$/);
  });

  it("reads the named locks the planner takes", () => {
    expect(results.get("campaign-plan")!.lockFunctions).toEqual(["GET_LOCK", "RELEASE_LOCK"]);
  });
});

describe("a planted statement", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "medicare-sql-grants-planted-"));
    // A flaw that reads a patient's contact details from the public booking path (at run time: planted-statement.test.ts).
    plantContactRead(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("changes campaign-web's grants, so the expected-grants test fails", () => {
    const planted = asTable(sqlGrantsOf("campaign-web/handler.ts", { projectRoot: root }))!;
    expect(planted.patients).toEqual(["SELECT (email, id)"]);
    expect(planted).not.toEqual(EXPECTED["campaign-web"]);
  });
});

describe("synthetic fixtures", () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const analyze = (entry: string) => sqlGrantsOf(entry, { projectRoot: root });
  const db = `interface Db { query(sql: string, values?: unknown[]): Promise<unknown> }\ndeclare const db: Db;\n`;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "medicare-sql-grants-"));
    write(
      "functions/lib/store.ts",
      `${db}const TABLE = "patients";
const WHERE = \`WHERE id = ?\`;
export const byId = (id: number) => db.query(\`SELECT given_name FROM \${TABLE} \${WHERE}\`, [id]);
function run(sql: string) { return db.query(sql); }
export const touch = () => run("UPDATE campaigns SET status = 'running' WHERE id = 1");
export const both = (flag: boolean) => run(flag ? "DELETE FROM bookings WHERE invitation_id = 1" : "INSERT INTO bookings (invitation_id, slot_id) VALUES ?");
/** Never reached from the readers handler. */
export const unused = () => db.query("SELECT email FROM patients");
`,
    );
    write("functions/readers/handler.ts", `import { byId, touch, both } from "../lib/store";\nexport const handler = async () => { await byId(1); await touch(); await both(true); };\n`);
    write("functions/from-object/handler.ts", `${db}const q = { sql: "SELECT email FROM patients" };\nexport const handler = async () => db.query(q.sql);\n`);
    write("functions/runtime-string/handler.ts", `${db}export const handler = async (event: { table: string }) => db.query("SELECT * FROM " + event.table);\n`);
    write("functions/callback/handler.ts", `${db}const statements = ["SELECT email FROM patients"];\nexport const handler = async () => { for (const s of statements) await db.query(s); };\n`);
    write("functions/ddl/handler.ts", `${db}export const handler = async () => db.query("DROP TABLE patients");\n`);
    write("functions/stray/handler.ts", `${db}const other = { run: (s: string) => db.query(s) };\nexport const handler = async () => other.run("SELECT email FROM patients");\n`);
    // Aurora MySQL 3 wants UPDATE, DELETE or LOCK TABLES beside SELECT for FOR UPDATE; MariaDB does not check it.
    write("functions/locks-read-only/handler.ts", `${db}export const handler = async () => db.query("SELECT id FROM campaigns WHERE id = ? FOR UPDATE", [1]);\n`);
    write("functions/locks-and-updates/handler.ts", `${db}export const handler = async () => {\n  await db.query("SELECT id FROM campaigns WHERE id = ? FOR UPDATE", [1]);\n  await db.query("UPDATE campaigns SET status = 'running' WHERE id = ?", [1]);\n};\n`);
    write("functions/locks-and-deletes/handler.ts", `${db}export const handler = async () => {\n  await db.query("SELECT invitation_id FROM bookings WHERE invitation_id = ? FOR UPDATE", [1]);\n  await db.query("DELETE FROM bookings WHERE invitation_id = ?", [1]);\n};\n`);
    write("functions/shares/handler.ts", `${db}export const handler = async () => db.query("SELECT id FROM campaigns WHERE id = ? LOCK IN SHARE MODE", [1]);\n`);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("follows constants, templates, helpers and both branches, and ignores code the handler never reaches", () => {
    expect(asTable(analyze("readers/handler.ts"))).toEqual({
      bookings: ["SELECT (invitation_id)", "INSERT (invitation_id, slot_id)", "DELETE"],
      campaigns: ["SELECT (id)", "UPDATE (status)"],
      patients: ["SELECT (given_name, id)"],
    });
  });

  it.each([
    ["from-object", /functions\/from-object\/handler.ts:4: SQL built from PropertyAccessExpression `q.sql`/],
    ["runtime-string", /functions\/runtime-string\/handler.ts:3: SQL built from PropertyAccessExpression `event.table`/],
    ["callback", /functions\/callback\/handler.ts:4: `s` is a loop variable/],
    ["ddl", /functions\/ddl\/handler.ts:3: `DROP` statements are not run by campaign functions/],
    ["stray", /functions\/stray\/handler.ts:3: parameter `s` of an anonymous function/],
    ["locks-read-only", /functions\/locks-read-only\/handler.ts:3: SELECT \.\.\. FOR UPDATE of campaigns needs UPDATE or DELETE on campaigns beside SELECT on Aurora MySQL 3/],
  ])("%s: fails with the file and line instead of guessing", (name, message) => {
    expect(() => analyze(`${name}/handler.ts`)).toThrow(message);
  });

  it("Aurora MySQL 3 locking reads: FOR UPDATE is covered by a column UPDATE or a DELETE the function holds anyway; a shared lock needs SELECT only", () => {
    expect(asTable(analyze("locks-and-updates/handler.ts"))).toEqual({ campaigns: ["SELECT (id)", "UPDATE (status)"] });
    expect(asTable(analyze("locks-and-deletes/handler.ts"))).toEqual({ bookings: ["SELECT (invitation_id)", "DELETE"] });
    expect(asTable(analyze("shares/handler.ts"))).toEqual({ campaigns: ["SELECT (id)"] });
  });
});

describe("the schema read from the migrations", () => {
  it("follows CREATE TABLE, views and ALTER TABLE", () => {
    const schema = schemaOf([
      "CREATE TABLE t (\n id INT NOT NULL, -- the key\n name VARCHAR(9), PRIMARY KEY (id), CONSTRAINT c CHECK (name REGEXP '^a,b$')\n) ENGINE=InnoDB",
      "ALTER TABLE t ADD COLUMN extra INT NULL, CHANGE name full_name VARCHAR(9), ADD KEY t_extra (extra)",
      "CREATE VIEW v AS SELECT t.id AS t_id, t.extra FROM t",
    ]);
    expect([...schema.get("t")!].sort()).toEqual(["extra", "full_name", "id"]);
    expect([...schema.get("v")!].sort()).toEqual(["extra", "t_id"]);
  });
});

describe("functions/campaign/schema/function-grants.json", () => {
  it("is what the analysis derives today (regenerate: npm run function-sql-grants -- --write)", () => {
    const all = functionEntries().map(grantsOf);
    expect(readFileSync(FUNCTION_GRANTS_FILE, "utf8")).toBe(functionGrantsData(all));
  });
});

describe("the reachability view campaign-web reads instead of patients", () => {
  it("holds contacts.ts's patterns (a pattern change needs a migration that replaces the view)", () => {
    const definitions = MIGRATIONS.flatMap((m) => m.statements).filter((sql) => /CREATE (OR REPLACE )?VIEW invitation_reachability\b/.test(sql));
    const latest: string = definitions[definitions.length - 1];
    expect(latest).toContain(`p.phone_e164 REGEXP ${UK_MOBILE_SQL}`);
    expect(latest).toContain(`p.email REGEXP ${EMAIL_SQL}`);
  });
});

