/**
 * The function bundle cache: an entry is used only while every input esbuild read is
 * unchanged and the stored bundle matches its recorded hash; a synth from the cache writes
 * exactly what a synth that bundled every function wrote.
 */
import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, relative } from "path";
import { BundleCache } from "../../modules/compute/bundle-cache";
import { BUNDLE_CACHE_ENV, functionEntries, PROJECT_ROOT } from "../../modules/compute/bundle";

const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};
afterAll(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Every file under `dir`, relative path -> contents. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

describe("BundleCache", () => {
  const JS = Buffer.from("module.exports.handler = async () => 1;\n");
  let root: string;
  let dir: string;
  const cache = () => new BundleCache(dir, root, { esbuild: "test" });
  const bundleFiles = () => readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));

  beforeEach(() => {
    root = tempDir("medicare-bundle-root-");
    dir = tempDir("medicare-bundle-cache-");
    mkdirSync(join(root, "lib"));
    writeFileSync(join(root, "handler.ts"), "export const handler = 1;");
    writeFileSync(join(root, "lib", "shared.ts"), "export const shared = 1;");
    cache().put("handler.ts", JS, ["handler.ts", "lib/shared.ts"]);
  });

  it("returns the stored bundle while every input is unchanged, in a new process too", () => {
    const fresh = cache();
    expect(fresh.get("handler.ts")?.equals(JS)).toBe(true);
    expect(fresh.stats).toEqual({ hits: 1, misses: 0, rejected: 0 });
  });

  it("misses when any input changes, a shared library as much as the entry, and when the key changes", () => {
    writeFileSync(join(root, "lib", "shared.ts"), "export const shared = 2;");
    expect(cache().get("handler.ts")).toBeUndefined();
    expect(new BundleCache(dir, root, { esbuild: "other" }).get("handler.ts")).toBeUndefined();
    expect(cache().get("other.ts")).toBeUndefined();
  });

  it("keeps both input sets when they alternate (a branch switch), and finds each", () => {
    const JS2 = Buffer.from("module.exports.handler = async () => 2;\n");
    writeFileSync(join(root, "lib", "shared.ts"), "export const shared = 2;");
    cache().put("handler.ts", JS2, ["handler.ts", "lib/shared.ts"]);
    expect(cache().get("handler.ts")?.equals(JS2)).toBe(true);
    writeFileSync(join(root, "lib", "shared.ts"), "export const shared = 1;");
    expect(cache().get("handler.ts")?.equals(JS)).toBe(true);
  });

  it.each([
    ["truncated (a partial write)", (file: string) => writeFileSync(file, readFileSync(file).subarray(0, 10))],
    ["changed in place, same length", (file: string) => writeFileSync(file, Buffer.from(readFileSync(file).toString("utf8").replace("1", "2")))],
    ["missing", (file: string) => rmSync(file)],
  ])("rejects and removes an entry whose bundle is %s, so the next build replaces it", (_case, damage) => {
    const [file] = bundleFiles();
    damage(join(dir, file));
    const reader = cache();
    expect(reader.get("handler.ts")).toBeUndefined();
    expect(reader.stats.rejected).toBe(1);
    expect(readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /\.(js|json)$/.test(f))).toEqual([]);
  });

  it("rejects a manifest that is not a complete record", () => {
    const manifest = readdirSync(dir, { recursive: true, encoding: "utf8" }).find((f) => f.endsWith(".json"))!;
    writeFileSync(join(dir, manifest), '{"entry": "handler.ts", "inp');
    const reader = cache();
    expect(reader.get("handler.ts")).toBeUndefined();
    expect(reader.stats.rejected).toBe(1);
  });

  it("does not store a bundle one of whose inputs cannot be read back (nothing to check it against)", () => {
    rmSync(dir, { recursive: true, force: true });
    cache().put("handler.ts", JS, ["handler.ts", "<virtual>"]);
    expect(cache().get("handler.ts")).toBeUndefined();
  });
});

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
      return tree(join(outdir, "stacks"));
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
