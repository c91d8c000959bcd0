/**
 * Writes policies/data/unscoped_actions.json from modules/iam/unscoped-actions.ts, so the
 * constructs and the IAM rules (IAM-002) share one list of actions that support no
 * resource-level permissions. A Jest test (__tests__/security/unscoped-actions.test.ts)
 * fails when the two differ.
 *
 *   npx tsx scripts/platform/gen-unscoped-actions.ts
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { UNSCOPED_ACTIONS, UNSCOPED_BESIDE_DENY } from "../../modules/iam/unscoped-actions";

export const UNSCOPED_ACTIONS_FILE = join(__dirname, "..", "..", "policies", "data", "unscoped_actions.json");

/** The file's content: the sorted list under one key. */
export function unscopedActionsJson(): string {
  return `${JSON.stringify({ unscoped_actions: [...UNSCOPED_ACTIONS].sort(), unscoped_beside_deny: UNSCOPED_BESIDE_DENY }, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(UNSCOPED_ACTIONS_FILE, unscopedActionsJson());
  console.log(`Wrote ${UNSCOPED_ACTIONS.size} actions to ${UNSCOPED_ACTIONS_FILE}`);
}
