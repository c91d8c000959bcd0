/**
 * The reviewer page's architecture diagram: one per environment, by tier, like security
 * groups (one per function) drawn as one group whose members are listed in a <details>
 * below, at the page's width without scaling; and a screenshot of it in headless Chromium
 * (reports/architecture.png) for a person to look at.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { buildDiagram, DIAGRAM_WIDTH, groupDiagram, renderDiagramHtml, renderHtml } from "../../scripts/review/lib/html-report";
import { PolicyReport } from "../../scripts/review/lib/policy-engine";
import { screenshot } from "../../scripts/dev/lib/browser";
import { synthesize, SynthesizedApp } from "../support/synth";

const ROOT = join(__dirname, "..", "..");
/** The report's content width: main's 1320 px less its padding and the section's. */
const CONTENT_WIDTH = 1320 - 2 * 32 - 2 * 23;

let app: SynthesizedApp;
beforeAll(() => {
  app = synthesize();
});
afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));

/** Security groups of the environment's campaign functions (every function there runs in the VPC). */
const campaignFunctionGroups = (env: string) =>
  app.resources("aws_lambda_function", `${env}-campaign`).flatMap((fn) => fn.values.vpc_config?.security_group_ids ?? []).length;

describe.each(["dev", "prod"])("the %s diagram", (env) => {
  const diagram = () => buildDiagram(app.stacks, env);

  it("draws every campaign function's security group inside one group node, and nothing twice", () => {
    const drawn = groupDiagram(diagram());
    const functions = drawn.nodes.filter((n) => /^\d+ campaign functions$/.test(n.title));
    expect(functions).toHaveLength(1);
    expect(functions[0].members).toHaveLength(campaignFunctionGroups(env));
    expect(functions[0].title).toBe(`${campaignFunctionGroups(env)} campaign functions`);
    const members = drawn.nodes.flatMap((n) => n.members.map((m) => m.id));
    expect(new Set(members).size).toBe(members.length);
    expect(members.sort()).toEqual(diagram().nodes.map((n) => n.id).sort());
  });

  it("keeps every path: an arrow into a member is an arrow into its group", () => {
    const d = diagram();
    const drawn = groupDiagram(d);
    const drawnOf = new Map(drawn.nodes.flatMap((n) => n.members.map((m) => [m.id, n.id] as const)));
    for (const e of d.edges) {
      const [from, to] = [drawnOf.get(e.from)!, drawnOf.get(e.to)!];
      if (from === to) continue;
      const arrow = drawn.edges.find((x) => x.from === from && x.to === to);
      expect(arrow?.label.split(", ")).toEqual(expect.arrayContaining(e.label.split(", ")));
    }
  });

  it("fits the page's width at its natural size, every node inside it", () => {
    const html = renderDiagramHtml(diagram());
    const viewBox = html.match(/viewBox="0 0 (\d+) (\d+)"/)!;
    expect(Number(viewBox[1])).toBe(DIAGRAM_WIDTH);
    expect(DIAGRAM_WIDTH).toBeLessThanOrEqual(CONTENT_WIDTH);
    for (const rect of html.matchAll(/<rect x="([\d.]+)" y="[\d.-]+" width="([\d.]+)"/g)) {
      expect(Number(rect[1]) + Number(rect[2])).toBeLessThanOrEqual(DIAGRAM_WIDTH);
    }
  });

  it("lists each group's members in a <details> the group node links to (no script)", () => {
    const d = diagram();
    const html = renderDiagramHtml(d);
    expect(html).not.toMatch(/<script/i);
    for (const group of groupDiagram(d).nodes.filter((n) => n.members.length > 1)) {
      const link = html.match(new RegExp(`<a href="#([^"]+)"><g><title>${group.stack}: ${group.members[0].title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
      expect(link).not.toBeNull();
      const details = html.slice(html.indexOf("<details>", html.indexOf(`<div class="diagram">`)));
      const list = details.slice(0, details.indexOf(`id="${link![1]}"`) + 2000);
      expect(list).toContain(`<summary>${group.title}`);
      for (const member of group.members) expect(html.slice(html.indexOf(`id="${link![1]}"`))).toContain(member.title);
    }
  });
});

describe("the screenshot", () => {
  it("shows the architecture section at the page's width (reports/architecture.png)", () => {
    const report: PolicyReport = {
      passed: true,
      files: Object.keys(app.stacks).map((s) => app.file(s)),
      rules: [],
      findings: [],
      excepted: [],
      exceptionProblems: [],
    } as unknown as PolicyReport;
    const page = renderHtml({ report, exceptions: [], stacks: app.stacks, accessMatrix: { personas: [] } as never, functions: [], now: new Date("2026-12-03T12:00:00Z") }).replace(
      /<section id="(?!architecture)[^"]*">[\s\S]*?<\/section>/g,
      "",
    );
    const dir = join(ROOT, "reports");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "architecture.html"), page);
    const bytes = screenshot(join(dir, "architecture.html"), join(dir, "architecture.png"), { width: 1320, height: 1600 });
    const png = readFileSync(join(dir, "architecture.png"));
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1320);
    // A blank or error page compresses to a few kilobytes; the diagrams do not.
    expect(bytes).toBeGreaterThan(50_000);
  });
});
