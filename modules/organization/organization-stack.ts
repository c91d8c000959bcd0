import { Aspects, TerraformResource, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { GuarddutyOrganizationAdminAccount } from "@cdktf/provider-aws/lib/guardduty-organization-admin-account";
import { Inspector2DelegatedAdminAccount } from "@cdktf/provider-aws/lib/inspector2-delegated-admin-account";
import { Macie2OrganizationAdminAccount } from "@cdktf/provider-aws/lib/macie2-organization-admin-account";
import { OrganizationsAccount } from "@cdktf/provider-aws/lib/organizations-account";
import { OrganizationsDelegatedAdministrator } from "@cdktf/provider-aws/lib/organizations-delegated-administrator";
import { OrganizationsOrganization } from "@cdktf/provider-aws/lib/organizations-organization";
import { OrganizationsOrganizationalUnit } from "@cdktf/provider-aws/lib/organizations-organizational-unit";
import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityhubOrganizationAdminAccount } from "@cdktf/provider-aws/lib/securityhub-organization-admin-account";
import { OrganizationConfig, OrganizationAccountConfig } from "../config/organization";
import { EnvironmentConfig } from "../config/schema";
import { configureStateBackend } from "../core/medicare-stack";
import { RequiredTagsAspect } from "../core/tagging";
import { IdentityCenter } from "./identity-center";
import { ScpTarget, checkServiceControlPolicies, scpJson, serviceControlPolicies } from "./service-control-policies";

/** The stacks' names: one per account that the organization's own resources live in. */
export const ORGANIZATION_STACK = "organization";
export const ORGANIZATION_DETECTION_STACK = "organization-detection";
export const ORGANIZATION_STACKS: readonly string[] = [ORGANIZATION_STACK, ORGANIZATION_DETECTION_STACK];

/**
 * Services trusted to act across the organization (Organizations "trusted access"): the
 * organization trail, Config's organization aggregator and rules, the detection services
 * and their delegated administration, and IAM Identity Center.
 */
export const TRUSTED_SERVICE_PRINCIPALS = [
  "cloudtrail.amazonaws.com",
  "config.amazonaws.com",
  "config-multiaccountsetup.amazonaws.com",
  "guardduty.amazonaws.com",
  "malware-protection.guardduty.amazonaws.com",
  "securityhub.amazonaws.com",
  "inspector2.amazonaws.com",
  "macie.amazonaws.com",
  "access-analyzer.amazonaws.com",
  "sso.amazonaws.com",
] as const;

/**
 * Services whose delegated administrator is registered through Organizations (the others,
 * GuardDuty, Security Hub, Inspector and Macie, have their own per-region API below).
 */
export const DELEGATED_THROUGH_ORGANIZATIONS = ["config.amazonaws.com", "access-analyzer.amazonaws.com"] as const;

/** Regions that hold data: every environment's primary and backup region, and the home region. */
export function dataRegions(org: OrganizationConfig, environments: readonly EnvironmentConfig[]): string[] {
  return [...new Set([org.homeRegion, ...environments.flatMap((e) => [e.region, e.backupRegion])])];
}

/** Terraform identifier of a region's provider alias, e.g. `eu_west_1`. */
export const regionAlias = (region: string) => region.replace(/-/g, "_");

/** The organization stacks' tags: the organization is its own "environment". */
export function tagOrganizationStack(stack: TerraformStack, org: OrganizationConfig, component: string): void {
  Aspects.of(stack).add(new RequiredTagsAspect({ owner: org.owner, environment: ORGANIZATION_STACK, "data-classification": "confidential", component }));
}

/**
 * `organization` (management account): AWS Organizations with every feature and the
 * trusted access above, the OUs, the member accounts (existing accounts, imported), the
 * service control policies attached to the root and the OUs, and the security account
 * registered as delegated administrator of GuardDuty, Security Hub, Inspector and Macie in
 * every region that holds data, and of Config and Access Analyzer organization-wide; and
 * IAM Identity Center's permission sets, groups and account assignments (people's access).
 *
 * Deployed first: the SCPs and the delegated administration must exist before the
 * environments' stacks and `organization-detection` (docs/organization.md).
 */
export class OrganizationStack extends TerraformStack {
  readonly org: OrganizationConfig;
  readonly organization: OrganizationsOrganization;
  readonly organizationalUnits: Readonly<Record<string, OrganizationsOrganizationalUnit>>;
  readonly accounts: Readonly<Record<string, OrganizationsAccount>>;
  readonly policies: Readonly<Record<string, OrganizationsPolicy>>;
  /** A permission set per persona, assigned per account to the persona's group. */
  readonly identityCenter: IdentityCenter;
  /** The management account's provider in each region that holds data. */
  readonly regionProviders: Readonly<Record<string, AwsProvider>>;

