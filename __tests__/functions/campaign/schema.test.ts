/** The migrations against a real MariaDB: they apply, re-apply as a no-op, refuse edited history, and the constraints hold. */
import { createConnection } from "mysql2/promise";
import { checksumOf, migrate, MigrationError } from "../../../functions/campaign/schema/migrate";
import { MIGRATIONS } from "../../../functions/campaign/schema/migrations";
import { createTestDatabase, TestDatabase } from "../../support/local-services";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("schema");
});
afterAll(async () => db?.drop());

test("every migration is recorded once with its checksum, and a second run applies nothing", async () => {
  const [rows] = await db.admin.query("SELECT name, checksum FROM schema_migrations ORDER BY name");
  expect(rows).toEqual(MIGRATIONS.map((m) => ({ name: m.name, checksum: checksumOf(m) })));
  const connection = await db.connect();
  try {
    const again = await migrate(connection);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(MIGRATIONS.map((m) => m.name));
  } finally {
    await connection.end();
  }
});

test("migration names are unique and sorted, so the order of application is the order in the file", () => {
  const names = MIGRATIONS.map((m) => m.name);
  expect(new Set(names).size).toBe(names.length);
  expect([...names].sort()).toEqual(names);
  for (const name of names) expect(name).toMatch(/^\d{4}-[a-z0-9-]+$/);
});

test("a migration edited after it was applied stops the run and names the migration", async () => {
  const edited = MIGRATIONS.map((m, i) => (i === 0 ? { ...m, statements: [...m.statements, "SELECT 1"] } : m));
  const connection = await db.connect();
  try {
    await expect(migrate(connection, edited)).rejects.toBeInstanceOf(MigrationError);
    await expect(migrate(connection, edited)).rejects.toThrow(/migration 0001-patients-and-contact-preferences was changed after it was applied/);
  } finally {
    await connection.end();
  }
});

test("a database newer than the code is refused rather than silently used", async () => {
  const connection = await db.connect();
  try {
    await expect(migrate(connection, MIGRATIONS.slice(0, 2))).rejects.toThrow(/has migration 0003-slots-bookings-sessions, which this code does not know/);
  } finally {
    await connection.end();
  }
});

test("two runners at once: the named lock serializes them and the schema is applied exactly once", async () => {
  const fresh = await createConnection({ host: db.settings.host, port: db.settings.port, user: db.settings.user, password: db.settings.password });
  await fresh.query("CREATE DATABASE t_schema_race CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  const [a, b] = await Promise.all([0, 1].map(() => db.connect("t_schema_race")));
  try {
    const results = await Promise.all([migrate(a), migrate(b)]);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, MIGRATIONS.length]);
  } finally {
    await a.end();
    await b.end();
    await fresh.query("DROP DATABASE t_schema_race");
    await fresh.end();
  }
});

