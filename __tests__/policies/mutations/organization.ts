import { PolicyMutation, addPersonaRole, addResource, all, atPath, deleteAll, find, ref, tagged } from "./kit";

/** Edits the statements of the SCP `name` (its construct is `scp-<name>`). */
function editScp(doc: any, name: string, edit: (statements: any[]) => any[]): void {
  const policy = find(doc, "aws_organizations_policy", atPath(`scp-${name}`), `scp-${name}`).body;
  const content = JSON.parse(policy.content);
  content.Statement = edit(content.Statement);
  policy.content = JSON.stringify(content);
}

/** Removes the attachments of SCP `name` to `target` (root, security, infrastructure, workloads). */
function detach(doc: any, name: string, target: string): void {
  const attachment = find(doc, "aws_organizations_policy_attachment", atPath(`scp-${name}-on-${target}`), `scp-${name}-on-${target}`);
  delete doc.resource.aws_organizations_policy_attachment[attachment.name];
}

/** The permission set of `persona` in the organization stack. */
const permissionSet = (doc: any, persona: string) => find(doc, "aws_ssoadmin_permission_set", tagged("persona", persona), `permission set of ${persona}`);

/** The resource of `type` that refers to the permission set of `persona`. */
function ofPermissionSet(doc: any, type: string, persona: string) {
  const set = permissionSet(doc, persona);
  return find(doc, type, (b) => b.permission_set_arn === ref(set, "arn"), `${type} of ${persona}`);
}

