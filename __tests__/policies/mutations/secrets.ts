import { addResource, all, any, deleteAll, find, Found, pathEndsWith, PolicyMutation, ref } from "./kit";

/** Mutations for the Secrets Manager and literal-credential rules (SEC-xxx), and the Lambda rules (LAM-xxx). */

// Assembled at run time so this file holds no key material for scanners to trip on.
const ACCESS_KEY_ID = ["AKIA", "IOSFODNN7", "EXAMPLE"].join("");
const PEM_PRIVATE_KEY = ["-----BEGIN ", "RSA PRIVATE KEY", "-----\nMIIEowIBAAKCAQEA\n-----END ", "RSA PRIVATE KEY", "-----"].join("");

/** A DatabaseCredentialsSecret of the data stack (the DMS users' secrets). */
const credentialSecret = (doc: any): Found => find(doc, "aws_secretsmanager_secret", pathEndsWith("/secret"), "of a DatabaseCredentialsSecret");
/** The rotation schedule of a DatabaseCredentialsSecret. */
const secretRotation = (doc: any): Found =>
  find(doc, "aws_secretsmanager_secret_rotation", pathEndsWith("/rotation"), "of a DatabaseCredentialsSecret");
/** The stack's credential rotation function (MysqlCredentialRotation). */
const rotationFunction = (doc: any): Found =>
  find(doc, "aws_lambda_function", pathEndsWith("credential-rotation/function/function"), "credential rotation function");

export const SECRETS_MUTATIONS: readonly PolicyMutation[] = [
  // SEC-001: CMK and rotation
  {
    ruleId: "SEC-001",
    stack: "data",
    description: "a database credential secret falls back to the AWS-managed key (kms_key_id removed)",
    mutate: (doc) => {
      delete credentialSecret(doc).body.kms_key_id;
    },
  },
  {
    ruleId: "SEC-001",
    stack: "data",
    description: "the secrets' rotation schedules are removed",
    mutate: (doc) => deleteAll(doc, "aws_secretsmanager_secret_rotation"),
  },
  {
    ruleId: "SEC-001",
    stack: "data",
    description: "a secret's rotation is stretched to once a year",
    mutate: (doc) => {
      secretRotation(doc).body.rotation_rules = { automatically_after_days: 365 };
    },
  },
  {
    ruleId: "SEC-001",
    stack: "data",
    description: "a new secret is added without a CMK or rotation",
    mutate: (doc) =>
      addResource(doc, "aws_secretsmanager_secret", "added_plain_secret", {
        "//": { metadata: { path: "dev-data/added/plain-secret" } },
        name: "medicare-dev-added-plain",
      }),
  },

  // SEC-002: literal credentials
  {
    ruleId: "SEC-002",
    stack: "data",
    description: "a literal database password is added to the rotation function's environment",
    mutate: (doc) => {
      const fn = rotationFunction(doc).body;
      fn.environment.variables.DB_PASSWORD = "Summer2026-literal";
    },
  },
  {
    ruleId: "SEC-002",
    stack: "data",
    description: "a literal master_password is set on the Aurora cluster",
    mutate: (doc) => {
      find(doc, "aws_rds_cluster", any, "Aurora cluster").body.master_password = "hunter2hunter2";
    },
  },
  {
    ruleId: "SEC-002",
    stack: "data",
    description: "a secret version with a literal secret_string is added for a credential secret",
    mutate: (doc) =>
      addResource(doc, "aws_secretsmanager_secret_version", "added_literal_version", {
        secret_id: ref(credentialSecret(doc), "id"),
        secret_string: JSON.stringify({ username: "dms", password: "literal-password-1" }),
      }),
  },

  // SEC-003: key material anywhere
  {
    ruleId: "SEC-003",
    stack: "data",
    description: "an AWS access key id is hardcoded in the AWS provider block",
    mutate: (doc) => {
      const providers = doc.provider?.aws;
      if (!Array.isArray(providers) || providers.length === 0) throw new Error("mutation target not found: provider.aws");
      providers[0].access_key = ACCESS_KEY_ID;
    },
  },
  {
    ruleId: "SEC-003",
    stack: "data",
    description: "a private key is pasted into the rotation function's description",
    mutate: (doc) => {
      rotationFunction(doc).body.description = `temporary client key: ${PEM_PRIVATE_KEY}`;
    },
  },

  // LAM-001: concurrency, tracing, DLQ, environment key
  {
    ruleId: "LAM-001",
    stack: "data",
    description: "the rotation function's tracing is set to PassThrough",
    mutate: (doc) => {
      rotationFunction(doc).body.tracing_config = { mode: "PassThrough" };
    },
  },
  {
    ruleId: "LAM-001",
    stack: "data",
    description: "the rotation function's reserved concurrency is removed",
    mutate: (doc) => {
      delete rotationFunction(doc).body.reserved_concurrent_executions;
    },
  },
  {
    ruleId: "LAM-001",
    stack: "data",
    description: "the rotation function's dead-letter queue is removed",
    mutate: (doc) => {
      delete rotationFunction(doc).body.dead_letter_config;
    },
  },
  {
    ruleId: "LAM-001",
    stack: "data",
    description: "the rotation function's environment falls back to the AWS-managed key",
    mutate: (doc) => {
      delete rotationFunction(doc).body.kms_key_arn;
    },
  },

  // LAM-002: invoke permissions
  {
    ruleId: "LAM-002",
    stack: "data",
    description: "the Secrets Manager invoke permission of the rotation function is opened to principal \"*\"",
    mutate: (doc) => {
      const permissions = all(doc, "aws_lambda_permission").filter((p) => p.body.principal === "secretsmanager.amazonaws.com");
      if (permissions.length === 0) throw new Error("mutation target not found: aws_lambda_permission for secretsmanager.amazonaws.com");
      permissions[0].body.principal = "*";
    },
  },
  {
    ruleId: "LAM-002",
    stack: "data",
    description: "an S3 invoke permission without source_arn is added to the rotation function",
    mutate: (doc) =>
      addResource(doc, "aws_lambda_permission", "added_s3_invoke", {
        action: "lambda:InvokeFunction",
        function_name: ref(rotationFunction(doc), "function_name"),
        principal: "s3.amazonaws.com",
      }),
  },

  // LAM-003: log group
  {
    ruleId: "LAM-003",
    stack: "data",
    description: "the rotation function's logging_config is removed (Lambda would create /aws/lambda/<name> unencrypted)",
    mutate: (doc) => {
      delete rotationFunction(doc).body.logging_config;
    },
  },

  // LAM-004: database functions in the VPC
  {
    ruleId: "LAM-004",
    stack: "data",
    description: "the rotation function, which rotates database secrets, is moved out of the VPC",
    mutate: (doc) => {
      if (all(doc, "aws_secretsmanager_secret_rotation").length === 0) throw new Error("mutation target not found: aws_secretsmanager_secret_rotation");
      delete rotationFunction(doc).body.vpc_config;
    },
  },
  {
    ruleId: "LAM-004",
    stack: "data",
    description: "a function outside the VPC is given the Aurora cluster endpoint",
    mutate: (doc) => {
      const fn = rotationFunction(doc).body;
      delete fn.vpc_config;
      fn.environment.variables.DB_HOST = ref(find(doc, "aws_rds_cluster", any, "Aurora cluster"), "endpoint");
    },
  },
];
