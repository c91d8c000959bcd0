/**
 * The action wildcards an Allow statement may use, each with why the pattern is named rather
 * than its actions. Anything else with `*` or `?` in an allowed action fails at synth
 * (policyJson), in Jest and in IAM-001: a verb wildcard (`s3:Get*`, `ec2:Delete*`) grants
 * every action AWS adds under it later. The actions each pattern matches today are written to
 * policies/data/action_wildcards.json from a pinned copy of the Service Authorization
 * Reference (scripts/platform/gen-action-wildcards.ts), so a reviewer sees what it grants and a
 * new action under a pattern shows up as a diff.
 */
export const ACTION_WILDCARDS: Readonly<Record<string, string>> = {
  "kms:Encrypt*": "CloudWatch Logs' key-policy statement as AWS documents it (Encrypt only; scoped by the log-group encryption context)",
  "kms:Decrypt*": "CloudWatch Logs' key-policy statement as AWS documents it (Decrypt only; scoped by the log-group encryption context)",
  "kms:ReEncrypt*": "ReEncryptFrom and ReEncryptTo together: re-encryption under the same key, which services call in pairs",
  "kms:GenerateDataKey*": "the data-key calls services choose between (with and without plaintext); only in statements scoped to one key",
  "kms:Describe*": "key administration in a key policy (this key only): DescribeKey and custom key stores",
  "kms:Enable*": "key administration in a key policy (this key only)",
  "kms:Disable*": "key administration in a key policy (this key only); audit tampering is denied by the boundaries (IAM-010)",
  "kms:List*": "key administration in a key policy (this key only)",
  "kms:Get*": "key administration in a key policy (this key only)",
  "kms:Put*": "key administration in a key policy (this key only); PutKeyPolicy is denied to people by the boundaries (IAM-010)",
  "kms:Update*": "key administration in a key policy (this key only)",
  "kms:Revoke*": "key administration in a key policy (this key only): revoking grants",
  "kms:Delete*": "key administration in a key policy (this key only): aliases and imported material; ScheduleKeyDeletion is separate and denied to people",
  "s3:GetObject*": "the RDS export task's documented S3 permissions, on the export prefix only",
  "s3:PutObject*": "the RDS export task's documented S3 permissions, on the export prefix only",
  "s3:DeleteObject*": "the RDS export task's documented S3 permissions, on the export prefix only",
};

/** True when an action names a pattern (`*` or `?`) that is neither listed nor a whole-service wildcard (IAM-001's own case). */
export function unlistedWildcard(action: string): boolean {
  return /[*?]/.test(action) && action !== "*" && !/^[A-Za-z0-9-]+:\*$/.test(action) && !(action in ACTION_WILDCARDS);
}