/** Mutations of the organization stack's guardrails (issue 19). */
export const ORGANIZATION_MUTATIONS: readonly PolicyMutation[] = [
  // ORG-001 guardrails
  {
    ruleId: "ORG-001",
    stack: "organization",
    description: "the leave-the-organization SCP is detached from the root",
    mutate: (doc) => detach(doc, "deny-leaving-organization", "root"),
  },
  {
    ruleId: "ORG-001",
    stack: "organization",
    description: "the audit SCP exempts every role, not only the deployment role",
    mutate: (doc) =>
      editScp(doc, "protect-audit-and-detection", (s) =>
        s.map((st) => (st.Sid === "DenyStoppingOrChangingAuditAndDetection" ? { ...st, Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } } } : st)),
      ),
  },
  {
    ruleId: "ORG-001",
    stack: "organization",
    description: "the audit SCP no longer denies cloudtrail:StopLogging",
    mutate: (doc) =>
      editScp(doc, "protect-audit-and-detection", (s) => s.map((st) => ({ ...st, Action: [].concat(st.Action).filter((a: string) => a !== "cloudtrail:StopLogging") }))),
  },
  {
    ruleId: "ORG-001",
    stack: "organization",
    description: "the boundary statement is narrowed to one policy that is not a boundary",
    mutate: (doc) =>
      editScp(doc, "protect-audit-and-detection", (s) =>
        s.map((st) => (st.Sid === "DenyChangingThePlatformsBoundaries" ? { ...st, Resource: "arn:aws:iam::*:policy/unused" } : st)),
      ),
  },
  {
    ruleId: "ORG-001",
    stack: "organization",
    description: "the IAM users SCP exempts the deployment role",
    mutate: (doc) => editScp(doc, "deny-iam-users", (s) => s.map((st) => ({ ...st, Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/medicare-deployment" } } }))),
  },
  {
    ruleId: "ORG-001",
    stack: "organization",
    description: "the S3 public access block SCP is deleted with its attachments",
    mutate: (doc) => {
      for (const target of ["security", "infrastructure", "workloads"]) detach(doc, "protect-s3-public-access-block", target);
      delete doc.resource.aws_organizations_policy[find(doc, "aws_organizations_policy", atPath("scp-protect-s3-public-access-block"), "scp").name];
    },
  },
  {
    ruleId: "ORG-001",
    stack: "organization",
    description: "the KMS SCP is detached from the workloads OU (prod and dev may delete keys)",
    mutate: (doc) => detach(doc, "protect-kms-keys", "workloads"),
  },
  {
    ruleId: "ORG-001",
    stack: "organization",
    description: "the KMS SCP also exempts anyone tagged as an admin",
    mutate: (doc) =>
      editScp(doc, "protect-kms-keys", (s) => s.map((st) => ({ ...st, Condition: { ...st.Condition, StringNotEquals: { "aws:PrincipalTag/role": "admin" } } }))),
  },
  {
    ruleId: "ORG-001",
    stack: "organization",
    description: "every SCP removed",
    mutate: (doc) => {
      deleteAll(doc, "aws_organizations_policy");
      deleteAll(doc, "aws_organizations_policy_attachment");
    },
  },
  // ORG-002 root user
  {
    ruleId: "ORG-002",
    stack: "organization",
    description: "the root-user SCP denies only IAM",
    mutate: (doc) => editScp(doc, "deny-root-user", (s) => s.map((st) => ({ ...st, Action: "iam:*" }))),
  },
  {
    ruleId: "ORG-002",
    stack: "organization",
    description: "the root-user SCP names one account's root instead of every account's",
    mutate: (doc) => editScp(doc, "deny-root-user", (s) => s.map((st) => ({ ...st, Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:root" } } }))),
  },
  // ORG-003 regions
  {
    ruleId: "ORG-003",
    stack: "organization",
    description: "the region SCP exempts S3 and EC2 as if they were global",
    mutate: (doc) => editScp(doc, "deny-other-regions", (s) => s.map((st) => ({ ...st, NotAction: [...st.NotAction, "s3:*", "ec2:*"] }))),
  },
  {
    ruleId: "ORG-003",
    stack: "organization",
    description: "the region SCP allows every EU region by wildcard",
    mutate: (doc) => editScp(doc, "deny-other-regions", (s) => s.map((st) => ({ ...st, Condition: { StringNotLike: { "aws:RequestedRegion": ["eu-*", "us-east-1"] } } }))),
  },
  {
    ruleId: "ORG-003",
    stack: "organization",
    description: "the region SCP is detached from the infrastructure OU",
    mutate: (doc) => detach(doc, "deny-other-regions", "infrastructure"),
  },
  // ORG-004 size
  {
    ruleId: "ORG-004",
    stack: "organization",
    description: "the audit SCP grows past 5,120 characters",
    mutate: (doc) =>
      editScp(doc, "protect-audit-and-detection", (s) => [...s, { Sid: "Padding", Effect: "Deny", Action: Array.from({ length: 120 }, (_, i) => `cloudtrail:Padding${i}Action`), Resource: "*" }]),
  },
  // ORG-005 delegated administration
  {
    ruleId: "ORG-005",
    stack: "organization",
    description: "the backup region loses its GuardDuty delegated administrator",
    mutate: (doc) => {
      const admin = find(doc, "aws_guardduty_organization_admin_account", (b) => b.provider !== undefined, "backup-region GuardDuty admin");
      delete doc.resource.aws_guardduty_organization_admin_account[admin.name];
    },
  },
  {
    ruleId: "ORG-005",
    stack: "organization",
    description: "Macie is administered from the management account in the home region",
    mutate: (doc) => {
      find(doc, "aws_macie2_organization_admin_account", (b) => (b.provider ?? "aws") === "aws", "home-region Macie admin").body.admin_account_id = "444444444444";
    },
  },
  {
    ruleId: "ORG-005",
    stack: "organization",
    description: "Config's aggregation is no longer delegated to the security account",
    mutate: (doc) => {
      const config = find(doc, "aws_organizations_delegated_administrator", (b) => b.service_principal === "config.amazonaws.com", "config delegation");
      delete doc.resource.aws_organizations_delegated_administrator[config.name];
    },
  },
  // ORG-006 the security account's organization-wide detection
  {
    ruleId: "ORG-006",
    stack: "organization-detection",
    description: "GuardDuty auto-enables only new accounts in the backup region",
    mutate: (doc) => {
      find(doc, "aws_guardduty_organization_configuration", (b) => b.provider !== undefined, "backup-region GuardDuty configuration").body.auto_enable_organization_members = "NEW";
    },
  },
  {
    ruleId: "ORG-006",
    stack: "organization-detection",
    description: "malware protection is no longer auto-enabled for member accounts",
    mutate: (doc) => {
      for (const f of all(doc, "aws_guardduty_organization_configuration_feature").filter((f) => f.body.name === "EBS_MALWARE_PROTECTION")) f.body.auto_enable = "NONE";
    },
  },
  {
    ruleId: "ORG-006",
    stack: "organization-detection",
    description: "the finding aggregator no longer links the backup region",
    mutate: (doc) => {
      find(doc, "aws_securityhub_finding_aggregator", () => true, "aggregator").body.specified_regions = ["eu-central-1"];
    },
  },
  {
    ruleId: "ORG-006",
    stack: "organization-detection",
    description: "Macie stops enabling new accounts in the backup region",
    mutate: (doc) => {
      const macie = find(doc, "aws_macie2_organization_configuration", (b) => b.provider !== undefined, "backup-region Macie configuration");
      delete doc.resource.aws_macie2_organization_configuration[macie.name];
    },
  },
  {
    ruleId: "ORG-006",
    stack: "organization-detection",
    description: "Inspector stops scanning Lambda code of new accounts",
    mutate: (doc) => {
      for (const c of all(doc, "aws_inspector2_organization_configuration")) c.body.auto_enable.lambda_code = false;
    },
  },
  {
    ruleId: "ORG-006",
    stack: "organization-detection",
    description: "the Config aggregator covers one region only",
    mutate: (doc) => {
      const source = find(doc, "aws_config_configuration_aggregator", () => true, "aggregator").body.organization_aggregation_source;
      source.all_regions = false;
      source.regions = ["eu-west-2"];
    },
  },
  // The security account's own findings reach the security team (DET-002, DET-007)
  {
    ruleId: "DET-002",
    stack: "organization-detection",
    description: "the backup region's high-severity GuardDuty rule loses its target: the security account's findings there reach nobody",
    mutate: (doc) => {
      const target = find(doc, "aws_cloudwatch_event_target", atPath("guardduty-high-findings-to-security-team-eu-west-1"), "backup-region GuardDuty target");
      delete doc.resource.aws_cloudwatch_event_target[target.name];
    },
  },
  {
    ruleId: "DET-002",
    stack: "organization-detection",
    description: "the home region's GuardDuty rule passes findings from severity 9 up only",
    mutate: (doc) => {
      const rule = find(doc, "aws_cloudwatch_event_rule", atPath("guardduty-high-findings-eu-west-2"), "home-region GuardDuty rule").body;
      const pattern = JSON.parse(rule.event_pattern);
      pattern.detail.severity = [{ numeric: [">=", 9] }];
      rule.event_pattern = JSON.stringify(pattern);
    },
  },
  {
    ruleId: "DET-007",
    stack: "organization-detection",
    description: "the security account's alert topic is subscribed by an address the organization config does not name",
    mutate: (doc) => {
      find(doc, "aws_sns_topic_subscription", atPath("security-alerts-eu-west-2/security-team"), "home-region alert subscription").body.endpoint = "someone@elsewhere.example";
    },
  },

  // ORG-007: each persona is its own permission set; no two personas share a principal
  {
    ruleId: "ORG-007",
    stack: "organization",
    description: "the IT-support permission set's session lengthened to a working day",
    mutate: (doc) => (permissionSet(doc, "it-support").body.session_duration = "PT8H"),
  },
  {
    ruleId: "ORG-007",
    stack: "organization",
    description: "the care providers' group is also given the super-admin permission set in prod (one principal, two personas)",
    mutate: (doc) => {
      const careProviders = ofPermissionSet(doc, "aws_ssoadmin_account_assignment", "care-provider").body;
      const superAdmin = find(doc, "aws_ssoadmin_account_assignment", (b) => b.permission_set_arn === ref(permissionSet(doc, "super-admin"), "arn") && b.target_id === "222222222222", "super-admin in prod");
      superAdmin.body.principal_id = careProviders.principal_id;
    },
  },
  {
    ruleId: "ORG-007",
    stack: "organization",
    description: "AdministratorAccess attached to the IT-support permission set (the same grant in every account)",
    mutate: (doc) =>
      addResource(doc, "aws_ssoadmin_managed_policy_attachment", "it_support_admin", {
        "//": { metadata: { path: "organization/identity-center/it-support-admin" } },
        instance_arn: permissionSet(doc, "it-support").body.instance_arn,
        permission_set_arn: ref(permissionSet(doc, "it-support"), "arn"),
        managed_policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess",
      }),
  },
  {
    ruleId: "ORG-007",
    stack: "organization",
    description: "the DBA permission set loses its permissions boundary",
    mutate: (doc) => delete doc.resource.aws_ssoadmin_permissions_boundary_attachment[ofPermissionSet(doc, "aws_ssoadmin_permissions_boundary_attachment", "database-administrator").name],
  },
  {
    ruleId: "ORG-007",
    stack: "organization",
    description: "the super-admin permission set refers to the security team's policy instead of its own",
    mutate: (doc) => (ofPermissionSet(doc, "aws_ssoadmin_customer_managed_policy_attachment", "super-admin").body.customer_managed_policy_reference.name = "medicare-persona-security-team"),
  },
  {
    ruleId: "ORG-007",
    stack: "organization",
    description: "a second permission set for the care provider, assigned to a user directly",
    mutate: (doc) => {
      const original = permissionSet(doc, "care-provider").body;
      addResource(doc, "aws_ssoadmin_permission_set", "care_provider_extra", { ...original, name: "medicare-care-provider-2" });
      addResource(doc, "aws_ssoadmin_account_assignment", "care_provider_extra_user", {
        instance_arn: original.instance_arn,
        permission_set_arn: "${aws_ssoadmin_permission_set.care_provider_extra.arn}",
        principal_type: "USER",
        principal_id: "90000000-0000-0000-0000-000000000001",
        target_type: "AWS_ACCOUNT",
        target_id: "222222222222",
      });
    },
  },
  {
    ruleId: "ORG-007",
    stack: "security",
    description: "the one shared identity principal brought back: two persona roles both trusting the identity account",
    mutate: (doc) => {
      addPersonaRole(doc, "care-provider");
      addPersonaRole(doc, "database-administrator", (s) => (s.Principal.AWS = ["arn:aws:iam::333333333333:role/people"]));
    },
  },
];
