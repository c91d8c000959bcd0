/**
 * The AWS Organization the environments live in: its accounts and OUs, the regions it may
 * use, the roles its guardrails exempt, and the security account that runs detection for
 * everyone. Its own typed block, apart from the per-environment config (schema.ts): the
 * organization is one per company, the environments are its workloads.
 *
 * Like the environment config, nothing here can switch a guardrail off: which services the
 * SCPs protect, and what they deny, live in modules/organization.
 */
import { IAM_PERSONAS, IamPersona } from "../iam/persona-names";
import { EnvironmentConfig, StateBackendConfig } from "./schema";

/** The OUs, by path under the root; `workloads/prod` is the OU `prod` inside `workloads`. */
export const ORGANIZATIONAL_UNITS = ["security", "infrastructure", "workloads", "workloads/prod", "workloads/dev"] as const;
export type OrganizationalUnitPath = (typeof ORGANIZATIONAL_UNITS)[number];

export interface OrganizationAccountConfig {
  /** 12-digit id of the account. Accounts are created once by a person and imported (docs/organization.md). */
  readonly id: string;
  /** Account name in Organizations. */
  readonly name: string;
  /** The root user's e-mail address (one per account, never shared). */
  readonly email: string;
  /** The OU the account sits in. */
  readonly ou: Exclude<OrganizationalUnitPath, "workloads">;
  /** The environment whose stacks deploy into this account, if any (`ENVIRONMENTS` key). */
  readonly environment?: string;
}

/** One persona's access: the Identity Center group its people belong to, and where the group gets the persona's permission set. */
export interface PersonaAssignmentConfig {
  /** Display name of the persona's group in the identity store (created by the organization stack; membership is managed by people or the IdP). */
  readonly group: string;
  /** Keys of `accounts` the persona's permission set is assigned in; each must host an environment (its persona policies live there). */
  readonly accounts: readonly string[];
}

/**
 * IAM Identity Center, in the management account and `homeRegion`. The instance is created
 * once in the console (the API cannot create an organization instance), so its ARN and
 * identity store id are config, not looked up: the stacks plan offline.
 */
export interface IdentityCenterConfig {
  /** `arn:aws:sso:::instance/ssoins-<16 hex>` (IAM Identity Center > Settings). */
  readonly instanceArn: string;
  /** `d-<10 hex>` (IAM Identity Center > Settings > Identity source). */
  readonly identityStoreId: string;
  /** Every persona that reaches AWS, each with its own group; no group serves two personas. */
  readonly personas: Readonly<Record<IamPersona, PersonaAssignmentConfig>>;
}

export interface OrganizationConfig {
  /** Short name; prefixes the organization's resources and its stacks (`organization`, `organization-detection`). */
  readonly name: string;
  /** The management account (payer; Organizations and IAM Identity Center live here). */
  readonly managementAccountId: string;
  /** Where the organization's own resources live (Identity Center, the aggregators): the environments' primary region. */
  readonly homeRegion: string;
  /**
   * Every region any account may use (the region SCP denies the rest, global services
   * excepted): the environments' primary and backup regions and us-east-1 (CloudFront's
   * certificate and web ACL, DNSSEC keys).
   */
  readonly allowedRegions: readonly string[];
  /** The member accounts, by a short key; `security` is the delegated administrator of the detection services. */
  readonly accounts: Readonly<Record<string, OrganizationAccountConfig>>;
  /** Key in `accounts` of the security (audit) account. */
  readonly securityAccount: string;
  /**
   * The security team's on-call address for the security account's own high-severity
   * GuardDuty and Macie findings (the environments' findings go to their `alarmEmail`).
   */
  readonly securityAlertEmail: string;
  /**
   * Name of the role Terraform deploys with in every member account (created by the account
   * vending step, trusted by the management account's pipeline). The SCPs let only it (and
   * AWS's service-linked roles) change the audit services, the boundaries and the roles.
   */
  readonly deploymentRoleName: string;
  /** Name of the break-glass role in every account: the only one that may delete KMS keys or change key policies. */
  readonly breakGlassRoleName: string;
  /** People's access: a permission set per persona, assigned per account to the persona's group. */
  readonly identityCenter: IdentityCenterConfig;
  /** Remote state of the organization's stacks. */
  readonly state: StateBackendConfig;
  /** Team that owns the organization stacks; written to the `owner` tag. */
  readonly owner: string;
}

