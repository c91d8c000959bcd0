import { MedicareStack } from "../core/medicare-stack";

/**
 * Bucket names, in one place: the logs key policy (modules/security/keys.ts) names the
 * access-log buckets before they exist, so both must spell them the same way.
 */

/** S3 bucket names are global: `medicare-<env>-<name>-<account id>`. */
export function bucketName(stack: MedicareStack, name: string): string {
  return stack.resourceName(name, stack.accountId);
}

/** The access-log bucket of `region` (one per region: server access logs stay in their region). */
export function accessLogBucketName(stack: MedicareStack, region: string): string {
  return bucketName(stack, accessLogBucketShortName(region));
}

export function accessLogBucketShortName(region: string): string {
  return `access-logs-${region}`;
}

/** The bucket of the static booking forms and patient information that CloudFront serves (its key policy names it). */
export const FORMS_BUCKET_SHORT_NAME = "forms";
