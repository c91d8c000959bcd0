import { atPath, find, PolicyMutation, ref } from "./kit";

/** Mutations for WIR-001: a reference a component owns moved to another component's resource, every value left as it was. */
export const WIRING_MUTATIONS: readonly PolicyMutation[] = [
  {
    ruleId: "WIR-001",
    stack: "campaign",
    description: "form-publish's S3 egress rule moved onto the internet-facing form-submit function's security group (a path its code never uses)",
    mutate: (doc) => {
      const submitGroup = find(doc, "aws_security_group", atPath("functions/form-submit/security-group"), "form-submit's group");
      find(doc, "aws_vpc_security_group_egress_rule", atPath("functions/form-publish/egress-2"), "form-publish's S3 egress").body.security_group_id = ref(submitGroup, "id");
    },
  },
  {
    ruleId: "WIR-001",
    stack: "data",
    description: "the export bucket's lifecycle put on its replica (the export bucket keeps every object; the replica gets the source's rules)",
    mutate: (doc) => {
      const replica = find(doc, "aws_s3_bucket", atPath("daily-export/bucket/replica/bucket"), "the export replica");
      find(doc, "aws_s3_bucket_lifecycle_configuration", atPath("daily-export/bucket/lifecycle"), "the export lifecycle").body.bucket = ref(replica, "id");
    },
  },
  {
    ruleId: "WIR-001",
    stack: "security",
    description: "the backup region's recorder status started on the primary region's recorder (the backup region records nothing)",
    mutate: (doc) => {
      const primary = find(doc, "aws_config_configuration_recorder", atPath("config/recorder"), "the primary recorder");
      find(doc, "aws_config_configuration_recorder_status", atPath("config/recording-eu-west-1"), "the backup region's status").body.name = ref(primary, "name");
    },
  },
  {
    ruleId: "WIR-001",
    stack: "campaign",
    description: "the migration function logs into the public API's WAF log group (its errors reach the WAF's metric filters, not its own)",
    mutate: (doc) => {
      const wafLogs = find(doc, "aws_cloudwatch_log_group", atPath("api-waf/logs/group"), "the API WAF's log group");
      const migrate = find(doc, "aws_lambda_function", atPath("functions/db-migrate/function"), "the migration function").body;
      migrate.logging_config.log_group = ref(wafLogs, "name");
    },
  },
];
