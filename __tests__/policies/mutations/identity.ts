import { PolicyMutation, addResource, atPath, editDocument, addPersonaRole, editStatement, find, member, ref } from "./kit";

const HUMAN_BOUNDARY = "human-boundary/policy";
const WORKLOAD_BOUNDARY = "workload-boundary/policy";

/** Edits the statements of a boundary policy. */
function editBoundary(doc: any, path: string, edit: (statements: any[]) => void): void {
  editDocument(find(doc, "aws_iam_policy", atPath(path), path).body, "policy", (document) => edit(document.Statement));
}

/** Mutations for the identity rules: managed policies (IAM-009), boundaries (IAM-010), users and keys (IAM-011), grants (KMS-005), MFA age (IAM-004), roles serving their service (IAM-012). */
export const IDENTITY_MUTATIONS: readonly PolicyMutation[] = [
  {
    ruleId: "IAM-009",
    stack: "security",
    description: "AdministratorAccess attached to the trail's CloudWatch Logs delivery role",
    mutate: (doc) => {
      const role = find(doc, "aws_iam_role", atPath("audit-trail/cloudwatch-logs-role/role"), "the trail's delivery role");
      addResource(doc, "aws_iam_role_policy_attachment", "trail_delivery_admin", {
        "//": { metadata: { path: "dev-security/audit-trail/cloudwatch-logs-role/admin" } },
        role: ref(role, "name"),
        policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess",
      });
    },
  },
  {
    ruleId: "IAM-009",
    stack: "edge",
    description: "ReadOnlyAccess in the instance role's managed_policy_arns (reads every bucket's names, every log)",
    mutate: (doc) => {
      const role = find(doc, "aws_iam_role", (b) => JSON.stringify(b.assume_role_policy ?? "").includes("ec2.amazonaws.com"), "the instance role").body;
      role.managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];
    },
  },
  {
    ruleId: "IAM-010",
    stack: "security",
    description: "the human boundary's ceiling opened to iam:* while CreateAccessKey leaves its Deny",
    mutate: (doc) =>
      editBoundary(doc, HUMAN_BOUNDARY, (statements) => {
        member<any>(statements, (s) => s.Sid === "PersonaActionsThatNameNoResource", "ceiling statement").Action.push("iam:*");
        const forbidden = member<any>(statements, (s) => s.Sid === "NoAuditTamperingOrLongLivedCredentials", "forbidden statement");
        forbidden.Action = forbidden.Action.filter((a: string) => a !== "iam:CreateAccessKey");
      }),
  },
  {
    ruleId: "IAM-010",
    stack: "security",
    description: "the human boundary's audit Deny exempts the security-team tag, under a cloudtrail:* ceiling",
    mutate: (doc) =>
      editBoundary(doc, HUMAN_BOUNDARY, (statements) => {
        member<any>(statements, (s) => s.Sid === "PersonaActionsThatNameNoResource", "ceiling statement").Action.push("cloudtrail:*");
        member<any>(statements, (s) => s.Sid === "NoAuditTamperingOrLongLivedCredentials", "forbidden statement").Condition = {
          StringNotEquals: { "aws:PrincipalTag/team": "security" },
        };
      }),
  },
  {
    ruleId: "IAM-010",
    stack: "security",
    description: "roles may be created with any boundary (the PermissionsBoundary condition names a wildcard policy)",
    mutate: (doc) =>
      editStatement(doc, "aws_iam_policy", HUMAN_BOUNDARY, "RolesChangedByPeopleCarryABoundary", (s) => {
        s.Condition = { StringNotLike: { "iam:PermissionsBoundary": "arn:aws:iam::111111111111:policy/*" } };
      }),
  },
  {
    ruleId: "IAM-010",
    stack: "security",
    description: "the workload boundary's ceiling gains logs:* and its Deny drops the logs actions (log groups deletable, retention changeable)",
    mutate: (doc) =>
      editBoundary(doc, WORKLOAD_BOUNDARY, (statements) => {
        member<any>(statements, (s) => s.Sid === "WorkloadActionsThatNameNoResource", "workload ceiling").Action.push("logs:*");
        const deny = member<any>(statements, (s) => s.Sid === "NoEscalationOrAuditTampering", "workload deny");
        deny.Action = deny.Action.filter((a: string) => !a.startsWith("logs:"));
      }),
  },
  {
    ruleId: "IAM-011",
    stack: "security",
    description: "a CI user with an access key",
    mutate: (doc) => {
      addResource(doc, "aws_iam_user", "ci", { "//": { metadata: { path: "dev-security/ci/user" } }, name: "medicare-dev-ci" });
      addResource(doc, "aws_iam_access_key", "ci_key", { "//": { metadata: { path: "dev-security/ci/key" } }, user: "${aws_iam_user.ci.name}" });
    },
  },
  {
    ruleId: "IAM-011",
    stack: "security",
    description: "an admins group beside the persona roles",
    mutate: (doc) => {
      addResource(doc, "aws_iam_group", "admins", { "//": { metadata: { path: "dev-security/admins/group" } }, name: "medicare-dev-admins" });
    },
  },
  {
    ruleId: "KMS-005",
    stack: "security",
    description: "a standing grant on the data key to the audit bucket's replication role",
    mutate: (doc) => {
      const key = find(doc, "aws_kms_key", atPath("keys/data/key"), "keys/data/key");
      const role = find(doc, "aws_iam_role", atPath("audit-trail/bucket/replication-role/role"), "the replication role");
      addResource(doc, "aws_kms_grant", "replication_decrypt", {
        "//": { metadata: { path: "dev-security/keys/data/replication-grant" } },
        key_id: ref(key, "key_id"),
        grantee_principal: ref(role, "arn"),
        operations: ["Decrypt", "GenerateDataKey"],
      });
    },
  },
  {
    ruleId: "IAM-004",
    stack: "security",
    description: "a persona role beside the permission sets accepts an MFA sign-in up to a day old",
    mutate: (doc) => addPersonaRole(doc, "system-administrator", (s) => (s.Condition.NumericLessThan["aws:MultiFactorAuthAge"] = 86400)),
  },
  {
    ruleId: "IAM-012",
    stack: "campaign",
    description: "the public web function runs with the migration function's role (schema rights behind an internet handler)",
    mutate: (doc) => {
      const migrationRole = find(doc, "aws_iam_role", atPath("functions/db-migrate/role/role"), "the db-migrate role");
      find(doc, "aws_lambda_function", atPath("functions/web/function"), "the web function").body.role = ref(migrationRole, "arn");
    },
  },
  {
    ruleId: "IAM-012",
    stack: "security",
    description: "the trail delivers to CloudWatch Logs with the audit bucket's replication role",
    mutate: (doc) => {
      const replicationRole = find(doc, "aws_iam_role", atPath("audit-trail/bucket/replication-role/role"), "the replication role");
      find(doc, "aws_cloudtrail", atPath("audit-trail/trail"), "the trail").body.cloud_watch_logs_role_arn = ref(replicationRole, "arn");
    },
  },
  {
    ruleId: "IAM-012",
    stack: "data",
    description: "the database proxy reads its secrets with the enhanced-monitoring role",
    mutate: (doc) => {
      const monitoringRole = find(doc, "aws_iam_role", atPath("aurora/monitoring-role/role"), "the monitoring role");
      find(doc, "aws_db_proxy", atPath("aurora-proxy/proxy"), "the proxy").body.role_arn = ref(monitoringRole, "arn");
    },
  },
];
