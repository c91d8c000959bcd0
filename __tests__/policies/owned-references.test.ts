/**
 * WIR-001's data and its judgement over the real output: every reference a component owns
 * (policies/data/owned_references.json) names the nearest resource of its type in the
 * construct tree, in its own region. The constructs create these resources for themselves
 * (a bucket's settings, a function's log group, DLQ and security group, a group's rules) and
 * take no parameter that could point them elsewhere; this walk and the Rego rule check it.
 */
import { readFileSync } from "fs";
import { loadOwnedReferences, OwnedReference, stepsBetween, valuesAtDotted } from "../../scripts/review/lib/mutation-generator";
import { regionOf, synthesize, SynthesizedApp } from "../support/synth";

// The resource a reference starts with ("${aws_cloudwatch_log_group.x.arn}:*" included).
const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\./;
const owned = loadOwnedReferences();
const catalog = JSON.parse(readFileSync("policies/data/resource_catalog.json", "utf8")).resource_catalog;

interface Wired {
  readonly stack: string;
  readonly entry: OwnedReference;
  readonly from: { address: string; path: string; region: string };
  readonly to: { address: string; path: string; region: string };
  /** Steps to the nearest resource of the referenced type. */
  readonly nearest: number;
}

/** The region a resource is in; a provider without one is told apart by its name. */
const regionIn = (doc: any, body: any): string => regionOf(doc, body) ?? `provider ${body.provider ?? "aws"}`;

function wiredReferences(app: SynthesizedApp): Wired[] {
  const found: Wired[] = [];
  for (const [stack, doc] of Object.entries(app.stacks)) {
    for (const entry of owned) {
      for (const [name, body] of Object.entries<any>(doc.resource?.[entry.type] ?? {})) {
        const path = body["//"].metadata.path;
        for (const { value } of valuesAtDotted(body, entry.path)) {
          for (const reference of [value].flat()) {
            const m = typeof reference === "string" ? REFERENCE.exec(reference) : null;
            const target = m && doc.resource?.[m[1]]?.[m[2]];
            if (!m || !target) continue;
            const nearest = Math.min(...Object.values<any>(doc.resource[m[1]]).map((other) => stepsBetween(path, other["//"].metadata.path)));
            found.push({
              stack,
              entry,
              from: { address: `${entry.type}.${name}`, path, region: regionIn(doc, body) },
              to: { address: `${m[1]}.${m[2]}`, path: target["//"].metadata.path, region: regionIn(doc, target) },
              nearest,
            });
          }
        }
      }
    }
  }
  return found;
}

describe("owned references (WIR-001)", () => {
  let wired: Wired[];
  beforeAll(() => {
    wired = wiredReferences(synthesize());
  });

  it("each entry is a catalogued type, judged by WIR-001, with a reason", () => {
    for (const entry of owned) {
      expect(catalog[entry.type]?.rules).toContain("WIR-001");
      expect(entry.why.split(/\s+/).length).toBeGreaterThanOrEqual(6);
      if (entry.cross_region !== undefined) expect(entry.cross_region.split(/\s+/).length).toBeGreaterThanOrEqual(6);
    }
    expect(new Set(owned.map((e) => `${e.type} ${e.path}`)).size).toBe(owned.length);
  });

  it("each entry reaches at least one reference in the synthesized stacks (no stale entry)", () => {
    const reached = new Set(wired.map((w) => `${w.entry.type} ${w.entry.path}`));
    expect(owned.map((e) => `${e.type} ${e.path}`).filter((key) => !reached.has(key))).toEqual([]);
    expect(wired.length).toBeGreaterThan(600);
  });

  it("every owned reference names the nearest resource of its type, in its own region", () => {
    const far = wired.filter((w) => stepsBetween(w.from.path, w.to.path) > w.nearest).map((w) => `${w.from.path} ${w.entry.path} -> ${w.to.path}`);
    const crossRegion = wired.filter((w) => !w.entry.cross_region && w.from.region !== w.to.region).map((w) => `${w.from.path} (${w.from.region}) ${w.entry.path} -> ${w.to.path} (${w.to.region})`);
    expect(far).toEqual([]);
    expect(crossRegion).toEqual([]);
  });

  it("the measure: steps up to the deepest common scope and down again", () => {
    expect(stepsBetween("dev-data/export/bucket/lifecycle", "dev-data/export/bucket/bucket")).toBe(2);
    expect(stepsBetween("dev-data/export/bucket/lifecycle", "dev-data/export/bucket/replica/bucket")).toBe(3);
    expect(stepsBetween("dev-network/flow-log", "dev-network/flow-log/log-group")).toBe(1);
    expect(stepsBetween("a/b", "a/b")).toBe(0);
  });
});
