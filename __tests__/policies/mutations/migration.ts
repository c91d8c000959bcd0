import { PolicyMutation, addResource, atPath, find, Found, member, policyOf, ref } from "./kit";

const instance = (doc: any) => find(doc, "aws_dms_replication_instance", atPath("migration/instance"), "migration/instance");
const source = (doc: any) => find(doc, "aws_dms_endpoint", atPath("migration/source"), "migration/source");
const target = (doc: any) => find(doc, "aws_dms_endpoint", atPath("migration/target"), "migration/target");
const task = (doc: any) => find(doc, "aws_dms_replication_task", atPath("migration/task"), "migration/task");
const pullerRole = (doc: any) => find(doc, "aws_iam_role", atPath("daily-export/puller-role"), "daily-export/puller-role");
const pullerPolicy = (doc: any) => find(doc, "aws_iam_role_policy", atPath("daily-export/puller-policy"), "daily-export/puller-policy");
const schedule = (doc: any) => find(doc, "aws_scheduler_schedule", atPath("daily-export/schedule"), "daily-export/schedule");

/** Rewrites the task's settings JSON. */
function editTaskSettings(doc: any, edit: (settings: any) => void): void {
  const body = task(doc).body;
  const settings = JSON.parse(body.replication_task_settings);
  edit(settings);
  body.replication_task_settings = JSON.stringify(settings);
}

/** Rewrites a JSON policy attribute (`policy`, `assume_role_policy`) of a resource. */
function editPolicy(found: Found, attribute: string, edit: (statements: any[]) => void): void {
  const policy = attribute === "policy" ? policyOf(found.body) : JSON.parse(found.body[attribute]);
  const statements: any[] = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  edit(statements);
  found.body[attribute] = JSON.stringify({ ...policy, Statement: statements });
}

/** The statement with `sid`; throws when the policy has none. */
function statement(statements: any[], sid: string): any {
  return member(statements, (s) => s.Sid === sid, `statement ${sid}`);
}

