import { Construct } from "constructs";
import { IamAccountPasswordPolicy } from "@cdktf/provider-aws/lib/iam-account-password-policy";

/**
 * The account password policy (CONTROLS.md, iam row; CIS 1.8-1.9): also the parameters of
 * AWS Config's IAM_PASSWORD_POLICY rule, so what is set and what is checked cannot drift.
 */
export const PASSWORD_RULES = {
  minimumLength: 14,
  reusePrevention: 24,
  maxAgeDays: 90,
} as const;

/**
 * The IAM account password policy. People sign in in the identity account, so this account
 * should have no IAM users with passwords at all; the policy covers any that appear (the
 * root user's password is not governed by it).
 */
export class AccountPasswordPolicy extends Construct {
  readonly policy: IamAccountPasswordPolicy;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.policy = new IamAccountPasswordPolicy(this, "policy", {
      minimumPasswordLength: PASSWORD_RULES.minimumLength,
      requireLowercaseCharacters: true,
      requireUppercaseCharacters: true,
      requireNumbers: true,
      requireSymbols: true,
      passwordReusePrevention: PASSWORD_RULES.reusePrevention,
      maxPasswordAge: PASSWORD_RULES.maxAgeDays,
      allowUsersToChangePassword: true,
      // Expired passwords are changed at next sign-in, not locked out by an administrator.
      hardExpiry: false,
    });
  }
}
