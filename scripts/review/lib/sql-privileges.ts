/** Database privileges of one table, and their text (shared by the SQL-grant analysis and the reviewer page, which does not load the analysis). */

/** Privileges on one table (or view) one function needs. `"all"`: every column (a `*` read or a whole-row DELETE). */
export interface TablePrivileges {
  readonly table: string;
  readonly select: readonly string[] | "all";
  readonly insert: readonly string[] | "all";
  readonly update: readonly string[] | "all";
  readonly delete: boolean;
  /** `SELECT ... FOR UPDATE` / `FOR SHARE`: MySQL 8 wants UPDATE, DELETE or LOCK TABLES besides SELECT. */
  readonly lockingRead: boolean;
}

/** `SELECT (a, b)`, `DELETE`, ... for one table, in the order MySQL's SHOW GRANTS prints them. */
export function privilegeList(t: TablePrivileges): string[] {
  const cols = (privilege: string, columns: readonly string[] | "all") => (columns === "all" ? [privilege] : columns.length > 0 ? [`${privilege} (${columns.join(", ")})`] : []);
  return [...cols("SELECT", t.select), ...cols("INSERT", t.insert), ...cols("UPDATE", t.update), ...(t.delete ? ["DELETE"] : [])];
}

