/**
 * The function bundle cache: an entry is used only while every input esbuild read is
 * unchanged and the stored bundle matches its recorded hash. That a synth from the cache
 * writes exactly what a synth that bundled every function wrote is
 * bundle-cache-synth.test.ts (the build project: two synths from scratch).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "fs";
import { join } from "path";
import { BundleCache } from "../../modules/compute/bundle-cache";
import { temporaryDirectories } from "../support/files";

const tempDir = temporaryDirectories();

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

  it("trusts a settled input's stamp, and misses when the file is rewritten with its size and mtime restored", async () => {
    // Inputs changed in the last two seconds are always read; these settle first.
    await new Promise((done) => setTimeout(done, 2100));
    rmSync(dir, { recursive: true, force: true });
    cache().put("handler.ts", JS, ["handler.ts", "lib/shared.ts"]);
    const stamps = JSON.parse(readFileSync(join(dir, "file-stamps.json"), "utf8"));
    expect(Object.keys(stamps).sort()).toEqual(["handler.ts", "lib/shared.ts"]);
    expect(cache().get("handler.ts")?.equals(JS)).toBe(true);

    // npm gives every package file the same mtime: a same-size rewrite with the old mtime must still miss.
    const shared = join(root, "lib", "shared.ts");
    const { mtime } = statSync(shared);
    writeFileSync(shared, "export const shared = 2;");
    utimesSync(shared, mtime, mtime);
    expect(statSync(shared).size).toBe(stamps["lib/shared.ts"][0]);
    expect(cache().get("handler.ts")).toBeUndefined();
  });

  it("does not store a bundle one of whose inputs cannot be read back (nothing to check it against)", () => {
    rmSync(dir, { recursive: true, force: true });
    cache().put("handler.ts", JS, ["handler.ts", "<virtual>"]);
    expect(cache().get("handler.ts")).toBeUndefined();
  });
});
