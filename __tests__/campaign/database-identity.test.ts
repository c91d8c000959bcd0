/**
 * Every function that reaches the database signs in as its own database user (issue 18): its
 * DB_USER is its own user, its rds-db:connect names that user only (no other function's, no
 * persona's, never the master), and the proxy signs in as no user but the function and persona
 * users. Checked over every Lambda function of every synthesized stack.
 */
import { rmSync } from "fs";
import { MASTER_USERNAME } from "../../modules/data/aurora";
import { FUNCTION_DATABASE_USERS, PROXY_DATABASE_USERS } from "../../modules/data/database-users";
import { statementsOf } from "../support/policy";
import { SynthesizedApp, synthesize } from "../support/synth";

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
}, 120_000);
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const ENVS = ["dev", "prod"];

interface DeployedFunction {
  readonly stack: string;
  readonly name: string;
  readonly environment: Record<string, string>;
  readonly connectResources: string[];
}

function deployedFunctions(): DeployedFunction[] {
  const out: DeployedFunction[] = [];
  for (const [stack, doc] of Object.entries<any>(app.stacks)) {
    for (const fn of Object.values<any>(doc.resource?.aws_lambda_function ?? {})) {
      const role = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(fn.role)![1];
      const policies = Object.values<any>(doc.resource.aws_iam_role_policy ?? {}).filter((p) => String(p.role).includes(`aws_iam_role.${role}.`));
      const statements = policies.flatMap((p) => statementsOf(JSON.parse(p.policy)));
      const connectResources = statements.filter((s) => s.actions.some((a: string) => a === "rds-db:connect" || a === "rds-db:*" || a === "*")).flatMap((s) => s.resources);
      out.push({ stack, name: String(fn.function_name), environment: fn.environment?.variables ?? {}, connectResources });
    }
  }
  return out;
}

const functionNameOf = (deployed: string, env: string) => deployed.replace(`medicare-${env}-`, "");

describe.each(ENVS)("%s: database identity of every function", (env) => {
  it("each function with a database user names it in DB_USER and in its only rds-db:connect resource", () => {
    const functions = deployedFunctions().filter((f) => f.stack.startsWith(`${env}-`));
    const connecting = functions.filter((f) => f.connectResources.length > 0 || f.environment.DB_USER !== undefined);
    expect(connecting.map((f) => functionNameOf(f.name, env)).sort()).toEqual([...FUNCTION_DATABASE_USERS.keys()].sort());
    for (const fn of connecting) {
      const own = FUNCTION_DATABASE_USERS.get(functionNameOf(fn.name, env))!;
      expect({ fn: fn.name, user: fn.environment.DB_USER }).toEqual({ fn: fn.name, user: own });
      expect(fn.connectResources).toHaveLength(1);
      expect(fn.connectResources[0]).toMatch(new RegExp(`^arn:aws:rds-db:[a-z0-9-]+:\\d{12}:dbuser:\\$\\{[^}]+\\}/${own}$`));
    }
  });

  it("no function's rds-db:connect or DB_USER names the master user", () => {
    for (const fn of deployedFunctions().filter((f) => f.stack.startsWith(`${env}-`))) {
      expect(fn.environment.DB_USER ?? "").not.toBe(MASTER_USERNAME);
      for (const r of fn.connectResources) expect(r.endsWith(`/${MASTER_USERNAME}`) || r.endsWith("/*")).toBe(false);
    }
  });

  it("the proxy's auth entries are exactly the function and persona users' secrets", () => {
    const doc = app.stacks[`${env}-data`];
    const proxy = Object.values<any>(doc.resource.aws_db_proxy)[0];
    const secretNames = proxy.auth.map((a: any) => {
      const address = /^\$\{aws_secretsmanager_secret\.([^.]+)\.arn\}$/.exec(a.secret_arn)![1];
      return doc.resource.aws_secretsmanager_secret[address].name;
    });
    expect(secretNames.sort()).toEqual(PROXY_DATABASE_USERS.map((u) => `medicare-${env}-db-user-${u.replace(/_/g, "-")}`).sort());
  });
});
