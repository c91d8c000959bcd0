import { ENVIRONMENTS } from "../../modules/config/environments";
import { ORGANIZATION, OrganizationConfig, organizationProblems } from "../../modules/config/organization";
import { ORGANIZATION_STACK, OrganizationStack, TRUSTED_SERVICE_PRINCIPALS } from "../../modules/organization/organization-stack";
import {
  GLOBAL_SERVICE_ACTIONS,
  PROTECTED_AUDIT_ACTIONS,
  SCP_MAX_CHARACTERS,
  ServiceControlPolicy,
  checkServiceControlPolicies,
  serviceControlPolicies,
} from "../../modules/organization/service-control-policies";
import { Statement, statementsOf } from "../support/policy";
import { SynthResource, synthesizeWith } from "../support/synth";

const org = ORGANIZATION as OrganizationConfig;
const environments = Object.values(ENVIRONMENTS);
const app = synthesizeWith((a) => new OrganizationStack(a, org, environments), "medicare-org-test-");
const doc = app.stacks[ORGANIZATION_STACK];
const all = (type: string) => app.resources(type, ORGANIZATION_STACK);
const byPath = (type: string, path: string): SynthResource => {
  const found = all(type).find((r) => r.path === `${ORGANIZATION_STACK}/${path}`);
  if (!found) throw new Error(`no ${type} at ${path}`);
  return found;
};
const ref = (r: SynthResource, attribute: string) => `\${${r.address}.${attribute}}`;
const ROOT = "${aws_organizations_organization.organization.roots[0].id}";
const securityId = org.accounts[org.securityAccount].id;

const scp = (name: string) => byPath("aws_organizations_policy", `scp-${name}`);
const statementsOfScp = (name: string): Statement[] => statementsOf(scp(name).values.content);
const deployment = { ArnNotLike: { "aws:PrincipalArn": [`arn:aws:iam::*:role/${org.deploymentRoleName}`] } };
const breakGlass = { ArnNotLike: { "aws:PrincipalArn": [`arn:aws:iam::*:role/${org.breakGlassRoleName}`] } };

describe("the organization stack (management account)", () => {
  it("is locked to the management account, in the home region and every region that holds data", () => {
    const providers = doc.provider.aws as any[];
    for (const p of providers) expect(p.allowed_account_ids).toEqual([org.managementAccountId]);
    expect(providers.map((p) => p.region).sort()).toEqual(["eu-west-1", "eu-west-2"]);
  });

  it("enables every feature, SCPs and the trusted access of the services it delegates", () => {
    const [organization] = all("aws_organizations_organization");
    expect(organization.values.feature_set).toBe("ALL");
    expect(organization.values.enabled_policy_types).toEqual(["SERVICE_CONTROL_POLICY"]);
    expect([...organization.values.aws_service_access_principals].sort()).toEqual([...TRUSTED_SERVICE_PRINCIPALS].sort());
    expect(organization.values.lifecycle.prevent_destroy).toBe(true);
  });

  it("has the OUs security, infrastructure and workloads under the root, prod and dev under workloads", () => {
    const ous = all("aws_organizations_organizational_unit");
    expect(ous.map((o) => o.values.name).sort()).toEqual(["dev", "infrastructure", "prod", "security", "workloads"]);
    const workloads = byPath("aws_organizations_organizational_unit", "ou-workloads");
    for (const ou of ous) expect(ou.values.parent_id).toBe(["prod", "dev"].includes(ou.values.name) ? ref(workloads, "id") : ROOT);
  });

  it("imports every configured account into its OU, never closes one, and denies IAM users billing access", () => {
    const accounts = all("aws_organizations_account");
    expect(accounts).toHaveLength(Object.keys(org.accounts).length);
    for (const [key, config] of Object.entries(org.accounts)) {
      const account = byPath("aws_organizations_account", `account-${key}`);
      expect(account.values).toMatchObject({ name: config.name, email: config.email, close_on_deletion: false, iam_user_access_to_billing: "DENY" });
      expect(account.values.lifecycle.prevent_destroy).toBe(true);
      expect(account.values.parent_id).toBe(ref(byPath("aws_organizations_organizational_unit", `ou-${config.ou.replace("/", "-")}`), "id"));
      expect(doc.import).toContainEqual({ to: account.address, id: config.id });
    }
    for (const env of environments) expect(Object.values(org.accounts).map((a) => a.id)).toContain(env.accountId);
  });
});

