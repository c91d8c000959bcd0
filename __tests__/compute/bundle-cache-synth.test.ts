/**
 * A synth from the function bundle cache writes exactly what a synth that bundled every
 * function wrote. Two synths of every stack from source with an empty cache: in Jest's build
 * project, which `npm test` runs and `npm run test:quick` leaves out (jest.config.js).
 */
import { spawnSync } from "child_process";
import { readdirSync, statSync } from "fs";
import { join } from "path";
import { fileTree, temporaryDirectories } from "../support/files";
import { BUNDLE_CACHE_ENV, functionEntries, PROJECT_ROOT } from "../../modules/compute/bundle";

const tempDir = temporaryDirectories();

describe("a synth from the cache", () => {
  it("writes byte for byte what a synth that bundled every function wrote, and reuses every entry", () => {
    const cacheDir = tempDir("medicare-synth-cache-");
    const synth = (outdir: string) => {
      const run = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        env: { ...process.env, CDKTF_OUTDIR: outdir, [BUNDLE_CACHE_ENV]: cacheDir },
      });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      return fileTree(join(outdir, "stacks"));
    };
    const bundlesInCache = () => readdirSync(cacheDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
    const inodes = () => bundlesInCache().map((f) => statSync(join(cacheDir, f)).ino);

    // An empty cache: every function (each functions/<name>/handler.ts) is bundled by esbuild and stored.
    const uncached = synth(tempDir("medicare-synth-uncached-"));
    expect(bundlesInCache().length).toBe(functionEntries().length);
    const stored = inodes();
    // The same cache again: every bundle is read, none rebuilt (a rebuild replaces the file).
    const cached = synth(tempDir("medicare-synth-cached-"));
    expect(inodes()).toEqual(stored);

    expect([...cached.keys()].sort()).toEqual([...uncached.keys()].sort());
    const differing = [...uncached].filter(([file, contents]) => !cached.get(file)?.equals(contents)).map(([file]) => file);
    expect(differing).toEqual([]);
  });
});
