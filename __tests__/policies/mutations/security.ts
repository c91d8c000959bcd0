import { PolicyMutation, addPersonaRole, addResource, all, atPath, deleteAll, editStatement, find, member, pathEndsWith, policyOf, ref } from "./kit";

const TRAIL = "audit-trail/trail";
/** Edits one statement (by Sid) of a persona's customer-managed policy (what its permission set refers to). */
function editPersonaPolicy(doc: any, name: string, sid: string, edit: (statement: any) => void): void {
  const policy = find(doc, "aws_iam_policy", atPath(`personas/${name}`), `personas/${name}`).body;
  const document = policyOf(policy);
  edit(member<any>(document.Statement, (s) => s.Sid === sid, `statement ${sid} of ${name}`));
  policy.policy = JSON.stringify(document);
}

/** Mutations for the audit and IAM rules (the security issue). */
export const SECURITY_MUTATIONS: readonly PolicyMutation[] = [
  // AUD-001 the trail
  {
    ruleId: "AUD-001",
    stack: "security",
    description: "trail without log file validation",
    mutate: (doc) => {
      find(doc, "aws_cloudtrail", atPath(TRAIL), TRAIL).body.enable_log_file_validation = false;
    },
  },
  {
    ruleId: "AUD-001",
    stack: "security",
    description: "trail records only its home region",
    mutate: (doc) => {
      find(doc, "aws_cloudtrail", atPath(TRAIL), TRAIL).body.is_multi_region_trail = false;
    },
  },
  {
    ruleId: "AUD-001",
    stack: "security",
    description: "trail loses its KMS key (SSE-S3 log files)",
    mutate: (doc) => {
      delete find(doc, "aws_cloudtrail", atPath(TRAIL), TRAIL).body.kms_key_id;
    },
  },
  {
    ruleId: "AUD-001",
    stack: "security",
    description: "trail stops recording S3 data events on the patient-data buckets",
    mutate: (doc) => {
      const trail = find(doc, "aws_cloudtrail", atPath(TRAIL), TRAIL).body;
      trail.advanced_event_selector = trail.advanced_event_selector.filter((s: any) => !JSON.stringify(s).includes("AWS::S3::Object"));
    },
  },
  {
    ruleId: "AUD-001",
    stack: "security",
    description: "trail removed",
    mutate: (doc) => deleteAll(doc, "aws_cloudtrail"),
  },

  // AUD-002 the trail bucket
  {
    ruleId: "AUD-002",
    stack: "security",
    description: "the trail's bucket loses its Object Lock configuration",
    mutate: (doc) => {
      const lock = find(doc, "aws_s3_bucket_object_lock_configuration", atPath("audit-trail/bucket/object-lock"), "audit-trail/bucket/object-lock");
      delete doc.resource.aws_s3_bucket_object_lock_configuration[lock.name];
    },
  },
  {
    ruleId: "AUD-002",
    stack: "security",
    description: "the trail's bucket retention switched to GOVERNANCE mode",
    mutate: (doc) => {
      find(doc, "aws_s3_bucket_object_lock_configuration", atPath("audit-trail/bucket/object-lock"), "audit-trail/bucket/object-lock").body.rule.default_retention.mode = "GOVERNANCE";
    },
  },

  // AUD-003 AWS Config
  {
    ruleId: "AUD-003",
    stack: "security",
    description: "Config recorder skips global resource types (IAM)",
    mutate: (doc) => {
      find(doc, "aws_config_configuration_recorder", atPath("config/recorder"), "config/recorder").body.recording_group.include_global_resource_types = false;
    },
  },
  {
    ruleId: "AUD-003",
    stack: "security",
    description: "Config recorder stopped",
    mutate: (doc) => {
      find(doc, "aws_config_configuration_recorder_status", atPath("config/recording"), "config/recording").body.is_enabled = false;
    },
  },
  {
    ruleId: "AUD-003",
    stack: "security",
    description: "Config delivery channel removed",
    mutate: (doc) => deleteAll(doc, "aws_config_delivery_channel"),
  },

  // AUD-004 GuardDuty
  {
    ruleId: "AUD-004",
    stack: "security",
    description: "GuardDuty RDS login monitoring disabled",
    mutate: (doc) => {
      find(doc, "aws_guardduty_detector_feature", (b) => b.name === "RDS_LOGIN_EVENTS", "RDS_LOGIN_EVENTS").body.status = "DISABLED";
    },
  },
  {
    ruleId: "AUD-004",
    stack: "security",
    description: "GuardDuty findings published every six hours",
    mutate: (doc) => {
      find(doc, "aws_guardduty_detector", atPath("threat-detection/guardduty"), "threat-detection/guardduty").body.finding_publishing_frequency = "SIX_HOURS";
    },
  },

  // AUD-005 Inspector
  {
    ruleId: "AUD-005",
    stack: "security",
    description: "Inspector no longer scans Lambda code",
    mutate: (doc) => {
      const enabler = find(doc, "aws_inspector2_enabler", atPath("threat-detection/inspector"), "threat-detection/inspector").body;
      enabler.resource_types = enabler.resource_types.filter((t: string) => t !== "LAMBDA_CODE");
    },
  },

  // AUD-006 Security Hub and Access Analyzer
  {
    ruleId: "AUD-006",
    stack: "security",
    description: "Security Hub unsubscribed from the CIS standard",
    mutate: (doc) => {
      const cis = find(doc, "aws_securityhub_standards_subscription", atPath("threat-detection/standard-cis"), "threat-detection/standard-cis");
      delete doc.resource.aws_securityhub_standards_subscription[cis.name];
    },
  },
  {
    ruleId: "AUD-006",
    stack: "security",
    description: "IAM Access Analyzer removed",
    mutate: (doc) => deleteAll(doc, "aws_accessanalyzer_analyzer"),
  },

  // AUD-007 CIS alarms
  {
    ruleId: "AUD-007",
    stack: "security",
    description: "the root-account-use alarm loses its action",
    mutate: (doc) => {
      find(doc, "aws_cloudwatch_metric_alarm", atPath("security-alarms/root-account-use-alarm"), "root-account-use-alarm").body.alarm_actions = [];
    },
  },
  {
    ruleId: "AUD-007",
    stack: "security",
    description: "the security topic loses its KMS key",
    mutate: (doc) => {
      delete find(doc, "aws_sns_topic", atPath("security-alarms/topic"), "security-alarms/topic").body.kms_master_key_id;
    },
  },
  {
    ruleId: "AUD-007",
    stack: "security",
    description: "the NACL-changes metric filter removed",
    mutate: (doc) => {
      const filter = find(doc, "aws_cloudwatch_log_metric_filter", atPath("security-alarms/nacl-changes-filter"), "nacl-changes-filter");
      delete doc.resource.aws_cloudwatch_log_metric_filter[filter.name];
    },
  },

  // LOG-001 on the security stack's own log group
  {
    ruleId: "LOG-001",
    stack: "security",
    description: "the trail's log group without a key",
    mutate: (doc) => {
      delete find(doc, "aws_cloudwatch_log_group", atPath("audit-trail/log-group/group"), "audit-trail/log-group/group").body.kms_key_id;
    },
  },

  // IAM-001 wildcard actions
  {
    ruleId: "IAM-001",
    stack: "security",
    description: "a care-provider statement grants s3:*",
    mutate: (doc) => editPersonaPolicy(doc, "care-provider", "ReadAndUploadPatientRecords", (s) => (s.Action = "s3:*")),
  },
  {
    ruleId: "IAM-001",
    stack: "security",
    description: "the human boundary allows *",
    mutate: (doc) => {
      const boundary = find(doc, "aws_iam_policy", atPath("human-boundary/policy"), "human-boundary/policy").body;
      const document = policyOf(boundary);
      member<any>(document.Statement, (s) => s.Sid === "PersonaActionsInThisAccountOnly", "scoped persona actions").Action = "*";
      boundary.policy = JSON.stringify(document);
    },
  },
  {
    ruleId: "IAM-001",
    stack: "data",
    description: "a workload role's statement becomes NotAction",
    mutate: (doc) => {
      const policy = find(doc, "aws_iam_role_policy", pathEndsWith("backup/role/policy"), "backup/role/policy").body;
      const document = policyOf(policy);
      document.Statement[0].NotAction = document.Statement[0].Action;
      delete document.Statement[0].Action;
      policy.policy = JSON.stringify(document);
    },
  },

  // IAM-002 unscoped resources
  {
    ruleId: "IAM-002",
    stack: "security",
    description: "the DBA may modify every RDS cluster (Resource *)",
    mutate: (doc) => editPersonaPolicy(doc, "database-administrator", "ManageTheAuroraClusters", (s) => (s.Resource = "*")),
  },
  {
    ruleId: "IAM-002",
    stack: "data",
    description: "a workload role's scoped statement widened to Resource *",
    mutate: (doc) => {
      const policy = find(doc, "aws_iam_role_policy", pathEndsWith("daily-export/export-role/policy"), "export-role/policy").body;
      const document = policyOf(policy);
      document.Statement[0].Resource = "*";
      policy.policy = JSON.stringify(document);
    },
  },

  // IAM-003 trust
  {
    ruleId: "IAM-003",
    stack: "security",
    description: "a persona role beside the permission sets trusts any AWS principal",
    mutate: (doc) => addPersonaRole(doc, "it-support", (s) => (s.Principal = { AWS: "*" })),
  },
  {
    ruleId: "IAM-003",
    stack: "security",
    description: "the trail's CloudWatch Logs role trusts CloudTrail for any account",
    mutate: (doc) => {
      const role = find(doc, "aws_iam_role", pathEndsWith("cloudwatch-logs-role/role"), "cloudwatch-logs-role/role").body;
      const trust = JSON.parse(role.assume_role_policy);
      delete trust.Statement[0].Condition;
      role.assume_role_policy = JSON.stringify(trust);
    },
  },

  // IAM-004 MFA
  {
    ruleId: "IAM-004",
    stack: "security",
    description: "a persona role (security team) beside the permission sets, without the MFA condition",
    mutate: (doc) => addPersonaRole(doc, "security-team", (s) => delete s.Condition),
  },
  {
    ruleId: "IAM-004",
    stack: "security",
    description: "a persona role beside the permission sets accepts MFA of any age",
    mutate: (doc) => addPersonaRole(doc, "super-admin", (s) => delete s.Condition.NumericLessThan),
  },
  {
    ruleId: "IAM-004",
    stack: "data",
    description: "a new role trusts the identity account without MFA",
    mutate: (doc) =>
      addResource(doc, "aws_iam_role", "break_glass_MUTATED", {
        "//": { metadata: { path: "dev-data/break-glass/role" } },
        name: "medicare-dev-break-glass",
        permissions_boundary: "arn:aws:iam::111111111111:policy/medicare-human-boundary",
        assume_role_policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "Identity", Effect: "Allow", Principal: { AWS: "arn:aws:iam::333333333333:root" }, Action: "sts:AssumeRole" }],
        }),
      }),
  },

  // IAM-005 boundaries
  {
    ruleId: "IAM-005",
    stack: "security",
    description: "the trail's CloudWatch Logs delivery role without its permission boundary",
    mutate: (doc) => {
      delete find(doc, "aws_iam_role", atPath("audit-trail/cloudwatch-logs-role/role"), "the trail's delivery role").body.permissions_boundary;
    },
  },
  {
    ruleId: "IAM-005",
    stack: "data",
    description: "a workload role without its permission boundary",
    mutate: (doc) => {
      delete all(doc, "aws_iam_role")[0].body.permissions_boundary;
    },
  },

  // IAM-006 user policies
  {
    ruleId: "IAM-006",
    stack: "security",
    description: "an inline policy on an IAM user",
    mutate: (doc) =>
      addResource(doc, "aws_iam_user_policy", "admin_MUTATED", {
        "//": { metadata: { path: "dev-security/admin-user/policy" } },
        user: "admin",
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::x/*" }] }),
      }),
  },
  {
    ruleId: "IAM-006",
    stack: "security",
    description: "the human boundary attached to a user through aws_iam_policy_attachment",
    mutate: (doc) => {
      const boundary = find(doc, "aws_iam_policy", atPath("human-boundary/policy"), "human-boundary/policy");
      addResource(doc, "aws_iam_policy_attachment", "to_user_MUTATED", {
        "//": { metadata: { path: "dev-security/to-user" } },
        name: "to-user",
        users: ["admin"],
        policy_arn: `\${aws_iam_policy.${boundary.name}.arn}`,
      });
    },
  },

  // IAM-007 password policy
  {
    ruleId: "IAM-007",
    stack: "security",
    description: "password policy shortened to 8 characters",
    mutate: (doc) => {
      find(doc, "aws_iam_account_password_policy", atPath("password-policy/policy"), "password-policy/policy").body.minimum_password_length = 8;
    },
  },
  {
    ruleId: "IAM-007",
    stack: "security",
    description: "password policy removed",
    mutate: (doc) => deleteAll(doc, "aws_iam_account_password_policy"),
  },

  // IAM-008 service principals in resource policies
  {
    ruleId: "IAM-008",
    stack: "security",
    description: "the Config bucket lets Config read its ACL for any account (aws:SourceAccount dropped)",
    mutate: (doc) => editStatement(doc, "aws_s3_bucket_policy", "config/bucket/policy", "ConfigChecksTheBucketAcl", (s) => delete s.Condition),
  },
  {
    ruleId: "IAM-008",
    stack: "security",
    description: "the trail bucket accepts log files from any account's trail (only the ACL condition left)",
    mutate: (doc) =>
      editStatement(doc, "aws_s3_bucket_policy", "audit-trail/bucket/policy", "CloudTrailWritesThisTrailsLogFiles", (s) => {
        s.Condition = { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } };
      }),
  },
  {
    ruleId: "IAM-008",
    stack: "security",
    description: "the access-log bucket takes S3 server access logs from any account's buckets",
    mutate: (doc) => editStatement(doc, "aws_s3_bucket_policy", "buckets/access-logs-eu-west-2/policy", "S3ServerAccessLogDeliveryForThisEnvironment", (s) => delete s.Condition),
  },
  {
    ruleId: "IAM-008",
    stack: "security",
    description: "the security-alarms topic lets any account's CloudWatch alarms publish",
    mutate: (doc) => editStatement(doc, "aws_sns_topic_policy", "security-alarms/topic-policy", "AlarmsOfThisAccountPublish", (s) => delete s.Condition),
  },
  {
    ruleId: "IAM-008",
    stack: "security",
    description: "the logs key lets CloudTrail encrypt for any trail (source ARN and encryption context dropped)",
    mutate: (doc) => editStatement(doc, "aws_kms_key", "keys/logs/key", "CloudTrailEncryptsThisEnvironmentsTrail", (s) => delete s.Condition),
  },
  {
    ruleId: "KMS-006",
    stack: "security",
    description: "the trail encrypts its log files with the backup region's key",
    mutate: (doc) => {
      const backupRegionKey = find(doc, "aws_kms_key", atPath("backup-region-keys/backup/key"), "the backup region's backup key");
      find(doc, "aws_cloudtrail", atPath(TRAIL), TRAIL).body.kms_key_id = ref(backupRegionKey, "arn");
    },
  },
  {
    ruleId: "KMS-006",
    stack: "security",
    description: "the logs alias of the primary region points at the backup region's logs key",
    mutate: (doc) => {
      const backupRegionLogs = find(doc, "aws_kms_key", atPath("backup-region-keys/logs/key"), "the backup region's logs key");
      find(doc, "aws_kms_alias", atPath("keys/logs/alias"), "the logs alias").body.target_key_id = ref(backupRegionLogs, "key_id");
    },
  },
  {
    ruleId: "KMS-006",
    stack: "edge",
    description: "the CDN's WAF log group is encrypted with the DNSSEC signing key",
    mutate: (doc) => {
      const dnssec = find(doc, "aws_kms_key", atPath("zone/dnssec-key"), "the DNSSEC key");
      find(doc, "aws_cloudwatch_log_group", atPath("cdn-waf/logs/group"), "the CDN WAF log group").body.kms_key_id = ref(dnssec, "arn");
    },
  },
  // Backup-region detection (issue 19): the region holding the locked copies is watched too.
  {
    ruleId: "AUD-004",
    stack: "security",
    description: "the backup region's GuardDuty detector is removed",
    mutate: (doc) => {
      const detector = find(doc, "aws_guardduty_detector", (b) => b.provider === "aws.backup_region", "backup-region detector");
      delete doc.resource.aws_guardduty_detector[detector.name];
      for (const f of all(doc, "aws_guardduty_detector_feature").filter((f) => f.body.provider === "aws.backup_region")) delete doc.resource.aws_guardduty_detector_feature[f.name];
    },
  },
  {
    ruleId: "AUD-003",
    stack: "security",
    description: "the backup region's Config recorder is removed",
    mutate: (doc) => {
      const recorder = find(doc, "aws_config_configuration_recorder", (b) => b.provider === "aws.backup_region", "backup-region recorder");
      delete doc.resource.aws_config_configuration_recorder[recorder.name];
    },
  },
  {
    ruleId: "AUD-003",
    stack: "security",
    description: "the backup region's Config recorder records only some resource types",
    mutate: (doc) => {
      find(doc, "aws_config_configuration_recorder", (b) => b.provider === "aws.backup_region", "backup-region recorder").body.recording_group.all_supported = false;
    },
  },
  {
    ruleId: "AUD-006",
    stack: "security",
    description: "Security Hub is not enabled in the backup region",
    mutate: (doc) => {
      const hub = find(doc, "aws_securityhub_account", (b) => b.provider === "aws.backup_region", "backup-region Security Hub");
      delete doc.resource.aws_securityhub_account[hub.name];
    },
  },
  // AUD-008 Macie on every phi bucket, in both regions
  {
    ruleId: "AUD-008",
    stack: "security",
    description: "the backup region's Macie discovery job samples a tenth of the objects",
    mutate: (doc) => {
      find(doc, "aws_macie2_classification_job", (b) => b.provider === "aws.backup_region", "backup-region Macie job").body.sampling_percentage = 10;
    },
  },
  {
    ruleId: "AUD-008",
    stack: "security",
    description: "the primary region's Macie job selects operational buckets instead of phi ones",
    mutate: (doc) => {
      const job = find(doc, "aws_macie2_classification_job", (b) => b.provider === undefined, "primary Macie job").body;
      job.s3_job_definition.bucket_criteria.includes.and[0].tag_criterion.tag_values[0].value = "operational";
    },
  },
  {
    ruleId: "AUD-008",
    stack: "security",
    description: "high-severity Macie findings no longer reach the security topic",
    mutate: (doc) => {
      const target = find(doc, "aws_cloudwatch_event_target", atPath("threat-detection/macie-high-findings-to-security-team"), "macie target");
      delete doc.resource.aws_cloudwatch_event_target[target.name];
    },
  },
  {
    ruleId: "AUD-008",
    stack: "security",
    description: "Macie is paused in the backup region",
    mutate: (doc) => {
      find(doc, "aws_macie2_account", (b) => b.provider === "aws.backup_region", "backup-region Macie").body.status = "PAUSED";
    },
  },
];
