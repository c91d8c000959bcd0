import { Construct } from "constructs";
import { CognitoUserPool, CognitoUserPoolConfig } from "@cdktf/provider-aws/lib/cognito-user-pool";
import { CognitoUserPoolClient } from "@cdktf/provider-aws/lib/cognito-user-pool-client";
import { CognitoConfig } from "../config/schema";
import { MedicareStack } from "../core/medicare-stack";

/** Which users a pool holds; the tag lets the Cognito rules apply the staff controls. */
export type PoolAudience = "staff" | "patients";
export const POOL_AUDIENCE_TAG = "user-pool-audience";

/** NIST 800-63B length with all character classes (CONTROLS.md, cognito row: strong password policy). */
export const PASSWORD_POLICY = {
  minimumLength: 14,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: 3,
  passwordHistorySize: 24,
} as const;

export interface UserPoolsProps {
  readonly config: CognitoConfig;
  /** The staff application's URL (`https://<app host>`), for the staff client's sign-in callback. */
  readonly appUrl: string;
  /** The patient site's URL (`https://<forms host>`), for the patient client's sign-in callback. */
  readonly formsUrl: string;
}

/** What both pools share: email sign-in, verified email, the password policy, advanced security enforced, deletion protection. */
function basePool(stack: MedicareStack, audience: PoolAudience): CognitoUserPoolConfig {
  return {
    name: stack.resourceName(audience),
    usernameAttributes: ["email"],
    autoVerifiedAttributes: ["email"],
    userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdate: ["email"] },
    usernameConfiguration: { caseSensitive: false },
    passwordPolicy: PASSWORD_POLICY,
    accountRecoverySetting: { recoveryMechanism: [{ name: "verified_email", priority: 1 }] },
    // Threat protection (compromised credentials, adaptive authentication) needs the Plus tier.
    userPoolTier: "PLUS",
    userPoolAddOns: { advancedSecurityMode: "ENFORCED" },
    deletionProtection: "ACTIVE",
    softwareTokenMfaConfiguration: { enabled: true },
    tags: { [POOL_AUDIENCE_TAG]: audience },
  };
}

/**
 * The Cognito user pools: staff and providers (MFA required with an authenticator app,
 * accounts created only by administrators) and patients (self sign-up with a verified email,
 * optional MFA). Both enforce advanced security, a strong password policy and deletion
 * protection. Their app clients are public browser clients: no secret, SRP sign-in only,
 * token revocation, no user-existence disclosure, short access tokens.
 */
export class UserPools extends Construct {
  readonly staff: CognitoUserPool;
  readonly patients: CognitoUserPool;

  constructor(scope: Construct, id: string, props: UserPoolsProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    this.staff = new CognitoUserPool(this, "staff", {
      ...basePool(stack, "staff"),
      mfaConfiguration: "ON",
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
    });
    this.patients = new CognitoUserPool(this, "patients", {
      ...basePool(stack, "patients"),
      mfaConfiguration: "OPTIONAL",
      adminCreateUserConfig: { allowAdminCreateUserOnly: false },
    });
    this.client("staff-web", this.staff, props.config.staffRefreshTokenHours, props.config.accessTokenMinutes, props.appUrl);
    this.client("patients-web", this.patients, props.config.patientRefreshTokenHours, props.config.accessTokenMinutes, props.formsUrl);
  }

  private client(id: string, pool: CognitoUserPool, refreshHours: number, tokenMinutes: number, url: string): CognitoUserPoolClient {
    const stack = MedicareStack.of(this);
    return new CognitoUserPoolClient(this, id, {
      name: stack.resourceName(id),
      userPoolId: pool.id,
      // A browser cannot keep a secret; SRP proves the password without sending it.
      generateSecret: false,
      explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      preventUserExistenceErrors: "ENABLED",
      enableTokenRevocation: true,
      authSessionValidity: 3,
      accessTokenValidity: tokenMinutes,
      idTokenValidity: tokenMinutes,
      refreshTokenValidity: refreshHours,
      tokenValidityUnits: [{ accessToken: "minutes", idToken: "minutes", refreshToken: "hours" }],
      supportedIdentityProviders: ["COGNITO"],
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ["code"],
      allowedOauthScopes: ["openid", "email"],
      callbackUrls: [`${url}/auth/callback`],
      logoutUrls: [`${url}/`],
    });
  }
}
