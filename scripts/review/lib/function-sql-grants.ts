/**
 * The database privileges each Lambda function's code needs, derived from the SQL it runs
 * (issue 18: the database half of "least privilege measured"; function-api-calls.ts is the AWS
 * half, and this walks the same module graph).
 *
 * How, for one entry `functions/<name>/handler.ts`:
 * 1. reachableCode() (function-api-calls.ts) builds the handler as its bundle is built and
 *    walks the top-level declarations reachable code uses.
 * 2. Every `.query(...)` / `.execute(...)` call in that code has its SQL argument read by
 *    SqlReader (sql-text.ts): literals, constants, templates of them and functions it can
 *    follow; anything else fails with file:line. An SQL-looking literal in reachable code that
 *    never reaches such a call fails too (SQL passed some way the analysis does not follow).
 * 3. Each statement is parsed (node-sql-parser, MySQL dialect, after the NORMALIZATIONS below)
 *    into table -> privilege -> columns: SELECT of every column read (select list, WHERE,
 *    JOIN, ORDER BY, the right side of SET), INSERT and UPDATE of the columns written, DELETE
 *    of the table; `FOR UPDATE`/`FOR SHARE` is a locking read; GET_LOCK and friends are named
 *    (they need no privilege). DDL, GRANT, LOCK TABLES and anything unparsable fail the analysis.
 *
 * Functions with a DATABASE_ROLES entry are not derived: the schema owner runs the migrations
 * and the rotation function connects as the user whose secret it rotates.
 */
import { dirname, resolve } from "path";
import { Parser } from "node-sql-parser";
import * as ts from "typescript";
import { AnalysisOptions, PROJECT_ROOT, reachableCode } from "./function-api-calls";
import { MIGRATIONS } from "../../../functions/campaign/schema/migrations";
import { privilegeList, type TablePrivileges } from "./sql-privileges";
import { SqlReader } from "./sql-text";

export { privilegeList };
export type { TablePrivileges };

/** Functions whose database identity is not derived from their SQL, and why. */
export const DATABASE_ROLES: Readonly<Record<string, { readonly role: "schema-owner" | "rotated-user"; readonly reason: string }>> = {
  "db-migrate": {
    role: "schema-owner",
    reason: "runs the migrations: owns the campaign schema's tables and views, and creates every function user with exactly its derived grants (which it may pass on: WITH GRANT OPTION)",
  },
  "rotate-mysql-credentials": {
    role: "rotated-user",
    reason: "signs in as the user whose secret it rotates (ALTER USER CURRENT_USER() needs no grant); it holds no database user of its own",
  },
};

export interface SqlStatementUse {
  /** The statement as written (whitespace collapsed). */
  readonly sql: string;
  /** `functions/...ts:line` of each query call that can run it. */
  readonly sites: readonly string[];
}

export interface FunctionSqlGrants {
  readonly entry: string;
  readonly function: string;
  /** `derived` from its SQL; otherwise see DATABASE_ROLES. */
  readonly role: "derived" | "schema-owner" | "rotated-user";
  readonly reason?: string;
  readonly statements: readonly SqlStatementUse[];
  /** Sorted by table. Empty: the function needs no database user. */
  readonly tables: readonly TablePrivileges[];
  /** Named-lock functions called (GET_LOCK, RELEASE_LOCK, ...): no privilege, listed for the reviewer. */
  readonly lockFunctions: readonly string[];
}

/**
 * Rewrites applied before parsing, each because the parser lacks the syntax and the rewrite
 * cannot change which columns or tables a statement touches.
 */
