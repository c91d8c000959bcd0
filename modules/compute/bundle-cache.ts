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

/**
 * A file's hash with what stat said of it when it was hashed: size, mtime, ctime and inode.
 * While all four are the same the content is taken to be too (as git's index does), so a
 * lookup need not read every input (the app bundle's are ~600 files, 23 MB). ctime and the
 * inode change on any write or replacement, even one that restores the mtime (npm gives every
 * package file the same one).
 */
type FileStamp = [size: number, mtimeMs: number, ctimeMs: number, ino: number, sha256: string];
/** Where the stamps are kept, in the cache directory. */
const STAMPS_FILE = "file-stamps.json";
/**
 * A stamp is trusted only for a file changed this long before it was hashed: a write within the
 * same clock tick as the hashing could leave all four the same (git's "racily clean" entries).
 */
const STAMP_SETTLE_MS = 2000;

export class BundleCache {
  readonly stats: BundleCacheStats = { hits: 0, misses: 0, rejected: 0 };
  /** SHA-256 of each input file read in this process: every function shares most of them. */
  private readonly fileHashes = new Map<string, string | undefined>();
  /** Stamps from earlier processes (loaded on first use) and whether this one added any. */
  private stamps: Record<string, FileStamp> | undefined;
  private stampsChanged = false;

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
    try {
      return this.findEntry(entry);
    } finally {
      this.saveStamps();
    }
  }

  private findEntry(entry: string): { js: Buffer; record: CachedBundleRecord; file: string } | undefined {
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
    this.saveStamps();
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
    const stat = statSync(file, { throwIfNoEntry: false });
    let hash: string | undefined;
    if (stat?.isFile()) {
      const stamps = this.loadStamps();
      const known = stamps[path];
      if (known && known[0] === stat.size && known[1] === stat.mtimeMs && known[2] === stat.ctimeMs && known[3] === stat.ino) {
        hash = known[4];
      } else {
        hash = sha256(readFileSync(file));
        if (Date.now() - stat.ctimeMs > STAMP_SETTLE_MS) {
          stamps[path] = [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, hash];
          this.stampsChanged = true;
        }
      }
    }
    this.fileHashes.set(path, hash);
    return hash;
  }

  private loadStamps(): Record<string, FileStamp> {
    if (this.stamps) return this.stamps;
    try {
      const stored = JSON.parse(readFileSync(join(this.dir, STAMPS_FILE), "utf8"));
      this.stamps = stored && typeof stored === "object" && !Array.isArray(stored) ? stored : {};
    } catch {
      this.stamps = {}; // none yet, or unreadable: every file is hashed and stamped again
    }
    return this.stamps!;
  }

  /** Stores the stamps this process added (whole file replaced: a concurrent writer's loss only costs hashing). */
  private saveStamps(): void {
    if (!this.stampsChanged || !this.stamps) return;
    mkdirSync(this.dir, { recursive: true });
    const partial = join(this.dir, `${STAMPS_FILE}.${process.pid}.tmp`);
    writeFileSync(partial, JSON.stringify(this.stamps));
    renameSync(partial, join(this.dir, STAMPS_FILE));
    this.stampsChanged = false;
  }
}
