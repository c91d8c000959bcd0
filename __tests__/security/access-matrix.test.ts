import { spawnSync } from "child_process";
import { rmSync } from "fs";
import { join } from "path";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { ORGANIZATION } from "../../modules/config/organization";
import { IAM_PERSONAS, PERSONAS, personaPolicyName } from "../../modules/iam/personas";
import { permissionSetName } from "../../modules/organization/identity-center";
import { AccessMatrix, buildAccessMatrix, renderAccessMatrix } from "../../scripts/review/lib/access-matrix";
import { SynthesizedApp, synthesize } from "../support/synth";

const ROOT = join(__dirname, "..", "..");
let app: SynthesizedApp;
let matrix: AccessMatrix;
beforeAll(() => {
  app = synthesize();
  matrix = buildAccessMatrix(app.stacks);
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const accountIdOf = (environment: string) => ENVIRONMENTS[environment].accountId;

describe("the access matrix of the synthesized stacks", () => {
  it("has all seven personas in the source documents' order; patients have no AWS access", () => {
    expect(matrix.personas.map((p) => p.persona)).toEqual([...PERSONAS]);
    expect(PERSONAS).toHaveLength(7);
    const patient = matrix.personas.find((p) => p.persona === "patient")!;
    expect(patient).toMatchObject({ accounts: [], roles: [], note: expect.stringContaining("Cognito") });
    expect(patient.permissionSet).toBeUndefined();
  });

  it("shows persona -> permission set -> accounts -> actions: each persona's own set, session, group and every configured account with its grants", () => {
    for (const persona of IAM_PERSONAS) {
      const p = matrix.personas.find((a) => a.persona === persona)!;
      const configured = ORGANIZATION!.identityCenter.personas[persona];
      expect(p).toMatchObject({
        permissionSet: permissionSetName(ORGANIZATION!, persona),
        sessionDuration: "PT1H",
        groups: [configured.group],
        policyReferences: [personaPolicyName(persona)],
        boundaryReference: "medicare-human-boundary",
        roles: [],
      });
      const expected = configured.accounts.map((key) => ORGANIZATION!.accounts[key]).map((a) => ({ account: a.id, environment: a.environment }));
      expect(p.accounts.map((a) => ({ account: a.account, environment: a.environment })).sort((x, y) => x.account.localeCompare(y.account))).toEqual(
        expected.sort((x, y) => x.account.localeCompare(y.account)),
      );
      for (const a of p.accounts) {
        expect(a).toMatchObject({ stack: `${a.environment}-security`, policy: personaPolicyName(persona), boundary: "<iam_policy medicare-human-boundary>" });
        expect(a.account).toBe(accountIdOf(a.environment!));
        expect(a.grants.length).toBeGreaterThan(0);
      }
    }
    expect(new Set(matrix.personas.map((p) => p.permissionSet).filter(Boolean)).size).toBe(IAM_PERSONAS.length);
  });

  it("resolves references to readable names (the data key, not a Terraform expression)", () => {
    const careProvider = matrix.personas.find((p) => p.persona === "care-provider")!.accounts.find((a) => a.environment === "dev")!;
    const kms = careProvider.grants.find((g) => g.actions.includes("kms:Decrypt"))!;
    expect(kms.resources).toEqual(["<kms_key dev-security/keys/data/key>"]);
    expect(kms.conditions).toEqual(["StringEquals kms:ViaService = s3.eu-west-2.amazonaws.com"]);
    expect(JSON.stringify(matrix)).not.toContain("${aws_");
  });

  it("shows what the JSON says, not the code: a missing policy, a long session and a persona role brought back", () => {
    const stacks = structuredClone(app.stacks);
    const sets: Record<string, any> = stacks.organization.resource.aws_ssoadmin_permission_set;
    Object.values(sets).find((s: any) => s.tags.persona === "it-support").session_duration = "PT12H";
    const policies: Record<string, any> = stacks["dev-security"].resource.aws_iam_policy;
    delete policies[Object.keys(policies).find((k) => policies[k].name === "medicare-persona-super-admin")!];
    stacks["dev-security"].resource.aws_iam_role.people_MUTATED = {
      name: "medicare-dev-care-provider",
      tags: { persona: "care-provider" },
      assume_role_policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::333333333333:root" }, Action: "sts:AssumeRole" }] }),
    };
    const changed = buildAccessMatrix(stacks);
    const of = (persona: string) => changed.personas.find((p) => p.persona === persona)!;
    expect(of("it-support").sessionDuration).toBe("PT12H");
    const missing = of("super-admin").accounts.find((a) => a.environment === "dev")!;
    expect(missing).toMatchObject({ grants: [], note: expect.stringContaining("NO POLICY medicare-persona-super-admin") });
    expect(missing.policy).toBeUndefined();
    expect(of("care-provider").roles).toEqual([{ role: "medicare-dev-care-provider", stack: "dev-security", trustedBy: ["AWS arn:aws:iam::333333333333:root"] }]);
    const text = renderAccessMatrix(changed);
    expect(text).toContain("session PT12H");
    expect(text).toContain("ROLE medicare-dev-care-provider (dev-security) tagged care-provider, trusted by AWS arn:aws:iam::333333333333:root");
  });

  it("without the organization's stacks, says that no permission set was found", () => {
    const stacks = Object.fromEntries(Object.entries(app.stacks).filter(([name]) => name.startsWith("dev-")));
    for (const persona of IAM_PERSONAS) {
      const access = buildAccessMatrix(stacks).personas.find((p) => p.persona === persona)!;
      expect(access.note).toContain("NO PERMISSION SET FOUND");
      expect(access.permissionSet).toBeUndefined();
    }
  });

  it("renders a table naming every persona, permission set, account, action and resource", () => {
    const text = renderAccessMatrix(matrix);
    for (const persona of PERSONAS) expect(text).toContain(`${persona}: `);
    for (const persona of IAM_PERSONAS) expect(text).toContain(`permission set ${permissionSetName(ORGANIZATION!, persona)}, session PT1H`);
    expect(text).toMatch(/ACTION\s+RESOURCE\s+CONDITION/);
    expect(text).toContain("account 111111111111 (environment dev, dev-security): policy medicare-persona-care-provider");
    expect(text).toContain("arn:aws:rds-db:eu-west-2:111111111111:dbuser:*/care_provider");
    expect(text).toContain("7 personas, 6 permission set(s), 2 account(s).");
  });

  it("shows the database users the care provider and the DBA connect as, with their grants: neither reads contact details", () => {
    for (const environment of Object.keys(ENVIRONMENTS)) {
      const users = matrix.personas.flatMap((p) => p.accounts.filter((a) => a.environment === environment).flatMap((a) => (a.databaseUsers ?? []).map((d) => [p.persona, d] as const)));
      expect(users.map(([persona, d]) => `${persona}:${d.user}`).sort()).toEqual(["care-provider:care_provider", "database-administrator:dba"]);
      for (const [, d] of users) {
        expect(d.tables).toBeDefined();
        const patients = d.tables!.find((t) => t.table === "patients")!;
        expect(patients.privileges).toHaveLength(1);
        expect(patients.privileges[0]).toMatch(/^SELECT \(/);
        expect(patients.privileges[0]).not.toMatch(/email|phone/);
      }
    }
    expect(renderAccessMatrix(matrix)).toContain("database user dba (grants applied by db-migrate):");
  });

  it("is printed by npm run access-matrix, as JSON with --json; bad options exit 2", () => {
    const files = Object.keys(app.stacks).map((s) => app.file(s));
    const run = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "review", "access-matrix.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
    const json = run(["--json", ...files]);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(matrix)));
    const table = run(files);
    expect(table.status).toBe(0);
    expect(table.stdout).toBe(renderAccessMatrix(matrix));
    expect(run(["--csv", ...files]).status).toBe(2);
    expect(run([join(app.outdir, "missing.json")]).status).toBe(2);
  });
});
