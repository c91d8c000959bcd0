/**
 * IAM actions that support no resource-level permissions: the Service Authorization
 * Reference lists no resource type for them, so a policy can only grant them on "*".
 * A statement may use Resource "*" only when every action in it is listed here (ServiceRole
 * enforces it, and so does the IAM policy rule); everything else names its resources.
 *
 * Add an action only after checking its row in the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/), and say who needs it.
 */
export const UNSCOPED_ACTIONS: ReadonlySet<string> = new Set([
  // AWS Backup finds EBS volumes by tag and reads their snapshots.
  "ec2:DescribeSnapshots",
  "ec2:DescribeVolumes",
  "ec2:DescribeTags",
  "tag:GetResources",
]);

/** True when a statement on Resource "*" grants only actions that cannot be scoped. */
export function onlyUnscopedActions(actions: readonly string[]): boolean {
  return actions.length > 0 && actions.every((action) => UNSCOPED_ACTIONS.has(action));
}
