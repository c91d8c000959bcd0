import { rmSync } from "fs";
import { App, TerraformStack } from "cdktf";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { ORGANIZATION, OrganizationConfig, organizationProblems } from "../../modules/config/organization";
import { HUMAN_BOUNDARY_POLICY_NAME, IAM_PERSONAS, PERSONA_POLICY_PATH, personaPolicyName } from "../../modules/iam/persona-names";
import { IdentityCenter, permissionSetName } from "../../modules/organization/identity-center";
import { ORGANIZATION_STACK } from "../../modules/organization/organization-stack";
import { statementsOf } from "../support/policy";
import { SynthResource, SynthesizedApp, synthesize } from "../support/synth";

const org = ORGANIZATION as OrganizationConfig;
let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

const inOrganization = (type: string) => app.resources(type, ORGANIZATION_STACK);
const refersTo = (value: unknown, target: SynthResource) => typeof value === "string" && value.startsWith(`\${${target.address}.`);
const ofSet = (type: string, set: SynthResource) => inOrganization(type).filter((r) => refersTo(r.values.permission_set_arn, set));
const referenceName = (block: any) => [block].flat()[0]?.name;

describe("IAM Identity Center (organization stack)", () => {
  it("has one permission set per persona, each tagged with it, named <organization>-<persona>, with a one-hour session", () => {
    const sets = inOrganization("aws_ssoadmin_permission_set");
    expect(sets.map((s) => s.values.tags.persona).sort()).toEqual([...IAM_PERSONAS].sort());
    for (const set of sets) {
      expect({ name: set.values.name, session: set.values.session_duration, instance: set.values.instance_arn }).toEqual({
        name: permissionSetName(org, set.values.tags.persona),
        session: "PT1H",
        instance: org.identityCenter.instanceArn,
      });
    }
  });

  it("every permission set refers to exactly its persona's policy and to the human boundary, and to nothing granted in every account", () => {
    for (const set of inOrganization("aws_ssoadmin_permission_set")) {
      const persona = set.values.tags.persona;
      expect(ofSet("aws_ssoadmin_customer_managed_policy_attachment", set).map((a) => a.values.customer_managed_policy_reference)).toEqual([
        { name: personaPolicyName(persona), path: PERSONA_POLICY_PATH },
      ]);
      expect(ofSet("aws_ssoadmin_permissions_boundary_attachment", set).map((b) => b.values.permissions_boundary)).toEqual([
        { customer_managed_policy_reference: { name: HUMAN_BOUNDARY_POLICY_NAME, path: PERSONA_POLICY_PATH } },
      ]);
    }
    expect(app.resources("aws_ssoadmin_managed_policy_attachment")).toEqual([]);
    expect(app.resources("aws_ssoadmin_permission_set_inline_policy")).toEqual([]);
  });

  it("assigns each persona's set to its own group, in exactly the configured accounts", () => {
    const groups = inOrganization("aws_identitystore_group");
    for (const set of inOrganization("aws_ssoadmin_permission_set")) {
      const persona = set.values.tags.persona as (typeof IAM_PERSONAS)[number];
      const configured = org.identityCenter.personas[persona];
      const assignments = ofSet("aws_ssoadmin_account_assignment", set);
      expect(assignments.map((a) => a.values.target_id).sort()).toEqual(configured.accounts.map((key) => org.accounts[key].id).sort());
      for (const a of assignments) {
        expect(a.values).toMatchObject({ principal_type: "GROUP", target_type: "AWS_ACCOUNT", instance_arn: org.identityCenter.instanceArn });
        const group = groups.find((g) => refersTo(a.values.principal_id, g));
        expect({ persona, group: group?.values.display_name, store: group?.values.identity_store_id }).toEqual({
          persona,
          group: configured.group,
          store: org.identityCenter.identityStoreId,
        });
      }
    }
  });

  it("every policy and boundary a permission set refers to exists, by that name and path, in every account it is assigned in", () => {
    const byAccount = new Map(Object.values(ENVIRONMENTS).map((env) => [env.accountId, `${env.name}-security`]));
    for (const set of inOrganization("aws_ssoadmin_permission_set")) {
      const names = [
        ...ofSet("aws_ssoadmin_customer_managed_policy_attachment", set).map((a) => referenceName(a.values.customer_managed_policy_reference)),
        ...ofSet("aws_ssoadmin_permissions_boundary_attachment", set).map((b) => referenceName([b.values.permissions_boundary].flat()[0].customer_managed_policy_reference)),
      ];
      for (const assignment of ofSet("aws_ssoadmin_account_assignment", set)) {
        const stack = byAccount.get(assignment.values.target_id)!;
        expect(stack).toBeDefined();
        const policies = app.resources("aws_iam_policy", stack).map((p) => `${p.values.path}${p.values.name}`);
        for (const name of names) expect({ set: set.values.name, stack, policy: `${PERSONA_POLICY_PATH}${name}`, exists: policies.includes(`${PERSONA_POLICY_PATH}${name}`) }).toMatchObject({ exists: true });
      }
    }
  });
});