describe("every service control policy", () => {
  const policies = () => all("aws_organizations_policy");

  it("is an SCP of Deny statements only, within AWS's size limit", () => {
    expect(policies()).toHaveLength(serviceControlPolicies(org).length);
    for (const p of policies()) {
      expect(p.values.type).toBe("SERVICE_CONTROL_POLICY");
      expect(p.values.content.length).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
      expect(p.values.content).toBe(JSON.stringify(JSON.parse(p.values.content)));
      for (const s of statementsOf(p.values.content)) expect(s.effect).toBe("Deny");
    }
  });

  it("binds every member account: attached to the root, or to every top-level OU", () => {
    const topLevel = all("aws_organizations_organizational_unit").filter((o) => o.values.parent_id === ROOT).map((o) => ref(o, "id"));
    const attachments = all("aws_organizations_policy_attachment");
    for (const p of policies()) {
      const targets = attachments.filter((a) => a.values.policy_id === ref(p, "id")).map((a) => a.values.target_id);
      expect(targets.includes(ROOT) || topLevel.every((ou) => targets.includes(ou))).toBe(true);
    }
  });

  it("keeps every target within five SCPs, FullAWSAccess included", () => {
    const perTarget = new Map<string, number>();
    for (const a of all("aws_organizations_policy_attachment")) perTarget.set(a.values.target_id, (perTarget.get(a.values.target_id) ?? 0) + 1);
    for (const count of perTarget.values()) expect(count + 1).toBeLessThanOrEqual(5);
  });

  it("exempts nobody from leaving the organization, from the root-user denial or from the IAM-user denial", () => {
    expect(statementsOfScp("deny-leaving-organization")).toEqual([expect.objectContaining({ actions: ["organizations:LeaveOrganization"], resources: ["*"], conditions: {} })]);
    expect(statementsOfScp("deny-root-user")).toEqual([
      expect.objectContaining({ actions: ["*"], resources: ["*"], conditions: { ArnLike: { "aws:PrincipalArn": ["arn:aws:iam::*:root"] } } }),
    ]);
    const [users] = statementsOfScp("deny-iam-users");
    expect(users.conditions).toEqual({});
    expect(users.actions).toEqual(expect.arrayContaining(["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"]));
  });

  it("lets only the deployment role change the audit and detection services, the boundaries and the account's S3 public access block", () => {
    const audit = statementsOfScp("protect-audit-and-detection");
    for (const s of audit) expect(s.conditions).toEqual(deployment);
    expect(audit[0].actions).toEqual([...PROTECTED_AUDIT_ACTIONS]);
    for (const service of ["cloudtrail", "config", "guardduty", "securityhub", "inspector2", "macie2", "access-analyzer"]) {
      expect(audit[0].actions.some((a) => a.startsWith(`${service}:`))).toBe(true);
    }
    expect(audit.find((s) => s.sid === "DenyChangingThePlatformsBoundaries")!.resources).toEqual(["arn:aws:iam::*:policy/medicare-*-boundary"]);
    expect(statementsOfScp("protect-s3-public-access-block")).toEqual([expect.objectContaining({ actions: ["s3:PutAccountPublicAccessBlock"], conditions: deployment })]);
  });

  it("lets only the break-glass role delete keys or change key policies", () => {
    const [keys] = statementsOfScp("protect-kms-keys");
    expect(keys.conditions).toEqual(breakGlass);
    expect(keys.actions).toEqual(expect.arrayContaining(["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DeleteImportedKeyMaterial", "kms:DisableKey"]));
  });

  it("denies every region but the configured ones, except the listed global services", () => {
    const [regions] = statementsOfScp("deny-other-regions");
    expect(regions.actions).toEqual([]);
    expect(regions.notActions).toEqual(Object.keys(GLOBAL_SERVICE_ACTIONS));
    expect(regions.conditions).toEqual({ StringNotEquals: { "aws:RequestedRegion": [...org.allowedRegions] } });
    for (const env of environments) expect(org.allowedRegions).toEqual(expect.arrayContaining([env.region, env.backupRegion]));
    for (const [action, reason] of Object.entries(GLOBAL_SERVICE_ACTIONS)) {
      expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z*]+$/);
      expect(reason.length).toBeGreaterThan(10);
    }
  });
});