const NORMALIZATIONS: readonly { readonly pattern: RegExp; readonly replace: (sql: string, ...groups: string[]) => string; readonly why: string }[] = [
  {
    // mysql2 expands `VALUES ?` with an array of rows into `VALUES (...), (...)`.
    pattern: /(\(\s*([\w\s,`]+)\)\s*VALUES\s*)\?/i,
    replace: (_m, prefix: string, columns: string) => `${prefix}(${columns.split(",").map(() => "?").join(", ")})`,
    why: "mysql2's bulk VALUES ? placeholder",
  },
  { pattern: /\b(FORCE|USE|IGNORE)\s+(INDEX|KEY)\s*\([^)]*\)/gi, replace: () => "", why: "index hints steer the optimizer only" },
  { pattern: /<=>/g, replace: () => "=", why: "NULL-safe equality reads the same operands as =" },
  { pattern: /\bREGEXP\s+\?/gi, replace: () => "REGEXP ''", why: "a bound pattern reads no column (the parser takes only a literal after REGEXP)" },
];

const LOCK_FUNCTIONS = ["GET_LOCK", "RELEASE_LOCK", "RELEASE_ALL_LOCKS", "IS_FREE_LOCK", "IS_USED_LOCK"];
/** An SQL statement as a literal's text begins (upper case, as this code base writes SQL). */
const SQL_START = /^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|WITH|CREATE|ALTER|DROP|GRANT|REVOKE|LOCK|UNLOCK|TRUNCATE|RENAME|CALL|SET|START|COMMIT|ROLLBACK)\s/;
/** Words that may follow a closing parenthesis without being a derived table's alias. */
const SQL_KEYWORDS = new Set(["AND", "OR", "NOT", "WHERE", "GROUP", "ORDER", "BY", "LIMIT", "OFFSET", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "CROSS", "ON", "USING", "THEN", "ELSE", "END", "WHEN", "IS", "IN", "FROM", "UNION", "HAVING", "FOR", "VALUES", "SET", "AS", "ASC", "DESC", "LIKE", "REGEXP", "BETWEEN", "DIV", "MOD", "XOR", "WITH", "ROLLUP", "LOCK", "SELECT", "UPDATE", "DUPLICATE", "KEY"]);
const QUERY_METHODS = new Set(["query", "execute"]);

export class SqlGrantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SqlGrantError";
  }
}

interface Accumulator {
  select: Set<string>;
  insert: Set<string>;
  update: Set<string>;
  delete: boolean;
  lockingRead: boolean;
  /** Where a `SELECT ... FOR UPDATE` reads the table (MySQL 8 checks more than SELECT for it: see requireLockPrivilege). */
  forUpdateSite?: string;
  read: boolean;
}

const ALL = "*";

export function normalize(sql: string): string {
  let out = sql;
  for (const n of NORMALIZATIONS) out = out.replace(n.pattern, n.replace as (substring: string, ...args: string[]) => string);
  return out;
}

/** Adds the privileges `sql` needs to `tables`; `site` names where it runs, for errors. */
export function privilegesOfStatement(sql: string, site: string, tables: Map<string, Accumulator>, lockFunctions: Set<string>, schema: SchemaColumns = migrationSchema()): void {
  const parser = new Parser();
  const text = normalize(sql);
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? "";
  if (!["SELECT", "INSERT", "UPDATE", "DELETE"].includes(verb)) {
    throw new SqlGrantError(`${site}: \`${verb}\` statements are not run by campaign functions (DDL, GRANT and LOCK TABLES belong to the migrations): ${oneLine(sql)}`);
  }
  let tableList: string[];
  let columnList: string[];
  try {
    tableList = parser.tableList(text, { database: "MySQL" });
    columnList = parser.columnList(text, { database: "MySQL" });
  } catch (error) {
    throw new SqlGrantError(`${site}: cannot parse the SQL (${(error as Error).message.split("\n")[0].slice(0, 160)}): ${oneLine(sql)}; simplify the statement or add a NORMALIZATIONS entry in scripts/review/lib/function-sql-grants.ts`);
  }
  for (const fn of LOCK_FUNCTIONS) if (new RegExp(`\\b${fn}\\s*\\(`, "i").test(text)) lockFunctions.add(fn);
  const slot = (table: string) => {
    const existing = tables.get(table);
    if (existing) return existing;
    const created: Accumulator = { select: new Set(), insert: new Set(), update: new Set(), delete: false, lockingRead: false, read: false };
    tables.set(table, created);
    return created;
  };
  const outer = outerLevel(text, tableList.map((e) => e.split("::")[2]));
  const statementTables = new Set<string>();
  for (const entry of tableList) {
    const [kind, , table] = entry.split("::");
    statementTables.add(table);
    const s = slot(table);
    if (kind === "select") s.read = true;
    else if (kind === "delete") s.delete = true;
    else if (kind !== "insert" && kind !== "update") throw new SqlGrantError(`${site}: unexpected table use \`${kind}\` of ${table}: ${oneLine(sql)}`);
  }
  if (/\bFOR\s+(UPDATE|SHARE)\b|\bLOCK\s+IN\s+SHARE\s+MODE\b/i.test(text)) for (const t of statementTables) slot(t).lockingRead = true;
  if (/\bFOR\s+UPDATE\b/i.test(text)) for (const t of statementTables) slot(t).forUpdateSite ??= site;
  // Output aliases (ORDER BY hour) and derived tables' aliases (`FROM (SELECT ...) c`): their columns are the subquery's, counted there.
  const aliases = new Set([...text.matchAll(/\bAS\s+`?(\w+)`?/gi), ...text.matchAll(/\)\s*`?(\w+)`?/g)].map((m) => m[1].toLowerCase()).filter((a) => !SQL_KEYWORDS.has(a.toUpperCase())));
  // INSERT ... ON DUPLICATE KEY UPDATE a = ...: the parser reads the right sides, not the columns written.
  const upsert = /\bON\s+DUPLICATE\s+KEY\s+UPDATE\s+([\s\S]*)$/i.exec(text);
  if (upsert) {
    const target = tableList.find((e) => e.startsWith("insert::"))?.split("::")[2];
    if (!target) throw new SqlGrantError(`${site}: ON DUPLICATE KEY UPDATE without an INSERT target: ${oneLine(sql)}`);
    // MariaDB also checks UPDATE on every inserted column (MySQL only on the assigned ones): grant
    // what both need, found by running the statements as the function's user (database-users.test.ts).
    const inserted = /^\s*INSERT\s+INTO\s+`?\w+`?\s*\(([^)]*)\)/i.exec(text);
    if (!inserted) throw new SqlGrantError(`${site}: ON DUPLICATE KEY UPDATE needs the INSERT's column list written out: ${oneLine(sql)}`);
    for (const column of inserted[1].split(",")) slot(target).update.add(column.trim().replace(/`/g, ""));
    for (const assignment of topLevelParts(upsert[1])) slot(target).update.add(/^`?(?:\w+\.)?(\w+)`?\s*=/.exec(assignment)?.[1] ?? fail(assignment));
  }
  function fail(assignment: string): never {
    throw new SqlGrantError(`${site}: cannot read the assignment \`${assignment}\` of ON DUPLICATE KEY UPDATE: ${oneLine(sql)}`);
  }
  for (const entry of columnList) {
    const [kind, qualifier, column] = entry.split("::");
    let table = qualifier;
    if (table === "null") {
      const holding = [...statementTables].filter((t) => schema.get(t)?.has(column.toLowerCase()));
      const outerHolding = holding.filter((t) => outer.tables.has(t));
      if (statementTables.size === 1) table = [...statementTables][0];
      else if (holding.length === 1) table = holding[0];
      // Never written unqualified inside a subquery: every unqualified use is in the outer query.
      else if (outerHolding.length === 1 && !new RegExp(`(?<![.\\w\`])\`?${column}\\b`, "i").test(outer.subqueries)) table = outerHolding[0];
      else if (aliases.has(column.toLowerCase())) continue; // ORDER BY / GROUP BY an output alias
      else if (statementTables.size === 0) continue; // SELECT GET_LOCK(...): no table
      else throw new SqlGrantError(`${site}: column \`${column}\` is not qualified in a statement over ${[...statementTables].sort().join(", ")} and the schema puts it in ${holding.length === 0 ? "none of them" : holding.join(" and ")}; write <alias>.${column}: ${oneLine(sql)}`);
    }
    if (!statementTables.has(table)) {
      if (aliases.has(table.toLowerCase())) continue; // a derived table's own output column
      throw new SqlGrantError(`${site}: column ${table}.${column} names a table the statement does not use: ${oneLine(sql)}`);
    }
    const known = schema.get(table);
    if (column !== "(.*)" && known && !known.has(column.toLowerCase())) {
      if (qualifier === "null" && aliases.has(column.toLowerCase())) continue; // GROUP BY day, where day is `DATE(...) AS day`
      throw new SqlGrantError(`${site}: the migrations give ${table} no column \`${column}\`: ${oneLine(sql)}`);
    }
    const s = slot(table);
    const name = column === "(.*)" ? ALL : column;
    if (kind === "select") s.select.add(name);
    else if (kind === "insert") s.insert.add(name);
    else if (kind === "update") s.update.add(name);
    else if (kind === "delete") s.delete = true;
    else throw new SqlGrantError(`${site}: unexpected column use \`${kind}\` of ${table}.${column}: ${oneLine(sql)}`);
  }
}

/** The tables named outside parenthesized subqueries, and the subqueries' text. */
function outerLevel(sql: string, tables: readonly string[]): { tables: Set<string>; subqueries: string } {
  let outerText = "";
  let subqueries = "";
  let depth = 0;
  let subDepth = -1;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "(") {
      depth++;
      if (subDepth < 0 && /^\(\s*SELECT\b/i.test(sql.slice(i, i + 20))) subDepth = depth;
    }
    if (subDepth >= 0) subqueries += ch;
    else outerText += ch;
    if (ch === ")") {
      if (depth === subDepth) {
        subDepth = -1;
        subqueries += " ";
      }
      depth--;
    }
  }
  return { tables: new Set(tables.filter((t) => new RegExp(`\\b(FROM|JOIN|UPDATE|INTO)\\s+\`?${t}\\b`, "i").test(outerText))), subqueries };
}

/**
 * Aurora MySQL 3 (MySQL 8.0) checks more than MariaDB for `SELECT ... FOR UPDATE`: SELECT and
 * at least one of UPDATE, DELETE or LOCK TABLES on each locked table (MySQL 8.0 Reference
 * Manual, 17.7.2.4 "Locking Reads"; `check_locking_clause_access` in sql/sql_select.cc). A
 * column-level UPDATE counts: check_grant() accepts a privilege held on any column of the
 * table (`grant_table->cols`) and the columns read are then checked for SELECT only. A shared
 * lock (FOR SHARE / LOCK IN SHARE MODE) needs SELECT only since MySQL 8.0.22 (Aurora MySQL 3.01
 * is 8.0.23). MariaDB checks none of
 * this, so the local tests cannot catch it: the analysis does. Where the function already
 * updates or deletes the table nothing is added; where it does neither, the analysis fails
 * rather than invent an UPDATE the code never runs (LOCK TABLES is schema-wide only).
 */
function requireLockPrivilege(table: string, a: Accumulator): void {
  if (a.forUpdateSite === undefined || a.update.size > 0 || a.delete) return;
  throw new SqlGrantError(
    `${a.forUpdateSite}: SELECT ... FOR UPDATE of ${table} needs UPDATE or DELETE on ${table} beside SELECT on Aurora MySQL 3 (MySQL 8.0 "Locking Reads"; MariaDB does not check it), and this function neither updates nor deletes ${table}. Take a shared lock (LOCK IN SHARE MODE: SELECT only) if the rows need only to stay unchanged, or lock a row of a table the function updates.`,
  );
}

function freeze(table: string, a: Accumulator): TablePrivileges {
  const list = (set: Set<string>): readonly string[] | "all" => (set.has(ALL) ? "all" : [...set].sort());
  // A table read with no column named (SELECT 1 FROM t, COUNT(*)) needs SELECT on the table.
  const select = a.read && a.select.size === 0 ? "all" : list(a.select);
  return { table, select, insert: list(a.insert), update: list(a.update), delete: a.delete, lockingRead: a.lockingRead };
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, " ").trim();
}

