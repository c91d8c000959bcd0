import { rmSync } from "fs";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { HUMAN_FORBIDDEN_ACTIONS } from "../../modules/iam/human-boundary";
import { IAM_PERSONAS, PERSONA_POLICY_PATH, isWildcardAction, personaPolicyName } from "../../modules/iam/personas";
import { conditionValues, describeStatement, scopableOnEverything, statementsOf } from "../support/policy";
import { referencedResource } from "../support/refs";
import { SynthResource, SynthesizedApp, synthesize } from "../support/synth";

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

/** Every policy document of every stack with its kind (see policies/lib/iam.rego). */
function documents(): { resource: SynthResource; kind: "identity" | "boundary" | "resource" | "trust"; policy: string }[] {
  const out: ReturnType<typeof documents> = [];
  const boundaryPolicy = (r: SynthResource) => r.values.tags?.["policy-role"] === "permission-boundary";
  for (const r of app.resources("aws_iam_role_policy")) out.push({ resource: r, kind: "identity", policy: r.values.policy });
  for (const r of app.resources("aws_iam_policy")) out.push({ resource: r, kind: boundaryPolicy(r) ? "boundary" : "identity", policy: r.values.policy });
  for (const r of app.resources("aws_iam_role")) out.push({ resource: r, kind: "trust", policy: r.values.assume_role_policy });
  for (const type of ["aws_kms_key", "aws_s3_bucket_policy", "aws_sns_topic_policy", "aws_sqs_queue_policy", "aws_backup_vault_policy"]) {
    for (const r of app.resources(type)) if (r.values.policy) out.push({ resource: r, kind: "resource", policy: r.values.policy });
  }
  return out;
}

describe("IAM across every stack of every environment", () => {
  it("no Allow statement grants *, <service>:* or NotAction", () => {
    const offending = documents().flatMap(({ resource, policy }) =>
      statementsOf(policy)
        .filter((s) => s.effect === "Allow" && (s.actions.some(isWildcardAction) || s.notActions.length > 0))
        .map((s) => `${resource.path}: ${describeStatement(s)}`),
    );
    expect(offending).toEqual([]);
  });

  it("identity policies use Resource * only for actions without resource-level permissions, or beside a Deny on every ARN of theirs", () => {
    const offending = documents()
      .filter((d) => d.kind === "identity")
      .flatMap(({ resource, policy }) => {
        const statements = statementsOf(policy);
        return statements.filter((s) => scopableOnEverything(s, statements).length > 0).map((s) => `${resource.path}: ${describeStatement(s)}`);
      });
    expect(offending).toEqual([]);
  });

  it("every role has a permission boundary and no trust allows a * principal", () => {
    const roles = app.resources("aws_iam_role");
    expect(roles.length).toBeGreaterThan(IAM_PERSONAS.length);
    for (const role of roles) {
      const boundary = referencedResource(app, role.stack, role.values.permissions_boundary);
      expect({ role: role.path, boundary: boundary?.type }).toEqual({ role: role.path, boundary: "aws_iam_policy" });
      for (const s of statementsOf(role.values.assume_role_policy)) {
        expect({ role: role.path, principals: s.principals }).not.toEqual({ role: role.path, principals: expect.objectContaining({ AWS: expect.arrayContaining(["*"]) }) });
        expect(s.principals["*"]).toBeUndefined();
      }
    }
  });

  it("creates no IAM users and no user policies", () => {
    for (const type of ["aws_iam_user", "aws_iam_user_policy", "aws_iam_user_policy_attachment", "aws_iam_access_key", "aws_iam_user_login_profile"]) {
      expect(app.resources(type)).toEqual([]);
    }
    for (const attachment of app.resources("aws_iam_policy_attachment")) expect(attachment.values.users ?? []).toEqual([]);
  });
});

