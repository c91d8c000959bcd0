/**
 * The database users and their grants, owned by the migrations (issue 18): one user per campaign
 * function holding exactly the privileges its SQL needs (derived by `npm run function-sql-grants`
 * into function-grants.json), and the persona users with reviewed grants. db-migrate applies
 * them after the schema migrations: it creates missing users, grants what is missing and revokes
 * whatever else a user holds, so re-running changes nothing.
 *
 * Privileges are compared as (table, column, privilege) tuples read from the grant tables
 * mysql.tables_priv and mysql.columns_priv (the same in MySQL 8 and MariaDB); a schema-wide
 * (mysql.db) or global (mysql.user) privilege is always extra (no user here has one), and is
 * revoked. Not information_schema: its TABLE_PRIVILEGES and COLUMN_PRIVILEGES show another
 * user's rows only to a reader with SELECT on the whole `mysql` schema (password hashes
 * included), so the schema owner, which may read just these tables, would see every user as
 * holding nothing, grant everything again on each run and never revoke an extra grant (found
 * by running db-migrate's path as the schema owner in the tests).
 */
import type { Connection, RowDataPacket } from "mysql2/promise";
import FUNCTION_GRANTS from "./function-grants.json";

export type Privilege = "SELECT" | "INSERT" | "UPDATE" | "DELETE";

/** Privileges on one table: a column list, or "all" (table-wide: a `*` read, or every column). */
export interface TableGrant {
  readonly table: string;
  readonly select: readonly string[] | "all";
  readonly insert: readonly string[] | "all";
  readonly update: readonly string[] | "all";
  readonly delete: boolean;
}

export interface DatabaseUser {
  /** Function name or persona name (the user name is derived from it, see `userNameOf`). */
  readonly name: string;
  readonly grants: readonly TableGrant[];
}

/** Every function user, from the generated grants (regenerate with `npm run function-sql-grants -- --write`). */
export const FUNCTION_USERS: readonly DatabaseUser[] = (FUNCTION_GRANTS as { function: string; tables: TableGrant[] }[]).map((f) => ({ name: f.function, grants: f.tables }));

/** Columns that identify how to reach a patient: the DBA persona never reads them (break-glass is the master user). */
export const CONTACT_COLUMNS: Readonly<Record<string, readonly string[]>> = { patients: ["phone_e164", "email"] };

const ALL_TABLES = ["appointment_slots", "booking_cancellations", "booking_sessions", "bookings", "campaigns", "contact_preferences", "deliveries", "form_submissions", "forms", "invitation_tokens", "invitations", "non_respondents", "patient_conditions", "respondents", "schema_migrations", "unqueued_rounds"];
const read = (table: string, select: readonly string[] | "all"): TableGrant => ({ table, select, insert: [], update: [], delete: false });

/**
 * The persona users (modules/iam/personas.ts signs them in through the proxy with IAM):
 * - care_provider: what the clinic portal shows: campaigns, slots and bookings, and the
 *   patient's name and practice reference beside an invitation; no contact details, no writes
 *   (outcomes are recorded through the staff API, as campaign-outcomes).
 * - dba: reads every table for diagnosis, but of patients only the columns that are not contact
 *   details; no writes (changes go through migrations; break-glass is the master user).
 */
export const PERSONA_USERS: readonly DatabaseUser[] = [
  {
    name: "care_provider",
    grants: [
      read("appointment_slots", ["id", "campaign_id", "site", "starts_at", "capacity", "booked"]),
      read("bookings", ["invitation_id", "slot_id", "booked_at"]),
      read("campaigns", ["id", "name", "status", "created_at"]),
      read("invitations", ["id", "campaign_id", "patient_id", "responded_at", "staff_outcome", "staff_outcome_at"]),
      read("patients", ["id", "external_ref", "given_name", "family_name"]),
    ],
  },
  {
    name: "dba",
    grants: [...ALL_TABLES.map((t) => read(t, "all")), read("patients", ["id", "external_ref", "given_name", "family_name", "created_at", "updated_at"])].sort((a, b) => a.table.localeCompare(b.table)),
  },
];

/** The database user a function or persona signs in as: `fn_` plus the function's name (`campaign-web` -> `fn_campaign_web`); personas by their own name. */
export function userNameOf(name: string, prefix = ""): string {
  const base = PERSONA_USERS.some((p) => p.name === name) ? name : `fn_${name.replace(/-/g, "_")}`;
  const user = `${prefix}${base}`;
  if (!/^[a-z0-9_]{1,32}$/.test(user)) throw new Error(`database user name "${user}" must be 1-32 characters of a-z, 0-9 and _ (MySQL's limit)`);
  return user;
}

/**
 * The password a new user is created with: the seam between AWS and local runs. Behind RDS
 * Proxy (auth scheme SECRETS) the proxy signs in to Aurora with the user's own secret, so in AWS
 * db-migrate draws a random password and stores it as the secret's value before creating the
 * user (secret-passwords.ts); the rotation function changes it every 30 days from then on.
 * Locally (MariaDB in tests and the demo) a fixed password serves. An existing user's password
 * is never touched here.
 */
export interface UserPasswords {
  /** Returns the password for the new user `user`, after storing it wherever the user's clients read it. */
  passwordFor(user: string): Promise<string>;
}

export interface ApplyUsersOptions {
  readonly users?: readonly DatabaseUser[];
  readonly passwords: UserPasswords;
  /** Prepended to every user name (tests share one server between databases). */
  readonly prefix?: string;
  readonly log?: (line: string) => void;
}