describe("constraints the flows rely on", () => {
  beforeAll(async () => {
    await db.admin.query("INSERT INTO patients (external_ref, given_name, family_name, phone_e164, email) VALUES ('P1', 'Ada', 'Lovelace', '+447700900001', 'ada@example.com')");
    await db.admin.query("INSERT INTO campaigns (name, condition_code, token_ttl_days, reminder_interval_days, max_reminders) VALUES ('flu', 'chronic-respiratory', 28, 7, 3)");
  });

  test("a slot can never hold more bookings than its capacity", async () => {
    await db.admin.query("INSERT INTO appointment_slots (campaign_id, site, starts_at, capacity, booked) VALUES (1, 'Clinic', '2026-12-01 09:00:00', 1, 1)");
    await expect(db.admin.query("UPDATE appointment_slots SET booked = booked + 1")).rejects.toThrow(/appointment_slots_not_overbooked/);
  });

  test("one invitation per patient per campaign, one booking per invitation", async () => {
    await db.admin.query("INSERT INTO invitations (campaign_id, patient_id) VALUES (1, 1)");
    await expect(db.admin.query("INSERT INTO invitations (campaign_id, patient_id) VALUES (1, 1)")).rejects.toThrow(/Duplicate entry/);
  });

  test("phone numbers must be E.164 and form definitions valid JSON", async () => {
    await expect(db.admin.query("INSERT INTO patients (external_ref, given_name, family_name, phone_e164) VALUES ('P2', 'B', 'C', '07700 900002')")).rejects.toThrow(/patients_phone_e164/);
    await expect(db.admin.query("INSERT INTO forms (slug, version, title, definition, created_by) VALUES ('f', 1, 'F', '{not json', 'staff')")).rejects.toThrow(/forms_definition_json|CONSTRAINT/);
  });

  test("the respondent views are queries over invitations", async () => {
    const [before] = await db.admin.query("SELECT COUNT(*) AS n FROM non_respondents");
    expect(before).toEqual([{ n: 1 }]);
    await db.admin.query("UPDATE invitations SET responded_at = NOW(3)");
    const [after] = await db.admin.query("SELECT (SELECT COUNT(*) FROM respondents) AS responded, (SELECT COUNT(*) FROM non_respondents) AS not_responded");
    expect(after).toEqual([{ responded: 1, not_responded: 0 }]);
  });
});

test("a failing statement stops the run, names the migration and statement, and is not recorded as applied", async () => {
  const broken = [...MIGRATIONS, { name: "9999-broken", statements: ["CREATE TABLE t_ok (id INT PRIMARY KEY)", "CREATE TABLE t_ok (id INT PRIMARY KEY)"] }];
  const connection = await db.connect();
  try {
    await expect(migrate(connection, broken)).rejects.toThrow(/migration 9999-broken failed at statement 2 of 2: .*already exists/);
    const [rows] = await connection.query("SELECT COUNT(*) AS n FROM schema_migrations WHERE name = '9999-broken'");
    expect(rows).toEqual([{ n: 0 }]);
  } finally {
    await connection.query("DROP TABLE IF EXISTS t_ok");
    await connection.end();
  }
});

test("0006 carries invitations an older planner left unqueued into unqueued_rounds, so the next run re-issues them", async () => {
  const admin = await db.connect();
  const name = `${db.settings.database}_0006`.slice(0, 64);
  try {
    await admin.query(`CREATE DATABASE \`${name}\``);
    await admin.changeUser({ database: name });
    const before0006 = MIGRATIONS.findIndex((m) => m.name.startsWith("0006-"));
    await migrate(admin, MIGRATIONS.slice(0, before0006));
    await admin.query("INSERT INTO patients (id, external_ref, given_name, family_name) VALUES (1, 'a', 'A', 'A'), (2, 'b', 'B', 'B'), (3, 'c', 'C', 'C')");
    await admin.query("INSERT INTO campaigns (id, name, condition_code, token_ttl_days, reminder_interval_days, max_reminders) VALUES (1, 'c', 'chronic-respiratory', 28, 7, 3)");
    await admin.query(
      "INSERT INTO invitations (id, campaign_id, patient_id, created_at, enqueued_at) VALUES (1, 1, 1, '2026-10-05 09:00:00', '2026-10-05 09:00:01'), (2, 1, 2, '2026-10-05 09:00:00', NULL), (3, 1, 3, '2026-10-05 09:00:00', NULL)",
    );
    await migrate(admin);
    const [listed] = await admin.query("SELECT campaign_id AS campaignId, invitation_ids AS ids FROM unqueued_rounds");
    expect((listed as { campaignId: number; ids: string }[]).map((r) => [Number(r.campaignId), JSON.parse(r.ids).sort()])).toEqual([[1, [2, 3]]]);
    const [issued] = await admin.query("SELECT id, issued_at AS issuedAt FROM invitations ORDER BY id");
    expect((issued as { id: number; issuedAt: Date }[]).map((r) => r.issuedAt.toISOString())).toEqual(["2026-10-05T09:00:01.000Z", "2026-10-05T09:00:00.000Z", "2026-10-05T09:00:00.000Z"]);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
});
