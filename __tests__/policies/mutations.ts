/**
 * Every mutation of the real synthesized output that the policy suite must catch, one
 * file per area under mutations/ (the toolkit and its rules are in mutations/kit.ts).
 */
import { BACKUP_MUTATIONS } from "./mutations/backup";
import { BOUND_MUTATIONS } from "./mutations/bounds";
import { CAMPAIGN_MUTATIONS } from "./mutations/campaign";
import { DETECTION_MUTATIONS } from "./mutations/detection";
import { EDGE_MUTATIONS } from "./mutations/edge";
import { FOUNDATION_MUTATIONS } from "./mutations/foundation";
import { IDENTITY_MUTATIONS } from "./mutations/identity";
import { PolicyMutation } from "./mutations/kit";
import { MIGRATION_MUTATIONS } from "./mutations/migration";
import { NETWORK_EDGE_MUTATIONS } from "./mutations/network-edge";
import { PRINCIPAL_MUTATIONS } from "./mutations/principals";
import { ORGANIZATION_MUTATIONS } from "./mutations/organization";
import { RDS_MUTATIONS } from "./mutations/rds";
import { SECRETS_MUTATIONS } from "./mutations/secrets";
import { SECURITY_MUTATIONS } from "./mutations/security";
import { STORAGE_MUTATIONS } from "./mutations/storage";
import { TYPE_MUTATIONS } from "./mutations/types";
import { WIRING_MUTATIONS } from "./mutations/wiring";

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
  ...DETECTION_MUTATIONS,
  ...TYPE_MUTATIONS,
  ...PRINCIPAL_MUTATIONS,
  ...BOUND_MUTATIONS,
  ...IDENTITY_MUTATIONS,
  ...NETWORK_EDGE_MUTATIONS,
  ...ORGANIZATION_MUTATIONS,
  ...WIRING_MUTATIONS,
];
