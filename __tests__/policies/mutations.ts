/**
 * Every mutation of the real synthesized output that the policy suite must catch, one
 * file per area under mutations/ (the toolkit and its rules are in mutations/kit.ts).
 */
import { BACKUP_MUTATIONS } from "./mutations/backup";
import { CAMPAIGN_MUTATIONS } from "./mutations/campaign";
import { EDGE_MUTATIONS } from "./mutations/edge";
import { FOUNDATION_MUTATIONS } from "./mutations/foundation";
import { PolicyMutation } from "./mutations/kit";
import { MIGRATION_MUTATIONS } from "./mutations/migration";
import { ORGANIZATION_MUTATIONS } from "./mutations/organization";
import { RDS_MUTATIONS } from "./mutations/rds";
import { SECRETS_MUTATIONS } from "./mutations/secrets";
import { SECURITY_MUTATIONS } from "./mutations/security";
import { STORAGE_MUTATIONS } from "./mutations/storage";

export type { PolicyMutation } from "./mutations/kit";

export const MUTATIONS: readonly PolicyMutation[] = [
  ...FOUNDATION_MUTATIONS,
  ...STORAGE_MUTATIONS,
  ...RDS_MUTATIONS,
  ...BACKUP_MUTATIONS,
  ...MIGRATION_MUTATIONS,
  ...SECRETS_MUTATIONS,
  ...SECURITY_MUTATIONS,
  ...EDGE_MUTATIONS,
  ...CAMPAIGN_MUTATIONS,
  ...ORGANIZATION_MUTATIONS,
];
