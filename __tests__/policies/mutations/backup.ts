import { PolicyMutation, atPath, find, member, policyOf } from "./kit";

const copyVault = (doc: any) => find(doc, "aws_backup_vault", atPath("backup/copy-vault"), "backup/copy-vault");
const lock = (doc: any, id: "vault-lock" | "copy-vault-lock") =>
  find(doc, "aws_backup_vault_lock_configuration", atPath(`backup/${id}`), `backup/${id}`);
const vaultPolicy = (doc: any) => find(doc, "aws_backup_vault_policy", atPath("backup/vault-policy"), "backup/vault-policy");
const selection = (doc: any, id: "aurora" | "app-tier-volumes") =>
  find(doc, "aws_backup_selection", atPath(`backup/${id}`), `backup/${id}`);

/** The plan's rule named `name`; throws when the plan has none. */
function planRule(doc: any, name: string): any {
  const plan = find(doc, "aws_backup_plan", atPath("backup/plan"), "backup/plan");
  return member(plan.body.rule as any[], (r) => r.rule_name === name, `backup plan rule ${name}`);
}

/** Mutations for the AWS Backup rules (BAK-xxx). */
export const BACKUP_MUTATIONS: readonly PolicyMutation[] = [
  // BAK-001 Aurora and EBS in a selection
  {
    ruleId: "BAK-001",
    stack: "data",
    description: "the Aurora cluster is taken out of its backup selection",
    mutate: (doc) => {
      selection(doc, "aurora").body.resources = [];
    },
  },
  {
    ruleId: "BAK-001",
    stack: "data",
    description: "the Aurora selection names the cluster's id instead of its ARN (selects nothing)",
    mutate: (doc) => {
      const body = selection(doc, "aurora").body;
      body.resources = (body.resources as string[]).map((r) => r.replace(/\.arn\}$/, ".id}"));
    },
  },
  {
    ruleId: "BAK-001",
    stack: "data",
    description: "the app-tier volume selection is removed",
    mutate: (doc) => {
      delete doc.resource.aws_backup_selection[selection(doc, "app-tier-volumes").name];
    },
  },
  {
    ruleId: "BAK-001",
    stack: "data",
    description: "the tag condition of the volume selection is applied to instances instead of volumes",
    mutate: (doc) => {
      const body = selection(doc, "app-tier-volumes").body;
      body.resources = (body.resources as string[]).map((r) => r.replace(":volume/", ":instance/"));
    },
  },

  // BAK-002 vault CMK and compliance-mode lock
  {
    ruleId: "BAK-002",
    stack: "data",
    description: "the primary vault's lock is removed",
    mutate: (doc) => {
      delete doc.resource.aws_backup_vault_lock_configuration[lock(doc, "vault-lock").name];
    },
  },
  {
    ruleId: "BAK-002",
    stack: "data",
    description: "the copy vault has no kms_key_arn (AWS-managed default key)",
    mutate: (doc) => {
      delete copyVault(doc).body.kms_key_arn;
    },
  },
  {
    ruleId: "BAK-002",
    stack: "data",
    description: "the primary vault lock drops changeable_for_days (governance mode, removable)",
    mutate: (doc) => {
      delete lock(doc, "vault-lock").body.changeable_for_days;
    },
  },
  {
    ruleId: "BAK-002",
    stack: "data",
    description: "the copy vault lock allows recovery points kept only 7 days",
    mutate: (doc) => {
      lock(doc, "copy-vault-lock").body.min_retention_days = 7;
    },
  },
  {
    ruleId: "BAK-002",
    stack: "data",
    description: "the copy vault's lock runs on the primary-region provider (locks nothing in the backup region)",
    mutate: (doc) => {
      delete lock(doc, "copy-vault-lock").body.provider;
    },
  },

  // BAK-003 daily rule, >= 35 days, cross-region copy
  {
    ruleId: "BAK-003",
    stack: "data",
    description: "the daily rule keeps recovery points 7 days",
    mutate: (doc) => {
      planRule(doc, "daily").lifecycle.delete_after = 7;
    },
  },
  {
    ruleId: "BAK-003",
    stack: "data",
    description: "the daily rule's copy_action to the backup region is removed",
    mutate: (doc) => {
      delete planRule(doc, "daily").copy_action;
    },
  },
  {
    ruleId: "BAK-003",
    stack: "data",
    description: "the daily rule becomes weekly",
    mutate: (doc) => {
      planRule(doc, "daily").schedule = "cron(30 3 ? * MON *)";
    },
  },
  {
    ruleId: "BAK-003",
    stack: "data",
    description: "the copy vault is created in the primary region (provider alias dropped)",
    mutate: (doc) => {
      delete copyVault(doc).body.provider;
    },
  },

  // BAK-004 vault policy denies manual deletion
  {
    ruleId: "BAK-004",
    stack: "data",
    description: "the primary vault's access policy is removed",
    mutate: (doc) => {
      delete doc.resource.aws_backup_vault_policy[vaultPolicy(doc).name];
    },
  },
  {
    ruleId: "BAK-004",
    stack: "data",
    description: "the vault policy's Deny no longer covers UpdateRecoveryPointLifecycle",
    mutate: (doc) => {
      const body = vaultPolicy(doc).body;
      const policy = policyOf(body);
      for (const statement of policy.Statement) {
        statement.Action = statement.Action.filter((a: string) => a !== "backup:UpdateRecoveryPointLifecycle");
      }
      body.policy = JSON.stringify(policy);
    },
  },
  {
    ruleId: "BAK-004",
    stack: "data",
    description: "the vault policy's Deny gains a condition that exempts a principal tag",
    mutate: (doc) => {
      const body = vaultPolicy(doc).body;
      const policy = policyOf(body);
      for (const statement of policy.Statement) statement.Condition = { StringNotEquals: { "aws:PrincipalTag/team": "ops" } };
      body.policy = JSON.stringify(policy);
    },
  },
];
