/**
 * Unit project's global setup: synthesizes every environment once, before any test file
 * runs, into a temp directory that `synthesize()` (support/synth.ts) copies for each file
 * instead of synthesizing again (about twenty files read the full synthesized app).
 */
import { SYNTH_FIXTURE_ENV, synthesizeFresh } from "./synth";

export default async function globalSetup(): Promise<void> {
  const fixture = synthesizeFresh(undefined, "medicare-synth-fixture-");
  // Jest starts its workers after the global setup, so they inherit this.
  process.env[SYNTH_FIXTURE_ENV] = fixture.outdir;
}