  constructor(scope: Construct, org: OrganizationConfig, environments: readonly EnvironmentConfig[]) {
    super(scope, ORGANIZATION_STACK);
    this.org = org;
    const home = new AwsProvider(this, "aws", { region: org.homeRegion, allowedAccountIds: [org.managementAccountId] });
    const providers: Record<string, AwsProvider> = { [org.homeRegion]: home };
    for (const region of dataRegions(org, environments).filter((r) => r !== org.homeRegion)) {
      providers[region] = new AwsProvider(this, `aws-${region}`, { alias: regionAlias(region), region, allowedAccountIds: [org.managementAccountId] });
    }
    this.regionProviders = providers;
    configureStateBackend(this, org.state);
    tagOrganizationStack(this, org, ORGANIZATION_STACK);

    this.organization = new OrganizationsOrganization(this, "organization", {
      featureSet: "ALL",
      awsServiceAccessPrincipals: [...TRUSTED_SERVICE_PRINCIPALS],
      enabledPolicyTypes: ["SERVICE_CONTROL_POLICY"],
      lifecycle: { preventDestroy: true },
    });
    const rootId = this.organization.roots.get(0).id;

    const ous: Record<string, OrganizationsOrganizationalUnit> = {};
    const ou = (path: string, parentId: string) =>
      (ous[path] = new OrganizationsOrganizationalUnit(this, `ou-${path.replace("/", "-")}`, { name: path.split("/").pop()!, parentId }));
    ou("security", rootId);
    ou("infrastructure", rootId);
    ou("workloads", rootId);
    ou("workloads/prod", ous.workloads.id);
    ou("workloads/dev", ous.workloads.id);
    this.organizationalUnits = ous;

    const accounts: Record<string, OrganizationsAccount> = {};
    for (const [key, account] of Object.entries(org.accounts)) accounts[key] = this.memberAccount(key, account, ous[account.ou].id);
    this.accounts = accounts;

    const scps = serviceControlPolicies(org);
    checkServiceControlPolicies(scps);
    const targetIds: Record<ScpTarget, string> = { root: rootId, security: ous.security.id, infrastructure: ous.infrastructure.id, workloads: ous.workloads.id };
    const policies: Record<string, OrganizationsPolicy> = {};
    for (const scp of scps) {
      const policy = new OrganizationsPolicy(this, `scp-${scp.name}`, {
        name: `${org.name}-${scp.name}`,
        description: scp.description,
        type: "SERVICE_CONTROL_POLICY",
        content: scpJson(scp.statements),
        // SCPs are enabled by the organization resource before any is created.
        dependsOn: [this.organization],
      });
      for (const target of scp.targets) {
        new OrganizationsPolicyAttachment(this, `scp-${scp.name}-on-${target}`, { policyId: policy.id, targetId: targetIds[target] });
      }
      policies[scp.name] = policy;
    }
    this.policies = policies;

    this.delegateToSecurityAccount(org.accounts[org.securityAccount].id);
    this.identityCenter = new IdentityCenter(this, "identity-center", org);
  }

  /**
   * An existing account, imported into state (accounts are created once by a person, who
   * also sets up their root MFA; see docs/organization.md), placed in its OU. Never closed by
   * Terraform, and billing stays with IAM roles, not users.
   */
  private memberAccount(key: string, account: OrganizationAccountConfig, parentId: string): OrganizationsAccount {
    const resource = new OrganizationsAccount(this, `account-${key}`, {
      name: account.name,
      email: account.email,
      parentId,
      closeOnDeletion: false,
      iamUserAccessToBilling: "DENY",
      lifecycle: { preventDestroy: true, ignoreChanges: ["role_name", "iam_user_access_to_billing"] },
      dependsOn: [this.organization],
    });
    this.importExisting(resource, account.id);
    return resource;
  }

  /**
   * An `import` block for an existing resource, written as Terraform JSON. cdktf's
   * `importFrom` writes the same block but first runs `terraform version` on this machine
   * (a check that Terraform >= 1.5 is installed): synth would then fail, or depend on
   * whatever binary happens to be on the PATH. The plan's own tool (OpenTofu in `npm run
   * validate`, Terraform at deploy) reads the block and checks its own version.
   */
  private importExisting(resource: TerraformResource, id: string): void {
    this.importBlocks.push({ id, to: `${resource.terraformResourceType}.${resource.friendlyUniqueId}` });
    this.addOverride("import", this.importBlocks);
  }

  private readonly importBlocks: { id: string; to: string }[] = [];

  /**
   * The security account administers detection for the organization. GuardDuty, Security
   * Hub, Inspector and Macie take their delegated administrator per region, so in every
   * region that holds data; Config and Access Analyzer through Organizations, once.
   */
  private delegateToSecurityAccount(securityAccountId: string): void {
    for (const [region, provider] of Object.entries(this.regionProviders)) {
      const at = (service: string) => `${service}-admin-${region}`;
      new GuarddutyOrganizationAdminAccount(this, at("guardduty"), { provider, adminAccountId: securityAccountId, dependsOn: [this.organization] });
      new SecurityhubOrganizationAdminAccount(this, at("securityhub"), { provider, adminAccountId: securityAccountId, dependsOn: [this.organization] });
      new Inspector2DelegatedAdminAccount(this, at("inspector"), { provider, accountId: securityAccountId, dependsOn: [this.organization] });
      new Macie2OrganizationAdminAccount(this, at("macie"), { provider, adminAccountId: securityAccountId, dependsOn: [this.organization] });
    }
    for (const servicePrincipal of DELEGATED_THROUGH_ORGANIZATIONS) {
      new OrganizationsDelegatedAdministrator(this, `delegated-${servicePrincipal.split(".")[0]}`, {
        accountId: securityAccountId,
        servicePrincipal,
        dependsOn: [this.organization],
      });
    }
  }
}
