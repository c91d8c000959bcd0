/**
 * Unit project's global setup: synthesizes every environment once, before any test file
 * runs, into a temp directory that `synthesize()` (support/synth.ts) copies for each file
 * instead of synthesizing again (about twenty files read the full synthesized app).
 * It runs `npm run synth`'s script (main.ts from its cached bundle), whose output is byte for
 * byte main.ts's from source (__tests__/tools/synth-app-bundle.test.ts), in a few seconds
 * less than transpiling the app for Jest would take.
 */
import { spawnSync } from "child_process";
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ROOT } from "../../scripts/paths";
import { SYNTH_SCRIPT } from "../../scripts/platform/lib/synth";
import { SYNTH_FIXTURE_ENV } from "./synth-fixture";

export default async function globalSetup(): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), "medicare-synth-fixture-"));
  const synth = spawnSync(process.execPath, [SYNTH_SCRIPT], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CDKTF_OUTDIR: outdir } });
  if (synth.status !== 0) throw new Error(`the unit tests' shared synth failed (exit ${synth.status}):\n${synth.stderr}`);
  // Jest starts its workers after the global setup, so they inherit this.
  process.env[SYNTH_FIXTURE_ENV] = outdir;
}
