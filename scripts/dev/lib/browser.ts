/**
 * Headless Chromium for the reviewer report's screenshot (npm run bench -- --only report) and
 * the browser tests (launchChromium, driven by playwright-core):
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

/** The flags every headless Chromium here runs with: no GPU, no sandbox (containers), nothing fetched in the background. */
export const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"] as const;

export interface BrowserSession {
  readonly context: import("playwright-core").BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), with a fresh
 * profile (--user-data-dir) that is removed on close. `viewport` and `mobile` emulate a phone
 * (touch, mobile viewport meta) or a desktop.
 */
export async function launchChromium(options: { viewport: { width: number; height: number }; mobile: boolean; deviceScaleFactor?: number }): Promise<BrowserSession> {
  const { chromium } = await import("playwright-core");
  const { mkdtempSync, rmSync } = await import("fs");
  const { tmpdir } = await import("os");
  const { join } = await import("path");
  const profile = mkdtempSync(join(tmpdir(), "medicare-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: ensureChromium(),
      headless: true,
      args: [...CHROMIUM_FLAGS],
      viewport: options.viewport,
      isMobile: options.mobile,
      hasTouch: options.mobile,
      deviceScaleFactor: options.deviceScaleFactor ?? 1,
      locale: "en-GB",
      timezoneId: "Europe/London",
    });
    return {
      context,
      close: async () => {
        await context.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
