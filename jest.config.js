/**
 * Three Jest projects:
 * - unit: no database, no emulator (`npm run test:quick` runs only these). Tests that read
 *   the synthesized stacks share one synth of every environment, made once per run by the
 *   global setup (__tests__/support/global-setup.ts).
 * - build: the build caches' end-to-end checks (BUILD_TESTS), each several synths of every
 *   stack from scratch compared byte for byte. No service either, but a third of the unit
 *   project's time, for what only a change to the build (synth.js, the app or function
 *   bundles, esbuild) can break: `npm test` runs them, `npm run test:quick` does not. The
 *   quick loop still compares its shared synth (the app bundle) with one from source
 *   (__tests__/compute/lambda-function.test.ts).
 * - integration: the tests that run against the local MariaDB and moto, which start on first
 *   use and stop at the end of the run (global teardown).
 * A test file belongs to integration when its imports reach the local-services support
 * (directly or through another module), and must be listed in INTEGRATION_TESTS: loading this
 * config fails, naming the file, when a unit file reaches the services or a listed file no
 * longer does, so a new test lands in the right project.
 *
 * Jest runs transpile-only (ts-jest transpiles each file alone because tsconfig sets
 * isolatedModules): type-checking is `npm run typecheck` (tsc --noEmit), a separate step.
 */
const { readdirSync } = require("fs");
const { join } = require("path");
const { reachesAny } = require("./__tests__/support/import-graph");

/** Test files that need MariaDB and/or moto, relative to the project root. */
const INTEGRATION_TESTS = [
  "__tests__/browser/patient-site.test.ts",
  "__tests__/functions/bundled-send.test.ts",
  "__tests__/functions/campaign/booking.test.ts",
  "__tests__/functions/campaign/campaign-web.test.ts",
  "__tests__/functions/campaign/confirmations.test.ts",
  "__tests__/functions/campaign/contacts.test.ts",
  "__tests__/functions/campaign/cost.test.ts",
  "__tests__/functions/campaign/database-users.test.ts",
  "__tests__/functions/campaign/delivery-events.test.ts",
  "__tests__/functions/campaign/dispatch-faults.test.ts",
  "__tests__/functions/campaign/dispatch.test.ts",
  "__tests__/functions/campaign/opt-out.test.ts",
  "__tests__/functions/campaign/outcomes.test.ts",
  "__tests__/functions/campaign/planted-statement.test.ts",
  "__tests__/functions/campaign/redeem.test.ts",
  "__tests__/functions/campaign/remind.test.ts",
  "__tests__/functions/campaign/report.test.ts",
  "__tests__/functions/campaign/schema.test.ts",
  "__tests__/functions/campaign/sms-delivery-events.test.ts",
  "__tests__/functions/forms/publish.test.ts",
  "__tests__/functions/forms/submission-invitation.test.ts",
  "__tests__/functions/forms/submissions.test.ts",
  "__tests__/tools/campaign-demo-cli.test.ts",
  "__tests__/tools/plan-and-send-redelivery.test.ts",
];

/** The build project's test files (no service needed; see above), relative to the project root. */
const BUILD_TESTS = ["__tests__/compute/bundle-cache-synth.test.ts", "__tests__/tools/synth-app-bundle.test.ts"];

/** Modules that start or connect to the local services: reaching one makes a test integration. */
const LOCAL_SERVICE_MODULES = ["__tests__/support/local-services.ts", "scripts/dev/lib/services.ts"];

function testFiles(dir) {
  return readdirSync(join(__dirname, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

function checkProjects() {
  const problems = [];
  for (const file of testFiles("__tests__")) {
    const needsServices = reachesAny(__dirname, file, LOCAL_SERVICE_MODULES);
    const listed = INTEGRATION_TESTS.includes(file);
    if (needsServices && !listed) {
      problems.push(`${file} imports the local services (${needsServices.join(" -> ")}): add it to INTEGRATION_TESTS in jest.config.js`);
    }
    if (listed && !needsServices) problems.push(`${file} is in INTEGRATION_TESTS but uses no local service: remove it there, it is a unit test`);
  }
  for (const file of INTEGRATION_TESTS) if (!testFiles("__tests__").includes(file)) problems.push(`INTEGRATION_TESTS names ${file}, which does not exist`);
  for (const file of BUILD_TESTS) {
    if (!testFiles("__tests__").includes(file)) problems.push(`BUILD_TESTS names ${file}, which does not exist`);
    if (INTEGRATION_TESTS.includes(file)) problems.push(`${file} is in both BUILD_TESTS and INTEGRATION_TESTS: the build project runs without the local services`);
  }
  if (problems.length > 0) throw new Error(`jest.config.js: the unit/integration split is out of date:\n  ${problems.join("\n  ")}`);
}

checkProjects();

const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const exactly = (files) => files.map((file) => `^${escape(join(__dirname, file))}$`);
const common = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
};

module.exports = {
  // Synthesizing both environments takes a few seconds; conftest runs take a few more.
  testTimeout: 120000,
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", ...exactly(INTEGRATION_TESTS), ...exactly(BUILD_TESTS)],
      globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
      globalTeardown: "<rootDir>/__tests__/support/global-teardown-unit.ts",
    },
    {
      ...common,
      displayName: "build",
      testMatch: BUILD_TESTS.map((file) => `<rootDir>/${file}`),
    },
    {
      ...common,
      displayName: "integration",
      testMatch: INTEGRATION_TESTS.map((file) => `<rootDir>/${file}`),
      // Empties the record of statements function users ran (reported at the end: sql-usage.ts).
      globalSetup: "<rootDir>/__tests__/support/global-setup-integration.ts",
      // Integration tests start MariaDB and moto on first use; stop them when the run ends, after
      // reporting the derived database grants no test exercised.
      globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
    },
  ],
};
