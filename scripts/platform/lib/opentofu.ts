/**
 * OpenTofu and the AWS provider, built from the Go module proxy into .tools/ (no other
 * download is reachable from our machines), with the provider laid out as a filesystem
 * mirror so `tofu init` needs no network. Same pattern as ensureConftest: pinned versions,
 * a version stamp beside each result, a private staging folder renamed into place. The
 * provider is a subset build (provider-subset.ts): only the service packages the stacks use.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { chmodSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "fs";
import { join } from "path";
import { TOOLS_DIR } from "../../paths";
import { declaredAwsTypes, planSubset, readRegistrations, servicePackagesFor, stageSubset } from "./provider-subset";
import { ToolError } from "./tools";

/** Pinned OpenTofu release: a tagged version of its Go module; >= 1.10 for the S3 lock file. */
export const OPENTOFU_VERSION = "v1.12.6";
const OPENTOFU_MODULE = "github.com/opentofu/opentofu";
/** go.sum hash of the pinned module zip: the proxy must serve exactly this source. */
const OPENTOFU_MODULE_SUM = "h1:0VT4P8pMmGcCUnQ9JDrJ+Qg2d35Vzm4FFd/9+H7oF98=";

/**
 * The AWS provider we build. `@cdktf/provider-aws@21.22.1` binds 6.25.0, but the provider's
 * module path has no /v6 suffix, so its v6 tags are no module versions: only commits named as
 * v1.60.1-0.<time>-<hash> pseudo-versions are. The module proxy we can reach refuses every
 * query but a canonical version, and the v6.25.0 tag's commit and time are not published
 * anywhere we can read, so the one reachable v6 source is this main-branch commit of
 * 2026-06-02 (version/VERSION 6.47.1, changelog "6.48.0 (Unreleased)"). Within major
 * version 6 the provider only adds, so it accepts what 6.25.0 accepts, plus newer enum
 * values; it is mirrored under its own version, never under 6.25.0. To move to the real
 * 6.25.0 once its pseudo-version is known, change these three constants (docs/validate.md).
 */
export const AWS_PROVIDER_MODULE = "github.com/hashicorp/terraform-provider-aws";
export const AWS_PROVIDER_PSEUDO_VERSION = "v1.60.1-0.20260602190131-5f2286d6d836";
const AWS_PROVIDER_MODULE_SUM = "h1:haLmsj0WF7e6d2TGbk0fbz5qWdA9f8w9sNpMe6J6WqM=";
/** The version the mirror (and so `tofu init`) knows the build by; semver, prerelease-marked. */
export const AWS_PROVIDER_MIRROR_VERSION = "6.48.0-dev.5f2286d6d836";
/** The version the synthesized stacks require (what cdktf's bindings were generated from). */
export const AWS_PROVIDER_BOUND_VERSION = "6.25.0";
/** The provider source address OpenTofu resolves `aws` / `hashicorp/aws` to. */
export const AWS_PROVIDER_ADDRESS = "registry.opentofu.org/hashicorp/aws";

export const OPENTOFU_DIR = join(TOOLS_DIR, "opentofu");
export const PROVIDER_MIRROR_DIR = join(OPENTOFU_DIR, "mirror");
/** CLI config for offline use: the mirror only, no registry. */
export const OFFLINE_CLI_CONFIG = join(OPENTOFU_DIR, "offline.tfrc");
/** CLI config for `cdktf diff`: the mirror first, the registry for anything it does not hold. */
export const MIRROR_FIRST_CLI_CONFIG = join(OPENTOFU_DIR, "mirror-first.tfrc");

type Log = (line: string) => void;
const stderrLog: Log = (l) => process.stderr.write(`${l}\n`);

/** Go's name for this machine's platform, as provider mirrors spell it (linux_amd64). */
export function goPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const os = { linux: "linux", darwin: "darwin", freebsd: "freebsd", win32: "windows" }[platform];
  const goArch = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" }[arch];
  if (!os || !goArch) throw new ToolError(`no Go platform for ${platform}/${arch}; build OpenTofu on linux or darwin, amd64 or arm64`);
  return `${os}_${goArch}`;
}

/** Where the provider binary sits in the unpacked filesystem mirror layout OpenTofu reads. */
export function providerMirrorBinary(mirrorDir: string, version: string, platform: string): string {
  const type = AWS_PROVIDER_ADDRESS.split("/")[2];
  return join(mirrorDir, AWS_PROVIDER_ADDRESS, version, platform, `terraform-provider-${type}_v${version}`);
}

/**
 * A CLI configuration that installs the AWS provider from the mirror. With `registry`, every
 * provider may also come from its registry: OpenTofu takes the union of the versions both
 * offer, so a version the mirror lacks (6.25.0 itself) is downloaded and ours is used when
 * a configuration asks for it.
 */
