import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretRotation } from "@cdktf/provider-aws/lib/secretsmanager-secret-rotation";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { NodeFunction } from "../compute/lambda-function";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { PolicyStatement, policyJson } from "../iam/policy-document";
import { TieredVpc } from "../network/vpc";
import { DomainKey, KeyRing, requireKeyOf } from "../security/keys";

/** Every credential secret rotates this often (CONTROLS.md secrets row: at most 90 days). */
export const ROTATION_INTERVAL_DAYS = 30;
/** A deleted secret can be restored for this long. */
const RECOVERY_WINDOW_DAYS = 30;
/** Aurora MySQL's port. */
const MYSQL_PORT = 3306;
/** The file, in the rotation function's package, that holds the on-premises CA certificate. */
const ONPREM_CA_FILE = "onprem-ca.pem";

/** What the rotation function may do with each secret registered with it. */
const SECRET_ROTATION_ACTIONS = [
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetSecretValue",
  "secretsmanager:PutSecretValue",
  "secretsmanager:UpdateSecretVersionStage",
];

export interface MysqlCredentialRotationProps {
  /** The environment's keys: the data key encrypts the secrets; the function uses messaging and logs. */
  readonly keys: KeyRing;
  readonly boundary: PermissionBoundary;
  /** The VPC: the function runs in the data subnets, which reach Aurora and, over the VPN, the on-premises database. */
  readonly network: TieredVpc;
  /** Security group of the AWS API interface endpoints (Secrets Manager) the function calls. */
  readonly interfaceEndpoints: SecurityGroup;
}

/**
 * The stack's one rotation function for MySQL/MariaDB user credentials
 * (functions/rotate-mysql-credentials, "single user" strategy): it changes a user's password
 * in the database and in its secret. It runs in the data subnets, may connect only to MySQL
 * in the data tier, to the on-premises database port over the VPN and to the interface
 * endpoints, verifies every server certificate (RDS CA bundle for Aurora, the on-premises CA
 * from config otherwise), and may touch only the secrets registered with it.
 *
 * Database security groups must admit `securityGroup` (Aurora: `database.allowFrom(...)`).
 *
 * Single user means one account whose password changes in place: between setSecret and
 * finishSecret (seconds) clients holding AWSCURRENT fail to log in and retry; DMS reconnects
 * on its own. The alternating-users strategy avoids that window but needs an administrator
 * secret able to change other users' passwords, a wider power than this function should hold.
 */
export class MysqlCredentialRotation extends Construct {
  readonly function: NodeFunction;
  /** The function's security group, for database security groups to admit. */
  readonly securityGroup: SecurityGroup;
  private readonly secretArns: string[] = [];

