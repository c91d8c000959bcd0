/** Database privileges of one table, and their text (shared by the SQL-grant analysis and the reviewer page, which does not load the analysis). */
import type { TableGrant } from "../../../functions/campaign/schema/users";

/** Privileges on one table (or view) one function needs (the form db-migrate applies, plus what only reviewers read). */
export interface TablePrivileges extends TableGrant {
  /** `SELECT ... FOR UPDATE` / `FOR SHARE`: MySQL 8 wants UPDATE, DELETE or LOCK TABLES besides SELECT. */
  readonly lockingRead: boolean;
}

/** `SELECT (a, b)`, `DELETE`, ... for one table, in the order MySQL's SHOW GRANTS prints them. */
export function privilegeList(t: TableGrant): string[] {
  const cols = (privilege: string, columns: readonly string[] | "all") => (columns === "all" ? [privilege] : columns.length > 0 ? [`${privilege} (${columns.join(", ")})`] : []);
  return [...cols("SELECT", t.select), ...cols("INSERT", t.insert), ...cols("UPDATE", t.update), ...(t.delete ? ["DELETE"] : [])];
}

