import { PolicyMutation, addResource, all, atPath, editDocument, addPersonaRole, editStatement, find, member } from "./kit";

const DATA_KEY = "keys/data/key";

/** Appends a statement to the JSON policy of a resource. */
function addStatement(body: any, statement: object): void {
  editDocument(body, "policy", (document) => document.Statement.push(statement));
}

/** Mutations for the principal allowlist (PRN-001) and always-true conditions (PRN-002). */
export const PRINCIPAL_MUTATIONS: readonly PolicyMutation[] = [
  {
    ruleId: "PRN-001",
    stack: "security",
    description: "a persona role people assume from a vendor account, beside the Identity Center permission sets",
    mutate: (doc) => addPersonaRole(doc, "it-support", (s) => (s.Principal.AWS = ["arn:aws:iam::444455556666:root"])),
  },
  {
    ruleId: "PRN-001",
    stack: "security",
    description: "the one shared identity principal brought back: a persona role trusting a role of another account",
    mutate: (doc) => addPersonaRole(doc, "super-admin", (s) => (s.Principal.AWS = ["arn:aws:iam::333333333333:role/contractor"])),
  },
  {
    ruleId: "PRN-001",
    stack: "security",
    description: "the data key lets another account decrypt (bare account id principal)",
    mutate: (doc) => {
      addStatement(find(doc, "aws_kms_key", atPath(DATA_KEY), DATA_KEY).body, { Sid: "Partner", Effect: "Allow", Principal: { AWS: "777788889999" }, Action: "kms:Decrypt", Resource: "*" });
    },
  },
  {
    ruleId: "PRN-001",
    stack: "security",
    description: "the prod account named in a dev bucket policy (cross-environment read of the audit trail)",
    mutate: (doc) => {
      const policy = find(doc, "aws_s3_bucket_policy", atPath("audit-trail/bucket/policy"), "audit-trail/bucket/policy").body;
      addStatement(policy, { Sid: "ProdReads", Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::medicare-dev-audit-trail-111111111111/*" });
    },
  },
  {
    ruleId: "PRN-001",
    stack: "campaign",
    description: "an SNS invoke permission whose source account is foreign",
    mutate: (doc) => {
      member(all(doc, "aws_lambda_permission"), (p) => p.body.principal === "sns.amazonaws.com", "the SNS permission").body.source_account = "444455556666";
    },
  },
  {
    ruleId: "PRN-001",
    stack: "campaign",
    description: "an API invoke permission whose source ARN matches any account's API",
    mutate: (doc) => {
      member(all(doc, "aws_lambda_permission"), (p) => p.body.principal === "apigateway.amazonaws.com", "an API permission").body.source_arn = "arn:aws:execute-api:eu-west-2:*:*/live/POST/book";
    },
  },
  {
    ruleId: "PRN-001",
    stack: "campaign",
    description: "a function loads a layer published by another account",
    mutate: (doc) => {
      all(doc, "aws_lambda_function")[0].body.layers = ["arn:aws:lambda:eu-west-2:017000801446:layer:AWSLambdaPowertoolsTypeScriptV2:20"];
    },
  },
  {
    ruleId: "PRN-001",
    stack: "campaign",
    description: "the operations topic also mails an unconfigured address",
    mutate: (doc) => {
      find(doc, "aws_sns_topic_subscription", atPath("operations-topic/email"), "operations-topic/email").body.endpoint = "ops-archive@elsewhere.example";
    },
  },
  {
    ruleId: "PRN-001",
    stack: "network",
    description: "a VPC endpoint policy admits another account's principals",
    mutate: (doc) => {
      const endpoint = all(doc, "aws_vpc_endpoint").find((e) => typeof e.body.policy === "string" && e.body.policy.includes("aws:PrincipalAccount"));
      if (!endpoint) throw new Error("mutation target not found: an endpoint policy with aws:PrincipalAccount");
      endpoint.body.policy = endpoint.body.policy.replace(/"aws:PrincipalAccount":"111111111111"/g, '"aws:PrincipalAccount":["111111111111","444455556666"]');
      if (!endpoint.body.policy.includes("444455556666")) throw new Error("mutation target not found: aws:PrincipalAccount value");
    },
  },
  {
    ruleId: "PRN-001",
    stack: "network",
    description: "a peering connection to another account's VPC",
    mutate: (doc) => {
      addResource(doc, "aws_vpc_peering_connection", "partner", {
        "//": { metadata: { path: "dev-network/vpc/partner-peering" } },
        vpc_id: "${aws_vpc.anything.id}",
        peer_vpc_id: "vpc-0a1b2c3d4e5f67890",
        peer_owner_id: "777788889999",
      });
    },
  },
  {
    ruleId: "PRN-001",
    stack: "security",
    description: "a persona reads a key in a region outside the environment",
    mutate: (doc) => {
      const policy = find(doc, "aws_iam_policy", atPath("personas/it-support"), "personas/it-support").body;
      addStatement(policy, { Sid: "Elsewhere", Effect: "Allow", Action: "kms:DescribeKey", Resource: "arn:aws:kms:us-west-2:111111111111:key/*" });
    },
  },
  // PRN-002 always-true conditions
  {
    ruleId: "PRN-002",
    stack: "security",
    description: "the CloudFront statement of the data key scoped to ArnLike aws:SourceArn = * (any distribution of anyone)",
    mutate: (doc) => {
      editStatement(doc, "aws_kms_key", DATA_KEY, "CloudFrontReadsTheFormsBucket", (s) => {
        s.Condition.ArnLike = { "aws:SourceArn": "*" };
      });
    },
  },
  {
    ruleId: "PRN-002",
    stack: "campaign",
    description: "a queue opened to * under StringLike aws:PrincipalAccount = *",
    mutate: (doc) => {
      const policy = find(doc, "aws_sqs_queue_policy", atPath("send-queue/queue-tls-only"), "send-queue/queue-tls-only").body;
      addStatement(policy, { Sid: "Anyone", Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*", Condition: { StringLike: { "aws:PrincipalAccount": "*" } } });
    },
  },
  {
    ruleId: "PRN-002",
    stack: "security",
    description: "a persona role whose MFA check is IfExists (true for sessions without MFA context)",
    mutate: (doc) =>
      addPersonaRole(doc, "database-administrator", (s) => {
        s.Condition.BoolIfExists = s.Condition.Bool;
        delete s.Condition.Bool;
      }),
  },
  {
    ruleId: "PRN-002",
    stack: "campaign",
    description: "a queue's TLS deny made inapplicable (StringNotLike aws:PrincipalArn *)",
    mutate: (doc) => {
      const policy = find(doc, "aws_sqs_queue_policy", atPath("send-queue/queue-tls-only"), "send-queue/queue-tls-only").body;
      editDocument(policy, "policy", (document) => (document.Statement[0].Condition.StringNotLike = { "aws:PrincipalArn": "*" }));
    },
  },
];
