/**
 * Headless Chromium for the reviewer report's screenshot (npm run bench -- --only report):
 * Debian's `chromium` package, installed with apt-get on first use (idempotent: an installed
 * binary is used as it is). apt installs system-wide, not under .tools/, because Chromium
 * needs its shared libraries from the same distribution; the screenshot itself goes under
 * the ignored reports/ folder.
 */
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, statSync } from "fs";
import { dirname } from "path";
import { ToolError } from "../../platform/lib/tools";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

function commandExists(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Path of a Chromium binary, installing Debian's `chromium` with apt-get when there is none. */
export function ensureChromium(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  const found = CANDIDATES.find((c) => existsSync(c));
  if (found) return found;
  if (!commandExists("apt-get")) {
    throw new ToolError("Chromium is not installed and apt-get is not available: install Chromium (Debian/Ubuntu: apt-get install chromium) so that /usr/bin/chromium exists, then run again.");
  }
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const sudo = root ? [] : commandExists("sudo") ? ["sudo", "-n"] : undefined;
  if (!sudo) throw new ToolError("Chromium is not installed and installing it needs root: run `apt-get update && apt-get install -y chromium` as root, then run again.");
  log("Installing Debian's chromium with apt-get (first run only)...");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]]) {
    const [command, ...rest] = [...sudo, ...args];
    const result = spawnSync(command, rest, { stdio: ["ignore", "inherit", "inherit"], env });
    if (result.status !== 0) throw new ToolError(`${args.join(" ")} failed (exit ${result.status}); check the Debian mirror is reachable, then run again.`);
  }
  const installed = CANDIDATES.find((c) => existsSync(c));
  if (!installed) throw new ToolError("apt-get installed chromium but no /usr/bin/chromium exists; install it by hand and run again.");
  return installed;
}

/** Takes a PNG screenshot of a local HTML file with headless Chromium; returns the PNG's size in bytes. */
export function screenshot(htmlFile: string, pngFile: string, size: { width: number; height: number } = { width: 1400, height: 2400 }): number {
  const chromium = ensureChromium();
  mkdirSync(dirname(pngFile), { recursive: true });
  const result = spawnSync(
    chromium,
    ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", `--screenshot=${pngFile}`, `--window-size=${size.width},${size.height}`, `file://${htmlFile}`],
    { encoding: "utf8", timeout: 120_000 },
  );
  if (result.status !== 0 || !existsSync(pngFile)) throw new ToolError(`chromium could not take the screenshot (exit ${result.status}): ${result.stderr}`);
  return statSync(pngFile).size;
}
