import { readFileSync } from "fs";
import { DETECTION_DATA_FILE, renderDetectionData } from "../../scripts/review/gen-detection-data";
import { ENVIRONMENTS } from "../../modules/config/environments";

describe("policies/data/detection.json", () => {
  it("is what the config and the code's floors say (regenerate: npx tsx scripts/review/gen-detection-data.ts)", () => {
    expect(readFileSync(DETECTION_DATA_FILE, "utf8")).toBe(renderDetectionData());
  });

  it("names every environment's alarm and operations addresses", () => {
    const data = JSON.parse(renderDetectionData()).detection;
    for (const env of Object.values(ENVIRONMENTS)) {
      expect(data.environments[env.name].security_endpoints).toEqual([{ protocol: "email", endpoint: env.alarmEmail }]);
      expect(data.environments[env.name].operations_endpoints).toEqual([{ protocol: "email", endpoint: env.campaign.operationsEmail }]);
    }
    expect(data.cis_monitor_metrics.length).toBeGreaterThanOrEqual(11);
    expect(data.config_managed_rules.length).toBeGreaterThan(50);
  });
});