describe("delegated administration", () => {
  it("makes the security account the administrator of GuardDuty, Security Hub, Inspector and Macie in every region that holds data", () => {
    for (const [type, field] of [
      ["aws_guardduty_organization_admin_account", "admin_account_id"],
      ["aws_securityhub_organization_admin_account", "admin_account_id"],
      ["aws_inspector2_delegated_admin_account", "account_id"],
      ["aws_macie2_organization_admin_account", "admin_account_id"],
    ] as const) {
      const admins = all(type);
      expect(admins.map((a) => a.values[field])).toEqual(admins.map(() => securityId));
      // One in the home region (default provider), one through the backup region's alias.
      expect(admins.map((a) => a.values.provider ?? "aws").sort()).toEqual(["aws", "aws.eu_west_1"]);
    }
  });

  it("registers the security account for Config and Access Analyzer through Organizations", () => {
    expect(all("aws_organizations_delegated_administrator").map((d) => [d.values.service_principal, d.values.account_id]).sort()).toEqual([
      ["access-analyzer.amazonaws.com", securityId],
      ["config.amazonaws.com", securityId],
    ]);
  });
});

describe("checkServiceControlPolicies", () => {
  const base = serviceControlPolicies(org);
  it("accepts the platform's SCPs", () => expect(() => checkServiceControlPolicies(base)).not.toThrow());

  it("refuses an SCP over 5,120 characters, naming it and what to do", () => {
    const big: ServiceControlPolicy = { ...base[0], statements: [{ sid: "Big", actions: Array.from({ length: 300 }, (_, i) => `cloudtrail:Action${i}`) }] };
    expect(() => checkServiceControlPolicies([big])).toThrow(/SCP deny-leaving-organization is \d+ characters minified, over AWS's 5120; split it/);
  });

  it("refuses a fifth SCP on one target", () => {
    const extra = base.filter((p) => p.targets.includes("root")).map((p) => ({ ...p, name: `${p.name}-copy` }));
    expect(() => checkServiceControlPolicies([...base, ...extra])).toThrow(/root would carry 8 SCPs .* plus FullAWSAccess, over AWS's 5/);
  });
});

describe("organizationProblems", () => {
  it("accepts the placeholder organization", () => expect(organizationProblems(org, ENVIRONMENTS)).toEqual([]));

  it.each([
    ["a management account id that is not 12 digits", { managementAccountId: "12" }, /organization.managementAccountId: "12" is not a 12-digit account id/],
    ["a region list without an environment's backup region", { allowedRegions: ["eu-west-2", "us-east-1"] }, /organization.allowedRegions: environments.dev uses eu-west-1; allow it/],
    ["the same role for deploying and break-glass", { breakGlassRoleName: "medicare-deployment" }, /breakGlassRoleName: must differ from deploymentRoleName/],
    [
      "a security alert address that is not one",
      { securityAlertEmail: "security team" },
      /organization.securityAlertEmail: "security team" is not an e-mail address; give the security team's on-call address/,
    ],
    ["a security account key that does not exist", { securityAccount: "audit" }, /organization.securityAccount: "audit" is not a key of accounts/],
    [
      "an environment's account missing",
      { accounts: { security: org.accounts.security, dev: org.accounts.dev } },
      /organization.accounts: environments.prod.accountId 222222222222 is not a member account/,
    ],
    [
      "two accounts sharing a root e-mail",
      { accounts: { ...org.accounts, dev: { ...org.accounts.dev, email: org.accounts.prod.email } } },
      /accounts.dev.email: aws-prod@medicare.example is also the root e-mail of accounts.prod/,
    ],
    [
      "an environment's account outside the workloads OUs",
      { accounts: { ...org.accounts, prod: { ...org.accounts.prod, ou: "infrastructure" as const } } },
      /accounts.prod.ou: an environment's account belongs in a workloads OU/,
    ],
  ])("names the field for %s", (_what, change, message) => {
    const problems = organizationProblems({ ...org, ...change } as OrganizationConfig, ENVIRONMENTS);
    expect(problems.join("\n")).toMatch(message);
  });
});

describe("policies/data/scp_global_services.json", () => {
  it("is GLOBAL_SERVICE_ACTIONS (regenerate: npx tsx scripts/platform/gen-scp-global-services.ts)", () => {
    const { SCP_GLOBAL_SERVICES_FILE, scpGlobalServicesJson } = require("../../scripts/platform/gen-scp-global-services");
    expect(require("fs").readFileSync(SCP_GLOBAL_SERVICES_FILE, "utf8")).toBe(scpGlobalServicesJson());
  });
});