export function cliConfigText(mirrorDir: string, registry: boolean): string {
  return [
    "# Written by scripts/platform/lib/opentofu.ts (npm run tools -- --opentofu); edits are overwritten.",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirrorDir)}`,
    `    include = [${JSON.stringify(AWS_PROVIDER_ADDRESS)}]`,
    "  }",
    ...(registry ? ["  direct {}"] : []),
    "}",
    "",
  ].join("\n");
}

function commandExists(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

function requireGo(what: string, binary: string, stamp: string, version: string): void {
  if (!commandExists("go")) {
    throw new ToolError(
      `${what} is not built and Go is not on PATH. Install Go >= 1.26 (https://go.dev/dl/), or place a ${what} ` +
        `binary at ${binary} and write "${version}" to ${stamp}.`,
    );
  }
}

function stampMatches(binary: string, stamp: string, version: string): boolean {
  return existsSync(binary) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === version;
}

interface DownloadedModule {
  Dir: string;
  Sum: string;
  Error?: string;
}

/** `go mod download` of one module version; checks the source is the pinned one. */
function downloadModule(module: string, version: string, expectedSum: string): DownloadedModule {
  const result = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  let info: DownloadedModule | undefined;
  try {
    info = JSON.parse(result.stdout);
  } catch {
    // reported below
  }
  if (result.status !== 0 || !info || info.Error) {
    throw new ToolError(
      `go mod download ${module}@${version} failed: ${info?.Error ?? result.stderr.trim()}. ` +
        `Check that the Go module proxy is reachable (GOPROXY=${process.env.GOPROXY ?? "default"}) and serves that version, then run npm run tools -- --opentofu again.`,
    );
  }
  if (info.Sum !== expectedSum) {
    throw new ToolError(`${module}@${version} downloaded with hash ${info.Sum}, expected ${expectedSum}: the proxy served different source; do not use it.`);
  }
  return info;
}

