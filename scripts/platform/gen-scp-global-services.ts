/**
 * Writes policies/data/scp_global_services.json from GLOBAL_SERVICE_ACTIONS
 * (modules/organization/service-control-policies.ts), so the region SCP and its rule
 * (ORG-003) share one list of global services. A Jest test fails when the two differ.
 *
 *   npx tsx scripts/platform/gen-scp-global-services.ts
 */
import { writeFileSync } from "fs";
import { join } from "path";
import { GLOBAL_SERVICE_ACTIONS } from "../../modules/organization/service-control-policies";

export const SCP_GLOBAL_SERVICES_FILE = join(__dirname, "..", "..", "policies", "data", "scp_global_services.json");

/** The file's content: the sorted actions under one key. */
export function scpGlobalServicesJson(): string {
  return `${JSON.stringify({ scp_global_service_actions: Object.keys(GLOBAL_SERVICE_ACTIONS).sort() }, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(SCP_GLOBAL_SERVICES_FILE, scpGlobalServicesJson());
  console.log(`Wrote ${Object.keys(GLOBAL_SERVICE_ACTIONS).length} actions to ${SCP_GLOBAL_SERVICES_FILE}`);
}
