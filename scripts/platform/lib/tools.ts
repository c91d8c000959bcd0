import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { TOOLS_DIR } from "../../paths";

/** Pinned conftest release (Go module); Rego v1 is its default syntax. */
export const CONFTEST_VERSION = "v0.71.1";
const CONFTEST_MODULE = "github.com/open-policy-agent/conftest";

/** A tool the project needs is missing and could not be installed; the message says what to do. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

function commandExists(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/**
 * Path of the pinned conftest, installing it into .tools/bin on first use with
 * `go install`. Idempotent: a version stamp beside the binary says what is there.
 * Concurrent callers each build into a private folder and rename into place.
 */
export function ensureConftest(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  const binDir = join(TOOLS_DIR, "bin");
  const binary = join(binDir, "conftest");
  const stamp = join(binDir, "conftest.version");
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === CONFTEST_VERSION) {
    return binary;
  }
  if (!commandExists("go")) {
    throw new ToolError(
      `conftest ${CONFTEST_VERSION} is not installed and Go is not on PATH. Install Go (https://go.dev/dl/), ` +
        `or place a conftest ${CONFTEST_VERSION} binary at ${binary} and write "${CONFTEST_VERSION}" to ${stamp}.`,
    );
  }
  mkdirSync(binDir, { recursive: true });
  const staging = mkdtempSync(join(TOOLS_DIR, "conftest-build-"));
  log(`Installing conftest ${CONFTEST_VERSION} with go install into ${binDir} (first run only; a few minutes on 2 cores)...`);
  const started = Date.now();
  const result = spawnSync("go", ["install", `${CONFTEST_MODULE}@${CONFTEST_VERSION}`], {
    env: { ...process.env, GOBIN: staging, GOFLAGS: "-mod=mod" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new ToolError(
      `go install ${CONFTEST_MODULE}@${CONFTEST_VERSION} failed (exit ${result.status}). ` +
        `Check that the Go module proxy is reachable (GOPROXY=${process.env.GOPROXY ?? "default"}), then run npm run tools again.`,
    );
  }
  renameSync(join(staging, "conftest"), binary);
  rmSync(staging, { recursive: true, force: true });
  writeFileSync(stamp, `${CONFTEST_VERSION}\n`);
  log(`Installed conftest ${CONFTEST_VERSION} in ${Math.round((Date.now() - started) / 1000)} s.`);
  return binary;
}