/** The SQL `functions/<entry>` can run and the privileges it needs. */
export function sqlGrantsOf(entry: string, options: AnalysisOptions = {}): FunctionSqlGrants {
  const name = entry.split("/")[0];
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const code = reachableCode(entry, options);
  const keys = [...code.files.keys()];
  const program = ts.createProgram({
    rootNames: keys.map((k) => resolve(projectRoot, k)),
    options: { noResolve: true, noLib: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, allowJs: true, baseUrl: dirname(projectRoot) },
  });
  const checker = program.getTypeChecker();
  const site = (node: ts.Node) => {
    const file = node.getSourceFile();
    const key = keys.find((k) => resolve(projectRoot, k) === resolve(file.fileName)) ?? file.fileName;
    return `${key}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };
  const calls: ts.CallExpression[] = [];
  const identifiers: ts.Identifier[] = [];
  const sqlLiterals: ts.Node[] = [];
  for (const key of keys) {
    const source = program.getSourceFile(resolve(projectRoot, key));
    if (!source) throw new SqlGrantError(`${key}: not in the analysis program`);
    source.statements.forEach((statement, index) => {
      if (!code.isReached(key, index)) return;
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) calls.push(node);
        else if (ts.isIdentifier(node)) identifiers.push(node);
        else if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && SQL_START.test(node.text)) sqlLiterals.push(node);
        else if (ts.isTemplateExpression(node) && SQL_START.test(node.head.text)) sqlLiterals.push(node);
        node.forEachChild(visit);
      };
      visit(statement);
    });
  }

  const role = DATABASE_ROLES[name];
  if (role) return { entry, function: name, role: role.role, reason: role.reason, statements: [], tables: [], lockFunctions: [] };

  const reader = new SqlReader({ checker, site, reachableCalls: calls, reachableIdentifiers: identifiers });
  const bySql = new Map<string, Set<string>>();
  for (const call of calls) {
    if (!ts.isPropertyAccessExpression(call.expression) || !QUERY_METHODS.has(call.expression.name.text)) continue;
    const argument = call.arguments[0];
    if (!argument) throw new SqlGrantError(`${site(call)}: ${call.expression.name.text}() without SQL`);
    for (const sql of reader.strings(argument)) {
      const key = oneLine(sql);
      bySql.set(key, (bySql.get(key) ?? new Set()).add(site(call)));
    }
  }
  const stray = sqlLiterals.filter((node) => !reader.consumed.has(node));
  if (stray.length > 0) {
    throw new SqlGrantError(`${stray.map(site).join(", ")}: SQL text that reaches no query()/execute() call the analysis can follow (passed through an object, a callback or another library?); pass it to query() as a literal or through a function`);
  }

  const statements = [...bySql.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sql, sites]) => ({ sql, sites: [...sites].sort() }));
  return { entry, function: name, role: "derived", statements, ...tablePrivilegesOf(statements.map((s) => ({ sql: s.sql, site: s.sites[0] }))) };
}

/**
 * The privileges a set of statements needs together, sorted by table: one function's whole SQL,
 * or (`partial`: no Aurora lock check, which needs all of a function's statements) the part of
 * it a test run saw.
 */
export function tablePrivilegesOf(statements: readonly { readonly sql: string; readonly site: string }[], options: { partial?: boolean } = {}): { tables: TablePrivileges[]; lockFunctions: string[] } {
  const tables = new Map<string, Accumulator>();
  const lockFunctions = new Set<string>();
  const schema = migrationSchema();
  for (const statement of statements) privilegesOfStatement(statement.sql, statement.site, tables, lockFunctions, schema);
  if (!options.partial) for (const [table, a] of tables) requireLockPrivilege(table, a);
  return { tables: [...tables.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([t, a]) => freeze(t, a)), lockFunctions: [...lockFunctions].sort() };
}

/** Table or view -> its columns (lower case). */
export type SchemaColumns = ReadonlyMap<string, ReadonlySet<string>>;

/** Splits on commas outside parentheses and quotes. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = "";
  let current = "";
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const NOT_A_COLUMN = /^(PRIMARY|UNIQUE|KEY|INDEX|CONSTRAINT|CHECK|FOREIGN|FULLTEXT|SPATIAL)\b/i;

/** A SELECT's column list: the text before its own FROM (not a subquery's, not one inside a string). */
function selectList(afterSelect: string): string {
  let depth = 0;
  let quote = "";
  for (let i = 0; i < afterSelect.length; i++) {
    const ch = afterSelect[i];
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (depth === 0 && /\sFROM\s/i.test(afterSelect.slice(i, i + 6))) return afterSelect.slice(0, i);
  }
  return afterSelect;
}

/** The columns of every table and view the migrations create (only to place an unqualified column in a multi-table statement). */
export function schemaOf(statements: readonly string[]): SchemaColumns {
  const schema = new Map<string, Set<string>>();
  for (const raw of statements) {
    const sql = raw.replace(/--\s[^\n]*/g, ""); // MySQL comments need a space after --; "xn--" in a pattern is not one
    const table = /^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?\s*\(([\s\S]*)\)[^)]*$/i.exec(sql);
    if (table) {
      schema.set(table[1].toLowerCase(), new Set(topLevelParts(table[2]).filter((d) => !NOT_A_COLUMN.test(d)).map((d) => /^`?(\w+)`?/.exec(d)![1].toLowerCase())));
      continue;
    }
    const view = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+`?(\w+)`?\s+AS\s+SELECT\s+([\s\S]*)$/i.exec(sql);
    if (view) {
      schema.set(view[1].toLowerCase(), new Set(topLevelParts(selectList(view[2])).map((item) => (/\bAS\s+`?(\w+)`?\s*$/i.exec(item)?.[1] ?? /(\w+)`?\s*$/.exec(item)![1]).toLowerCase())));
      continue;
    }
    const alter = /^\s*ALTER\s+TABLE\s+`?(\w+)`?\s+([\s\S]*)$/i.exec(sql);
    if (alter) {
      const columns = schema.get(alter[1].toLowerCase()) ?? new Set<string>();
      for (const part of topLevelParts(alter[2])) {
        const add = /^ADD\s+(?:COLUMN\s+)?`?(\w+)`?\s+/i.exec(part);
        if (add && !NOT_A_COLUMN.test(add[1])) columns.add(add[1].toLowerCase());
        const change = /^CHANGE\s+(?:COLUMN\s+)?`?(\w+)`?\s+`?(\w+)`?/i.exec(part);
        if (change) {
          columns.delete(change[1].toLowerCase());
          columns.add(change[2].toLowerCase());
        }
        const rename = /^RENAME\s+COLUMN\s+`?(\w+)`?\s+TO\s+`?(\w+)`?/i.exec(part);
        if (rename) {
          columns.delete(rename[1].toLowerCase());
          columns.add(rename[2].toLowerCase());
        }
        const drop = /^DROP\s+(?:COLUMN\s+)?`?(\w+)`?\s*$/i.exec(part);
        if (drop && !/^(INDEX|KEY|PRIMARY|FOREIGN|CONSTRAINT|CHECK)$/i.test(drop[1])) columns.delete(drop[1].toLowerCase());
      }
      schema.set(alter[1].toLowerCase(), columns);
    }
  }
  return schema;
}

