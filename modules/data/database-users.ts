/**
 * The database users RDS Proxy admits (issue 18): one per campaign function with SQL, whose
 * grants the migrations derive from its code (functions/campaign/schema/users.ts and
 * function-grants.json), the schema owner db-migrate signs in as, and the persona users. The
 * master user is not among them: it is kept for RDS's own rotation and documented break-glass
 * (docs/database-access.md), directly on the cluster, never through the proxy.
 */
import { FUNCTION_USERS, PERSONA_USERS, userNameOf } from "../../functions/campaign/schema/users";
import { MASTER_USERNAME } from "./aurora";

/** The function that owns the schema and applies every other user's grants. */
export const SCHEMA_OWNER_FUNCTION = "db-migrate";

/** Function name -> database user, for every function that signs in to the database. */
export const FUNCTION_DATABASE_USERS: ReadonlyMap<string, string> = new Map(
  [...FUNCTION_USERS.map((u) => u.name), SCHEMA_OWNER_FUNCTION].map((name) => [name, userNameOf(name)]),
);

/** Persona name -> database user (modules/iam/personas.ts grants rds-db:connect on these). */
export const PERSONA_DATABASE_USERS: ReadonlyMap<string, string> = new Map(PERSONA_USERS.map((u) => [u.name, userNameOf(u.name)]));

/** Every user the proxy signs in as, each with its own secret and auth entry; sorted. */
export const PROXY_DATABASE_USERS: readonly string[] = [...FUNCTION_DATABASE_USERS.values(), ...PERSONA_DATABASE_USERS.values()].sort();

if (PROXY_DATABASE_USERS.includes(MASTER_USERNAME)) throw new Error(`the master user ${MASTER_USERNAME} must not be a proxy user`);

/** The database user of `functionName`; a function whose SQL derives no grants has none (run `npm run function-sql-grants -- --write`). */
export function databaseUserOf(functionName: string): string {
  const user = FUNCTION_DATABASE_USERS.get(functionName);
  if (!user) {
    throw new Error(`function ${functionName} has no database user: its SQL derives no grants in functions/campaign/schema/function-grants.json (run npm run function-sql-grants -- --write), or it needs no database`);
  }
  return user;
}