/** Mutations for the DMS and export rules (DMS-xxx, EXP-xxx). */
export const MIGRATION_MUTATIONS: readonly PolicyMutation[] = [
  // DMS-001 not public
  {
    ruleId: "DMS-001",
    stack: "data",
    description: "the replication instance is made publicly accessible",
    mutate: (doc) => {
      instance(doc).body.publicly_accessible = true;
    },
  },
  {
    ruleId: "DMS-001",
    stack: "data",
    description: "publicly_accessible is dropped (DMS then makes the instance public)",
    mutate: (doc) => {
      delete instance(doc).body.publicly_accessible;
    },
  },

  // DMS-002 KMS
  {
    ruleId: "DMS-002",
    stack: "data",
    description: "the replication instance drops its KMS key (falls back to aws/dms)",
    mutate: (doc) => {
      delete instance(doc).body.kms_key_arn;
    },
  },
  {
    ruleId: "DMS-002",
    stack: "data",
    description: "the replication instance names the AWS-managed alias instead of the data key",
    mutate: (doc) => {
      instance(doc).body.kms_key_arn = "alias/aws/dms";
    },
  },

  // DMS-003 multi-AZ
  {
    ruleId: "DMS-003",
    stack: "data",
    description: "a production instance (environment tag prod) without a standby",
    mutate: (doc) => {
      const body = instance(doc).body;
      body.tags = { ...body.tags, environment: "prod" };
      body.multi_az = false;
    },
  },

  // DMS-004 auto minor version upgrade
  {
    ruleId: "DMS-004",
    stack: "data",
    description: "automatic minor version upgrades are turned off",
    mutate: (doc) => {
      instance(doc).body.auto_minor_version_upgrade = false;
    },
  },

  // DMS-005 TLS verify-full with a CA
  {
    ruleId: "DMS-005",
    stack: "data",
    description: "the on-premises source endpoint drops TLS (ssl_mode none)",
    mutate: (doc) => {
      source(doc).body.ssl_mode = "none";
    },
  },
  {
    ruleId: "DMS-005",
    stack: "data",
    description: "the Aurora target endpoint encrypts without verifying the server (ssl_mode require)",
    mutate: (doc) => {
      target(doc).body.ssl_mode = "require";
    },
  },
  {
    ruleId: "DMS-005",
    stack: "data",
    description: "the Aurora target endpoint loses its CA certificate",
    mutate: (doc) => {
      delete target(doc).body.certificate_arn;
    },
  },

  // DMS-006 credentials from Secrets Manager
  {
    ruleId: "DMS-006",
    stack: "data",
    description: "the source endpoint's secret is replaced by a literal user name and password",
    mutate: (doc) => {
      const body = source(doc).body;
      delete body.secrets_manager_arn;
      delete body.secrets_manager_access_role_arn;
      Object.assign(body, { username: "dms", password: "example-not-a-real-password", server_name: "patients-db.medicare.internal", port: 3306 });
    },
  },
  {
    ruleId: "DMS-006",
    stack: "data",
    description: "the target endpoint reads its secret without the access role",
    mutate: (doc) => {
      delete target(doc).body.secrets_manager_access_role_arn;
    },
  },

  // DMS-007 validation and logging
  {
    ruleId: "DMS-007",
    stack: "data",
    description: "the task's data validation is disabled",
    mutate: (doc) =>
      editTaskSettings(doc, (settings) => {
        settings.ValidationSettings.EnableValidation = false;
      }),
  },
  {
    ruleId: "DMS-007",
    stack: "data",
    description: "the task's CloudWatch logging is disabled",
    mutate: (doc) =>
      editTaskSettings(doc, (settings) => {
        settings.Logging.EnableLogging = false;
      }),
  },

  // EXP-001 Roles Anywhere trust pinned to the anchor and the certificate
  {
    ruleId: "EXP-001",
    stack: "data",
    description: "the puller role trusts any trust anchor of the account (aws:SourceArn dropped)",
    mutate: (doc) =>
      editPolicy(pullerRole(doc), "assume_role_policy", (statements) => {
        delete statement(statements, "OnlyThePullerCertificateOfTheOnPremCa").Condition.ArnEquals;
      }),
  },
  {
    ruleId: "EXP-001",
    stack: "data",
    description: "the puller role trusts any certificate the on-premises CA issued (CN condition dropped)",
    mutate: (doc) =>
      editPolicy(pullerRole(doc), "assume_role_policy", (statements) => {
        delete statement(statements, "OnlyThePullerCertificateOfTheOnPremCa").Condition.StringEquals;
      }),
  },

  // EXP-002 the puller reaches S3 only through the on-premises endpoint
  {
    ruleId: "EXP-002",
    stack: "data",
    description: "the puller may read the exports from anywhere (aws:SourceVpce dropped from GetObject)",
    mutate: (doc) =>
      editPolicy(pullerPolicy(doc), "policy", (statements) => {
        delete statement(statements, "ReadTheDailyExportsThroughTheOnPremEndpoint").Condition;
      }),
  },
  {
    ruleId: "EXP-002",
    stack: "data",
    description: "AmazonS3ReadOnlyAccess is attached to the puller role",
    mutate: (doc) => {
      const role = pullerRole(doc);
      addResource(doc, "aws_iam_role_policy_attachment", "puller_s3_read_only", {
        "//": { metadata: { path: "dev-data/daily-export/puller-s3-read-only" } },
        role: ref(role, "name"),
        policy_arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
      });
    },
  },

  // EXP-003 retries and a dead-letter queue for scheduled targets
  {
    ruleId: "EXP-003",
    stack: "data",
    description: "the daily export schedule loses its retry policy",
    mutate: (doc) => {
      delete schedule(doc).body.target.retry_policy;
    },
  },
  {
    ruleId: "EXP-003",
    stack: "data",
    description: "the daily export schedule loses its dead-letter queue",
    mutate: (doc) => {
      delete schedule(doc).body.target.dead_letter_config;
    },
  },
];
