/**
 * The reviewed data the policy suite reads from policies/data/ (docs/policy-data.md): the
 * resource-type catalog, the principal allowlist and the bounds. Each is checked against
 * what it claims to describe: the rule catalogue, the typed config and the synthesized stacks.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { PRINCIPAL_ALLOWLIST_FILE, organizationAllowlists, principalAllowlistJson } from "../../scripts/platform/gen-principal-allowlist";
import { ORGANIZATION } from "../../modules/config/organization";
import { ORGANIZATION_DETECTION_STACK, ORGANIZATION_STACK } from "../../modules/organization/organization-stack";
import { ruleCatalog, RuleInfo } from "../../scripts/review/lib/policy-engine";
import { policyStatements, synthesize, SynthesizedApp } from "../support/synth";

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

  it("has an entry for every synthesized stack (its own, or its environment's), and no environment trusts another's account", () => {
    const allowlist = readData("principal_allowlist.json").principal_allowlist;
    for (const stack of Object.keys(app.stacks)) expect(allowlist[stack] ?? allowlist[stack.split("-")[0]]).toBeDefined();
    const own = Object.values<any>(allowlist).map((entry) => entry.account);
    for (const name of Object.keys(ENVIRONMENTS)) {
      expect(Object.keys(allowlist[name].foreign_accounts).filter((account) => own.includes(account))).toEqual([]);
    }
    for (const entry of Object.values<any>(allowlist)) {
      for (const [account, foreign] of Object.entries<any>(entry.foreign_accounts)) {
        expect(account).toMatch(/^\d{12}$/);
        expect(foreign.types.length).toBeGreaterThan(0);
        expect(foreign.why.length).toBeGreaterThan(20);
      }
    }
  });

  it("covers every account named by any statement, Allow or Deny, of every synthesized policy (PRN-001's judgement)", () => {
    const allowlist = readData("principal_allowlist.json").principal_allowlist;
    const outside: string[] = [];
    let accountsNamed = 0;
    for (const [stack, doc] of Object.entries(app.stacks)) {
      const entry = allowlist[stack] ?? allowlist[stack.split("-")[0]]; // the organization's stacks have their own entries
      for (const [type, byName] of Object.entries<any>(doc.resource ?? {})) {
        for (const [name, body] of Object.entries<any>(byName)) {
          for (const statement of policyStatements(body)) {
            const named = JSON.stringify([statement.Principal, statement.NotPrincipal, statement.Resource, statement.NotResource, statement.Condition]);
            for (const account of named.match(/(?<![0-9A-Za-z])\d{12}(?![0-9A-Za-z])/g) ?? []) {
              accountsNamed += 1;
              if (account !== entry.account && !entry.foreign_accounts[account]?.types.includes(type)) outside.push(`${stack} ${type}.${name} ${statement.Effect} ${statement.Sid ?? ""}: ${account}`);
            }
          }
        }
      }
    }
    expect(accountsNamed).toBeGreaterThan(100); // the walk reaches the documents
    expect(outside).toEqual([]);
  });

  it("lets the organization's stacks name only their own account and subscriber, and the security account only where it is made delegated administrator", () => {
    const org = ORGANIZATION!;
    const entries = organizationAllowlists(org);
    expect(entries[ORGANIZATION_STACK].account).toBe(org.managementAccountId);
    expect(entries[ORGANIZATION_DETECTION_STACK].account).toBe(org.accounts[org.securityAccount].id);
    expect(entries[ORGANIZATION_DETECTION_STACK].foreign_accounts).toEqual({});
    const foreign = entries[ORGANIZATION_STACK].foreign_accounts;
    const security = org.accounts[org.securityAccount].id;
    const environmentAccounts = Object.values(org.accounts).filter((a) => a.environment).map((a) => a.id);
    expect(Object.keys(foreign).sort()).toEqual([security, ...environmentAccounts].sort());
    for (const type of foreign[security].types) expect(type).toMatch(/_(admin_account|delegated_administrator)$/);
    // Only the security account's alert topics have a subscriber: the configured address.
    expect(entries[ORGANIZATION_STACK].subscription_endpoints).toEqual([]);
    expect(entries[ORGANIZATION_DETECTION_STACK].subscription_endpoints).toEqual([org.securityAlertEmail]);
    for (const entry of Object.values(entries)) {
      expect(entry.regions).toEqual([...org.allowedRegions].sort());
    }
  });

  it("allows no other account in any trust policy: people come through Identity Center, not an identity principal", () => {
    for (const env of Object.values(ENVIRONMENTS)) {
      const entry = JSON.parse(principalAllowlistJson()).principal_allowlist[env.name];
      expect(entry).not.toHaveProperty("trusted_principals");
      for (const foreign of Object.values<{ types: string[] }>(entry.foreign_accounts)) expect(foreign.types).not.toContain("aws_iam_role");
    }
  });

  it("lets the organization stack name each environment account only in Identity Center account assignments", () => {
    const org = ORGANIZATION!;
    const foreign = organizationAllowlists(org)[ORGANIZATION_STACK].foreign_accounts;
    const assigned = new Set(Object.values(org.identityCenter.personas).flatMap((p) => p.accounts));
    expect(assigned.size).toBeGreaterThan(0);
    for (const key of assigned) expect(foreign[org.accounts[key].id].types).toEqual(["aws_ssoadmin_account_assignment"]);
  });
});

interface Bound {
  type: string;
  path: string;
  min?: number;
  max?: number;
  allowed?: unknown[];
  includes?: unknown[];
  required?: boolean;
  control: string;
  why: string;
}

/** The values a bound's path reaches (the same walk as policies/lib/bounds.rego). */
function reach(body: any, path: string): unknown[] {
  let nodes: unknown[] = [body];
  for (const step of path.split(".")) {
    const [, key, field, equals] = /^([^[\]]+)(?:\[([^=\]]+)=([^\]]*)\])?$/.exec(step)!;
    nodes = nodes
      .flatMap((n: any) => (n && typeof n === "object" && !Array.isArray(n) ? [n[key]] : []))
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .filter((v: any) => v !== null && v !== undefined && (field === undefined || String(v?.[field]) === equals));
  }
  return nodes;
}

