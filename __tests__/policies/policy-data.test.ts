/**
 * The reviewed data the policy suite reads from policies/data/ (docs/policy-data.md): the
 * resource-type catalog, the principal allowlist and the bounds. Each is checked against
 * what it claims to describe: the rule catalogue, the typed config and the synthesized stacks.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { PRINCIPAL_ALLOWLIST_FILE, principalAllowlistJson } from "../../scripts/platform/gen-principal-allowlist";
import { ruleCatalog, RuleInfo } from "../../scripts/review/lib/policy-engine";
import { synthesize, SynthesizedApp } from "../support/synth";

const DATA = join(__dirname, "..", "..", "policies", "data");
const readData = (file: string) => JSON.parse(readFileSync(join(DATA, file), "utf8"));

let app: SynthesizedApp;
let rules: RuleInfo[];

beforeAll(() => {
  app = synthesize();
  rules = ruleCatalog();
});

describe("the resource-type catalog (policies/data/resource_catalog.json)", () => {
  const catalog: Record<string, { rules: string[]; reason?: string }> = readData("resource_catalog.json").resource_catalog;

  it("names only rules that exist", () => {
    const ids = new Set(rules.map((r) => r.id));
    const unknown = Object.entries(catalog).flatMap(([type, entry]) => entry.rules.filter((id) => !ids.has(id)).map((id) => `${type}: ${id}`));
    expect(unknown).toEqual([]);
  });

  it("gives every type rules or, when it has no security attribute, a reason of substance", () => {
    const bare = Object.entries(catalog)
      .filter(([, entry]) => entry.rules.length === 0 && (entry.reason ?? "").split(/\s+/).length < 6)
      .map(([type]) => type);
    expect(bare).toEqual([]);
  });

  it("lists every resource type of every synthesized stack", () => {
    const types = new Set(Object.values(app.stacks).flatMap((doc) => Object.keys(doc.resource ?? {})));
    expect([...types].filter((type) => !(type in catalog)).sort()).toEqual([]);
  });

  it("lists only Terraform AWS resource types", () => {
    for (const type of Object.keys(catalog)) expect(type).toMatch(/^aws_[a-z0-9_]+$/);
  });
});

describe("the principal allowlist (policies/data/principal_allowlist.json)", () => {
  it("is the one generated from the typed config (regenerate: npx tsx scripts/platform/gen-principal-allowlist.ts)", () => {
    expect(readFileSync(PRINCIPAL_ALLOWLIST_FILE, "utf8")).toBe(principalAllowlistJson());
  });

  it("has an entry for the environment of every synthesized stack, and trusts no account of another environment", () => {
    const allowlist = readData("principal_allowlist.json").principal_allowlist;
    for (const stack of Object.keys(app.stacks)) expect(Object.keys(allowlist)).toContain(stack.split("-")[0]);
    const own = Object.values<any>(allowlist).map((entry) => entry.account);
    for (const entry of Object.values<any>(allowlist)) {
      expect(Object.keys(entry.foreign_accounts).filter((account) => own.includes(account))).toEqual([]);
      for (const [account, foreign] of Object.entries<any>(entry.foreign_accounts)) {
        expect(account).toMatch(/^\d{12}$/);
        expect(foreign.types.length).toBeGreaterThan(0);
        expect(foreign.why.length).toBeGreaterThan(20);
      }
    }
  });

  it("names the identity account only for trust policies", () => {
    const env = ENVIRONMENTS.prod;
    const entry = JSON.parse(principalAllowlistJson()).principal_allowlist.prod;
    const identity = env.identity.trustedPrincipalArns[0].split(":")[4];
    expect(entry.foreign_accounts[identity].types).toEqual(["aws_iam_role"]);
    expect(entry.trusted_principals).toEqual([...env.identity.trustedPrincipalArns].sort());
  });
});