type Tuple = string; // `table\tcolumn\tPRIVILEGE` ("" column: table-wide)

/** A user's grants as `table\tcolumn\tPRIVILEGE` tuples (empty column: table-wide), the unit that is granted and revoked. */
export function desiredTuples(grants: readonly TableGrant[]): Set<Tuple> {
  const out = new Set<Tuple>();
  for (const g of grants) {
    const add = (privilege: Privilege, columns: readonly string[] | "all") => {
      if (columns === "all") out.add(`${g.table}\t\t${privilege}`);
      else for (const c of columns) out.add(`${g.table}\t${c}\t${privilege}`);
    };
    add("SELECT", g.select);
    add("INSERT", g.insert);
    add("UPDATE", g.update);
    if (g.delete) out.add(`${g.table}\t\tDELETE`);
  }
  return out;
}

const quoteName = (name: string) => `\`${name.replace(/`/g, "``")}\``;

function grantStatement(verb: "GRANT" | "REVOKE", tuple: Tuple, schema: string, account: string): string {
  const [table, column, privilege] = tuple.split("\t");
  const what = column ? `${privilege} (${quoteName(column)})` : privilege;
  return `${verb} ${what} ON ${quoteName(schema)}.${quoteName(table)} ${verb === "GRANT" ? "TO" : "FROM"} ${account}`;
}

/** Creates or corrects every user so it holds exactly its grants on the connected schema. Returns the statements run. */
export async function applyUsersAndGrants(connection: Connection, options: ApplyUsersOptions): Promise<string[]> {
  const users = options.users ?? [...FUNCTION_USERS, ...PERSONA_USERS];
  const [[{ schema }]] = await connection.query<RowDataPacket[]>("SELECT DATABASE() AS `schema`");
  // Two db-migrate runs at once would race to CREATE the same user: one at a time.
  const [[{ acquired }]] = await connection.query<RowDataPacket[]>("SELECT GET_LOCK('medicare_database_users', 60) AS acquired");
  if (acquired !== 1) throw new Error("another run holds the lock medicare_database_users; waited 60 s. Retry when it finishes.");
  try {
    return await applyLocked(connection, users, options, schema as string);
  } finally {
    await connection.query("SELECT RELEASE_LOCK('medicare_database_users')");
  }
}

async function applyLocked(connection: Connection, users: readonly DatabaseUser[], options: ApplyUsersOptions, schema: string): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  const ran: string[] = [];
  const run = async (sql: string, values: unknown[] = [], shown = sql) => {
    await connection.query(sql, values);
    ran.push(shown);
    log(shown);
  };
  for (const user of users) {
    const name = userNameOf(user.name, options.prefix);
    const account = `'${name}'@'%'`;
    const [existing] = await connection.query<RowDataPacket[]>("SELECT 1 FROM mysql.user WHERE User = ? AND Host = '%'", [name]);
    if (existing.length === 0) {
      await run(`CREATE USER ${account} IDENTIFIED BY ?`, [await options.passwords.passwordFor(name)], `CREATE USER ${account} IDENTIFIED BY <password>`);
    }
    if (await holdsWidePrivileges(connection, name)) await run(`REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${account}`);
    const [tableRows] = await connection.query<RowDataPacket[]>("SELECT Table_name AS t, Table_priv AS p FROM mysql.tables_priv WHERE User = ? AND Host = '%' AND Db = ?", [name, schema]);
    const [columnRows] = await connection.query<RowDataPacket[]>("SELECT Table_name AS t, Column_name AS c, Column_priv AS p FROM mysql.columns_priv WHERE User = ? AND Host = '%' AND Db = ?", [name, schema]);
    const actual = new Set<Tuple>([
      ...tableRows.flatMap((r) => privilegesOfSet(r.p).map((p) => `${r.t}\t\t${p}`)),
      ...columnRows.flatMap((r) => privilegesOfSet(r.p).map((p) => `${r.t}\t${r.c}\t${p}`)),
    ]);
    const desired = desiredTuples(user.grants);
    for (const tuple of [...actual].sort()) if (!desired.has(tuple)) await run(grantStatement("REVOKE", tuple, schema, account));
    for (const tuple of [...desired].sort()) if (!actual.has(tuple)) await run(grantStatement("GRANT", tuple, schema, account));
  }
  return ran;
}

/** A grant table's privilege SET (`Select,Insert,Grant`) as the names GRANT and REVOKE take. */
function privilegesOfSet(set: unknown): string[] {
  const names: Record<string, string> = { grant: "GRANT OPTION", "delete versioning rows": "DELETE HISTORY" };
  return String(set ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p) => names[p.toLowerCase()] ?? p.toUpperCase());
}

/** Whether the user holds any global (mysql.user `*_priv` = Y) or schema-wide (a mysql.db row) privilege. */
async function holdsWidePrivileges(connection: Connection, user: string): Promise<boolean> {
  const [global] = await connection.query<RowDataPacket[]>("SELECT * FROM mysql.user WHERE User = ? AND Host = '%'", [user]);
  if (global.some((row) => Object.entries(row).some(([column, value]) => /_priv$/i.test(column) && String(value).toUpperCase() === "Y"))) return true;
  const [schemas] = await connection.query<RowDataPacket[]>("SELECT 1 FROM mysql.db WHERE User = ? AND Host = '%' LIMIT 1", [user]);
  return schemas.length > 0;
}
