// @ts-check
/**
 * npm run synth (and cdktf.json's app, so `npx cdktf synth` too): runs main.ts from the app
 * bundle (scripts/platform/lib/app-bundle.ts), which is plain JavaScript, through V8's code
 * cache. Plain JavaScript because this file is what saves the time tsx would take: it is the
 * only part of a synth that cannot itself be bundled or cached.
 *
 * The bundle lives in a BundleCache (modules/compute/bundle-cache.ts, the cache that keeps
 * function bundles) under .tools/cache/app-bundle/: used only while every file esbuild read for
 * it (our sources and the packages' files) has the hash recorded with it, and the key parts
 * below are unchanged; otherwise it is rebuilt first. The cache class is TypeScript, so its
 * source is compiled once into the cache directory (keyed by its own hash) for this file.
 *
 *   MEDICARE_SYNTH_FROM_SOURCE=1  run main.ts through tsx instead (source-mapped stack traces)
 *   MEDICARE_APP_BUNDLE_CACHE=dir keep the bundle in another directory (tests)
 * Arguments are main.ts's (`--env dev,prod`).
 */
"use strict";
const { createHash } = require("crypto");
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require("fs");
const Module = require("module");
const { dirname, join, resolve } = require("path");
const vm = require("vm");

const ROOT = resolve(__dirname, "..", "..");
const CACHE_DIR = process.env.MEDICARE_APP_BUNDLE_CACHE ? resolve(process.env.MEDICARE_APP_BUNDLE_CACHE) : join(ROOT, ".tools", "cache", "app-bundle");
const BUILDER = join(__dirname, "lib", "app-bundle.ts");
const BUNDLE_CACHE_SOURCE = join(ROOT, "modules", "compute", "bundle-cache.ts");
/** The bundle's entry (app-bundle.ts APP_ENTRY), its key in the cache. */
const ENTRY = "main.ts";

/** @param {Buffer | string} data */
const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const fileHash = (/** @type {string} */ file) => sha256(readFileSync(file));

/** Writes a file whole or not at all (a concurrent synth reads either version, never half of one). */
function writeAtomically(/** @type {string} */ file, /** @type {Buffer | string} */ data) {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, data);
  renameSync(partial, file);
}

/** Lets this process require TypeScript (tsx's CommonJS hook). */
function registerTsx() {
  const hook = "tsx/cjs"; // a name, not a literal: the hook has no type declarations
  require(hook);
}

/** @returns {typeof import("../../modules/compute/bundle-cache")} the cache module, compiled from its source on first use. */
function bundleCacheModule() {
  const source = readFileSync(BUNDLE_CACHE_SOURCE, "utf8");
  const compiled = join(CACHE_DIR, `bundle-cache.${sha256(source).slice(0, 16)}.js`);
  if (!existsSync(compiled)) {
    const { transformSync } = require("esbuild");
    writeAtomically(compiled, transformSync(source, { loader: "ts", format: "cjs", platform: "node", target: "node20" }).code);
    for (const old of readdirSync(CACHE_DIR)) if (/^bundle-cache\..*\.js$/.test(old) && join(CACHE_DIR, old) !== compiled) rmSync(join(CACHE_DIR, old), { force: true });
  }
  return require(compiled);
}

/** Everything besides the inputs esbuild reports that decides the bundle. */
function keyParts() {
  return {
    // The builder holds the build options: any change to it is a new bundle.
    builder: fileHash(BUILDER),
    esbuild: JSON.parse(readFileSync(join(ROOT, "node_modules", "esbuild", "package.json"), "utf8")).version,
    lockfile: fileHash(join(ROOT, "package-lock.json")),
    tsconfig: fileHash(join(ROOT, "tsconfig.json")),
    // The bundle holds absolute source paths (each module's __dirname).
    root: ROOT,
  };
}

/**
 * The app bundle for the current sources: from the cache, or built (through tsx, which loads
 * the TypeScript builder) and stored.
 * @returns {Promise<{ js: Buffer; hash: string; file: string } | undefined>} undefined when esbuild could not bundle the app
 */
async function appBundle() {
  const { BundleCache } = bundleCacheModule();
  const cache = new BundleCache(CACHE_DIR, ROOT, keyParts());
  const cached = cache.getEntry(ENTRY);
  if (cached) return { js: cached.js, hash: cached.record.output, file: cached.file };
  // tsx only for this rare step (its namespaced API breaks esbuild's lookup of its binary).
  registerTsx();
  /** @type {typeof import("./lib/app-bundle")} */
  const builder = require(BUILDER);
  let built;
  try {
    built = await builder.buildAppBundle(ROOT);
  } catch (error) {
    process.stderr.write(`synth: ${/** @type {Error} */ (error).message}\nsynth: running main.ts from source instead\n`);
    return undefined;
  }
  cache.put(ENTRY, built.js, built.inputs);
  const stored = cache.getEntry(ENTRY);
  // Not stored when an input cannot be read back (nothing to check it against): run it once anyway.
  return stored ? { js: stored.js, hash: stored.record.output, file: stored.file } : { js: built.js, hash: sha256(built.js), file: join(CACHE_DIR, "main.js") };
}

/**
 * Loads the bundle as Node loads a CommonJS file, with V8's compiled code from the last run of
 * the same bundle (keyed by its hash: V8 itself checks only the source's length).
 * `saveCodeCache`, called after a successful run, stores the code cache when there was none
 * (or V8 rejected it: another Node version or other flags), so it holds every function the
 * synth compiled.
 * @param {{ js: Buffer; hash: string; file: string }} bundle
 * @returns {{ app: typeof import("../../main"); saveCodeCache(): void }}
 */
function load(bundle) {
  const codeCacheDir = join(CACHE_DIR, "v8");
  const codeCacheFile = join(codeCacheDir, `${bundle.hash}.bin`);
  const cachedData = existsSync(codeCacheFile) ? readFileSync(codeCacheFile) : undefined;
  const script = new vm.Script(Module.wrap(bundle.js.toString("utf8")), { filename: bundle.file, cachedData });
  const module = { exports: {} };
  // Its few external requires (esbuild, Node's own modules) resolve as they would from main.ts.
  const requireFromMain = Module.createRequire(join(ROOT, ENTRY));
  script.runInThisContext()(module.exports, requireFromMain, module, bundle.file, dirname(bundle.file));
  const saveCodeCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    writeAtomically(codeCacheFile, script.createCachedData());
    for (const old of readdirSync(codeCacheDir)) if (join(codeCacheDir, old) !== codeCacheFile) rmSync(join(codeCacheDir, old), { force: true });
  };
  return { app: /** @type {any} */ (module.exports), saveCodeCache };
}

async function synth(/** @type {string[]} */ argv) {
  const bundle = process.env.MEDICARE_SYNTH_FROM_SOURCE ? undefined : await appBundle();
  if (!bundle) {
    registerTsx();
    return require(join(ROOT, ENTRY)).main(argv);
  }
  const { app, saveCodeCache } = load(bundle);
  try {
    // Without cdktf's token creation stacks (main.ts StackTraceOptions); the rerun from source keeps them.
    await app.main(argv, { tokenCreationStacks: false });
  } catch (error) {
    process.stderr.write(
      `${/** @type {Error} */ (error).stack ?? error}\n(stack positions are in the app bundle, and tokens carry no creation stack; MEDICARE_SYNTH_FROM_SOURCE=1 npm run synth runs the TypeScript with both)\n`,
    );
    process.exitCode = 1;
    return;
  }
  saveCodeCache();
}

if (require.main === module) void synth(process.argv.slice(2));

module.exports = { synth, CACHE_DIR };
