/**
 * The unit/build/integration split of jest.config.js: a test that reaches the local services,
 * however indirectly, is found, so it cannot sit in the unit project (npm run test:quick); the
 * build project's synths from scratch stay out of the unit project.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join } from "path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { reachesAny } = require("../support/import-graph") as { reachesAny: (root: string, file: string, targets: string[]) => string[] | undefined };

const ROOT = join(__dirname, "..", "..");
const SERVICES = ["__tests__/support/local-services.ts", "scripts/dev/lib/services.ts"];

describe("the import graph", () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "medicare-import-graph-"));
    write("__tests__/support/local-services.ts", "export const localServices = 1;\n");
    write("__tests__/support/db-helper.ts", 'import type { X } from "./types";\nexport { localServices } from "./local-services";\n');
    write("__tests__/support/types.ts", "export type X = number;\n");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    // SERVICES_MODULE / HELPER_MODULE stand for the paths, so this file's own text imports nothing.
    ["a static import", 'import { localServices } from "SERVICES_MODULE";'],
    ["an import through a helper's re-export", 'import { localServices } from "HELPER_MODULE";'],
    ["a dynamic import", 'const load = () => import("SERVICES_MODULE");'],
    ["a require", 'const s = require("SERVICES_MODULE");'],
    ["a side-effect import", 'import "HELPER_MODULE";'],
  ])("finds the services behind %s, with the chain", (_how, line) => {
    const source = line.replace("SERVICES_MODULE", "../support/local-services").replace("HELPER_MODULE", "../support/db-helper");
    write("__tests__/area/new.test.ts", `${source}\nit("x", () => undefined);\n`);
    const chain = reachesAny(root, "__tests__/area/new.test.ts", SERVICES);
    expect(chain?.[0]).toBe("__tests__/area/new.test.ts");
    expect(chain?.[chain.length - 1]).toBe("__tests__/support/local-services.ts");
  });

  it("does not flag a test that imports only other support", () => {
    write("__tests__/area/pure.test.ts", 'import type { X } from "../support/types";\n');
    expect(reachesAny(root, "__tests__/area/pure.test.ts", SERVICES)).toBeUndefined();
  });
});

describe("jest.config.js", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const config = require("../../jest.config.js");
  const unit = config.projects.find((p: { displayName: string }) => p.displayName === "unit");
  const integration = config.projects.find((p: { displayName: string }) => p.displayName === "integration");

  it("keeps every test that reaches the services out of the unit project, and this file in it", () => {
    const integrationFiles: string[] = integration.testMatch.map((m: string) => m.replace("<rootDir>/", ""));
    expect(integrationFiles.length).toBeGreaterThan(0);
    for (const file of integrationFiles) {
      expect(reachesAny(ROOT, file, SERVICES)).toBeDefined();
      expect(unit.testPathIgnorePatterns.some((p: string) => new RegExp(p).test(join(ROOT, file)))).toBe(true);
    }
    expect(unit.testPathIgnorePatterns.some((p: string) => new RegExp(p).test(__filename))).toBe(false);
  });

  it("runs every test file in exactly one project: the build project's outside the unit project (test:quick), and none of them needing a service", () => {
    const build = config.projects.find((p: { displayName: string }) => p.displayName === "build");
    const listed = (project: { testMatch: string[] }) => project.testMatch.map((m: string) => m.replace("<rootDir>/", ""));
    const buildFiles = listed(build);
    expect(buildFiles).toEqual(expect.arrayContaining(["__tests__/tools/synth-app-bundle.test.ts", "__tests__/compute/bundle-cache-synth.test.ts"]));
    for (const file of buildFiles) {
      expect(unit.testPathIgnorePatterns.some((p: string) => new RegExp(p).test(join(ROOT, file)))).toBe(true);
      expect(listed(integration)).not.toContain(file);
      expect(reachesAny(ROOT, file, SERVICES)).toBeUndefined();
    }
  });
});