/** Placeholder organization: ids are placeholders until the accounts exist, like the environments'. */
export const ORGANIZATION: OrganizationConfig | undefined = {
  name: "medicare",
  managementAccountId: "444444444444",
  homeRegion: "eu-west-2",
  allowedRegions: ["eu-west-2", "eu-west-1", "us-east-1"],
  accounts: {
    security: { id: "555555555555", name: "medicare-security", email: "aws-security@medicare.example", ou: "security" },
    "shared-services": { id: "666666666666", name: "medicare-shared-services", email: "aws-shared-services@medicare.example", ou: "infrastructure" },
    prod: { id: "222222222222", name: "medicare-prod", email: "aws-prod@medicare.example", ou: "workloads/prod", environment: "prod" },
    dev: { id: "111111111111", name: "medicare-dev", email: "aws-dev@medicare.example", ou: "workloads/dev", environment: "dev" },
  },
  securityAccount: "security",
  securityAlertEmail: "security-oncall@medicare.example",
  deploymentRoleName: "medicare-deployment",
  breakGlassRoleName: "medicare-break-glass",
  identityCenter: {
    instanceArn: "arn:aws:sso:::instance/ssoins-0000000000000000",
    identityStoreId: "d-0000000000",
    personas: {
      "care-provider": { group: "medicare-care-providers", accounts: ["prod", "dev"] },
      "it-support": { group: "medicare-it-support", accounts: ["prod", "dev"] },
      "database-administrator": { group: "medicare-database-administrators", accounts: ["prod", "dev"] },
      "security-team": { group: "medicare-security-team", accounts: ["prod", "dev"] },
      "system-administrator": { group: "medicare-system-administrators", accounts: ["prod", "dev"] },
      "super-admin": { group: "medicare-super-admins", accounts: ["prod", "dev"] },
    },
  },
  state: { kind: "local" },
  owner: "platform-team",
};

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
const NAME = /^[a-z][a-z0-9-]{1,20}$/;
const SSO_INSTANCE_ARN = /^arn:aws:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const IDENTITY_STORE_ID = /^d-[0-9a-f]{10}$/;
/** Identity store group display names: printable, no leading or trailing space, at most 1,024 characters. */
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}](?:[\p{L}\p{M}\p{S}\p{N}\p{P} ]{0,1022}[\p{L}\p{M}\p{S}\p{N}\p{P}])?$/u;

/** Problems with `identityCenter`: every IAM persona once, a group of its own, assigned only in accounts that hold its policies. */
function identityCenterProblems(org: OrganizationConfig, add: (field: string, message: string) => void): void {
  const ic = org.identityCenter as IdentityCenterConfig | undefined;
  if (!ic) {
    add("identityCenter", "is missing; give the Identity Center instance (instanceArn, identityStoreId) and a group and accounts per persona");
    return;
  }
  if (!SSO_INSTANCE_ARN.test(String(ic.instanceArn))) {
    add("identityCenter.instanceArn", `${JSON.stringify(ic.instanceArn)} is not an Identity Center instance ARN (arn:aws:sso:::instance/ssoins-<16 characters>; IAM Identity Center > Settings)`);
  }
  if (!IDENTITY_STORE_ID.test(String(ic.identityStoreId))) {
    add("identityCenter.identityStoreId", `${JSON.stringify(ic.identityStoreId)} is not an identity store id (d-<10 hex digits>; IAM Identity Center > Settings > Identity source)`);
  }
  const personas = ic.personas ?? ({} as IdentityCenterConfig["personas"]);
  for (const key of Object.keys(personas)) {
    if (!(IAM_PERSONAS as readonly string[]).includes(key)) add(`identityCenter.personas.${key}`, `is not a persona that reaches AWS; use ${IAM_PERSONAS.join(", ")} (patients sign in through Cognito only)`);
  }
  const groups = new Map<string, string>();
  for (const persona of IAM_PERSONAS) {
    if (!/^[\w+=,.@-]{1,32}$/.test(`${org.name}-${persona}`)) {
      add("name", `${org.name}-${persona}, the ${persona} permission set's name, is longer than Identity Center's 32 characters; shorten the name`);
    }
    const at = (field: string) => `identityCenter.personas.${persona}${field}`;
    const assignment = personas[persona];
    if (!assignment) {
      add(at(""), `is missing; every persona needs its own group and the accounts it works in (${persona} would have no access)`);
      continue;
    }
    if (typeof assignment.group !== "string" || !GROUP_NAME.test(assignment.group)) {
      add(at(".group"), `${JSON.stringify(assignment.group)} is not a group display name (1-1024 printable characters, no leading or trailing space)`);
    } else {
      const other = groups.get(assignment.group.toLowerCase());
      if (other) add(at(".group"), `${assignment.group} is also the group of ${other}; each persona needs its own group, or its people get both personas' access`);
      groups.set(assignment.group.toLowerCase(), persona);
    }
    const accounts: unknown = assignment.accounts;
    if (!Array.isArray(accounts) || accounts.length === 0) {
      add(at(".accounts"), "lists no account; give the keys of `accounts` whose environment this persona works in");
      continue;
    }
    const seen = new Set<string>();
    for (const key of accounts as string[]) {
      const account = org.accounts[key];
      if (seen.has(key)) add(at(".accounts"), `lists ${key} twice`);
      seen.add(key);
      if (!account) add(at(".accounts"), `${JSON.stringify(key)} is not a key of accounts; use one of ${Object.keys(org.accounts).join(", ")}`);
      else if (account.environment === undefined) {
        add(at(".accounts"), `${key} hosts no environment, so it has no ${persona} policy for the permission set to refer to; assign only environment accounts (${Object.entries(org.accounts).filter(([, a]) => a.environment).map(([k]) => k).join(", ")})`);
      }
    }
  }
}

