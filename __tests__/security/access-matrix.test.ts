import { spawnSync } from "child_process";
import { rmSync } from "fs";
import { join } from "path";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { PERSONAS } from "../../modules/iam/personas";
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

describe("the access matrix of the synthesized stacks", () => {
  it("has every environment and, in each, all seven personas in the source documents' order", () => {
    expect(matrix.environments.map((e) => e.name).sort()).toEqual(Object.keys(ENVIRONMENTS).sort());
    for (const environment of matrix.environments) {
      expect(environment.personas.map((p) => p.persona)).toEqual([...PERSONAS]);
      expect(PERSONAS).toHaveLength(7);
    }
  });

  it("gives patients no IAM access and every other persona one MFA-only, bounded role with grants", () => {
    for (const environment of matrix.environments) {
      const env = ENVIRONMENTS[environment.name];
      for (const p of environment.personas) {
        if (p.persona === "patient") {
          expect(p.role).toBeUndefined();
          expect(p).toMatchObject({ grants: [], note: expect.stringContaining("Cognito") });
          continue;
        }
        expect(p).toMatchObject({
          role: `medicare-${environment.name}-${p.persona}`,
          mfaRequired: true,
          mfaMaxAgeSeconds: env.identity.mfaMaxAgeSeconds,
          boundary: `<iam_policy medicare-${environment.name}-human-boundary>`,
          trustedBy: env.identity.trustedPrincipalArns.map((a) => `AWS ${a}`),
        });
        expect(p.grants.length).toBeGreaterThan(0);
      }
    }
  });

  it("resolves references to readable names (the data key, not a Terraform expression)", () => {
    const careProvider = matrix.environments.find((e) => e.name === "dev")!.personas.find((p) => p.persona === "care-provider")!;
    const kms = careProvider.grants.find((g) => g.actions.includes("kms:Decrypt"))!;
    expect(kms.resources).toEqual(["<kms_key dev-security/keys/data/key>"]);
    expect(kms.conditions).toEqual(["StringEquals kms:ViaService = s3.eu-west-2.amazonaws.com"]);
    expect(JSON.stringify(matrix)).not.toContain("${aws_");
  });

  it("shows a role that trusts people without MFA as such (read from the JSON, not the code)", () => {
    const stacks = structuredClone(app.stacks);
    const role: any = Object.values(stacks["dev-security"].resource.aws_iam_role).find((r: any) => r.tags?.persona === "it-support");
    const trust = JSON.parse(role.assume_role_policy);
    delete trust.Statement[0].Condition;
    role.assume_role_policy = JSON.stringify(trust);
    const itSupport = buildAccessMatrix(stacks).environments.find((e) => e.name === "dev")!.personas.find((p) => p.persona === "it-support")!;
    expect(itSupport).toMatchObject({ mfaRequired: false, mfaMaxAgeSeconds: undefined });
    expect(renderAccessMatrix(buildAccessMatrix(stacks))).toContain("NO MFA REQUIRED");
  });

  it("renders a table naming every persona, action and resource", () => {
    const text = renderAccessMatrix(matrix);
    for (const persona of PERSONAS) expect(text).toContain(`  ${persona}: `);
    expect(text).toMatch(/ACTION\s+RESOURCE\s+CONDITION/);
    expect(text).toContain("rds-db:connect");
    expect(text).toContain("arn:aws:rds-db:eu-west-2:111111111111:dbuser:*/care_provider");
    expect(text).toContain("7 personas in 2 environment(s).");
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
