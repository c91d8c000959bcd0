import { MedicareStack } from "../core/medicare-stack";

/**
 * The trail's name and ARN, in one place: the logs key policy (keys.ts), the audit bucket
 * policy and the trail's CloudWatch Logs role name the trail before it exists.
 */
export function trailName(stack: MedicareStack): string {
  return stack.resourceName("trail");
}

/** A multi-region trail's ARN names its home region. */
export function trailArn(stack: MedicareStack): string {
  return `arn:aws:cloudtrail:${stack.region}:${stack.accountId}:trail/${trailName(stack)}`;
}

/** Short name of the CloudTrail bucket (`medicare-<env>-audit-trail-<account>`). */
export const AUDIT_TRAIL_BUCKET = "audit-trail";

/** Short name of the AWS Config delivery bucket (`medicare-<env>-config-history-<account>`). */
export const CONFIG_HISTORY_BUCKET = "config-history";

/**
 * Short names of the buckets that hold patient data or exports of it. The trail records
 * every object read and write on them (S3 data events); they live in later stacks (the data
 * stack's `export`, with its `export-replica`), so the trail selects them by name prefix
 * rather than by reference. A Jest test checks that every `phi` bucket of every stack is
 * covered, so a new patient-data bucket must be named here.
 */
export const PATIENT_DATA_BUCKETS: readonly string[] = ["export", "patient-data"];

/** ARN prefixes (`arn:aws:s3:::medicare-<env>-<name>-`) that select the patient-data buckets. */
export function patientDataBucketArnPrefixes(stack: MedicareStack): string[] {
  return PATIENT_DATA_BUCKETS.map((name) => `arn:aws:s3:::${stack.resourceName(name)}-`);
}
