/**
 * Where the unit project's global setup put its synth of every environment (set for the
 * whole run; unset when a test runs outside Jest's projects). Its own module, without
 * support/synth.ts's imports, so the global setup and teardown load nothing of the app.
 */
export const SYNTH_FIXTURE_ENV = "MEDICARE_JEST_SYNTH_FIXTURE";
