import { Construct } from "constructs";
import { IdentitystoreGroup } from "@cdktf/provider-aws/lib/identitystore-group";
import { SsoadminAccountAssignment } from "@cdktf/provider-aws/lib/ssoadmin-account-assignment";
import { SsoadminCustomerManagedPolicyAttachment } from "@cdktf/provider-aws/lib/ssoadmin-customer-managed-policy-attachment";
import { SsoadminPermissionSet } from "@cdktf/provider-aws/lib/ssoadmin-permission-set";
import { SsoadminPermissionsBoundaryAttachment } from "@cdktf/provider-aws/lib/ssoadmin-permissions-boundary-attachment";
import { OrganizationConfig } from "../config/organization";
import {
  HUMAN_BOUNDARY_POLICY_NAME,
  IAM_PERSONAS,
  IamPersona,
  PERSONA_POLICY_PATH,
  PERSONA_SESSION_DURATION,
  PERSONA_TAG,
  personaPolicyName,
} from "../iam/persona-names";
import { PERSONA_DEFINITIONS } from "../iam/personas";

/** Identity Center's limit on a permission set's name (API_PermissionSet: 1-32 of [\w+=,.@-]). */
const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;

/** The permission set of a persona: `<organization>-<persona>`. */
export function permissionSetName(org: OrganizationConfig, persona: IamPersona): string {
  return `${org.name}-${persona}`;
}

/** One persona's access: its permission set, its group, and the accounts the group gets the set in. */
export interface PersonaAccessResources {
  readonly permissionSet: SsoadminPermissionSet;
  readonly group: IdentitystoreGroup;
  readonly assignments: readonly SsoadminAccountAssignment[];
}

/**
 * People's access to the accounts (management account, home region): one permission set
 * per persona, with a one-hour session; each refers to its persona's customer-managed
 * policy and to the human boundary by name (`medicare-persona-<persona>`,
 * `medicare-human-boundary`), which every environment's security stack creates from the
 * same PERSONA_DEFINITIONS, scoped to that environment; and each is assigned, per account,
 * to its persona's own group only. So every persona's role in an account
 * (`AWSReservedSSO_<set>_*`) is reachable through one permission set and one group: no two
 * personas share a principal, and no permission set carries an inline or AWS-managed policy
 * that would grant the same in every account.
 *
 * MFA is an instance setting the API does not expose (docs/organization.md: the console
 * step); the instance itself is created in the console and named in the config.
 */
export class IdentityCenter extends Construct {
  readonly personas: Readonly<Record<IamPersona, PersonaAccessResources>>;

  constructor(scope: Construct, id: string, org: OrganizationConfig) {
    super(scope, id);
    const { instanceArn, identityStoreId } = org.identityCenter;
    const groupOwner = new Map<string, IamPersona>();
    const personas: Partial<Record<IamPersona, PersonaAccessResources>> = {};
    for (const persona of IAM_PERSONAS) {
      const assignment = org.identityCenter.personas[persona];
      if (!assignment) throw new Error(`${this.node.path}: organization.identityCenter.personas has no ${persona}; every persona needs its own group and accounts`);
      // Distinct groups are what keep the personas apart: one group, one permission set.
      const owner = groupOwner.get(assignment.group.toLowerCase());
      if (owner) throw new Error(`${this.node.path}: ${persona} and ${owner} share the group ${assignment.group}; give each persona its own group (organization.identityCenter.personas.${persona}.group)`);
      groupOwner.set(assignment.group.toLowerCase(), persona);
      const name = permissionSetName(org, persona);
      if (!PERMISSION_SET_NAME.test(name)) throw new Error(`${this.node.path}: permission set name ${name} is not 1-32 of letters, digits and +=,.@_-; shorten organization.name`);

      const permissionSet = new SsoadminPermissionSet(this, `${persona}-permission-set`, {
        instanceArn,
        name,
        description: `mediCARE ${persona}: ${PERSONA_DEFINITIONS[persona].job}`,
        sessionDuration: PERSONA_SESSION_DURATION,
        tags: { [PERSONA_TAG]: persona },
      });
      const policy = new SsoadminCustomerManagedPolicyAttachment(this, `${persona}-policy`, {
        instanceArn,
        permissionSetArn: permissionSet.arn,
        customerManagedPolicyReference: { name: personaPolicyName(persona), path: PERSONA_POLICY_PATH },
      });
      const boundary = new SsoadminPermissionsBoundaryAttachment(this, `${persona}-boundary`, {
        instanceArn,
        permissionSetArn: permissionSet.arn,
        permissionsBoundary: { customerManagedPolicyReference: { name: HUMAN_BOUNDARY_POLICY_NAME, path: PERSONA_POLICY_PATH } },
      });
      const group = new IdentitystoreGroup(this, `${persona}-group`, {
        identityStoreId,
        displayName: assignment.group,
        description: `People who work as mediCARE ${persona}: members get the ${name} permission set`,
      });
      const assignments = assignment.accounts.map((key) => {
        const account = org.accounts[key];
        if (!account) throw new Error(`${this.node.path}: ${persona} is assigned in ${key}, which is not a key of organization.accounts`);
        return new SsoadminAccountAssignment(this, `${persona}-in-${key}`, {
          instanceArn,
          permissionSetArn: permissionSet.arn,
          principalType: "GROUP",
          principalId: group.groupId,
          targetType: "AWS_ACCOUNT",
          targetId: account.id,
          // Provisioning the role into the account needs its policy and boundary references first.
          dependsOn: [policy, boundary],
        });
      });
      personas[persona] = { permissionSet, group, assignments };
    }
    this.personas = personas as Record<IamPersona, PersonaAccessResources>;
  }
}