/**
 * Problems with the organization config, each naming the field to change; cross-checked
 * with the environments (every environment's account is a member in a workloads OU, every
 * region an environment uses is allowed).
 */
export function organizationProblems(org: OrganizationConfig, environments: Readonly<Record<string, EnvironmentConfig>>): string[] {
  const problems: string[] = [];
  const add = (field: string, message: string) => problems.push(`organization.${field}: ${message}`);
  if (!NAME.test(org.name)) add("name", `${JSON.stringify(org.name)} must be 2-21 lowercase letters, digits or hyphens, starting with a letter`);
  if (!ACCOUNT_ID.test(org.managementAccountId)) add("managementAccountId", `${JSON.stringify(org.managementAccountId)} is not a 12-digit account id`);
  for (const field of ["deploymentRoleName", "breakGlassRoleName"] as const) {
    if (!ROLE_NAME.test(org[field])) add(field, `${JSON.stringify(org[field])} is not an IAM role name (1-64 of letters, digits and +=,.@_-)`);
  }
  if (org.deploymentRoleName === org.breakGlassRoleName) add("breakGlassRoleName", "must differ from deploymentRoleName: deploying must not be able to delete keys");
  if (!EMAIL.test(org.securityAlertEmail)) {
    add("securityAlertEmail", `${JSON.stringify(org.securityAlertEmail)} is not an e-mail address; give the security team's on-call address, where the security account's high-severity findings go`);
  }
  if (!org.allowedRegions.includes(org.homeRegion)) add("allowedRegions", `must include homeRegion ${org.homeRegion}`);

  const ids = new Map<string, string>();
  const emails = new Map<string, string>();
  for (const [key, account] of Object.entries(org.accounts)) {
    const at = (field: string) => `accounts.${key}.${field}`;
    if (!ACCOUNT_ID.test(account.id)) add(at("id"), `${JSON.stringify(account.id)} is not a 12-digit account id`);
    if (account.id === org.managementAccountId) add(at("id"), "is the management account; list only member accounts");
    if (ids.has(account.id)) add(at("id"), `${account.id} is also accounts.${ids.get(account.id)}; each account once`);
    ids.set(account.id, key);
    if (!EMAIL.test(account.email)) add(at("email"), `${JSON.stringify(account.email)} is not an e-mail address`);
    if (emails.has(account.email)) add(at("email"), `${account.email} is also the root e-mail of accounts.${emails.get(account.email)}; every account needs its own`);
    emails.set(account.email, key);
    if (!(ORGANIZATIONAL_UNITS as readonly string[]).includes(account.ou) || (account.ou as string) === "workloads") {
      add(at("ou"), `${JSON.stringify(account.ou)} is not an OU accounts may sit in; use one of ${ORGANIZATIONAL_UNITS.filter((o) => o !== "workloads").join(", ")}`);
    }
    if (account.environment !== undefined) {
      const env = environments[account.environment];
      if (!env) add(at("environment"), `no environment ${JSON.stringify(account.environment)}; use one of ${Object.keys(environments).join(", ")}`);
      else if (env.accountId !== account.id) add(at("id"), `${account.id} is not environments.${account.environment}.accountId (${env.accountId})`);
      if (!account.ou.startsWith("workloads/")) add(at("ou"), `an environment's account belongs in a workloads OU, not ${account.ou}`);
    }
  }
  const security = org.accounts[org.securityAccount];
  if (!security) add("securityAccount", `${JSON.stringify(org.securityAccount)} is not a key of accounts`);
  else if (security.ou !== "security") add(`accounts.${org.securityAccount}.ou`, `the security account belongs in the security OU, not ${security.ou}`);

  identityCenterProblems(org, add);

  const environmentOf = new Map<string, string>();
  for (const [name, env] of Object.entries(environments)) {
    // Persona policies have the same name in every account (permission sets name them), so one environment per account.
    const other = environmentOf.get(env.accountId);
    if (other) add("accounts", `environments.${other} and environments.${name} share account ${env.accountId}; give each environment its own account (the persona policies and the human boundary have one name per account)`);
    environmentOf.set(env.accountId, name);
    if (![...ids.keys()].includes(env.accountId)) add("accounts", `environments.${name}.accountId ${env.accountId} is not a member account; add it with environment: "${name}"`);
    for (const region of [env.region, env.backupRegion]) {
      if (!org.allowedRegions.includes(region)) add("allowedRegions", `environments.${name} uses ${region}; allow it`);
    }
  }
  return problems;
}
