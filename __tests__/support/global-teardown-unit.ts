/** Removes the shared synthesized app the unit project's global setup made. */
import { rmSync } from "fs";
import { SYNTH_FIXTURE_ENV } from "./synth-fixture";

export default async function globalTeardown(): Promise<void> {
  const fixture = process.env[SYNTH_FIXTURE_ENV];
  if (fixture) rmSync(fixture, { recursive: true, force: true });
}
