import { PolicyMutation, addResource, all, atPath, find, pathEndsWith, ref } from "./kit";

const TRAIL = "audit-trail/trail";
const trail = (doc: any) => find(doc, "aws_cloudtrail", atPath(TRAIL), TRAIL).body;
const alarm = (doc: any, monitor: string) => find(doc, "aws_cloudwatch_metric_alarm", pathEndsWith(`${monitor}-alarm`), `${monitor}-alarm`).body;
const BACKUP_FORWARD = "threat-detection-backup-region/guardduty-high-findings-to-primary-region";
const backupForward = (doc: any) => find(doc, "aws_cloudwatch_event_target", atPath(BACKUP_FORWARD), BACKUP_FORWARD);
const recorder = (doc: any, path: string) => find(doc, "aws_config_configuration_recorder", atPath(path), path).body;
const securityTopic = (doc: any) => find(doc, "aws_sns_topic", atPath("security-alarms/topic"), "security-alarms/topic");

/** Mutations of the detection paths (DET-xxx): a link missing, switched off, out of bounds or pointing elsewhere. */
export const DETECTION_MUTATIONS: readonly PolicyMutation[] = [
  // DET-001 CloudTrail -> log group -> filters -> alarms -> topic -> subscription
  {
    ruleId: "DET-001",
    stack: "security",
    description: "trail stops recording KMS management events (eventSource not_equals kms.amazonaws.com)",
    mutate: (doc) => {
      const selector = trail(doc).advanced_event_selector.find((s: any) => JSON.stringify(s).includes("Management"));
      selector.field_selector.push({ field: "eventSource", not_equals: ["kms.amazonaws.com"] });
    },
  },
  {
    ruleId: "DET-001",
    stack: "security",
    description: "trail records only writes on the patient-data buckets (readOnly false)",
    mutate: (doc) => {
      const selector = trail(doc).advanced_event_selector.find((s: any) => JSON.stringify(s).includes("AWS::S3::Object"));
      selector.field_selector.push({ field: "readOnly", equals: ["false"] });
    },
  },
  {
    ruleId: "DET-001",
    stack: "security",
    description: "trail's data events narrowed to the export bucket (patient-data prefix dropped)",
    mutate: (doc) => {
      const selector = trail(doc).advanced_event_selector.find((s: any) => JSON.stringify(s).includes("AWS::S3::Object"));
      const arn = selector.field_selector.find((f: any) => f.field === "resources.ARN");
      arn.starts_with = arn.starts_with.filter((p: string) => !p.includes("patient-data"));
    },
  },
  {
    ruleId: "DET-001",
    stack: "security",
    description: "the trail's log group moved to the INFREQUENT_ACCESS class (metric filters stop working)",
    mutate: (doc) => {
      find(doc, "aws_cloudwatch_log_group", atPath("audit-trail/log-group/group"), "audit-trail/log-group/group").body.log_group_class = "INFREQUENT_ACCESS";
    },
  },
  {
    ruleId: "DET-001",
    stack: "security",
    description: "the root-use alarm needs 10 events before it fires",
    mutate: (doc) => {
      alarm(doc, "root-account-use").threshold = 10;
    },
  },
  {
    ruleId: "DET-001",
    stack: "security",
    description: "the security topic's only subscription moved to an address the config does not name",
    mutate: (doc) => {
      find(doc, "aws_sns_topic_subscription", atPath("security-alarms/security-team"), "security-alarms/security-team").body.endpoint = "someone-else@example.org";
    },
  },
  {
    ruleId: "DET-001",
    stack: "security",
    description: "the IAM-change alarm notifies a topic in another account",
    mutate: (doc) => {
      alarm(doc, "iam-policy-changes").alarm_actions = ["arn:aws:sns:eu-west-2:999999999999:quiet"];
    },
  },

  // DET-002 GuardDuty -> rule -> target -> topic
  {
    ruleId: "DET-002",
    stack: "security",
    description: "a GuardDuty filter auto-archives every finding",
    mutate: (doc) => {
      const detector = all(doc, "aws_guardduty_detector")[0];
      addResource(doc, "aws_guardduty_filter", "archive_all", { detector_id: ref(detector, "id"), name: "archive-all", action: "ARCHIVE", rank: 1, finding_criteria: { criterion: [{ field: "severity", greater_than_or_equal: "0" }] } });
    },
  },
  {
    ruleId: "DET-002",
    stack: "security",
    description: "the finding rule is disabled",
    mutate: (doc) => {
      find(doc, "aws_cloudwatch_event_rule", pathEndsWith("guardduty-high-findings"), "guardduty-high-findings").body.state = "DISABLED";
    },
  },
  {
    ruleId: "DET-002",
    stack: "security",
    description: "the finding rule passes only critical findings (severity >= 9)",
    mutate: (doc) => {
      const rule = find(doc, "aws_cloudwatch_event_rule", pathEndsWith("guardduty-high-findings"), "guardduty-high-findings").body;
      const pattern = JSON.parse(rule.event_pattern);
      pattern.detail.severity = [{ numeric: [">=", 9] }];
      rule.event_pattern = JSON.stringify(pattern);
    },
  },
  {
    ruleId: "DET-002",
    stack: "security",
    description: "runtime monitoring's EC2 agent management disabled",
    mutate: (doc) => {
      find(doc, "aws_guardduty_detector_feature", (b) => b.name === "RUNTIME_MONITORING", "RUNTIME_MONITORING").body.additional_configuration = [{ name: "EC2_AGENT_MANAGEMENT", status: "DISABLED" }];
    },
  },
  // The backup region's findings: its rule -> the primary region's default bus -> the primary rule of the same pattern
  {
    ruleId: "DET-002",
    stack: "security",
    description: "the backup region's GuardDuty forward loses its role (EventBridge cannot put the findings on the primary bus)",
    mutate: (doc) => {
      delete backupForward(doc).body.role_arn;
    },
  },
  {
    ruleId: "DET-002",
    stack: "security",
    description: "the backup region's GuardDuty forward points at its own region's default bus (a loop, no topic)",
    mutate: (doc) => {
      const target = backupForward(doc).body;
      target.arn = target.arn.replace(/:events:[a-z0-9-]+:/, ":events:eu-west-1:");
    },
  },
  {
    ruleId: "DET-002",
    stack: "security",
    description: "the backup region's GuardDuty rule and its forward deleted (the primary region's rule stays)",
    mutate: (doc) => {
      const target = backupForward(doc);
      const rule = target.body.rule.match(/aws_cloudwatch_event_rule\.([^.]+)\./)[1];
      delete doc.resource.aws_cloudwatch_event_target[target.name];
      delete doc.resource.aws_cloudwatch_event_rule[rule];
    },
  },

  // DET-003 Security Hub
  {
    ruleId: "DET-003",
    stack: "security",
    description: "a CIS control disabled (IAM.6, hardware MFA for root)",
    mutate: (doc) => {
      const standard = find(doc, "aws_securityhub_standards_subscription", pathEndsWith("standard-cis"), "standard-cis");
      addResource(doc, "aws_securityhub_standards_control", "iam_6", { standards_control_arn: "arn:aws:securityhub:eu-west-2:111111111111:control/cis-aws-foundations-benchmark/v/3.0.0/IAM.6", control_status: "DISABLED", disabled_reason: "noisy", depends_on: [`${standard.type}.${standard.name}`] });
    },
  },

  // DET-004 Config
  {
    ruleId: "DET-004",
    stack: "security",
    description: "Config records daily instead of continuously",
    mutate: (doc) => {
      all(doc, "aws_config_configuration_recorder")[0].body.recording_mode = { recording_frequency: "DAILY" };
    },
  },
  {
    ruleId: "DET-004",
    stack: "security",
    description: "a HIPAA managed rule (VPC flow logs) dropped",
    mutate: (doc) => {
      const rule = find(doc, "aws_config_config_rule", (b) => b.source?.source_identifier === "VPC_FLOW_LOGS_ENABLED", "VPC_FLOW_LOGS_ENABLED");
      delete doc.resource.aws_config_config_rule[rule.name];
    },
  },
  {
    ruleId: "DET-004",
    stack: "security",
    description: "Config keeps items for 30 days",
    mutate: (doc) => {
      all(doc, "aws_config_retention_configuration")[0].body.retention_period_in_days = 30;
    },
  },
  {
    ruleId: "DET-004",
    stack: "security",
    description: "the backup region's recorder records the global types too (duplicated in two regions)",
    mutate: (doc) => {
      recorder(doc, "config/recorder-eu-west-1").recording_group.include_global_resource_types = true;
    },
  },
  {
    ruleId: "DET-004",
    stack: "security",
    description: "the primary recorder stops recording the global types (IAM recorded nowhere)",
    mutate: (doc) => {
      recorder(doc, "config/recorder").recording_group.include_global_resource_types = false;
    },
  },

  // DET-005 log sources
  {
    ruleId: "DET-005",
    stack: "network",
    description: "VPN tunnel 2 logs switched off",
    mutate: (doc) => {
      all(doc, "aws_vpn_connection")[0].body.tunnel2_log_options.cloudwatch_log_options.log_enabled = false;
    },
  },
  {
    ruleId: "DET-005",
    stack: "network",
    description: "Resolver query log association removed",
    mutate: (doc) => {
      delete doc.resource.aws_route53_resolver_query_log_config_association;
    },
  },
  {
    ruleId: "DET-005",
    stack: "edge",
    description: "the public zone's query log removed",
    mutate: (doc) => {
      delete doc.resource.aws_route53_query_log;
    },
  },

  // DET-006 WAF log content
  {
    ruleId: "DET-006",
    stack: "campaign",
    description: "API WAF logging filter drops everything",
    mutate: (doc) => {
      all(doc, "aws_wafv2_web_acl_logging_configuration")[0].body.logging_filter = { default_behavior: "DROP", filter: [{ behavior: "DROP", requirement: "MEETS_ANY", condition: [{ action_condition: { action: "ALLOW" } }] }] };
    },
  },
  {
    ruleId: "DET-006",
    stack: "campaign",
    description: "API WAF logs stop redacting the URI path (invitation tokens in the log)",
    mutate: (doc) => {
      const logging = all(doc, "aws_wafv2_web_acl_logging_configuration")[0].body;
      logging.redacted_fields = logging.redacted_fields.filter((f: any) => !("uri_path" in f));
    },
  },

  // DET-007 every alarm reaches a person
  {
    ruleId: "DET-007",
    stack: "campaign",
    description: "the operations topic's subscription removed",
    mutate: (doc) => {
      const sub = find(doc, "aws_sns_topic_subscription", pathEndsWith("operations-topic/email"), "operations-topic/email");
      delete doc.resource.aws_sns_topic_subscription[sub.name];
    },
  },
  {
    ruleId: "DET-007",
    stack: "campaign",
    description: "a function error alarm with actions disabled",
    mutate: (doc) => {
      find(doc, "aws_cloudwatch_metric_alarm", (b) => b.metric_name === "Errors", "Errors alarm").body.actions_enabled = false;
    },
  },
  {
    ruleId: "DET-007",
    stack: "security",
    description: "an https subscription to an unnamed endpoint added to the security topic",
    mutate: (doc) => {
      addResource(doc, "aws_sns_topic_subscription", "hook", { protocol: "https", endpoint: "https://hooks.example.org/x", topic_arn: ref(securityTopic(doc), "arn") });
    },
  },
  {
    ruleId: "DET-007",
    stack: "data",
    description: "a data-stack alarm ignores missing data (stays in ALARM, no new notification)",
    mutate: (doc) => {
      all(doc, "aws_cloudwatch_metric_alarm")[0].body.treat_missing_data = "ignore";
    },
  },
];