/** `go build` in a writable copy of a module, with the module's own go.mod (OpenTofu's replace directives make `go install pkg@v` refuse). */
function goBuild(source: string, pkg: string, output: string, ldflags: string, what: string): void {
  // -trimpath keeps staging paths out of Go's build cache keys, so the next staging copy hits the cache.
  const result = spawnSync("go", ["build", "-mod=readonly", "-trimpath", "-ldflags", ldflags, "-o", output, pkg], {
    cwd: source,
    env: { ...process.env, CGO_ENABLED: "0" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) {
    throw new ToolError(`go build of ${what} failed (exit ${result.status ?? result.signal}); see Go's output above. Free memory (the subset provider build peaks at ~4 GiB) and run npm run tools -- --opentofu again.`);
  }
}

/** Copies a module out of the read-only module cache into `staging`/src, writable. */
function stageModule(module: DownloadedModule, staging: string): string {
  const source = join(staging, "src");
  cpSync(module.Dir, source, { recursive: true });
  spawnSync("chmod", ["-R", "u+w", source]);
  return source;
}

/** Path of the pinned `tofu`, building it into .tools/bin on first use. */
export function ensureOpenTofu(log: Log = stderrLog): string {
  const binDir = join(TOOLS_DIR, "bin");
  const binary = join(binDir, "tofu");
  const stamp = join(binDir, "tofu.version");
  if (stampMatches(binary, stamp, OPENTOFU_VERSION)) return binary;
  requireGo(`OpenTofu ${OPENTOFU_VERSION}`, binary, stamp, OPENTOFU_VERSION);
  mkdirSync(binDir, { recursive: true });
  const staging = mkdtempSync(join(TOOLS_DIR, "tofu-build-"));
  try {
    log(`Building OpenTofu ${OPENTOFU_VERSION} from the Go module proxy into ${binDir} (first run only; ~6 min of 2 idle cores, 1.8 GiB)...`);
    const started = Date.now();
    const module = downloadModule(OPENTOFU_MODULE, OPENTOFU_VERSION, OPENTOFU_MODULE_SUM);
    const built = join(staging, "tofu");
    // Release builds set dev=no, or the binary calls itself 1.12.6-dev.
    goBuild(stageModule(module, staging), "./cmd/tofu", built, "-s -w -X 'github.com/opentofu/opentofu/version.dev=no'", `OpenTofu ${OPENTOFU_VERSION}`);
    const version = (spawnSync(built, ["version"], { encoding: "utf8" }).stdout ?? "").split("\n");
    if (!version.includes(`OpenTofu ${OPENTOFU_VERSION}`)) {
      throw new ToolError(`the built tofu reports ${JSON.stringify(version.find((l) => l.startsWith("OpenTofu")) ?? version[0])}, expected "OpenTofu ${OPENTOFU_VERSION}"`);
    }
    renameSync(built, binary);
    writeFileSync(stamp, `${OPENTOFU_VERSION}\n`);
    log(`Built OpenTofu ${OPENTOFU_VERSION} in ${Math.round((Date.now() - started) / 1000)} s.`);
    return binary;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Where subset provider builds are kept, one folder per build key. */
const PROVIDER_BUILDS_DIR = join(OPENTOFU_DIR, "provider-builds");
/** How many subset builds to keep (switching branches back and forth reuses them). */
const PROVIDER_BUILDS_KEPT = 3;
/** Bump when the way the subset is staged or built changes, so old builds are not reused. */
const SUBSET_RECIPE = "subset-1";

/** What a subset build was made from, written beside it as build.json and printed by validate. */
export interface ProviderBuild {
  readonly key: string;
  readonly module: string;
  readonly pseudoVersion: string;
  readonly mirrorVersion: string;
  readonly boundVersion: string;
  readonly goVersion: string;
  readonly servicePackages: readonly string[];
  readonly clientAccessors: readonly string[];
  readonly totalServicePackages: number;
  readonly totalClientAccessors: number;
  readonly buildSeconds: number;
  readonly binaryBytes: number;
  readonly builtAt: string;
}

/** The cache key of a subset build: the provider commit, the sorted service list, the Go version. */
export function providerBuildKey(pseudoVersion: string, servicePackages: readonly string[], goVersion: string): string {
  const input = [SUBSET_RECIPE, pseudoVersion, goVersion, ...[...servicePackages].sort()].join("\n");
  return createHash("sha256").update(input).digest("hex").slice(0, 16);
}

function goVersion(): string {
  const result = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  if (result.status !== 0) throw new ToolError(`go env GOVERSION failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** Label of the provider source for messages: module, pseudo-version and the version it is mirrored as. */
export const AWS_PROVIDER_LABEL = `${AWS_PROVIDER_MODULE}@${AWS_PROVIDER_PSEUDO_VERSION}`;

/** One line stating what validate checks against, for validate's output. */
export function versionGapLine(build: ProviderBuild): string {
  return (
    `AWS provider: the stacks bind ${AWS_PROVIDER_BOUND_VERSION} (@cdktf/provider-aws bindings); validated against ${build.module} commit ` +
    `${build.pseudoVersion} (2026-06-02 main, mirrored as ${build.mirrorVersion}), the one v6 source the Go module proxy serves; ` +
    `subset build ${build.key}: ${build.servicePackages.length} of ${build.totalServicePackages} service packages, ` +
    `${build.clientAccessors.length} of ${build.totalClientAccessors} AWS clients, ${build.goVersion}`
  );
}

/**
 * The provider mirror holding the subset provider for `stacks` (built on first use, or when a
 * stack starts using a type of a service the cached build lacks), and the two CLI
 * configurations that point at it. Returns what the mirror holds.
 */
export function ensureAwsProviderMirror(stacks: readonly { name: string; config: Record<string, unknown> }[], log: Log = stderrLog): ProviderBuild {
  const platform = goPlatform();
  const binary = providerMirrorBinary(PROVIDER_MIRROR_DIR, AWS_PROVIDER_MIRROR_VERSION, platform);
  const stamp = join(OPENTOFU_DIR, "aws-provider.version");
  if (!commandExists("go")) {
    throw new ToolError(`the AWS provider subset is worked out from the provider's Go source and built with Go, which is not on PATH. Install Go >= 1.26 (https://go.dev/dl/).`);
  }
  const module = downloadModule(AWS_PROVIDER_MODULE, AWS_PROVIDER_PSEUDO_VERSION, AWS_PROVIDER_MODULE_SUM);
  const servicePackages = servicePackagesFor(declaredAwsTypes(stacks), readRegistrations(module.Dir), AWS_PROVIDER_LABEL);
  const key = providerBuildKey(AWS_PROVIDER_PSEUDO_VERSION, servicePackages, goVersion());
  const buildDir = join(PROVIDER_BUILDS_DIR, key);
  const built = join(buildDir, "terraform-provider-aws");
  const buildInfo = join(buildDir, "build.json");

  if (!existsSync(built) || !existsSync(buildInfo)) buildSubsetProvider(module, servicePackages, key, buildDir, log);
  const build = JSON.parse(readFileSync(buildInfo, "utf8")) as ProviderBuild;

  if (!stampMatches(binary, stamp, key)) {
    // A hard link: the mirror and the cache share one 250 MB file.
    mkdirSync(join(binary, ".."), { recursive: true });
    const temporary = `${binary}.${process.pid}`;
    rmSync(temporary, { force: true });
    try {
      linkSync(built, temporary);
    } catch {
      cpSync(built, temporary);
    }
    renameSync(temporary, binary);
    writeFileSync(stamp, `${key}\n`);
  }
  utimesSync(buildDir, new Date(), new Date());
  pruneProviderBuilds(key);
  writeIfChanged(OFFLINE_CLI_CONFIG, cliConfigText(PROVIDER_MIRROR_DIR, false));
  writeIfChanged(MIRROR_FIRST_CLI_CONFIG, cliConfigText(PROVIDER_MIRROR_DIR, true));
  return build;
}

/**
 * Builds the subset provider into `buildDir`: the module copied out of the read-only module
 * cache, its two generated files rewritten, `go build` with the module's own go.mod. Go's
 * module and build caches (GOMODCACHE, GOCACHE) are Go's own, shared by every clone on the
 * machine: a fresh clone relinks from a warm GOCACHE in a minute or two.
 */
function buildSubsetProvider(module: DownloadedModule, servicePackages: readonly string[], key: string, buildDir: string, log: Log): void {
  mkdirSync(PROVIDER_BUILDS_DIR, { recursive: true });
  const staging = mkdtempSync(join(PROVIDER_BUILDS_DIR, `.staging-${key}-`));
  try {
    const plan = planSubset(module.Dir, AWS_PROVIDER_MODULE, servicePackages);
    log(
      `Building the AWS provider ${AWS_PROVIDER_MIRROR_VERSION} (${AWS_PROVIDER_LABEL}) with ${plan.servicePackages.length} of ${plan.totalServicePackages} ` +
        `service packages (${plan.servicePackages.join(", ")}) and ${plan.clientAccessors.length} of ${plan.totalClientAccessors} AWS clients, ` +
        `build ${key} (~9 min of 2 idle cores and 4 GiB with an empty Go build cache; a minute or two with a warm one)...`,
    );
    const started = Date.now();
    const source = join(staging, "src");
    stageSubset(module.Dir, source, plan);
    const output = join(staging, "terraform-provider-aws");
    goBuild(source, ".", output, `-s -w -X ${AWS_PROVIDER_MODULE}/version.ProviderVersion=${AWS_PROVIDER_MIRROR_VERSION}`, "the AWS provider (subset)");
    // Run without a plugin client, the provider logs its version and refuses to serve.
    const run = spawnSync(output, [], { encoding: "utf8", timeout: 60_000 });
    const expected = `${AWS_PROVIDER_MODULE}@${AWS_PROVIDER_MIRROR_VERSION}`;
    if (!`${run.stdout}${run.stderr}`.includes(expected)) {
      throw new ToolError(`the built provider does not report ${expected}: ${`${run.stdout}${run.stderr}`.trim().slice(0, 300)}`);
    }
    chmodSync(output, 0o755);
    const build: ProviderBuild = {
      key,
      module: AWS_PROVIDER_MODULE,
      pseudoVersion: AWS_PROVIDER_PSEUDO_VERSION,
      mirrorVersion: AWS_PROVIDER_MIRROR_VERSION,
      boundVersion: AWS_PROVIDER_BOUND_VERSION,
      goVersion: goVersion(),
      servicePackages: plan.servicePackages,
      clientAccessors: plan.clientAccessors,
      totalServicePackages: plan.totalServicePackages,
      totalClientAccessors: plan.totalClientAccessors,
      buildSeconds: Math.round((Date.now() - started) / 1000),
      binaryBytes: statSync(output).size,
      builtAt: new Date().toISOString(),
    };
    const result = join(staging, "result");
    mkdirSync(result);
    renameSync(output, join(result, "terraform-provider-aws"));
    writeFileSync(join(result, "build.json"), `${JSON.stringify(build, null, 2)}\n`);
    rmSync(buildDir, { recursive: true, force: true });
    renameSync(result, buildDir);
    log(`Built the AWS provider subset ${key} in ${build.buildSeconds} s (${Math.round(build.binaryBytes / 1024 / 1024)} MiB).`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Keeps the current build and the most recently used others, up to PROVIDER_BUILDS_KEPT. */
function pruneProviderBuilds(current: string): void {
  const builds = readdirSync(PROVIDER_BUILDS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => ({ name: e.name, used: statSync(join(PROVIDER_BUILDS_DIR, e.name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const old of builds.filter((b) => b.name !== current).slice(PROVIDER_BUILDS_KEPT - 1)) rmSync(join(PROVIDER_BUILDS_DIR, old.name), { recursive: true, force: true });
}

function writeIfChanged(file: string, text: string): void {
  if (existsSync(file) && readFileSync(file, "utf8") === text) return;
  mkdirSync(join(file, ".."), { recursive: true });
  const temporary = `${file}.${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