let cachedSchema: SchemaColumns | undefined;
/** The schema after every migration in functions/campaign/schema/migrations.ts. */
export function migrationSchema(): SchemaColumns {
  cachedSchema ??= schemaOf(MIGRATIONS.flatMap((m) => m.statements));
  return cachedSchema;
}

/** The reviewer's table: function -> table -> privileges. */
export function renderSqlGrantTable(all: readonly FunctionSqlGrants[]): string {
  const rows: string[][] = [["function", "table", "privileges"]];
  for (const fn of all) {
    if (fn.role !== "derived") {
      rows.push([fn.function, `(${fn.role})`, fn.reason ?? ""]);
      continue;
    }
    if (fn.tables.length === 0) rows.push([fn.function, "(none)", "no SQL: no database user"]);
    fn.tables.forEach((t, i) => rows.push([i === 0 ? fn.function : "", t.table, privilegeList(t).join("; ") + (t.lockingRead ? "  [locking read]" : "")]));
    if (fn.lockFunctions.length > 0) rows.push(["", "(named locks)", fn.lockFunctions.join(", ") + " (no privilege needed)"]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ").trimEnd();
  return `${[line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n")}\n`;
}

/** The generated file db-migrate reads (a Lambda cannot run this analysis). */
export const FUNCTION_GRANTS_FILE = resolve(PROJECT_ROOT, "functions/campaign/schema/function-grants.json");

/** function-grants.json's text: every function with derived grants and at least one table. */
export function functionGrantsData(all: readonly FunctionSqlGrants[]): string {
  const data = all
    .filter((fn) => fn.role === "derived" && fn.tables.length > 0)
    .map((fn) => ({ function: fn.function, tables: fn.tables.map(({ lockingRead: _lockingRead, ...grant }) => grant) }));
  return `${JSON.stringify(data, null, 2)}\n`;
}