describe("no two personas share a principal, across every synthesized stack", () => {
  it("each Identity Center principal is given one persona's permission set only, and each persona one principal", () => {
    const sets = app.resources("aws_ssoadmin_permission_set");
    const personaOfAssignment = (a: SynthResource) => sets.find((s) => refersTo(a.values.permission_set_arn, s))?.values.tags.persona;
    const personasOf = new Map<string, Set<string>>();
    const principalsOf = new Map<string, Set<string>>();
    for (const a of app.resources("aws_ssoadmin_account_assignment")) {
      const persona = personaOfAssignment(a);
      expect({ assignment: a.path, persona }).toEqual({ assignment: a.path, persona: expect.any(String) });
      personasOf.set(a.values.principal_id, new Set([...(personasOf.get(a.values.principal_id) ?? []), persona]));
      principalsOf.set(persona, new Set([...(principalsOf.get(persona) ?? []), a.values.principal_id]));
    }
    expect([...personasOf.values()].map((p) => p.size)).toEqual([...personasOf.values()].map(() => 1));
    expect([...principalsOf.keys()].sort()).toEqual([...IAM_PERSONAS].sort());
    for (const principals of principalsOf.values()) expect(principals.size).toBe(1);
  });

  it("no role in any stack is a persona role that trusts another account's principal (the one shared identity principal is gone)", () => {
    const people = app.resources("aws_iam_role").flatMap((role) =>
      statementsOf(role.values.assume_role_policy)
        .flatMap((s) => [s.principals.AWS ?? []].flat())
        .map((principal) => ({ role: role.path, persona: role.values.tags?.persona, principal: String(principal) })),
    );
    expect(people.filter((p) => p.persona)).toEqual([]);
    const ownAccount = (stack: string) => Object.values(ENVIRONMENTS).find((e) => stack.startsWith(`${e.name}-`))?.accountId;
    expect(people.filter((p) => !p.principal.includes(`:${ownAccount(p.role.split("/")[0])}:`))).toEqual([]);
  });
});

describe("the IdentityCenter construct", () => {
  const build = (change: Partial<OrganizationConfig["identityCenter"]>) => () =>
    new IdentityCenter(new TerraformStack(new App(), "s"), "ic", { ...org, identityCenter: { ...org.identityCenter, ...change } });

  it("refuses two personas sharing a group", () => {
    const personas = { ...org.identityCenter.personas, "it-support": { ...org.identityCenter.personas["it-support"], group: org.identityCenter.personas["super-admin"].group } };
    expect(build({ personas })).toThrow(/super-admin and it-support share the group medicare-super-admins|it-support and super-admin share the group/);
  });

  it("refuses a permission set name longer than Identity Center's 32 characters", () => {
    expect(() => new IdentityCenter(new TerraformStack(new App(), "s"), "ic", { ...org, name: "medicare-platform-uk" })).toThrow(/permission set name medicare-platform-uk-care-provider .* shorten organization.name/);
  });

  it("refuses an assignment in an account that is not in the organization", () => {
    const personas = { ...org.identityCenter.personas, "care-provider": { ...org.identityCenter.personas["care-provider"], accounts: ["staging"] } };
    expect(() => new IdentityCenter(new TerraformStack(new App(), "s"), "ic", { ...org, identityCenter: { ...org.identityCenter, personas } })).toThrow(/care-provider is assigned in staging, which is not a key of organization.accounts/);
  });
});

describe("organizationProblems: identityCenter", () => {
  const withIdentityCenter = (change: object) => organizationProblems({ ...org, identityCenter: { ...org.identityCenter, ...change } } as OrganizationConfig, ENVIRONMENTS).join("\n");
  const withPersona = (persona: string, change: object) =>
    withIdentityCenter({ personas: { ...org.identityCenter.personas, [persona]: { ...(org.identityCenter.personas as any)[persona], ...change } } });

  it.each([
    ["an instance ARN that is not one", () => withIdentityCenter({ instanceArn: "ssoins-1" }), /identityCenter.instanceArn: "ssoins-1" is not an Identity Center instance ARN/],
    ["an identity store id that is not one", () => withIdentityCenter({ identityStoreId: "store" }), /identityCenter.identityStoreId: "store" is not an identity store id/],
    [
      "a persona left out",
      () => {
        const { "super-admin": _omitted, ...rest } = org.identityCenter.personas;
        return withIdentityCenter({ personas: rest });
      },
      /identityCenter.personas.super-admin: is missing; every persona needs its own group/,
    ],
    ["patients given AWS access", () => withIdentityCenter({ personas: { ...org.identityCenter.personas, patient: { group: "patients", accounts: ["prod"] } } }), /identityCenter.personas.patient: is not a persona that reaches AWS/],
    ["two personas in one group (case aside)", () => withPersona("it-support", { group: "MEDICARE-SUPER-ADMINS" }), /personas.super-admin.group: medicare-super-admins is also the group of it-support|personas.it-support.group: .* is also the group of/],
    ["a group name with a leading space", () => withPersona("it-support", { group: " it" }), /personas.it-support.group: " it" is not a group display name/],
    ["a persona assigned nowhere", () => withPersona("care-provider", { accounts: [] }), /personas.care-provider.accounts: lists no account/],
    ["an unknown account", () => withPersona("care-provider", { accounts: ["staging"] }), /personas.care-provider.accounts: "staging" is not a key of accounts/],
    ["an account that hosts no environment", () => withPersona("security-team", { accounts: ["security"] }), /personas.security-team.accounts: security hosts no environment, so it has no security-team policy/],
    ["an account listed twice", () => withPersona("care-provider", { accounts: ["prod", "prod"] }), /personas.care-provider.accounts: lists prod twice/],
    [
      "an organization name too long for the permission set names",
      () => organizationProblems({ ...org, name: "medicare-platform-uk" }, ENVIRONMENTS).join("\n"),
      /organization.name: medicare-platform-uk-database-administrator, the database-administrator permission set's name, is longer than Identity Center's 32 characters/,
    ],
    [
      "two environments in one account",
      () => organizationProblems(org, { ...ENVIRONMENTS, staging: { ...ENVIRONMENTS.dev, name: "staging" } }).join("\n"),
      /environments.dev and environments.staging share account 111111111111; give each environment its own account/,
    ],
  ])("names the field for %s", (_what, problems, message) => {
    expect(problems()).toMatch(message);
  });
});