describe.each(Object.keys(ENVIRONMENTS))("%s persona policies", (envName) => {
  const env = ENVIRONMENTS[envName];
  const stack = `${envName}-security`;
  const personaPolicies = () => app.resources("aws_iam_policy").filter((p) => p.stack.startsWith(`${envName}-`) && p.values.tags?.persona);
  const humanBoundary = () => app.resources("aws_iam_policy", stack).find((p) => p.values.name === "medicare-human-boundary")!;

  it("one customer-managed policy per IAM persona (six: patients use Cognito only), in the security stack, named as the permission sets refer to it", () => {
    expect(personaPolicies().map((p) => p.values.tags.persona).sort()).toEqual(
      ["care-provider", "database-administrator", "it-support", "security-team", "super-admin", "system-administrator"],
    );
    for (const policy of personaPolicies()) {
      expect({ path: policy.path, stack: policy.stack, name: policy.values.name, iamPath: policy.values.path }).toEqual({
        path: policy.path,
        stack,
        name: personaPolicyName(policy.values.tags.persona),
        iamPath: PERSONA_POLICY_PATH,
      });
    }
  });

  it("no role of the environment is tagged with a persona or trusts another account: people come through Identity Center", () => {
    const roles = app.resources("aws_iam_role").filter((r) => r.stack.startsWith(`${envName}-`));
    expect(roles.filter((r) => r.values.tags?.persona).map((r) => r.path)).toEqual([]);
    const foreign = roles.flatMap((r) =>
      statementsOf(r.values.assume_role_policy)
        .flatMap((s) => [s.principals.AWS ?? []].flat())
        .filter((principal) => !String(principal).includes(`:${env.accountId}:`))
        .map((principal) => `${r.path}: ${principal}`),
    );
    expect(foreign).toEqual([]);
  });

  it("every grant names this environment's resources (or this account's, for generated ids and listings)", () => {
    for (const policy of personaPolicies()) {
      for (const s of statementsOf(policy.values.policy)) {
        for (const resource of s.resources) {
          const ok =
            resource === "*" ||
            resource.includes(`medicare-${envName}-`) ||
            resource.includes(`/medicare/${envName}/`) ||
            resource.includes(`:${env.accountId}:`) ||
            resource.startsWith("${aws_kms_key.");
          expect({ policy: policy.path, sid: s.sid, resource, ok }).toEqual({ policy: policy.path, sid: s.sid, resource, ok: true });
        }
      }
    }
  });

  it("the human boundary is the union of the persona grants and denies audit tampering and new credentials", () => {
    const boundary = statementsOf(humanBoundary().values.policy);
    const granted = new Set(personaPolicies().flatMap((p) => statementsOf(p.values.policy).flatMap((s) => s.actions)));
    const allowed = new Set(boundary.filter((s) => s.effect === "Allow").flatMap((s) => s.actions));
    expect([...allowed].sort()).toEqual([...granted].sort());
    const denied = boundary.filter((s) => s.effect === "Deny").flatMap((s) => s.actions);
    expect(denied).toEqual(expect.arrayContaining([...HUMAN_FORBIDDEN_ACTIONS, "cloudtrail:StopLogging", "iam:CreateAccessKey", "kms:ScheduleKeyDeletion"]));
    const roleChanges = boundary.find((s) => s.sid === "RolesChangedByPeopleCarryABoundary")!;
    expect(conditionValues(roleChanges, "iam:PermissionsBoundary", ["StringNotEquals"]).sort()).toEqual(
      [`arn:aws:iam::${env.accountId}:policy/medicare-${envName}-workload-boundary`, `arn:aws:iam::${env.accountId}:policy/medicare-human-boundary`].sort(),
    );
  });

  it("the account password policy is CIS-strength", () => {
    expect(app.resources("aws_iam_account_password_policy", stack).map((p) => p.values)).toEqual([
      expect.objectContaining({
        minimum_password_length: 14,
        require_lowercase_characters: true,
        require_uppercase_characters: true,
        require_numbers: true,
        require_symbols: true,
        password_reuse_prevention: 24,
        max_password_age: 90,
      }),
    ]);
  });
});
