/**
 * Writes policies/data/principal_allowlist.json from the typed environment config
 * (modules/config/environments.ts): per environment, the only accounts, principals, regions
 * and notification endpoints the synthesized stacks may name. PRN-001 (policies/principals/)
 * fails any other account id, principal or ARN account anywhere in a stack of that environment.
 *
 * Generated and checked in rather than passed at run time, so that (1) a change of who is
 * trusted shows in the pull request as a diff of this reviewed file, (2) `conftest test -d
 * policies/data`, `conftest verify` and the mutation runs all see the same data without
 * TypeScript, and (3) a Jest test (__tests__/policies/policy-data.test.ts) fails when the file
 * and the config differ. Regenerate after changing accounts, identity, regions or emails:
 *
 *   npx tsx scripts/platform/gen-principal-allowlist.ts
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { ENVIRONMENTS } from "../../modules/config/environments";
import { ORGANIZATION, OrganizationConfig } from "../../modules/config/organization";
import { EnvironmentConfig } from "../../modules/config/schema";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../../modules/edge/alb";
import { EDGE_REGION } from "../../modules/edge/edge-region";
import { ORGANIZATION_DETECTION_STACK, ORGANIZATION_STACK } from "../../modules/organization/organization-stack";

export const PRINCIPAL_ALLOWLIST_FILE = join(__dirname, "..", "..", "policies", "data", "principal_allowlist.json");

/** An account other than the environment's own, the resource types that may name it, and why. */
export interface ForeignAccount {
  readonly types: readonly string[];
  readonly why: string;
}

export interface EnvironmentAllowlist {
  /** The environment's own account: allowed everywhere. */
  readonly account: string;
  /** Regions an ARN may name: primary, backup copies, and us-east-1 for CloudFront, its WAF, certificate and logs. */
  readonly regions: readonly string[];
  /** Oldest MFA sign-in (seconds) a trust policy may accept (identity.mfaMaxAgeSeconds). */
  readonly mfa_max_age_seconds: number;
  /** Other accounts, each only on the resource types that need it. */
  readonly foreign_accounts: Readonly<Record<string, ForeignAccount>>;
  /** Email addresses topics may deliver to (alarmEmail, campaign.operationsEmail, campaign.staffEmail). */
  readonly subscription_endpoints: readonly string[];
  /** Host names sign-in may return to (Cognito callback and logout URLs): the staff app and the patient forms. */
  readonly web_hosts: readonly string[];
  /** VPCs this environment may peer with: none by design (on-premises is reached over the VPN). */
  readonly vpc_peers: readonly string[];
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

export function environmentAllowlist(env: EnvironmentConfig): EnvironmentAllowlist {
  const foreign: Record<string, ForeignAccount> = {};
  const elb = ELB_LOG_DELIVERY_ACCOUNTS[env.region];
  if (elb) {
    foreign[elb] = {
      types: ["aws_s3_bucket_policy"],
      why: `Elastic Load Balancing's log-delivery account for ${env.region}: writes the ALB access logs; named in the access-log bucket policy only`,
    };
  }
  return {
    account: env.accountId,
    regions: sorted([env.region, env.backupRegion, EDGE_REGION]),
    mfa_max_age_seconds: env.identity.mfaMaxAgeSeconds,
    foreign_accounts: foreign,
    subscription_endpoints: sorted([env.alarmEmail, env.campaign.operationsEmail, env.campaign.staffEmail]),
    web_hosts: sorted([env.edge.appHostname, env.edge.formsHostname]),
    vpc_peers: [],
  };
}

/**
 * The organization's stacks, keyed by stack name (each lives in its own account, so each has
 * its own entry; PRN-001 prefers a stack's own entry to its name prefix): `organization` in
 * the management account, `organization-detection` in the security account. Neither has
 * persona roles or web hosts; `organization-detection`'s security alert topics deliver to
 * `securityAlertEmail` only; the other accounts they may name, and where, come from the
 * organization config.
 */
export function organizationAllowlists(org: OrganizationConfig): Record<string, EnvironmentAllowlist> {
  const security = org.accounts[org.securityAccount];
  const entry = (account: string, foreign: Record<string, ForeignAccount>, subscribers: readonly string[] = []): EnvironmentAllowlist => ({
    account,
    regions: sorted(org.allowedRegions),
    mfa_max_age_seconds: 0,
    foreign_accounts: foreign,
    subscription_endpoints: sorted(subscribers),
    web_hosts: [],
    vpc_peers: [],
  });
  const administered = [
    "aws_organizations_delegated_administrator",
    "aws_guardduty_organization_admin_account",
    "aws_securityhub_organization_admin_account",
    "aws_inspector2_delegated_admin_account",
    "aws_macie2_organization_admin_account",
  ];
  const management: Record<string, ForeignAccount> = {
    [security.id]: {
      types: administered,
      why: `security account (organization.accounts.${org.securityAccount}): registered as delegated administrator of the detection services; named in the delegation resources only`,
    },
  };
  // Identity Center assigns the persona permission sets in the environments' accounts.
  const assigned = sorted(Object.values(org.identityCenter.personas).flatMap((p) => p.accounts));
  for (const key of assigned) {
    management[org.accounts[key].id] = {
      types: ["aws_ssoadmin_account_assignment"],
      why: `environment account (organization.accounts.${key}): the persona permission sets are assigned in it (organization.identityCenter); named in account assignments only`,
    };
  }
  return {
    [ORGANIZATION_STACK]: entry(org.managementAccountId, management),
    [ORGANIZATION_DETECTION_STACK]: entry(security.id, {}, [org.securityAlertEmail]),
  };
}

/**
 * The file's content: one entry per environment, keyed by its name (the stack-name prefix),
 * and one per organization stack when there is an organization.
 */
export function principalAllowlistJson(
  environments: Readonly<Record<string, EnvironmentConfig>> = ENVIRONMENTS,
  organization: OrganizationConfig | undefined = ORGANIZATION,
): string {
  const byName = {
    ...Object.fromEntries(Object.values(environments).map((env) => [env.name, environmentAllowlist(env)])),
    ...(organization ? organizationAllowlists(organization) : {}),
  };
  return `${JSON.stringify({ principal_allowlist: byName }, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(PRINCIPAL_ALLOWLIST_FILE, principalAllowlistJson());
  console.log(`Wrote the principal allowlist of ${Object.keys(JSON.parse(principalAllowlistJson()).principal_allowlist).join(", ")} to ${PRINCIPAL_ALLOWLIST_FILE}`);
}
