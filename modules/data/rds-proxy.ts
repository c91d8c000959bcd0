import { Fn, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { DbProxy } from "@cdktf/provider-aws/lib/db-proxy";
import { DbProxyDefaultTargetGroup } from "@cdktf/provider-aws/lib/db-proxy-default-target-group";
import { DbProxyTarget } from "@cdktf/provider-aws/lib/db-proxy-target";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { MedicareStack } from "../core/medicare-stack";
import { PermissionBoundary } from "../iam/permission-boundary";
import { ServiceRole } from "../iam/service-role";
import { EncryptedLogGroup } from "../logs/encrypted-log-group";
import { TieredVpc } from "../network/vpc";
import { DomainKey, requireKeyOf } from "../security/keys";
import { AuroraDatabase, MASTER_USERNAME } from "./aurora";
import { DatabaseCredentialsSecret, MysqlCredentialRotation } from "./database-secret";
import { PROXY_DATABASE_USERS } from "./database-users";

/** Client connections idle this long are closed (seconds); Lambdas reconnect cheaply through the pool. */
const IDLE_CLIENT_TIMEOUT_SECONDS = 900;

export interface DatabaseProxyProps {
  /** The cluster the proxy fronts; its managed master secret is what the proxy signs in with. */
  readonly database: AuroraDatabase;
  /** The VPC: the proxy lives in the data subnets and admits the app tier. */
  readonly network: TieredVpc;
  /** Security group of the AWS API interface endpoints (Secrets Manager) that the proxy calls. */
  readonly interfaceEndpoints: SecurityGroup;
  /** The key of the managed secret; the proxy may decrypt with it only through Secrets Manager. */
  readonly dataKey: DomainKey;
  /** Encrypts the proxy's log group. */
  readonly logsKey: DomainKey;
  /** Permission boundary of the proxy's role. */
  readonly boundary: PermissionBoundary;
  /** Rotates each proxy user's secret (the stack's rotation function). */
  readonly rotation: MysqlCredentialRotation;
  /** The database users clients may sign in as (default: PROXY_DATABASE_USERS); never the master user. */
  readonly users?: readonly string[];
}

/**
 * RDS Proxy in front of Aurora for the campaign Lambdas: connection pooling for bursts of
 * short-lived functions, failover without dropped clients, TLS required and IAM
 * authentication required of every client (no database password in any function). The
 * proxy signs in to Aurora as the user the client names, with that user's own secret (one per
 * function and persona, under the data key, rotated every 30 days); the master user has no
 * auth entry, so no client reaches Aurora as the master through the proxy.
 */
export class DatabaseProxy extends Construct {
  readonly proxy: DbProxy;
  readonly securityGroup: SecurityGroup;
  /** Host name the Lambdas connect to (port 3306, TLS, IAM token as password). */
  readonly endpoint: string;
  /** `prx-...`: what `rds-db:connect` grants name (`dbuser:<resourceId>/<user>`). */
  readonly resourceId: string;
  readonly name: string;
  /** The cluster's writer endpoint and port (the user secrets name them: the rotation function connects there directly). */
  readonly clusterEndpoint: string;
  readonly clusterPort: number;
  /** Database user -> the secret the proxy signs in with. */
  readonly userSecrets: ReadonlyMap<string, DatabaseCredentialsSecret>;

  constructor(scope: Construct, id: string, props: DatabaseProxyProps) {
    super(scope, id);
    const stack = MedicareStack.of(this);
    const { database, network } = props;
    requireKeyOf("data", props.dataKey, this, "dataKey");
    this.name = stack.resourceName("aurora-proxy");

    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: this.name,
      description: "MySQL to RDS Proxy from the app tier only; out to Aurora and Secrets Manager only",
      vpcId: network.vpc.id,
      tags: { Name: this.name },
    });
    new VpcSecurityGroupIngressRule(this, "mysql-from-app-tier", {
      securityGroupId: this.securityGroup.id,
      description: "MySQL (TLS, IAM auth) from the campaign Lambdas in the app tier",
      ipProtocol: "tcp",
      fromPort: database.port,
      toPort: database.port,
      cidrIpv4: network.layout.tierCidr("app"),
    });
    new VpcSecurityGroupEgressRule(this, "mysql-to-aurora", {
      securityGroupId: this.securityGroup.id,
      description: "Pooled connections to the Aurora cluster",
      ipProtocol: "tcp",
      fromPort: database.port,
      toPort: database.port,
      referencedSecurityGroupId: database.securityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, "https-to-interface-endpoints", {
      securityGroupId: this.securityGroup.id,
      description: "Secrets Manager through its interface endpoint (the data tier has no internet route)",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: props.interfaceEndpoints.id,
    });
    database.allowFrom("mysql-from-proxy", this.securityGroup.id, "MySQL from RDS Proxy");

    const users = props.users ?? PROXY_DATABASE_USERS;
    if (users.length === 0) throw new Error(`${this.node.path}: a proxy needs at least one database user`);
    if (users.includes(MASTER_USERNAME)) throw new Error(`${this.node.path}: the master user ${MASTER_USERNAME} must not sign in through the proxy (break-glass is direct)`);
    this.userSecrets = new Map(
      users.map((user) => [
        user,
        new DatabaseCredentialsSecret(this, `user-${user}`, {
          name: `db-user-${user.replace(/_/g, "-")}`,
          description: `Aurora credentials of database user ${user}, used only by RDS Proxy (clients sign in with IAM)`,
          key: props.dataKey,
          rotation: props.rotation,
        }),
      ]),
    );
    const secretArns = [...this.userSecrets.values()].map((s) => s.arn);
    this.clusterEndpoint = database.cluster.endpoint;
    this.clusterPort = database.port;

    const role = new ServiceRole(this, "role", {
      name: "aurora-proxy",
      description: "RDS Proxy reads its database users' secrets to open pooled connections",
      servicePrincipal: "rds.amazonaws.com",
      // Proxy ARNs carry a generated id (db-proxy:prx-...), not the name.
      sourceArnLike: `arn:aws:rds:${stack.region}:${stack.accountId}:db-proxy:*`,
      boundary: props.boundary,
      statements: [
        { sid: "ReadTheProxyUsersSecrets", actions: ["secretsmanager:GetSecretValue"], resources: secretArns },
        {
          sid: "DecryptItThroughSecretsManagerOnly",
          actions: ["kms:Decrypt"],
          resources: [props.dataKey.arn],
          conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${stack.region}.amazonaws.com` } },
        },
      ],
    });

    // RDS would create it on first log line, unencrypted and kept forever.
    const logGroup = new EncryptedLogGroup(this, "log-group", { path: { awsName: `/aws/rds/proxy/${this.name}` }, key: props.logsKey });

    this.proxy = new DbProxy(this, "proxy", {
      name: this.name,
      engineFamily: "MYSQL",
      roleArn: role.arn,
      vpcSubnetIds: network.subnets.data.map((s) => s.id),
      vpcSecurityGroupIds: [this.securityGroup.id],
      requireTls: true,
      // Debug logging writes the SQL text of every statement, i.e. patient data, to the logs.
      debugLogging: false,
      idleClientTimeout: IDLE_CLIENT_TIMEOUT_SECONDS,
      auth: [...this.userSecrets].map(([user, secret]) => ({
        description: `Database user ${user}`,
        authScheme: "SECRETS",
        secretArn: secret.arn,
        // Clients present an IAM authentication token; no client ever holds a database password.
        iamAuth: "REQUIRED",
      })),
      tags: { Name: this.name },
      dependsOn: [logGroup.logGroup, role.node.findChild("policy") as IamRolePolicy],
    });
    this.endpoint = this.proxy.endpoint;
    // IAM database authentication names the proxy by its resource id (prx-...), the last part of its ARN.
    // A local, so other stacks read it as one value (a cross-stack output), not as an expression.
    this.resourceId = new TerraformLocal(this, "resource-id", Fn.element(Fn.split(":", this.proxy.arn), 6)).asString;

    const targetGroup = new DbProxyDefaultTargetGroup(this, "target-group", {
      dbProxyName: this.proxy.name,
      connectionPoolConfig: {
        // Leave headroom on the cluster for DMS, the rotation function and administrators.
        maxConnectionsPercent: 75,
        maxIdleConnectionsPercent: 25,
        // A Lambda waits at most this long for a pooled connection, then fails and retries.
        connectionBorrowTimeout: 30,
      },
    });
    new DbProxyTarget(this, "target", {
      dbProxyName: this.proxy.name,
      targetGroupName: targetGroup.name,
      dbClusterIdentifier: database.cluster.clusterIdentifier,
    });
  }
}