  constructor(scope: Construct, id: string, props: MysqlCredentialRotationProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const { network, keys } = props;
    if (stack.node.findAll().some((c) => c !== this && c instanceof MysqlCredentialRotation)) {
      throw new Error(`${this.node.path}: ${stack.node.id} already has a MysqlCredentialRotation; register secrets with that one`);
    }

    this.function = new NodeFunction(this, "function", {
      name: "rotate-mysql-credentials",
      description: "Rotates MySQL/MariaDB user passwords kept in Secrets Manager (single-user strategy)",
      entry: "rotate-mysql-credentials/handler.ts",
      files: { [ONPREM_CA_FILE]: stack.env.onPrem.certificateAuthorityPem },
      environment: { ONPREM_CA_FILE },
      keys,
      boundary: props.boundary,
      // Secrets Manager runs one step at a time per secret; a few secrets may rotate at once.
      reservedConcurrency: 3,
      timeoutSeconds: 60,
      vpc: {
        vpc: network.vpc,
        subnets: network.subnets.data,
        egress: [
          { description: "MySQL to Aurora in the data tier", port: MYSQL_PORT, to: { cidr: network.layout.tierCidr("data") } },
          {
            description: "The on-premises database over the VPN",
            port: stack.env.onPrem.databasePort,
            to: { cidr: stack.env.onPrem.cidr },
          },
          { description: "Secrets Manager through its interface endpoint", port: 443, to: { securityGroupId: props.interfaceEndpoints.id } },
        ],
      },
      statements: [
        {
          sid: "DrawRandomPasswords",
          actions: ["secretsmanager:GetRandomPassword"],
        },
        {
          // Registered secrets are encrypted with the data key (DatabaseCredentialsSecret insists).
          sid: "UseDataKeyThroughSecretsManager",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [keys.data.arn],
          conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${stack.region}.amazonaws.com` } },
        },
      ],
    });
    this.securityGroup = this.function.securityGroup!;

    // The secrets are registered after this construct exists, so this policy is rendered at
    // synth. It may name only resources of this stack: cdktf does not turn references inside a
    // lazily produced value into cross-stack lookups (register() checks).
    props.boundary.permit(SECRET_ROTATION_ACTIONS);
    new IamRolePolicy(this, "registered-secrets", {
      name: "rotate-registered-secrets",
      role: this.function.role.role.name,
      policy: Lazy.stringValue({ produce: () => policyJson(this.secretStatements()) }),
    });
  }

  /** The ARNs of the secrets this function rotates. */
  get rotatedSecretArns(): readonly string[] {
    return [...this.secretArns];
  }

  /** Lets this function rotate `secret`: the grants, and Secrets Manager's permission to invoke it for that secret only. */
  register(secret: DatabaseCredentialsSecret): LambdaPermission {
    if (MedicareStack.of(secret) !== MedicareStack.of(this)) {
      throw new Error(`${secret.node.path}: a secret is rotated by the rotation function of its own stack, not ${this.node.path}`);
    }
    this.secretArns.push(secret.arn);
    return new LambdaPermission(this, `invoke-for-${secret.node.id}`, {
      statementId: `SecretsManagerRotates-${secret.node.id}`,
      action: "lambda:InvokeFunction",
      functionName: this.function.function.functionName,
      principal: "secretsmanager.amazonaws.com",
      sourceArn: secret.arn,
      sourceAccount: MedicareStack.of(this).accountId,
    });
  }

  private secretStatements(): PolicyStatement[] {
    if (this.secretArns.length === 0) {
      // IAM needs a statement; this one grants nothing until a secret is registered.
      return [{ sid: "NoSecretRegistered", effect: "Deny", actions: SECRET_ROTATION_ACTIONS }];
    }
    return [{ sid: "RotateRegisteredSecrets", actions: SECRET_ROTATION_ACTIONS, resources: [...this.secretArns] }];
  }
}

export interface DatabaseCredentialsSecretProps {
  /** Name suffix: the secret is `medicare-<env>-<name>`. */
  readonly name: string;
  /** Whose credentials these are and who uses them. */
  readonly description: string;
  /** The data key: the only key database credentials are encrypted with. */
  readonly key: DomainKey;
  /** The stack's rotation function, which changes the password every ROTATION_INTERVAL_DAYS. */
  readonly rotation: MysqlCredentialRotation;
}

/**
 * A Secrets Manager secret for one MySQL/MariaDB user (JSON: engine, host, port, username,
 * password, dbname), encrypted with the data key and rotated every 30 days by the stack's
 * rotation function. Terraform never holds the value: no secret version is declared, so no
 * password is in the code, the synthesized JSON or the state.
 *
 * Runbook, once per secret after the first `cdktf deploy <env>-data` (an operator with
 * secretsmanager:PutSecretValue on the secret and kms:Encrypt via Secrets Manager on the data key):
 *   1. On an admin workstation, with `umask 077`, write credentials.json:
 *      {"engine":"mysql","host":"<db host>","port":3306,"username":"<user>","password":"<current password>","dbname":"<schema>"}
 *      (host and username as the database knows them; the user must be allowed to change its
 *      own password, i.e. no PASSWORD REQUIRE CURRENT).
 *   2. aws secretsmanager put-secret-value --secret-id medicare-<env>-<name> --secret-string file://credentials.json
 *   3. shred -u credentials.json   (never put the password on a command line or in a ticket)
 *   4. aws secretsmanager rotate-secret --secret-id medicare-<env>-<name>
 *      Rotation replaces the password at once, so the one typed in step 1 is dead; check
 *      `aws secretsmanager describe-secret` for LastRotatedDate, and the function's log group
 *      /medicare/<env>/lambda/rotate-mysql-credentials if it failed.
 * The first scheduled rotation waits for the schedule (rotate_immediately is off), so the
 * secret may exist empty between deploy and step 2.
 */
export class DatabaseCredentialsSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly rotationSchedule: SecretsmanagerSecretRotation;

  constructor(scope: Construct, id: string, props: DatabaseCredentialsSecretProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    requireKeyOf("data", props.key, this, "key (database credentials)");
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: stack.resourceName(props.name),
      description: props.description,
      kmsKeyId: props.key.arn,
      recoveryWindowInDays: RECOVERY_WINDOW_DAYS,
    });
    const invokePermission = props.rotation.register(this);
    this.rotationSchedule = new SecretsmanagerSecretRotation(this, "rotation", {
      secretId: this.secret.id,
      rotationLambdaArn: props.rotation.function.arn,
      rotationRules: { automaticallyAfterDays: ROTATION_INTERVAL_DAYS },
      // The secret is empty until the operator sets the first value (see above).
      rotateImmediately: false,
      dependsOn: [props.rotation.function.function, invokePermission],
    });
  }

  get arn(): string {
    return this.secret.arn;
  }
}