describe("the bounds (policies/data/bounds.json)", () => {
  const bounds: Bound[] = readData("bounds.json").bounds;
  const catalog = readData("resource_catalog.json").resource_catalog;
  /** Optional paths that nothing in today's stacks sets: still bounded, for when something does. */
  const OPTIONAL_AND_UNSET = new Set([
    "aws_cloudfront_distribution ordered_cache_behavior.viewer_protocol_policy",
    "aws_cloudfront_distribution origin.custom_origin_config.origin_protocol_policy",
    "aws_cloudfront_distribution origin.custom_origin_config.origin_ssl_protocols",
    "aws_cloudwatch_log_group log_group_class",
    "aws_cloudwatch_metric_alarm datapoints_to_alarm",
    "aws_cloudwatch_metric_alarm actions_enabled",
    "aws_s3_bucket_object_lock_configuration object_lock_enabled",
    "aws_ssm_maintenance_window enabled",
  ]);

  it("each names its type, a dotted path, a check, the control and why", () => {
    for (const b of bounds) {
      expect(b.type).toMatch(/^aws_[a-z0-9_]+$/);
      expect(b.path).toMatch(/^[A-Za-z0-9_:-]+(\[[A-Za-z0-9_]+=[^\]]*\])?(\.[A-Za-z0-9_:-]+(\[[A-Za-z0-9_]+=[^\]]*\])?)*$/);
      expect(b.path.split(".").length).toBeLessThanOrEqual(6);
      expect([b.min, b.max, b.allowed, b.includes, b.required].some((x) => x !== undefined)).toBe(true);
      if (b.min !== undefined && b.max !== undefined) expect(b.min).toBeLessThanOrEqual(b.max);
      expect(b.control.length).toBeGreaterThan(10);
      expect(b.why.length).toBeGreaterThan(10);
    }
    expect(new Set(bounds.map((b) => `${b.type} ${b.path}`)).size).toBe(bounds.length);
  });

  it("are judged by BND-001 on types the catalog lists", () => {
    for (const b of bounds) expect(catalog[b.type]?.rules ?? []).toContain("BND-001");
  });

  it("each reach a value in the synthesized stacks (a mistyped path would check nothing), unless listed as optional and unset", () => {
    const reached = (b: Bound) => app.resources(b.type).some((r) => reach(r.values, b.path).length > 0);
    expect(bounds.filter((b) => !reached(b) && !OPTIONAL_AND_UNSET.has(`${b.type} ${b.path}`)).map((b) => `${b.type} ${b.path}`)).toEqual([]);
    expect(bounds.filter((b) => reached(b) && OPTIONAL_AND_UNSET.has(`${b.type} ${b.path}`)).map((b) => `${b.type} ${b.path}`)).toEqual([]);
  });

  it("hold for every value of the synthesized stacks (the same judgement as BND-001)", () => {
    const outside = bounds.flatMap((b) =>
      app.resources(b.type).flatMap((r) =>
        reach(r.values, b.path)
          .filter((v) => (b.min !== undefined && Number(v) < b.min) || (b.max !== undefined && Number(v) > b.max) || (b.allowed !== undefined && !b.allowed.includes(v)))
          .map((v) => `${r.path} ${b.path} = ${JSON.stringify(v)}`),
      ),
    );
    expect(outside).toEqual([]);
  });
});
