import { readFileSync } from "fs";
import { UNSCOPED_ACTIONS_FILE, unscopedActionsJson } from "../../scripts/platform/gen-unscoped-actions";
import { UNSCOPED_ACTIONS } from "../../modules/iam/unscoped-actions";

describe("the unscoped-actions list shared by the constructs and the IAM rules", () => {
  it("policies/data/unscoped_actions.json is the TypeScript list (regenerate: npx tsx scripts/platform/gen-unscoped-actions.ts)", () => {
    expect(readFileSync(UNSCOPED_ACTIONS_FILE, "utf8")).toBe(unscopedActionsJson());
  });

  it("lists single actions, never wildcards", () => {
    for (const action of UNSCOPED_ACTIONS) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
  });
});
