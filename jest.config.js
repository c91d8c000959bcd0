/**
 * Jest runs transpile-only (ts-jest transpiles each file alone because tsconfig sets
 * isolatedModules): type-checking is `npm run typecheck` (tsc --noEmit), a separate step.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  // Synthesizing both environments once per file takes ~1 s; conftest runs take a few more.
  testTimeout: 120000,
  // Integration tests start MariaDB and moto on first use; stop them when the run ends.
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
};
