/**
 * Action wildcards in Allow statements: only the reviewed patterns of
 * modules/iam/action-wildcards.ts, enforced by the policy renderer, over every synthesized
 * statement here, and by IAM-001 (policies/data/action_wildcards.json).
 */
import { readFileSync } from "fs";
import { ACTION_WILDCARDS, unlistedWildcard } from "../../modules/iam/action-wildcards";
import { policyJson } from "../../modules/iam/policy-document";
import { ACTION_WILDCARDS_FILE, actionWildcardsJson, expand } from "../../scripts/platform/gen-action-wildcards";
import { policyStatements, synthesize } from "../support/synth";

describe("the reviewed action wildcards", () => {
  it("policies/data/action_wildcards.json is the TypeScript list with today's matches (regenerate: npx tsx scripts/platform/gen-action-wildcards.ts)", () => {
    expect(readFileSync(ACTION_WILDCARDS_FILE, "utf8")).toBe(actionWildcardsJson());
  });

  it.each(Object.keys(ACTION_WILDCARDS).sort())("%s is a verb pattern that matches actions of the reference, with a reason", (pattern) => {
    expect(pattern).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z]*\*$/);
    expect(expand(pattern).length).toBeGreaterThan(0);
    expect(ACTION_WILDCARDS[pattern].split(/\s+/).length).toBeGreaterThanOrEqual(6);
  });

  it("the policy renderer refuses an unreviewed wildcard in an Allow, and accepts it in a Deny", () => {
    expect(() => policyJson([{ sid: "Read", actions: ["s3:Get*"], resources: ["arn:aws:s3:::b/*"] }])).toThrow(/"Read" allows s3:Get\*.*ACTION_WILDCARDS/);
    expect(() => policyJson([{ sid: "Swap", actions: ["ec2:CreateSnapshot", "ec2:Delete?napshot"], resources: ["*"] }])).toThrow(/ec2:Delete\?napshot/);
    expect(() => policyJson([{ sid: "Never", effect: "Deny", actions: ["iam:Create*"], resources: ["*"] }])).not.toThrow();
    expect(() => policyJson([{ sid: "Keys", actions: ["kms:GenerateDataKey*"], resources: ["*"] }])).not.toThrow();
  });

  it("every Allow statement of every synthesized policy uses only reviewed wildcards (IAM-001's judgement)", () => {
    const app = synthesize();
    const found: string[] = [];
    let allowActions = 0;
    for (const [stack, doc] of Object.entries(app.stacks)) {
      for (const [type, byName] of Object.entries<any>(doc.resource ?? {})) {
        for (const [name, body] of Object.entries<any>(byName)) {
          for (const statement of policyStatements(body)) {
            if (statement.Effect !== "Allow") continue;
            for (const action of [statement.Action ?? []].flat()) {
              allowActions += 1;
              if (unlistedWildcard(action)) found.push(`${stack} ${type}.${name} ${statement.Sid}: ${action}`);
            }
          }
        }
      }
    }
    expect(allowActions).toBeGreaterThan(500);
    expect(found).toEqual([]);
  });
});
