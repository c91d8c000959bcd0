import { PolicyMutation, addResource, any, atPath, editStatement, find, member, ref } from "./kit";

const cluster = (doc: any) => find(doc, "aws_rds_cluster", atPath("aurora/cluster"), "aurora/cluster");
const writer = (doc: any) => find(doc, "aws_rds_cluster_instance", atPath("aurora/instance-1"), "aurora/instance-1");
const clusterParameters = (doc: any) =>
  find(doc, "aws_rds_cluster_parameter_group", atPath("aurora/cluster-parameters"), "aurora/cluster-parameters");
const proxy = (doc: any) => find(doc, "aws_db_proxy", atPath("aurora-proxy/proxy"), "aurora-proxy/proxy");

/** The parameter block named `name` of a parameter group; throws when the group does not set it. */
function parameter(group: any, name: string): any {
  return member(group.body.parameter as any[], (p) => p.name === name, `parameter ${name}`);
}

/** Mutations for the RDS rules (RDS-xxx): Aurora, its parameters, RDS Proxy. */
export const RDS_MUTATIONS: readonly PolicyMutation[] = [
  // RDS-001 storage encryption
  {
    ruleId: "RDS-001",
    stack: "data",
    description: "the Aurora cluster's storage is not encrypted",
    mutate: (doc) => {
      cluster(doc).body.storage_encrypted = false;
    },
  },
  {
    ruleId: "RDS-001",
    stack: "data",
    description: "the Aurora cluster drops its KMS key (falls back to the AWS-managed aws/rds key)",
    mutate: (doc) => {
      delete cluster(doc).body.kms_key_id;
    },
  },

  // RDS-002 TLS required
  {
    ruleId: "RDS-002",
    stack: "data",
    description: "the cluster parameter group sets require_secure_transport OFF",
    mutate: (doc) => {
      parameter(clusterParameters(doc), "require_secure_transport").value = "OFF";
    },
  },
  {
    ruleId: "RDS-002",
    stack: "data",
    description: "the cluster uses AWS's default parameter group",
    mutate: (doc) => {
      cluster(doc).body.db_cluster_parameter_group_name = "default.aurora-mysql8.0";
    },
  },

  // RDS-003 IAM auth and the managed master secret
  {
    ruleId: "RDS-003",
    stack: "data",
    description: "IAM database authentication is turned off",
    mutate: (doc) => {
      cluster(doc).body.iam_database_authentication_enabled = false;
    },
  },
  {
    ruleId: "RDS-003",
    stack: "data",
    description: "the managed master secret is replaced by a literal master_password",
    mutate: (doc) => {
      const body = cluster(doc).body;
      delete body.manage_master_user_password;
      delete body.master_user_secret_kms_key_id;
      body.master_password = "a-literal-password";
    },
  },

  // RDS-004 deletion protection, backups, snapshots
  {
    ruleId: "RDS-004",
    stack: "data",
    description: "deletion protection is turned off",
    mutate: (doc) => {
      cluster(doc).body.deletion_protection = false;
    },
  },
  {
    ruleId: "RDS-004",
    stack: "data",
    description: "backup retention is cut to 1 day",
    mutate: (doc) => {
      cluster(doc).body.backup_retention_period = 1;
    },
  },
  {
    ruleId: "RDS-004",
    stack: "data",
    description: "the final snapshot is skipped",
    mutate: (doc) => {
      const body = cluster(doc).body;
      body.skip_final_snapshot = true;
      delete body.final_snapshot_identifier;
    },
  },
  {
    ruleId: "RDS-004",
    stack: "data",
    description: "snapshots no longer copy the cluster's tags",
    mutate: (doc) => {
      cluster(doc).body.copy_tags_to_snapshot = false;
    },
  },

  // RDS-005 multi-AZ (dev is listed as single-AZ, so the mutations make it not dev, or not one AZ's worth)
  {
    ruleId: "RDS-005",
    stack: "data",
    description: "the single-instance dev cluster is retagged as prod",
    mutate: (doc) => {
      cluster(doc).body.tags.environment = "prod";
    },
  },
  {
    ruleId: "RDS-005",
    stack: "data",
    description: "a prod-tagged cluster gets a reader, but in the writer's AZ",
    mutate: (doc) => {
      const c = cluster(doc);
      c.body.tags.environment = "prod";
      const w = writer(doc);
      addResource(doc, "aws_rds_cluster_instance", "aurora_instance-2_MUTATED", {
        ...structuredClone(w.body),
        "//": { metadata: { path: "dev-data/aurora/instance-2" } },
        identifier: "medicare-dev-aurora-2",
        cluster_identifier: ref(c, "id"),
        availability_zone: w.body.availability_zone,
        promotion_tier: 1,
      });
    },
  },

  // RDS-006 logs, Enhanced Monitoring, Performance Insights
  {
    ruleId: "RDS-006",
    stack: "data",
    description: "the audit log is no longer exported",
    mutate: (doc) => {
      const body = cluster(doc).body;
      body.enabled_cloudwatch_logs_exports = body.enabled_cloudwatch_logs_exports.filter((log: string) => log !== "audit");
    },
  },
  {
    ruleId: "RDS-006",
    stack: "data",
    description: "Advanced Auditing is switched off in the cluster parameter group",
    mutate: (doc) => {
      parameter(clusterParameters(doc), "server_audit_logging").value = "0";
    },
  },
  {
    ruleId: "RDS-006",
    stack: "data",
    description: "the writer's Performance Insights key is removed (AWS-managed key)",
    mutate: (doc) => {
      delete writer(doc).body.performance_insights_kms_key_id;
    },
  },
  {
    ruleId: "RDS-006",
    stack: "data",
    description: "Enhanced Monitoring is turned off on the writer",
    mutate: (doc) => {
      writer(doc).body.monitoring_interval = 0;
    },
  },

  // RDS-007 private, patched instances
  {
    ruleId: "RDS-007",
    stack: "data",
    description: "the writer is made publicly accessible",
    mutate: (doc) => {
      writer(doc).body.publicly_accessible = true;
    },
  },
  {
    ruleId: "RDS-007",
    stack: "data",
    description: "auto minor version upgrade is turned off on the writer",
    mutate: (doc) => {
      writer(doc).body.auto_minor_version_upgrade = false;
    },
  },

  // RDS-008 RDS Proxy
  {
    ruleId: "RDS-008",
    stack: "data",
    description: "the proxy no longer requires TLS",
    mutate: (doc) => {
      proxy(doc).body.require_tls = false;
    },
  },
  {
    ruleId: "RDS-008",
    stack: "data",
    description: "the proxy's auth block disables IAM authentication",
    mutate: (doc) => {
      for (const auth of proxy(doc).body.auth) auth.iam_auth = "DISABLED";
    },
  },
  {
    ruleId: "RDS-008",
    stack: "data",
    description: "the proxy turns on debug logging (SQL text in the logs)",
    mutate: (doc) => {
      find(doc, "aws_db_proxy", any, "of the cluster").body.debug_logging = true;
    },
  },

  {
    ruleId: "RDS-008",
    stack: "data",
    description: "the proxy deleted while its target group and target still put it in front of the cluster",
    mutate: (doc) => {
      delete doc.resource.aws_db_proxy[proxy(doc).name];
    },
  },

  // RDS-009 a database user per function
  {
    ruleId: "RDS-009",
    stack: "campaign",
    description: "campaign-web signs in as the master user (DB_USER and rds-db:connect)",
    mutate: (doc) => {
      const fn = find(doc, "aws_lambda_function", atPath("functions/web/function"), "functions/web/function").body;
      fn.environment.variables.DB_USER = "medicare_admin";
      editStatement(doc, "aws_iam_role_policy", "functions/web/role/policy", "ConnectThroughRdsProxyAsOwnDatabaseUser", (statement) => {
        statement.Resource = String(statement.Resource).replace(/\/[^/]+$/, "/medicare_admin");
      });
    },
  },
  {
    ruleId: "RDS-009",
    stack: "campaign",
    description: "form-submit's role may also connect as the planner's user (which reads contact details)",
    mutate: (doc) => {
      editStatement(doc, "aws_iam_role_policy", "functions/form-submit/role/policy", "ConnectThroughRdsProxyAsOwnDatabaseUser", (statement) => {
        const own = String(statement.Resource);
        statement.Resource = [own, own.replace(/\/[^/]+$/, "/fn_campaign_plan")];
      });
    },
  },
  {
    ruleId: "RDS-009",
    stack: "campaign",
    description: "campaign-web's rds-db:connect widened to every database user of the proxy",
    mutate: (doc) => {
      editStatement(doc, "aws_iam_role_policy", "functions/web/role/policy", "ConnectThroughRdsProxyAsOwnDatabaseUser", (statement) => {
        statement.Resource = String(statement.Resource).replace(/\/[^/]+$/, "/*");
      });
    },
  },
  {
    ruleId: "RDS-009",
    stack: "data",
    description: "the proxy signs in with the cluster's managed master secret again",
    mutate: (doc) => {
      const body = proxy(doc).body;
      body.auth.push({ ...body.auth[0], secret_arn: `\${${cluster(doc).type}.${cluster(doc).name}.master_user_secret[0].secret_arn}` });
    },
  },

  // LOG-004 AWS-dictated log groups of the data services
  {
    ruleId: "LOG-004",
    stack: "data",
    description: "the proxy's /aws/rds/proxy/<name> log group deleted (RDS Proxy would create it unencrypted)",
    mutate: (doc) => {
      const group = find(doc, "aws_cloudwatch_log_group", atPath("aurora-proxy/log-group/group"), "aurora-proxy/log-group/group");
      delete doc.resource.aws_cloudwatch_log_group[group.name];
    },
  },
  {
    ruleId: "LOG-004",
    stack: "data",
    description: "the Aurora slow-query log group deleted while the cluster still exports slowquery",
    mutate: (doc) => {
      const group = find(doc, "aws_cloudwatch_log_group", atPath("aurora/log-slowquery/group"), "aurora/log-slowquery/group");
      delete doc.resource.aws_cloudwatch_log_group[group.name];
    },
  },
  {
    ruleId: "LOG-004",
    stack: "data",
    description: "the RDSOSMetrics group deleted while enhanced monitoring is on",
    mutate: (doc) => {
      const group = find(doc, "aws_cloudwatch_log_group", atPath("aurora/os-metrics/group"), "aurora/os-metrics/group");
      delete doc.resource.aws_cloudwatch_log_group[group.name];
    },
  },
  {
    ruleId: "LOG-004",
    stack: "data",
    description: "the DMS task log group deleted while task logging is on",
    mutate: (doc) => {
      const group = find(doc, "aws_cloudwatch_log_group", atPath("migration/task-logs/group"), "migration/task-logs/group");
      delete doc.resource.aws_cloudwatch_log_group[group.name];
    },
  },
];
