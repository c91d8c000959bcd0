/**
 * A content-addressed cache of esbuild's function bundles, so a synth that changes only
 * infrastructure code reuses the JavaScript it built last time instead of bundling again.
 *
 * An entry is found by its base key (the entry file, esbuild's version and options, the
 * lockfile and tsconfig.json) and is valid only while every input file esbuild read for it
 * (its metafile inputs: the function's own code, functions/lib, every package file) still
 * has the SHA-256 recorded beside it. The bundle's own SHA-256 is recorded too, so a
 * truncated, partial or edited bundle file is a miss and is rebuilt, never used.
 *
 *   <dir>/<base key>/<inputs key>.json   { entry, inputs: { path: sha256 }, output: sha256, bytes }
 *   <dir>/<base key>/<inputs key>.js     the bundle
 *
 * Several input sets per base key are kept (the newest few, by use), so switching branches
 * back and forth hits the cache on both sides.
 */
import { createHash } from "crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "fs";
import { join } from "path";

/** Input sets kept per base key; older ones are removed when a new one is stored. */
const KEPT_PER_KEY = 8;
/** Bumped when the layout or the meaning of a key changes, so old entries are never read. */
const CACHE_FORMAT = 1;

export interface CachedBundleRecord {
  readonly entry: string;
  /** Project-relative path of every file esbuild read -> its SHA-256 (hex). */
  readonly inputs: Readonly<Record<string, string>>;
  /** SHA-256 (hex) of the bundle. */
  readonly output: string;
  readonly bytes: number;
}

export interface BundleCacheStats {
  hits: number;
  misses: number;
  /** Entries found but unusable (corrupt manifest, bundle not matching its hash). */
  rejected: number;
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

export class BundleCache {
  readonly stats: BundleCacheStats = { hits: 0, misses: 0, rejected: 0 };
  /** SHA-256 of each input file read in this process: every function shares most of them. */
  private readonly fileHashes = new Map<string, string | undefined>();

  /**
   * @param dir where entries live (an ignored folder)
   * @param root the directory input paths are relative to (esbuild's absWorkingDir)
   * @param keyParts everything besides the entry and its inputs that decides the output
   */
  constructor(
    readonly dir: string,
    private readonly root: string,
    private readonly keyParts: unknown,
  ) {}

  /** The bundle of `entry` if a stored one was built from exactly the current inputs. */
  get(entry: string): Buffer | undefined {
    return this.getEntry(entry)?.js;
  }

  /**
   * Like get, with the entry's record (its output hash keys what is derived from the bundle)
   * and the file it was read from (for stack traces of code run from it).
   */
  getEntry(entry: string): { js: Buffer; record: CachedBundleRecord; file: string } | undefined {
    const keyDir = this.keyDir(entry);
    if (!existsSync(keyDir)) {
      this.stats.misses++;
      return undefined;
    }
    for (const manifest of this.manifestsNewestFirst(keyDir)) {
      const record = this.readRecord(manifest);
      if (!record || record.entry !== entry) continue;
      if (!Object.entries(record.inputs).every(([path, hash]) => this.hashOf(path) === hash)) continue;
      const bundleFile = manifest.replace(/\.json$/, ".js");
      const js = existsSync(bundleFile) ? readFileSync(bundleFile) : undefined;
      if (!js || js.length !== record.bytes || sha256(js) !== record.output) {
        // Partial write, disk corruption or a hand edit: drop it so the rebuild replaces it.
        this.stats.rejected++;
        rmSync(manifest, { force: true });
        rmSync(bundleFile, { force: true });
        continue;
      }
      const now = new Date();
      utimesSync(manifest, now, now);
      this.stats.hits++;
      return { js, record, file: bundleFile };
    }
    this.stats.misses++;
    return undefined;
  }

  /**
   * Stores a freshly built bundle with the inputs esbuild reports (metafile input paths,
   * relative to the root). Both files are written under temporary names and renamed, the
   * bundle first: a reader sees a whole entry or none.
   */
  put(entry: string, js: Buffer, inputPaths: readonly string[]): void {
    const inputs: Record<string, string> = {};
    for (const path of [...inputPaths].sort()) {
      const hash = this.hashOf(path);
      // A virtual or vanished input cannot be checked later, so the bundle is not cached.
      if (hash === undefined) return;
      inputs[path] = hash;
    }
    const record: CachedBundleRecord = { entry, inputs, output: sha256(js), bytes: js.length };
    const keyDir = this.keyDir(entry);
    mkdirSync(keyDir, { recursive: true });
    const name = sha256(JSON.stringify(inputs));
    const write = (file: string, data: Buffer | string) => {
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, data);
      renameSync(partial, file);
    };
    write(join(keyDir, `${name}.js`), js);
    write(join(keyDir, `${name}.json`), `${JSON.stringify(record, null, 1)}\n`);
    for (const old of this.manifestsNewestFirst(keyDir).slice(KEPT_PER_KEY)) {
      rmSync(old, { force: true });
      rmSync(old.replace(/\.json$/, ".js"), { force: true });
    }
  }

  private keyDir(entry: string): string {
    return join(this.dir, sha256(JSON.stringify({ format: CACHE_FORMAT, entry, parts: this.keyParts })));
  }

  private manifestsNewestFirst(keyDir: string): string[] {
    return readdirSync(keyDir)
      .filter((name) => name.endsWith(".json"))
      .map((name) => join(keyDir, name))
      .map((file) => ({ file, used: statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => b.used - a.used || a.file.localeCompare(b.file))
      .map((m) => m.file);
  }

  private readRecord(manifest: string): CachedBundleRecord | undefined {
    try {
      const record = JSON.parse(readFileSync(manifest, "utf8")) as CachedBundleRecord;
      const valid =
        typeof record.entry === "string" &&
        typeof record.output === "string" &&
        typeof record.bytes === "number" &&
        typeof record.inputs === "object" &&
        record.inputs !== null &&
        Object.keys(record.inputs).length > 0;
      if (valid) return record;
    } catch {
      // unreadable or not JSON: treated like a manifest that does not match
    }
    this.stats.rejected++;
    rmSync(manifest, { force: true });
    return undefined;
  }

  private hashOf(path: string): string | undefined {
    if (this.fileHashes.has(path)) return this.fileHashes.get(path);
    const file = join(this.root, path);
    const hash = existsSync(file) ? sha256(readFileSync(file)) : undefined;
    this.fileHashes.set(path, hash);
    return hash;
  }
}
