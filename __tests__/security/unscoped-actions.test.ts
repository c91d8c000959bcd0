import { readFileSync } from "fs";
import { join } from "path";
import { UNSCOPED_ACTIONS_FILE, unscopedActionsJson } from "../../scripts/platform/gen-unscoped-actions";
import { OPTIONAL_RESOURCE_TYPES_NOT_USED, SERVICE_REFERENCE_PAGES, UNSCOPED_ACTIONS, referencePage } from "../../modules/iam/unscoped-actions";

/** A pinned copy of the Service Authorization Reference, one JSON file per service prefix. */
const IAM_DATA = join(__dirname, "..", "..", "node_modules", "@cloud-copilot", "iam-data", "data", "actions");

interface ReferenceRow {
  readonly name: string;
  readonly resourceTypes: readonly { readonly name: string; readonly required: boolean }[];
}

function referenceRow(action: string): ReferenceRow | undefined {
  const [service, name] = action.split(":");
  return JSON.parse(readFileSync(join(IAM_DATA, `${service}.json`), "utf8"))[name.toLowerCase()];
}

describe("the unscoped-actions list shared by the constructs and the IAM rules", () => {
  it("policies/data/unscoped_actions.json is the TypeScript list (regenerate: npx tsx scripts/platform/gen-unscoped-actions.ts)", () => {
    expect(readFileSync(UNSCOPED_ACTIONS_FILE, "utf8")).toBe(unscopedActionsJson());
  });

  it("lists single actions, never wildcards", () => {
    for (const action of UNSCOPED_ACTIONS) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
  });

  it("cites a Service Authorization Reference page for every entry", () => {
    for (const action of UNSCOPED_ACTIONS) {
      expect(referencePage(action)).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/service-authorization\/latest\/reference\/list_[a-z0-9-]+\.html$/);
    }
    const prefixes = new Set([...UNSCOPED_ACTIONS].map((a) => a.split(":")[0]));
    expect(Object.keys(SERVICE_REFERENCE_PAGES).filter((p) => !prefixes.has(p))).toEqual([]);
  });

  it.each([...UNSCOPED_ACTIONS].sort())("%s exists in the reference and takes no resource it could be scoped to", (action) => {
    const row = referenceRow(action);
    expect(row).toBeDefined();
    const types = row!.resourceTypes.map((t) => (t.required ? `${t.name}*` : t.name));
    expect(types).toEqual(OPTIONAL_RESOURCE_TYPES_NOT_USED[action] ? [OPTIONAL_RESOURCE_TYPES_NOT_USED[action]] : []);
  });

  it("names no action as 'optional resource type not used' that is not on the list", () => {
    expect(Object.keys(OPTIONAL_RESOURCE_TYPES_NOT_USED).filter((a) => !UNSCOPED_ACTIONS.has(a))).toEqual([]);
  });

  it.each(["backup:CopyFromBackupVault", "backup:CopyIntoBackupVault", "rds:StartExportTask", "logs:GetQueryResults"])(
    "%s was scoped: the reference gives it a resource type, so it is off the list",
    (action) => {
      expect(UNSCOPED_ACTIONS.has(action)).toBe(false);
      expect(referenceRow(action)!.resourceTypes.length).toBeGreaterThan(0);
    },
  );
});
