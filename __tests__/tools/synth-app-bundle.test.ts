/**
 * npm run synth runs main.ts from the app bundle (scripts/platform/synth.js): its output must be
 * byte for byte what main.ts run from source through tsx writes, whether the bundle was just
 * built or came from the cache, and whether V8's code cache was there, missing or damaged.
 * Token creation stacks are left out of the bundled run (main.ts StackTraceOptions): the
 * output is the same without them.
 */
import { spawnSync } from "child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "fs";
import { join } from "path";
import { ROOT } from "../../scripts/paths";
import { SYNTH_SCRIPT } from "../../scripts/platform/lib/synth";
import { fileTree, temporaryDirectories } from "../support/files";

const tempDir = temporaryDirectories();

const filesIn = (dir: string, pattern: RegExp) => readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => pattern.test(f)).map((f) => join(dir, f));

describe("npm run synth from the app bundle", () => {
  const cacheDir = tempDir("medicare-app-bundle-");
  const run = (args: string[], env: NodeJS.ProcessEnv) => spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
  const synth = (env: NodeJS.ProcessEnv = {}, args: string[] = []) => {
    const outdir = tempDir("medicare-app-synth-");
    const result = run([SYNTH_SCRIPT, ...args], { CDKTF_OUTDIR: outdir, MEDICARE_APP_BUNDLE_CACHE: cacheDir, ...env });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    return fileTree(join(outdir, "stacks"));
  };
  const differences = (a: Map<string, Buffer>, b: Map<string, Buffer>) => [
    ...[...a.keys()].filter((file) => !b.has(file)),
    ...[...b].filter(([file, contents]) => !a.get(file)?.equals(contents)).map(([file]) => file),
  ];

  let fromSource: Map<string, Buffer>;
  beforeAll(() => {
    const outdir = tempDir("medicare-source-synth-");
    const result = run(["--import", "tsx", "main.ts"], { CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(0);
    fromSource = fileTree(join(outdir, "stacks"));
  });

  it("writes what main.ts from source writes, when it builds the bundle and when it reuses it", () => {
    const built = synth();
    expect(differences(fromSource, built)).toEqual([]);
    const [bundle] = filesIn(cacheDir, /^[0-9a-f]{64}\/[0-9a-f]{64}\.js$/);
    const manifest = JSON.parse(readFileSync(bundle.replace(/\.js$/, ".json"), "utf8"));
    // The bundle holds our modules, cdktf and the provider classes: each input is checked on every run.
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(["main.ts", "modules/config/environments.ts", "node_modules/cdktf/lib/app.js"]));
    expect(Object.keys(manifest.inputs).some((input) => input.startsWith("node_modules/@cdktf/provider-aws/lib/"))).toBe(true);
    const inode = statSync(bundle).ino;
    const [codeCache] = filesIn(cacheDir, /^v8\/[0-9a-f]{64}\.bin$/);
    expect(codeCache).toBeDefined();

    const reused = synth();
    expect(differences(fromSource, reused)).toEqual([]);
    // Not rebuilt (a rebuild writes a new file), and the code cache it left was accepted (kept as it was).
    expect(statSync(bundle).ino).toBe(inode);
    expect(filesIn(cacheDir, /^v8\/[0-9a-f]{64}\.bin$/)).toEqual([codeCache]);
  });

  it("replaces a damaged code cache, the output unchanged", () => {
    if (filesIn(cacheDir, /^v8\/[0-9a-f]{64}\.bin$/).length === 0) synth(); // when run alone
    const [codeCache] = filesIn(cacheDir, /^v8\/[0-9a-f]{64}\.bin$/);
    writeFileSync(codeCache, "not a code cache");
    expect(differences(fromSource, synth())).toEqual([]);
    expect(readFileSync(codeCache).toString()).not.toBe("not a code cache");
  });

  // A damaged or stale bundle is a BundleCache miss (__tests__/compute/bundle-cache.test.ts),
  // which synth.js meets as in the first case above: it builds the bundle again.

  // cdktf's importFrom runs `terraform version` during synth; the organization stack writes
  // its import blocks itself, so no Terraform binary on the PATH is needed or used.
  it("needs no terraform binary: the same output when the one cdktf would call does not exist", () => {
    expect(differences(fromSource, synth({ TERRAFORM_BINARY_NAME: "/nonexistent/terraform" }))).toEqual([]);
  });

  it("runs main.ts from source on request, with the same output", () => {
    expect(differences(fromSource, synth({ MEDICARE_SYNTH_FROM_SOURCE: "1" }))).toEqual([]);
  });

  it("passes main.ts its arguments: --env selects, a bad selection says what to change (exit 2)", () => {
    expect([...new Set([...synth({}, ["--env", "dev"]).keys()].map((file) => file.split("/")[0]))].sort()).toEqual(["dev-campaign", "dev-data", "dev-edge", "dev-network", "dev-security"]);
    const bad = run([SYNTH_SCRIPT, "--env", "staging"], { MEDICARE_APP_BUNDLE_CACHE: cacheDir, CDKTF_OUTDIR: tempDir("medicare-app-synth-") });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/staging/);
  });
});
